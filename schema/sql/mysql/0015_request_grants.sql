-- Table requests carry what the approval grants, MySQL/MariaDB dialect: the same columns as
-- schema/sql/sqlite/0015_request_grants.sql (keep the two in step).

ALTER TABLE table_request ADD COLUMN approved_scope TEXT NULL;
ALTER TABLE table_request ADD COLUMN approved_grants TEXT NULL;
ALTER TABLE table_request ADD COLUMN granter VARCHAR(100) NOT NULL DEFAULT '';
