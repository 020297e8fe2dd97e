-- Login throttling by keyed hash with growing delays, and API token expiry (issue 16), SQLite
-- dialect: the same as schema/sql/mysql/0008_login_delay_token_expiry.sql (keep the two in step).
--
-- The old login_throttle kept typed account names in clear (a password typed into the name box
-- was stored) and locked names outright; it is replaced, its rows dropped. A row is now one
-- throttle key: "account:" or "address:" followed by the hex HMAC-SHA-256 of the lower-cased
-- name or the client address under the service's secret key (auth/login_throttle.h).
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
  throttle_key TEXT NOT NULL PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  last_failure_at INTEGER NOT NULL DEFAULT 0,
  next_allowed_at INTEGER NOT NULL DEFAULT 0
);

-- API tokens end (default: a year after issue); tokens issued before this get that year too.
ALTER TABLE api_token ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE api_token SET expires_at = created_at + 31536000;
