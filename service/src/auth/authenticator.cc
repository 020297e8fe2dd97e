#include "auth/authenticator.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>
#include <utility>

#include "model/base64.h"
#include "model/sha256.h"
#include "onetable/text.h"

namespace onetable {
namespace {

constexpr char kSessionPrefix[] = "ots_";
constexpr char kTokenPrefix[] = "otk_";
// One message for every rejected credential, so that a client cannot tell an unknown token
// from an expired or revoked one.
constexpr char kInvalidCredentials[] = "登录已失效或凭据无效，请重新登录";
constexpr char kBadLogin[] = "用户名或密码错误";

// A token is prefix + 43 base64url characters; anything else is rejected before a lookup.
bool WellFormed(const std::string& token) {
  if (token.size() != 47) return false;
  for (size_t i = 4; i < token.size(); ++i) {
    const char c = token[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status Rejected() { return Status::Unauthenticated(kInvalidCredentials); }

// kNotFound from a lookup is a rejected credential; anything else is the store's error.
Status RejectedOr(const Status& status) {
  return status.code() == StatusCode::kNotFound ? Rejected() : status;
}

// The principal of an account; an account whose stored role this binary does not know signs
// in as nobody (kUnauthenticated), rather than with a guessed role.
Result<Principal> PrincipalOf(const User& user, const char* via) {
  std::optional<Role> role = ParseRole(user.role);
  if (!role) return Rejected();
  Principal p;
  p.user_id = user.id;
  p.user = user.name;
  p.role = *role;
  p.scopes = user.scopes;
  p.grants = user.grants;
  p.via = via;
  return p;
}

}  // namespace

const char* LoginFailureName(LoginFailure failure) {
  switch (failure) {
    case LoginFailure::kNone:
      return "";
    case LoginFailure::kUnknownUser:
      return "unknown_user";
    case LoginFailure::kBadPassword:
      return "bad_password";
    case LoginFailure::kThrottled:
      return "throttled";
    case LoginFailure::kDisabled:
      return "disabled";
    case LoginFailure::kBusy:
      return "busy";
    case LoginFailure::kMissing:
      return "missing_credentials";
  }
  return "";
}

std::string TokenHash(const std::string& token) { return Sha256Hex(token); }

Result<std::string> NewToken(const std::string& prefix) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Internal("无法获取随机数");
  return prefix +
         Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string IsoTime(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

namespace {

std::string SecretOrRandom(const std::string& secret) {
  if (!secret.empty()) return secret;
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // No randomness: keys are still hashed, only guessable to someone with the binary.
    return "onetable-throttle-without-randomness";
  }
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

}  // namespace

Authenticator::Authenticator(AuthOptions options)
    : options_(std::move(options)),
      throttle_(SecretOrRandom(options_.throttle_secret), options_.throttle) {
  int slots = options_.password_check_slots;
  if (slots <= 0) slots = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  int waiters = options_.password_check_waiters;
  if (waiters <= 0) waiters = 4 * slots;
  password_slots_ = std::make_unique<PasswordSlots>(
      slots, waiters, std::chrono::milliseconds(options_.password_check_wait_ms));
}

int64_t Authenticator::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string& Authenticator::DummyHash() const {
  std::call_once(dummy_once_, [this] {
    Result<std::string> hash =
        HashPassword("onetable-dummy-password", options_.password_iterations);
    dummy_hash_ = hash.ok() ? *hash : "";
  });
  return dummy_hash_;
}

LoginOutcome Authenticator::Login(Store& store, const std::string& name,
                                  const std::string& password,
                                  const std::string& client_address) const {
  LoginOutcome out;
  if (name.empty() || password.empty()) {
    out.failure = LoginFailure::kMissing;
    out.status = Status::Unauthenticated("请输入用户名和密码");
    return out;
  }
  const int64_t now = Now();
  Result<User> user = store.GetUser(name);
  if (user.ok()) {
    out.account = *user;
  } else if (user.status().code() != StatusCode::kNotFound) {
    out.status = user.status();
    return out;
  }

  Result<int64_t> wait = throttle_.WaitSeconds(store, name, client_address, now);
  if (!wait.ok()) {
    out.status = wait.status();
    return out;
  }
  const auto wait_message = [](int64_t seconds) {
    return "登录尝试过于频繁，请 " + std::to_string(seconds < 1 ? 1 : seconds) + " 秒后再试";
  };
  if (*wait > 0) {
    out.failure = LoginFailure::kThrottled;
    out.retry_after = *wait;
    out.status = Status::Unauthenticated(wait_message(*wait));
    return out;
  }

  PasswordSlots::Slot slot = password_slots_->Acquire();
  if (!slot) {
    out.failure = LoginFailure::kBusy;
    out.retry_after = 1;
    out.status = Status::Unavailable("登录的人过多，请稍后再试");
    return out;
  }
  // An unknown name pays the same hashing cost as a known one.
  bool password_ok = false;
  if (out.account.has_value()) {
    password_ok = VerifyPassword(password, out.account->password_hash);
  } else {
    VerifyPassword(password, DummyHash());
  }
  slot.Release();
  if (!password_ok) {
    out.failure = out.account ? LoginFailure::kBadPassword : LoginFailure::kUnknownUser;
    Result<int64_t> after = throttle_.RecordFailure(store, name, client_address, now);
    if (!after.ok()) {
      out.status = after.status();
    } else if (*after > 0) {
      out.retry_after = *after;
      out.status = Status::Unauthenticated(std::string(kBadLogin) + "；" + wait_message(*after));
    } else {
      out.status = Status::Unauthenticated(kBadLogin);
    }
    return out;
  }
  if (out.account->disabled) {
    out.failure = LoginFailure::kDisabled;
    out.status = Status::Unauthenticated("该账号已停用，请联系管理员");
    return out;
  }

  Status cleared = throttle_.RecordSuccess(store, name, now);
  // Sessions that ended without a logout are removed here, where a write happens anyway.
  if (cleared.ok()) cleared = store.PurgeSessions(now, now - options_.idle_seconds).status();
  if (!cleared.ok()) {
    out.status = cleared;
    return out;
  }
  Result<std::string> token = NewToken(kSessionPrefix);
  if (!token.ok()) {
    out.status = token.status();
    return out;
  }
  out.session.token_hash = TokenHash(*token);
  out.session.user_id = out.account->id;
  out.session.created_at = now;
  out.session.last_seen_at = now;
  out.session.expires_at = now + options_.absolute_seconds;
  Result<int64_t> id = store.AddSession(out.session);
  if (!id.ok()) {
    out.status = id.status();
    return out;
  }
  out.session.id = *id;
  out.token = std::move(*token);
  return out;
}

Result<Authenticated> Authenticator::Authenticate(const std::string& token, Store& store,
                                                  bool activity) const {
  if (token.empty()) return Status::Unauthenticated("请先登录");
  if (!WellFormed(token)) return Rejected();
  const int64_t now = Now();
  Authenticated out;

  if (StartsWith(token, kTokenPrefix)) {
    Result<ApiToken> record = store.FindApiToken(TokenHash(token));
    if (!record.ok()) return RejectedOr(record.status());
    if (record->revoked_at != 0) return Rejected();
    if (record->expires_at != 0 && now >= record->expires_at) return Rejected();
    Result<User> user = store.GetUserById(record->user_id);
    if (!user.ok()) return RejectedOr(user.status());
    if (user->disabled) return Rejected();
    if (now > record->last_used_at) RETURN_IF_ERROR(store.TouchApiToken(record->id, now));
    ASSIGN_OR_RETURN(out.principal, PrincipalOf(*user, "token"));
    out.token_id = record->id;
    return out;
  }
  if (!StartsWith(token, kSessionPrefix)) return Rejected();

  Result<AuthSession> session = store.FindSession(TokenHash(token));
  if (!session.ok()) return RejectedOr(session.status());
  if (now >= session->expires_at || now - session->last_seen_at >= options_.idle_seconds) {
    RETURN_IF_ERROR(store.DeleteSession(session->id));
    return Rejected();
  }
  Result<User> user = store.GetUserById(session->user_id);
  if (!user.ok()) return RejectedOr(user.status());
  if (user->disabled) {
    RETURN_IF_ERROR(store.DeleteSession(session->id));
    return Rejected();
  }
  int64_t last_seen = session->last_seen_at;
  if (activity && now - last_seen >= options_.touch_interval_seconds) {
    RETURN_IF_ERROR(store.TouchSession(session->id, now));
    last_seen = now;
  }
  ASSIGN_OR_RETURN(out.principal, PrincipalOf(*user, "session"));
  out.session_id = session->id;
  out.expires_at = session->expires_at;
  out.idle_expires_at = std::min(session->expires_at, last_seen + options_.idle_seconds);
  return out;
}

Status Authenticator::Logout(const std::string& token, Store& store) const {
  if (!StartsWith(token, kSessionPrefix) || !WellFormed(token)) return Status::Ok();
  Result<AuthSession> session = store.FindSession(TokenHash(token));
  if (!session.ok()) {
    return session.status().code() == StatusCode::kNotFound ? Status::Ok() : session.status();
  }
  return store.DeleteSession(session->id);
}

Result<std::pair<std::string, ApiToken>> Authenticator::IssueApiToken(
    Store& store, const User& user, const std::string& label, const std::string& created_by,
    int64_t lifetime_seconds) const {
  ASSIGN_OR_RETURN(std::string token, NewToken(kTokenPrefix));
  ApiToken record;
  record.user_id = user.id;
  record.token_hash = TokenHash(token);
  record.label = label;
  record.created_by = created_by;
  record.created_at = Now();
  record.expires_at =
      record.created_at + (lifetime_seconds > 0 ? lifetime_seconds : options_.api_token_seconds);
  ASSIGN_OR_RETURN(record.id, store.AddApiToken(record));
  return std::make_pair(std::move(token), std::move(record));
}

}  // namespace onetable
