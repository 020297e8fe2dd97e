// What authentication keeps in the store (schema/sql/*/0003_auth.sql): sessions, login
// throttling and department API tokens, on both backends. Times are plain Unix seconds given by
// the caller, so nothing here waits.
#include "store_fixture.h"

namespace onetable::testing {
namespace {

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t kWindow = 900, kLock = 900;
constexpr int kMax = 5;

User MakeUser(const std::string& name, const std::string& role = "grid_worker") {
  User u;
  u.name = name;
  u.role = role;
  u.password_hash = "pbkdf2-sha256$1$AAAA$AAAA";
  return u;
}

std::string Hash(char c) { return std::string(64, c); }

TEST_F(StoreContract, UserById) {
  User u = MakeUser("wang");
  u.scopes = {"420581001001/01"};
  auto id = store_->AddUser(u);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto got = store_->GetUserById(*id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->name, "wang");
  EXPECT_EQ(got->scopes, u.scopes);
  EXPECT_EQ(store_->GetUserById(*id + 100).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreContract, SessionsAreFoundByHashTouchedAndEnded) {
  auto uid = store_->AddUser(MakeUser("li"));
  ASSERT_TRUE(uid.ok());
  AuthSession s;
  s.token_hash = Hash('a');
  s.user_id = *uid;
  s.created_at = kT0;
  s.last_seen_at = kT0;
  s.expires_at = kT0 + 43200;
  auto id = store_->AddSession(s);
  ASSERT_TRUE(id.ok()) << id.status().message();

  auto found = store_->FindSession(Hash('a'));
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(found->user_id, *uid);
  EXPECT_EQ(found->created_at, kT0);
  EXPECT_EQ(found->last_seen_at, kT0);
  EXPECT_EQ(found->expires_at, kT0 + 43200);
  EXPECT_EQ(store_->FindSession(Hash('b')).status().code(), StatusCode::kNotFound);
  // The same token hash twice is refused (a token names one session).
  EXPECT_EQ(store_->AddSession(s).status().code(), StatusCode::kAlreadyExists);

  // Touch moves last_seen forward only.
  ASSERT_TRUE(store_->TouchSession(*id, kT0 + 600).ok());
  ASSERT_TRUE(store_->TouchSession(*id, kT0 + 300).ok());
  EXPECT_EQ(store_->FindSession(Hash('a'))->last_seen_at, kT0 + 600);

  ASSERT_TRUE(store_->DeleteSession(*id).ok());
  EXPECT_EQ(store_->FindSession(Hash('a')).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->DeleteSession(*id).ok());  // already gone: fine
}

TEST_F(StoreContract, SessionsOfAUserEndTogetherAndStaleOnesArePurged) {
  auto a = store_->AddUser(MakeUser("a1"));
  auto b = store_->AddUser(MakeUser("b1"));
  ASSERT_TRUE(a.ok() && b.ok());
  const auto add = [&](char c, int64_t user, int64_t seen, int64_t expires) {
    AuthSession s;
    s.token_hash = Hash(c);
    s.user_id = user;
    s.created_at = kT0;
    s.last_seen_at = seen;
    s.expires_at = expires;
    ASSERT_TRUE(store_->AddSession(s).ok());
  };
  add('1', *a, kT0, kT0 + 43200);
  add('2', *a, kT0, kT0 + 43200);
  add('3', *b, kT0 + 2000, kT0 + 43200);  // fresh
  add('4', *b, kT0, kT0 + 43200);         // idle
  add('5', *b, kT0 + 2000, kT0 + 2100);   // past its absolute end
  auto ended = store_->DeleteUserSessions(*a);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 2);
  EXPECT_EQ(store_->FindSession(Hash('1')).status().code(), StatusCode::kNotFound);
  auto purged = store_->PurgeSessions(kT0 + 2200, kT0 + 2200 - 1800);
  ASSERT_TRUE(purged.ok()) << purged.status().message();
  EXPECT_EQ(*purged, 2);
  EXPECT_TRUE(store_->FindSession(Hash('3')).ok());
  EXPECT_FALSE(store_->FindSession(Hash('4')).ok());
  EXPECT_FALSE(store_->FindSession(Hash('5')).ok());
}

TEST_F(StoreContract, LoginFailuresLockAfterFiveInTheWindow) {
  auto fresh = store_->GetLoginThrottle("zhao");
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  EXPECT_EQ(fresh->failures, 0);
  EXPECT_EQ(fresh->locked_until, 0);

  // Case table: (time, failures after, locked_until after).
  struct Step {
    int64_t at;
    int failures;
    int64_t locked_until;
  } steps[] = {
      {kT0, 1, 0},
      {kT0 + 60, 2, 0},
      {kT0 + 120, 3, 0},
      {kT0 + 180, 4, 0},
      {kT0 + 240, 0, kT0 + 240 + kLock},          // the fifth locks
      {kT0 + 300, 0, kT0 + 240 + kLock},          // while locked: not counted
      {kT0 + 240 + kLock, 1, kT0 + 240 + kLock},  // lock over: a new window
  };
  for (const Step& s : steps) {
    SCOPED_TRACE(s.at - kT0);
    auto t = store_->RecordLoginFailure("zhao", s.at, kWindow, kMax, kLock);
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t->failures, s.failures);
    EXPECT_EQ(t->locked_until, s.locked_until);
  }
  EXPECT_EQ(store_->GetLoginThrottle("zhao")->failures, 1);

