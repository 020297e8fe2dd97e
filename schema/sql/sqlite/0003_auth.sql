-- Authentication: browser sessions, department API tokens and login throttling. Tokens are never
-- stored, only their SHA-256 (hex). Times are Unix seconds (UTC). Keep in step with
-- schema/sql/mysql/0003_auth.sql.

CREATE TABLE auth_session (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX auth_session_user ON auth_session(user_id);

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  token_hash TEXT NOT NULL UNIQUE,
  label TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_token_user ON api_token(user_id);

-- One row per account name with recent failed logins (names that do not exist too).
CREATE TABLE login_throttle (
  user_name TEXT NOT NULL PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  window_start INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
);
