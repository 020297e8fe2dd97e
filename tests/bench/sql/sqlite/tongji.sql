-- zongzhi/renkou-tongji (mappings/zongzhi/renkou-tongji.yaml) written by hand: per grid (active
-- grids, every one even when empty), living persons (status active, no death date) counted by
-- 户籍 (01) / 流动 (02) × sex × age band at :asof (bands inclusive), a subtotal row per community
-- ("<社区> 小计") and a total row (合计), in community code, grid code order.
WITH pa AS (
  SELECT p.parent_id, p.gender, p.population_type,
         CAST(substr(:asof, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) AS INTEGER)
           - (substr(:asof, 6, 5) < substr(p.birth_date, 6, 5)) AS age
  FROM person p WHERE p.status = 'active' AND p.death_date IS NULL),
per_grid AS (
  SELECT c.code AS ccode, c.name AS cname, g.code AS gcode, g.id AS gid, g.name AS gname,
         count(pa.parent_id) AS total,
         count(CASE WHEN pa.population_type = '01' THEN 1 END) AS local,
         count(CASE WHEN pa.population_type = '02' THEN 1 END) AS floating,
         count(CASE WHEN pa.population_type = '01' AND pa.gender = '1' AND pa.age BETWEEN 0 AND 14 THEN 1 END) AS l1m,
         count(CASE WHEN pa.population_type = '01' AND pa.gender = '2' AND pa.age BETWEEN 0 AND 14 THEN 1 END) AS l1f,
         count(CASE WHEN pa.population_type = '01' AND pa.gender = '1' AND pa.age BETWEEN 15 AND 59 THEN 1 END) AS l2m,
         count(CASE WHEN pa.population_type = '01' AND pa.gender = '2' AND pa.age BETWEEN 15 AND 59 THEN 1 END) AS l2f,
         count(CASE WHEN pa.population_type = '01' AND pa.gender = '1' AND pa.age >= 60 THEN 1 END) AS l3m,
         count(CASE WHEN pa.population_type = '01' AND pa.gender = '2' AND pa.age >= 60 THEN 1 END) AS l3f,
         count(CASE WHEN pa.population_type = '02' AND pa.gender = '1' AND pa.age BETWEEN 0 AND 14 THEN 1 END) AS f1m,
         count(CASE WHEN pa.population_type = '02' AND pa.gender = '2' AND pa.age BETWEEN 0 AND 14 THEN 1 END) AS f1f,
         count(CASE WHEN pa.population_type = '02' AND pa.gender = '1' AND pa.age BETWEEN 15 AND 59 THEN 1 END) AS f2m,
         count(CASE WHEN pa.population_type = '02' AND pa.gender = '2' AND pa.age BETWEEN 15 AND 59 THEN 1 END) AS f2f,
         count(CASE WHEN pa.population_type = '02' AND pa.gender = '1' AND pa.age >= 60 THEN 1 END) AS f3m,
         count(CASE WHEN pa.population_type = '02' AND pa.gender = '2' AND pa.age >= 60 THEN 1 END) AS f3f
  FROM grid g
  JOIN community c ON c.id = g.parent_id
  LEFT JOIN building b ON b.parent_id = g.id
  LEFT JOIN household h ON h.parent_id = b.id
  LEFT JOIN pa ON pa.parent_id = h.id
  WHERE g.status = 'active'
  GROUP BY g.id, c.code, c.name, g.code, g.name),
grid_rows AS (
  SELECT ccode, 0 AS kind, gcode, gid, cname AS c1, gname AS c2, total, local, floating,
         l1m, l1f, l2m, l2f, l3m, l3f, f1m, f1f, f2m, f2f, f3m, f3f FROM per_grid
  UNION ALL
  SELECT ccode, 1, NULL, NULL, cname || ' 小计', NULL, sum(total), sum(local), sum(floating),
         sum(l1m), sum(l1f), sum(l2m), sum(l2f), sum(l3m), sum(l3f),
         sum(f1m), sum(f1f), sum(f2m), sum(f2f), sum(f3m), sum(f3f)
  FROM per_grid GROUP BY ccode
  UNION ALL
  SELECT NULL, 2, NULL, NULL, '合计', NULL, sum(total), sum(local), sum(floating),
         sum(l1m), sum(l1f), sum(l2m), sum(l2f), sum(l3m), sum(l3f),
         sum(f1m), sum(f1f), sum(f2m), sum(f2f), sum(f3m), sum(f3f)
  FROM per_grid)
SELECT c1 AS 社区, c2 AS 网格, total AS 总人口, local AS 户籍人口, floating AS 流动人口,
       l1m AS "户籍·0–14岁·男", l1f AS "户籍·0–14岁·女", l2m AS "户籍·15–59岁·男",
       l2f AS "户籍·15–59岁·女", l3m AS "户籍·60岁及以上·男", l3f AS "户籍·60岁及以上·女",
       f1m AS "流动·0–14岁·男", f1f AS "流动·0–14岁·女", f2m AS "流动·15–59岁·男",
       f2f AS "流动·15–59岁·女", f3m AS "流动·60岁及以上·男", f3f AS "流动·60岁及以上·女"
FROM grid_rows
ORDER BY kind = 2, ccode, kind, gcode, gid;
