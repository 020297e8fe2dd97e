-- Table requests carry what the approval grants (issue 20, service/src/requests/): the scope the
-- table was approved for (community codes, one per line; empty: the account's own scope), the
-- grants to give the requesting account (one per line: the table, or the table with its
-- approved identifier columns, and sensitive:<key> for approved sensitive data), and the
-- security administrator who confirmed them (separated duties: an admin approves and
-- publishes, a holder of manage_users grants). Keep in step with
-- schema/sql/mysql/0015_request_grants.sql.

ALTER TABLE table_request ADD COLUMN approved_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE table_request ADD COLUMN approved_grants TEXT NOT NULL DEFAULT '';
ALTER TABLE table_request ADD COLUMN granter TEXT NOT NULL DEFAULT '';
