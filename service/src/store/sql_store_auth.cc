// What authentication keeps in SQL: sessions, department API tokens and login throttling
// (schema/sql/*/0003_auth.sql, 0008_login_delay_token_expiry.sql).
#include "store/sql_store.h"

namespace onetable {
namespace {

const char kSessionColumns[] =
    "SELECT id, token_hash, user_id, created_at, last_seen_at, expires_at FROM auth_session";
const char kTokenColumns[] =
    "SELECT id, user_id, token_hash, label, created_by, created_at, last_used_at, revoked_at, "
    "expires_at FROM api_token";

AuthSession ReadSession(SqlStatement* s) {
  AuthSession session;
  session.id = s->Int(0);
  session.token_hash = s->Text(1).value_or("");
  session.user_id = s->Int(2);
  session.created_at = s->Int(3);
  session.last_seen_at = s->Int(4);
  session.expires_at = s->Int(5);
  return session;
}

ApiToken ReadToken(SqlStatement* s) {
  ApiToken token;
  token.id = s->Int(0);
  token.user_id = s->Int(1);
  token.token_hash = s->Text(2).value_or("");
  token.label = s->Text(3).value_or("");
  token.created_by = s->Text(4).value_or("");
  token.created_at = s->Int(5);
  token.last_used_at = s->Int(6);
  token.revoked_at = s->Int(7);
  token.expires_at = s->Int(8);
  return token;
}

void BindOpt(SqlStatement* s, int i, const std::string& v) {
  if (v.empty()) {
    s->BindNull(i);
  } else {
    s->BindText(i, v);
  }
}

}  // namespace

// --- users -------------------------------------------------------------------------------------

Result<User> SqlStore::GetUserById(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT name FROM app_user WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("编号为 " + std::to_string(id) + " 的用户不存在");
  const std::string name = s->Text(0).value_or("");
  s->Reset();
  return GetUser(name);
}

// --- sessions ----------------------------------------------------------------------------------

Result<int64_t> SqlStore::AddSession(const AuthSession& session) {
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO auth_session (token_hash, user_id, created_at, "
                          "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)"));
    s->BindText(1, session.token_hash);
    s->BindInt(2, session.user_id);
    s->BindInt(3, session.created_at);
    s->BindInt(4, session.last_seen_at);
    s->BindInt(5, session.expires_at);
    Status ex = s->Execute().status();
    if (ex.code() == StatusCode::kFailedPrecondition) {
      return Status::Precondition("编号为 " + std::to_string(session.user_id) + " 的用户不存在");
    }
    RETURN_IF_ERROR(ex);
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Result<AuthSession> SqlStore::FindSession(const std::string& token_hash) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(std::string(kSessionColumns) + " WHERE token_hash = ?"));
  s->BindText(1, token_hash);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("会话不存在或已结束");
  AuthSession session = ReadSession(s);
  s->Reset();
  return session;
}

Status SqlStore::TouchSession(int64_t id, int64_t seen_at) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE auth_session SET last_seen_at = ? WHERE id = ? AND "
                        "last_seen_at < ?"));
  s->BindInt(1, seen_at);
  s->BindInt(2, id);
  s->BindInt(3, seen_at);
  return s->Execute().status();
}

Status SqlStore::DeleteSession(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("DELETE FROM auth_session WHERE id = ?"));
  s->BindInt(1, id);
  return s->Execute().status();
}

Result<int64_t> SqlStore::DeleteUserSessions(int64_t user_id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("DELETE FROM auth_session WHERE user_id = ?"));
  s->BindInt(1, user_id);
  return s->Execute();
}

Result<int64_t> SqlStore::PurgeSessions(int64_t now, int64_t idle_before) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("DELETE FROM auth_session WHERE expires_at <= ? OR last_seen_at < ?"));
  s->BindInt(1, now);
  s->BindInt(2, idle_before);
  return s->Execute();
}

// --- login throttling --------------------------------------------------------------------------

Result<LoginThrottle> SqlStore::GetLoginThrottle(const std::string& key) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT failures, last_failure_at, next_allowed_at FROM login_throttle "
                        "WHERE throttle_key = ?"));
  s->BindText(1, key);
  LoginThrottle throttle;
  throttle.key = key;
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (found) {
    throttle.failures = static_cast<int>(s->Int(0));
    throttle.last_failure_at = s->Int(1);
    throttle.next_allowed_at = s->Int(2);
  }
  s->Reset();
  return throttle;
}

