// The durability guard's rules over server variables (store/durability.h).
#include "store/durability.h"

#include <gtest/gtest.h>

namespace onetable {
namespace {

using Vars = std::map<std::string, std::string>;

TEST(DurabilityProblems, SafeSettingsPass) {
  EXPECT_TRUE(
      DurabilityProblems(
          {{"innodb_flush_log_at_trx_commit", "1"}, {"log_bin", "OFF"}, {"sync_binlog", "0"}})
          .empty());
  EXPECT_TRUE(DurabilityProblems({{"innodb_flush_log_at_trx_commit", "1"},
                                  {"log_bin", "ON"},
                                  {"sync_binlog", "1"},
                                  {"wsrep_on", "ON"},
                                  {"wsrep_sync_wait", "3"}})
                  .empty());
  // MySQL has no wsrep_* variables: not a Galera node.
  EXPECT_TRUE(DurabilityProblems({{"innodb_flush_log_at_trx_commit", "1"}}).empty());
}

TEST(DurabilityProblems, EachUnsafeSettingIsNamed) {
  struct Case {
    Vars vars;
    std::string named;
  } cases[] = {
      {{{"innodb_flush_log_at_trx_commit", "0"}}, "innodb_flush_log_at_trx_commit = 0"},
      {{{"innodb_flush_log_at_trx_commit", "2"}}, "innodb_flush_log_at_trx_commit = 2"},
      {{}, "innodb_flush_log_at_trx_commit = （未知）"},
      {{{"innodb_flush_log_at_trx_commit", "1"}, {"log_bin", "ON"}, {"sync_binlog", "0"}},
       "sync_binlog = 0"},
      {{{"innodb_flush_log_at_trx_commit", "1"}, {"wsrep_on", "ON"}, {"wsrep_sync_wait", "0"}},
       "wsrep_sync_wait = 0"},
      // 2 waits before UPDATE and DELETE only: reads still see stale data.
      {{{"innodb_flush_log_at_trx_commit", "1"}, {"wsrep_on", "ON"}, {"wsrep_sync_wait", "2"}},
       "wsrep_sync_wait = 2"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> problems = DurabilityProblems(c.vars);
    ASSERT_EQ(problems.size(), 1u) << c.named;
    EXPECT_NE(problems[0].find(c.named), std::string::npos) << problems[0];
  }
}

TEST(DurabilityProblems, AllProblemsAtOnce) {
  EXPECT_EQ(DurabilityProblems({{"innodb_flush_log_at_trx_commit", "0"},
                                {"log_bin", "ON"},
                                {"sync_binlog", "100"},
                                {"wsrep_on", "ON"},
                                {"wsrep_sync_wait", "x"}})
                .size(),
            3u);
}

TEST(CheckStoreDurability, SqliteNeedsNoCheck) {
  EXPECT_TRUE(CheckStoreDurability("sqlite:/nonexistent/dir/x.db").ok());
}

}  // namespace
}  // namespace onetable
