-- Run leases: one row per named lease ("connector:<source id>") while a run holds it. The holder
-- renews expires_at; once it has passed, the next run may take the lease over (its holder died).
-- Times are Unix seconds (UTC). Keep in step with schema/sql/mysql/0005_run_lease.sql.

CREATE TABLE run_lease (
  name TEXT NOT NULL PRIMARY KEY,
  holder TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