// Writes first (UPDATE) and reads after, inside one transaction, so that on MySQL the row lock is
// taken before the read and concurrent failures each count; SQLite's BEGIN IMMEDIATE serialises.
Result<LoginThrottle> SqlStore::RecordLoginFailure(const std::string& key, int64_t now,
                                                   int64_t window_seconds,
                                                   const LoginDelay& delay) {
  LoginThrottle out;
  Status st = InTransaction([&]() -> Status {
    // Within the window of the last failure: one more in a row; else a new row of one.
    ASSIGN_OR_RETURN(SqlStatement * inc,
                     Stmt("UPDATE login_throttle SET failures = CASE WHEN last_failure_at >= ? "
                          "THEN failures + 1 ELSE 1 END, last_failure_at = ? "
                          "WHERE throttle_key = ?"));
    inc->BindInt(1, now - window_seconds);
    inc->BindInt(2, now);
    inc->BindText(3, key);
    ASSIGN_OR_RETURN(int64_t n, inc->Execute());
    if (n == 0) {
      ASSIGN_OR_RETURN(SqlStatement * add,
                       Stmt("INSERT INTO login_throttle (throttle_key, failures, last_failure_at, "
                            "next_allowed_at) VALUES (?, 1, ?, 0)"));
      add->BindText(1, key);
      add->BindInt(2, now);
      RETURN_IF_ERROR(add->Execute().status());
    }
    ASSIGN_OR_RETURN(out, GetLoginThrottle(key));
    out.next_allowed_at = now + delay.After(out.failures);
    ASSIGN_OR_RETURN(SqlStatement * wait,
                     Stmt("UPDATE login_throttle SET next_allowed_at = ? WHERE throttle_key = ?"));
    wait->BindInt(1, out.next_allowed_at);
    wait->BindText(2, key);
    return wait->Execute().status();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::ClearLoginThrottle(const std::string& key) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("DELETE FROM login_throttle WHERE throttle_key = ?"));
  s->BindText(1, key);
  return s->Execute().status();
}

Result<int64_t> SqlStore::PruneLoginThrottle(int64_t now, int64_t window_seconds) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("DELETE FROM login_throttle WHERE last_failure_at < ? "
                                          "AND next_allowed_at <= ?"));
  s->BindInt(1, now - window_seconds);
  s->BindInt(2, now);
  return s->Execute();
}

// --- API tokens --------------------------------------------------------------------------------

Result<int64_t> SqlStore::AddApiToken(const ApiToken& token) {
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO api_token (user_id, token_hash, label, created_by, "
                          "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"));
    s->BindInt(1, token.user_id);
    s->BindText(2, token.token_hash);
    BindOpt(s, 3, token.label);
    BindOpt(s, 4, token.created_by);
    s->BindInt(5, token.created_at);
    s->BindInt(6, token.expires_at);
    Status ex = s->Execute().status();
    if (ex.code() == StatusCode::kFailedPrecondition) {
      return Status::Precondition("编号为 " + std::to_string(token.user_id) + " 的用户不存在");
    }
    RETURN_IF_ERROR(ex);
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Result<ApiToken> SqlStore::FindApiToken(const std::string& token_hash) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(std::string(kTokenColumns) + " WHERE token_hash = ?"));
  s->BindText(1, token_hash);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("接口令牌不存在");
  ApiToken token = ReadToken(s);
  s->Reset();
  return token;
}

Result<std::vector<ApiToken>> SqlStore::ListApiTokens(int64_t user_id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt(std::string(kTokenColumns) + " WHERE user_id = ? ORDER BY id"));
  s->BindInt(1, user_id);
  std::vector<ApiToken> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    out.push_back(ReadToken(s));
  }
  return out;
}

Status SqlStore::TouchApiToken(int64_t id, int64_t used_at) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("UPDATE api_token SET last_used_at = ? WHERE id = ? AND "
                                          "(last_used_at IS NULL OR last_used_at < ?)"));
  s->BindInt(1, used_at);
  s->BindInt(2, id);
  s->BindInt(3, used_at);
  return s->Execute().status();
}

Status SqlStore::RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("SELECT revoked_at FROM api_token WHERE id = ? AND user_id = ?"));
    s->BindInt(1, id);
    s->BindInt(2, user_id);
    ASSIGN_OR_RETURN(bool found, s->Step());
    if (!found) return Status::NotFound("未找到编号为 " + std::to_string(id) + " 的接口令牌");
    const bool revoked = s->Text(0).has_value();
    s->Reset();
    if (revoked) return Status::Ok();
    ASSIGN_OR_RETURN(SqlStatement * u, Stmt("UPDATE api_token SET revoked_at = ? WHERE id = ?"));
    u->BindInt(1, revoked_at);
    u->BindInt(2, id);
    return u->Execute().status();
  });
}

}  // namespace onetable
