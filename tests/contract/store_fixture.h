// The contract suite's fixture: a fresh, migrated store per test on the backend chosen with
// --store=sqlite|mysql|galera. MySQL needs ONETABLE_TEST_MYSQL_URL, Galera
// ONETABLE_TEST_GALERA_URLS (the three nodes' URLs, space-separated; ops/test sets both); without
// them the suite fails rather than skipping. On Galera the test's store is on node 1 and each
// OpenAnother() connects to the next node in turn, so a "second process" writes through another
// node and two nodes race for one row the way two instances behind a load balancer do.
#ifndef ONETABLE_TESTS_CONTRACT_STORE_FIXTURE_H_
#define ONETABLE_TESTS_CONTRACT_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace onetable::testing {

// Set by main() from --store.
extern std::string g_backend;

class StoreContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  void SetUp() override;
  void TearDown() override;

  // A second, raw connection to the same database (for tampering a test needs).
  std::unique_ptr<SqlConnection> RawConnection();
  // Opens another Store on the same database (a second "process"; on Galera, the next node).
  std::unique_ptr<Store> OpenAnother();

  // Helpers that build a small tree and return the ids.
  int64_t AddDistrict(const std::string& code = "420581", const std::string& name = "宜都市");
  int64_t AddStreet(int64_t district, const std::string& code = "420581001");
  int64_t AddCommunity(int64_t street, const std::string& code = "420581001001");
  int64_t AddGrid(int64_t community, const std::string& code = "01");
  int64_t AddBuilding(int64_t grid, const std::string& address = "清江大道88号");
  int64_t AddHousehold(int64_t building, const std::string& number = "420581001");
  int64_t AddPerson(int64_t household, const std::string& name, const std::string& id_number);
  // district → ... → household; returns the household id.
  int64_t AddTree();

  static const Catalog& catalog() { return *catalog_; }

  std::unique_ptr<Store> store_;
  std::string url_;
  std::vector<std::string> other_urls_;  // where OpenAnother connects, in turn
  size_t next_other_ = 0;

 private:
  static std::unique_ptr<Catalog> catalog_;
  std::string dir_;
};

// Valid ID numbers for tests: 18 characters, check digit computed.
std::string TestIdNumber(int serial, const std::string& birth = "19800101");

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_CONTRACT_STORE_FIXTURE_H_
