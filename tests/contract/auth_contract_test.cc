// What authentication keeps in the store (schema/sql/*/0003_auth.sql): sessions, login
// throttling and department API tokens, on both backends. Times are plain Unix seconds given by
// the caller, so nothing here waits.
#include "store_fixture.h"

namespace onetable::testing {
namespace {

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t kWindow = 900;

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

TEST_F(StoreContract, LoginFailuresInARowMakeAKeyWaitLongerEachTime) {
  auto fresh = store_->GetLoginThrottle("account:aa");
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  EXPECT_EQ(fresh->failures, 0);
  EXPECT_EQ(fresh->next_allowed_at, 0);

  const LoginDelay delay{3, 2, 10};  // 3 free, then 2 s, 4 s, 8 s, at most 10 s
  // Case table: (time, failures after, next_allowed_at after).
  struct Step {
    int64_t at;
    int failures;
    int64_t next_allowed_at;
  } steps[] = {
      {kT0, 1, kT0},
      {kT0 + 60, 2, kT0 + 60},
      {kT0 + 120, 3, kT0 + 120},
      {kT0 + 180, 4, kT0 + 182},
      {kT0 + 190, 5, kT0 + 194},
      {kT0 + 200, 6, kT0 + 208},
      {kT0 + 210, 7, kT0 + 220},  // the cap
      {kT0 + 230, 8, kT0 + 240},
      {kT0 + 230 + kWindow + 1, 1, kT0 + 230 + kWindow + 1},  // a quiet window: a new row
  };
  for (const Step& s : steps) {
    SCOPED_TRACE(s.at - kT0);
    auto t = store_->RecordLoginFailure("account:aa", s.at, kWindow, delay);
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t->failures, s.failures);
    EXPECT_EQ(t->next_allowed_at, s.next_allowed_at);
  }
  EXPECT_EQ(store_->GetLoginThrottle("account:aa")->failures, 1);

  // Keys are counted apart, and Clear forgets one.
  EXPECT_EQ(store_->GetLoginThrottle("address:bb")->failures, 0);
  ASSERT_TRUE(store_->ClearLoginThrottle("account:aa").ok());
  EXPECT_EQ(store_->GetLoginThrottle("account:aa")->failures, 0);
  EXPECT_TRUE(store_->ClearLoginThrottle("nobody").ok());
}

TEST_F(StoreContract, PruningForgetsQuietKeysOnly) {
  const LoginDelay long_wait{0, 100000, 100000};
  ASSERT_TRUE(store_->RecordLoginFailure("account:old", kT0, kWindow, LoginDelay{}).ok());
  ASSERT_TRUE(store_->RecordLoginFailure("account:waiting", kT0, kWindow, long_wait).ok());
  ASSERT_TRUE(store_->RecordLoginFailure("account:recent", kT0 + kWindow, kWindow, {}).ok());
  // At kT0 + kWindow + 1: "old" is quiet for longer than the window and goes; "waiting" is as
  // quiet but still waits; "recent" is recent.
  auto pruned = store_->PruneLoginThrottle(kT0 + kWindow + 1, kWindow);
  ASSERT_TRUE(pruned.ok()) << pruned.status().message();
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(store_->GetLoginThrottle("account:old")->failures, 0);
  EXPECT_EQ(store_->GetLoginThrottle("account:waiting")->failures, 1);
  EXPECT_EQ(store_->GetLoginThrottle("account:recent")->failures, 1);
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
  t.expires_at = kT0 + 365 * 86400;
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
  EXPECT_EQ(found->expires_at, kT0 + 365 * 86400);
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
