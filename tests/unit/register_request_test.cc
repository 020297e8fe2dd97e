// If-Match on register writes: the versions a client may send, and the answers for the rest.
#include "http/register_request.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable {
namespace {

struct IfMatchCase {
  const char* header;  // nullptr: no header
  int64_t version;     // 0: refused
  int status;          // of the refusal
};

TEST(ReadIfMatchTest, AcceptsVersionsAndRefusesTheRest) {
  const IfMatchCase cases[] = {
      {"\"3\"", 3, 0},
      {"W/\"12\"", 12, 0},
      {" 7\t", 7, 0},
      {"999999999999999999", 999999999999999999, 0},
      {nullptr, 0, 428},
      {"*", 0, 428},
      {"\"0\"", 0, 400},
      {"\"abc\"", 0, 400},
      {"1234567890123456789", 0, 400},
      // Found by tests/fuzz (json_body): a long run of digits overflowed int64 while being added
      // up (undefined behaviour) before its length was held against it.
      {"3444444444444444444444444444444444444444444444444444444", 0, 400},
  };
  for (const IfMatchCase& c : cases) {
    HttpRequest request;
    if (c.header != nullptr) request.headers["if-match"] = c.header;
    int64_t version = 0;
    HttpResponse error;
    const bool ok = ReadIfMatch(request, &version, &error);
    const std::string label = c.header ? c.header : "(none)";
    if (c.version > 0) {
      EXPECT_TRUE(ok) << label;
      EXPECT_EQ(version, c.version) << label;
    } else {
      EXPECT_FALSE(ok) << label;
      EXPECT_EQ(error.status, c.status) << label;
    }
  }
}

}  // namespace
}  // namespace onetable
