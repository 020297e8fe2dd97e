-- 公安流动人口登记系统的一张表（示例）：ops/examples/connectors/gongan-liudong.yaml 读取它。
-- 列名沿用公安业务库常见的拼音缩写：xm 姓名、gmsfhm 公民身份号码、xb 性别、lxdh 联系电话、
-- xzz 现住址、hjdz 户籍地址、lbdrq 来本地日期、lbdsy 来本地事由、jzzh 居住证号、gxsj 更新时间。
-- 7 行：6 行有效；冯小军的身份证号校验位错误（导入时进入隔离区）。
-- 载入：mariadb --no-defaults --socket=$ONETABLE_MARIADB_DIR/mysqld.sock -u root onetable_test < 本文件
SET NAMES utf8mb4;
DROP TABLE IF EXISTS gongan_liudong;
CREATE TABLE gongan_liudong (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  xm VARCHAR(50) NOT NULL,
  gmsfhm CHAR(18) NOT NULL,
  xb VARCHAR(2),
  lxdh VARCHAR(20),
  xzz VARCHAR(200),
  hjdz VARCHAR(200),
  lbdrq DATE,
  lbdsy VARCHAR(20),
  jzzh VARCHAR(50),
  gxsj DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY gxsj_id (gxsj, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO gongan_liudong (xm, xb, gmsfhm, lxdh, xzz, hjdz, lbdrq, lbdsy, jzzh, gxsj) VALUES
  ('何志明', '男', '500101198804160314', '13972001101', '清江大道88号7栋1单元302', '重庆市万州区高笋塘街道', '2023-03-15', '务工', '420581202300011', '2024-06-01 09:12:00'),
  ('邓丽娟', '女', '421002199208230423', '13972001102', '陆城街道园林大道16号2-301', '湖北省荆州市沙市区中山路', '2022-11-02', '经商', '420581202200342', '2024-06-01 10:05:30'),
  ('罗永强', '男', '430111197901300534', '13972001103', '清江大道90号3栋', '湖南省长沙市雨花区', '2024-01-08', '务工', NULL, '2024-06-02 14:20:00'),
  ('谢婷', '女', '362121200105120648', '13972001104', '东风社区丹阳路5号', '江西省赣州市赣县区', '2023-09-01', '在校学生', NULL, '2024-06-03 08:00:00'),
  ('唐国庆', '男', '510104196610010758', '0717-4822001', '清江大道88号8栋2单元101', '四川省成都市锦江区', '2021-05-20', '投靠亲友', '420581202100077', '2024-06-03 16:45:10'),
  ('韩雪梅', '女', '13010219850218086X', '13972001106', '园林大道20号', '河北省石家庄市长安区', '2024-05-28', '服务', NULL, '2024-06-04 11:30:00'),
  ('冯小军', '男', '440106199009090971', '13972001107', '清江大道92号', '广东省广州市天河区', '2024-06-01', '务工', NULL, '2024-06-04 17:00:00');
