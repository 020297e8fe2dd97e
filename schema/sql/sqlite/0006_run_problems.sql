-- Named problem counts of an import run ("unplaced=3,unknown_code=2": rows per kind whose
-- mapped values did not all land), so that nothing a source sent is dropped without a word.
-- Keep in step with schema/sql/mysql/0006_run_problems.sql.

ALTER TABLE import_run ADD COLUMN problem_counts TEXT;
