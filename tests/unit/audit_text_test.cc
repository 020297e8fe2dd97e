// What may reach the audit log and the request log: personal numbers and tokens are scrubbed,
// path parameters only when they are ids; and the helpers that read credentials off a request.
#include <gtest/gtest.h>

#include <string>

#include "audit/audit_log.h"
#include "auth/authenticator.h"
#include "http/request_audit.h"
#include "http/session_cookie.h"

namespace onetable {
namespace {

TEST(ScrubAuditText, RemovesPhonesIdNumbersAndTokensButKeepsCodesAndIds) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"person/42", "person/42"},
      {"update fields: name,phone", "update fields: name,phone"},
      {"phone 13912345678 changed", "phone [redacted] changed"},
      {"+8613912345678", "+[redacted]"},
      {"id=42058119800101123X", "id=[redacted]"},
      {"id=420581198001011234;", "id=[redacted];"},
      {"old id 420581800101123", "old id [redacted]"},  // 15-digit ID number
      {"scope=420581001001", "scope=420581001001"},     // community code: kept
      {"grid 42058100100101", "grid 42058100100101"},   // grid code: kept
      {"n=12345678901234567890123", "n=[redacted]"},    // long runs: dropped
      {"X12345678901X", "X[redacted]X"},
      {"token ots_AbC-d_E0123456789 used", "token [redacted] used"},
      {"otk_zzzzzzzz", "[redacted]"},
      {"line\nbreak\tand\x01"
       "control",
       "line break and control"},
      {"23456789012", "23456789012"},  // 11 digits, not from 1
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ScrubAuditText(c.in), c.out) << c.in;
  }
  const std::string longer(2000, 'a');
  EXPECT_LE(ScrubAuditText(longer).size(), 503u);
}

TEST(AuditObjectOf, FillsNumericParametersOnly) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/api/v1/persons/42";
  PathParams numeric{{"id", "42"}};
  EXPECT_EQ(AuditObjectOf(
                RequestContext{request, numeric, nullptr, nullptr, "r", "/api/v1/persons/{id}"}),
            "GET /api/v1/persons/42");
  PathParams personal{{"id", "420581198001011234"}};
  EXPECT_EQ(AuditObjectOf(
                RequestContext{request, personal, nullptr, nullptr, "r", "/api/v1/persons/{id}"}),
            "GET /api/v1/persons/420581198001011234")
      << "18 digits are an id the router accepts; ScrubAuditText removes it when stored";
  PathParams named{{"name", "张三"}};
  EXPECT_EQ(
      AuditObjectOf(RequestContext{request, named, nullptr, nullptr, "r", "/api/v1/users/{name}"}),
      "GET /api/v1/users/{name}");
  PathParams none;
  EXPECT_EQ(AuditObjectOf(RequestContext{request, none, nullptr, nullptr, "", ""}), "GET");
}

TEST(RequestToken, BearerFirstThenCookie) {
  struct Case {
    std::string authorization, cookie, token;
  } cases[] = {
      {"Bearer ots_abc", "", "ots_abc"},
      {"bearer   otk_abc", "", "otk_abc"},
      {"Bearer ots_abc", "onetable_session=ots_cookie", "ots_abc"},
      {"", "onetable_session=ots_cookie", "ots_cookie"},
      {"", "a=1; onetable_session=ots_cookie; b=2", "ots_cookie"},
      {"", "xonetable_session=ots_cookie", ""},
      {"", "other=1", ""},
      {"Basic dXNlcjpwYXNz", "onetable_session=ots_cookie", ""},  // not ours: no fallback
      {"", "", ""},
  };
  for (const Case& c : cases) {
    HttpRequest r;
    if (!c.authorization.empty()) r.headers["authorization"] = c.authorization;
    if (!c.cookie.empty()) r.headers["cookie"] = c.cookie;
    EXPECT_EQ(RequestToken(r), c.token) << c.authorization << " | " << c.cookie;
  }
}

TEST(Tokens, RandomPrefixedAndStoredOnlyAsHashes) {
  Result<std::string> a = NewToken("ots_");
  Result<std::string> b = NewToken("ots_");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 47u);
  EXPECT_EQ(a->rfind("ots_", 0), 0u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(TokenHash(*a).size(), 64u);
  EXPECT_EQ(TokenHash(*a), TokenHash(*a));
  EXPECT_NE(TokenHash(*a), TokenHash(*b));
  EXPECT_EQ(TokenHash(*a).find(a->substr(4, 8)), std::string::npos);
  // SHA-256("abc"), so the hash is the standard one.
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(IsoTime(0), "");
  EXPECT_EQ(IsoTime(1700000000), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace onetable
