// Test helpers that read a store's database directly (beneath the Store API), and the knobs of
// the crash loops. Header-only: used by the integration and delivery test binaries.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "store/sql_connection.h"
#include "store/store_url.h"

namespace onetable::testing {

// A raw connection to the database behind a store URL (sqlite: or mysql:); null on failure.
inline std::unique_ptr<SqlConnection> Connect(const std::string& store_url) {
  auto url = ParseStoreUrl(store_url);
  EXPECT_TRUE(url.ok());
  auto db = url->scheme == "sqlite" ? OpenSqlite(url->sqlite_path) : OpenMysql(url->mysql);
  EXPECT_TRUE(db.ok()) << db.status().message();
  return db.ok() ? std::move(*db) : nullptr;
}

// The first column of every row `sql` returns, NULL as "<NULL>".
inline std::vector<std::string> Column(SqlConnection& db, const std::string& sql) {
  std::vector<std::string> out;
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << sql << ": " << stmt.status().message();
  if (!stmt.ok()) return out;
  while (true) {
    auto more = (*stmt)->Step();
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) break;
    out.push_back((*stmt)->Text(0).value_or("<NULL>"));
  }
  return out;
}

// What a check of the whole database finds wrong, empty when it is intact: SQLite's
// PRAGMA integrity_check, or MariaDB's CHECK TABLE over every table of the database.
inline std::vector<std::string> IntegrityProblems(SqlConnection& db) {
  std::vector<std::string> problems;
  if (db.Dialect() == "sqlite") {
    const std::vector<std::string> answer = Column(db, "PRAGMA integrity_check");
    if (answer != std::vector<std::string>{"ok"}) {
      problems = answer.empty() ? std::vector<std::string>{"no answer"} : answer;
    }
    return problems;
  }
  std::string tables;
  for (const std::string& t :
       Column(db,
              "SELECT table_name FROM information_schema.tables WHERE table_schema = "
              "DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name")) {
    tables += (tables.empty() ? "`" : ", `") + t + "`";
  }
  if (tables.empty()) return {"no tables"};
  auto check = db.Prepare("CHECK TABLE " + tables);
  if (!check.ok()) return {"CHECK TABLE: " + check.status().message()};
  int answers = 0;
  while (true) {
    auto more = (*check)->Step();
    if (!more.ok()) return {"CHECK TABLE: " + more.status().message()};
    if (!*more) break;
    ++answers;
    // Table, Op, Msg_type, Msg_text: each table ends with a status row that says OK.
    const std::string type = (*check)->Text(2).value_or("");
    const std::string text = (*check)->Text(3).value_or("");
    if (type == "error" || (type == "status" && text != "OK")) {
      problems.push_back((*check)->Text(0).value_or("?") + ": " + type + " " + text);
    }
  }
  if (answers == 0) problems.push_back("CHECK TABLE gave no answer");
  return problems;
}

// How many SIGKILLs a crash loop deals (ONETABLE_KILL_LOOPS; 20 by default).
inline int KillLoops() {
  const char* env = std::getenv("ONETABLE_KILL_LOOPS");
  const int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : 20;
}

// The seed of a crash loop's kill moments: ONETABLE_KILL_SEED replays a failed run.
inline uint32_t KillSeed() {
  const char* env = std::getenv("ONETABLE_KILL_SEED");
  if (env && *env) return static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  return std::random_device{}();
}

}  // namespace onetable::testing
