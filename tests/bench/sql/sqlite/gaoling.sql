-- minzheng/gaoling-jintie (mappings/minzheng/gaoling-jintie.yaml) written by hand: local
-- (户籍, population_type 01) persons alive at :asof (expr/alive_rule.h: not dead by then, moved
-- in by then, and still active and resident — 居住状态 not 迁出/死亡 — or ended only after it) aged
-- 80 or more at :asof (born on or before :asof minus 80 years), ordered by community, grid, household
-- address, age descending (birth date ascending), ID number, then person id; the phone masked
-- as 138****5678; 领取人签字 and 备注 are typed by hand (the mapping's manual columns).
WITH elder AS (
  SELECT p.*, CAST(substr(:asof, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) AS INTEGER)
                - (substr(:asof, 6, 5) < substr(p.birth_date, 6, 5)) AS age
  FROM person p
  WHERE p.birth_date <= date(:asof, '-80 years') AND p.population_type = '01'
    AND (p.death_date IS NULL OR p.death_date > :asof)
    AND (p.move_in_date IS NULL OR p.move_in_date <= :asof)
    AND ((p.status = 'active'
          AND (p.residence_status IS NULL OR p.residence_status NOT IN (
            SELECT e.code FROM bench_code e
            WHERE e.code_table = 'residence-status' AND e.label IN ('迁出', '死亡'))))
         OR p.death_date > :asof OR p.move_out_date > :asof))
SELECT row_number() OVER (ORDER BY c.code, g.code, h.address, p.birth_date, p.id_number, p.id)
         AS 序号,
       p.name AS 姓名, sex.label AS 性别, p.id_number AS 公民身份号码, p.birth_date AS 出生日期,
       p.age AS 年龄, c.name AS "所属村（居）",
       CASE WHEN p.age >= 100 THEN '100周岁及以上' WHEN p.age >= 90 THEN '90–99周岁'
            ELSE '80–89周岁' END AS 津贴档次,
       CASE WHEN p.age >= 100 THEN 500 WHEN p.age >= 90 THEN 200 ELSE 100 END AS "月标准（元）",
       p.bank_name AS 开户银行, COALESCE(p.account_number, p.social_security_card) AS "银行账号（社保卡号）",
       CASE WHEN p.phone IS NULL OR p.phone = '' THEN p.phone
            ELSE substr(p.phone, 1, 3) || substr('********************', 1, length(p.phone) - 7)
                 || substr(p.phone, -4) END AS 联系电话,
       g.name AS 所属网格, '' AS 领取人签字, '' AS 备注
FROM elder p
LEFT JOIN household h ON h.id = p.parent_id
LEFT JOIN building b ON b.id = h.parent_id
LEFT JOIN grid g ON g.id = b.parent_id
LEFT JOIN community c ON c.id = g.parent_id
LEFT JOIN bench_code sex ON sex.code_table = 'gb2261.1-gender' AND sex.code = p.gender
ORDER BY c.code, g.code, h.address, p.birth_date, p.id_number, p.id;
