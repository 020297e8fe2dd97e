-- The code tables next to the register (see ../sqlite/codes.sql); tests/bench/run fills it with
-- LOAD DATA LOCAL INFILE before anything is timed.
DROP TABLE IF EXISTS bench_code;
CREATE TABLE bench_code (code_table VARCHAR(64) NOT NULL, code VARCHAR(16) NOT NULL,
                         label VARCHAR(128) NOT NULL, PRIMARY KEY (code_table, code))
  DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
