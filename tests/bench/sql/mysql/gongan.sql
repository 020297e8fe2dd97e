-- 公安's 流动人口 table as its system keeps it (pinyin-initial column names, codes, gxsj the time
-- a row last changed): the source the mysql connector pulls from. tests/bench/run creates it and
-- fills it from gongan_ldrk.tsv with LOAD DATA LOCAL INFILE.
DROP TABLE IF EXISTS gongan_ldrk;
CREATE TABLE gongan_ldrk (
  id BIGINT PRIMARY KEY,
  xm VARCHAR(50) NOT NULL COMMENT '姓名',
  gmsfhm VARCHAR(18) NOT NULL COMMENT '公民身份号码',
  xb CHAR(1) COMMENT '性别',
  mz CHAR(2) COMMENT '民族',
  csrq DATE COMMENT '出生日期',
  hjdz VARCHAR(200) COMMENT '户籍地址',
  xzz VARCHAR(200) COMMENT '现住址',
  lxdh VARCHAR(20) COMMENT '联系电话',
  djrq DATE COMMENT '登记日期',
  lbdsy VARCHAR(2) COMMENT '来本地事由',
  zxbs CHAR(1) NOT NULL DEFAULT '0' COMMENT '注销标识',
  gxsj DATETIME NOT NULL COMMENT '更新时间',
  KEY gxsj_id (gxsj, id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
