-- bench/quanyuan-renkou (tests/bench/mappings/bench/quanyuan-renkou.yaml) written by hand: every
-- person with the tree above them (a person outside any household keeps its row, hence LEFT
-- JOINs), labels from the code tables, age in whole years at @asof, ordered as the mapping
-- orders (then by person id, as the store does).
SELECT row_number() OVER (ORDER BY c.code, g.code, h.household_number, p.id) AS 序号,
       c.name AS 社区, g.name AS 网格, b.address AS 楼栋地址, h.household_number AS 户号,
       p.name AS 姓名, sex.label AS 性别, p.id_number AS 公民身份号码, p.birth_date AS 出生日期,
       CAST(substr(@asof, 1, 4) AS SIGNED) - CAST(substr(p.birth_date, 1, 4) AS SIGNED)
         - (substr(@asof, 6, 5) < substr(p.birth_date, 6, 5)) AS 年龄,
       eth.label AS 民族, rel.label AS 与户主关系, pt.label AS 人口类型,
       p.phone AS 联系电话, p.current_address AS 现居住地址
FROM person p
LEFT JOIN household h ON h.id = p.parent_id
LEFT JOIN building b ON b.id = h.parent_id
LEFT JOIN grid g ON g.id = b.parent_id
LEFT JOIN community c ON c.id = g.parent_id
LEFT JOIN bench_code sex ON sex.code_table = 'gb2261.1-gender' AND sex.code = p.gender
LEFT JOIN bench_code eth ON eth.code_table = 'gb3304-ethnicity' AND eth.code = p.ethnicity
LEFT JOIN bench_code rel ON rel.code_table = 'gb4761-relationship' AND rel.code = p.relationship
LEFT JOIN bench_code pt ON pt.code_table = 'population-type' AND pt.code = p.population_type
ORDER BY c.code, g.code, h.household_number, p.id;
