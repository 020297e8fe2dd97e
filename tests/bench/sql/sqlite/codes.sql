-- The code tables as a DBA would keep them next to the register: one table of (table, code,
-- label), filled from schema/codes/*.csv by tests/bench/run before anything is timed.
DROP TABLE IF EXISTS bench_code;
CREATE TABLE bench_code (code_table TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL,
                         PRIMARY KEY (code_table, code));
