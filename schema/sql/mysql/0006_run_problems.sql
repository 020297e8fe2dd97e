-- Named problem counts of an import run, MySQL/MariaDB dialect: the same column as
-- schema/sql/sqlite/0006_run_problems.sql (keep the two in step).

ALTER TABLE import_run ADD COLUMN problem_counts TEXT NULL;