  // Failures spread wider than the window never lock.
  for (int i = 0; i < 8; ++i) {
    auto t = store_->RecordLoginFailure("qian", kT0 + i * (kWindow / 2 + 1), kWindow, kMax, kLock);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->locked_until, 0) << i;
    EXPECT_LE(t->failures, 2) << i;
  }
  // Names are counted apart, and Clear forgets one.
  EXPECT_EQ(store_->GetLoginThrottle("sun")->failures, 0);
  ASSERT_TRUE(store_->ClearLoginThrottle("zhao").ok());
  EXPECT_EQ(store_->GetLoginThrottle("zhao")->failures, 0);
  EXPECT_TRUE(store_->ClearLoginThrottle("nobody").ok());
}

TEST_F(StoreContract, ApiTokensAreFoundByHashRecordUseAndRevoke) {
  auto dept = store_->AddUser(MakeUser("minzheng", "department"));
  auto other = store_->AddUser(MakeUser("canlian", "department"));
  ASSERT_TRUE(dept.ok() && other.ok());
  ApiToken t;
  t.user_id = *dept;
  t.token_hash = Hash('c');
  t.label = "民政局报表系统";
  t.created_by = "admin";
  t.created_at = kT0;
  auto id = store_->AddApiToken(t);
  ASSERT_TRUE(id.ok()) << id.status().message();
  t.token_hash = Hash('d');
  t.label = "";
  auto id2 = store_->AddApiToken(t);
  ASSERT_TRUE(id2.ok());
  EXPECT_EQ(store_->AddApiToken(t).status().code(), StatusCode::kAlreadyExists);

  auto found = store_->FindApiToken(Hash('c'));
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(found->user_id, *dept);
  EXPECT_EQ(found->label, "民政局报表系统");
  EXPECT_EQ(found->created_by, "admin");
  EXPECT_EQ(found->created_at, kT0);
  EXPECT_EQ(found->last_used_at, 0);
  EXPECT_EQ(found->revoked_at, 0);
  EXPECT_EQ(store_->FindApiToken(Hash('e')).status().code(), StatusCode::kNotFound);

  ASSERT_TRUE(store_->TouchApiToken(*id, kT0 + 50).ok());
  ASSERT_TRUE(store_->TouchApiToken(*id, kT0 + 10).ok());  // never backwards
  EXPECT_EQ(store_->FindApiToken(Hash('c'))->last_used_at, kT0 + 50);

  // Revoking needs the owner; a second revoke keeps the first time.
  EXPECT_EQ(store_->RevokeApiToken(*other, *id, kT0 + 60).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->RevokeApiToken(*dept, 999999, kT0 + 60).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeApiToken(*dept, *id, kT0 + 60).ok());
  ASSERT_TRUE(store_->RevokeApiToken(*dept, *id, kT0 + 90).ok());
  EXPECT_EQ(store_->FindApiToken(Hash('c'))->revoked_at, kT0 + 60);

  auto list = store_->ListApiTokens(*dept);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *id);
  EXPECT_EQ((*list)[0].revoked_at, kT0 + 60);
  EXPECT_EQ((*list)[1].id, *id2);
  EXPECT_EQ((*list)[1].revoked_at, 0);
  EXPECT_TRUE(store_->ListApiTokens(*other)->empty());
}

}  // namespace
}  // namespace onetable::testing
