#include "store_fixture.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "crypto/data_keys.h"
#include "crypto/process_cipher.h"
#include "model/id_number.h"
#include "store/store_url.h"

namespace onetable::testing {

std::string g_backend = "sqlite";
std::unique_ptr<Catalog> StoreContract::catalog_;

namespace {

// Drops every table of the MySQL test database so each test starts from nothing.
void WipeMysql(SqlConnection* db) {
  auto stmt = db->Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  std::vector<std::string> tables;
  while (true) {
    auto more = (*stmt)->Step();
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    tables.push_back((*stmt)->Text(0).value_or(""));
  }
  ASSERT_TRUE(db->Exec("SET FOREIGN_KEY_CHECKS = 0").ok());
  for (const auto& t : tables) {
    Status st = db->Exec("DROP TABLE IF EXISTS `" + t + "`");
    ASSERT_TRUE(st.ok()) << st.message();
  }
  ASSERT_TRUE(db->Exec("SET FOREIGN_KEY_CHECKS = 1").ok());
}

}  // namespace

void StoreContract::SetUpTestSuite() {
  if (catalog_) return;
  auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  catalog_ = std::make_unique<Catalog>(std::move(*catalog));
}

void StoreContract::SetUp() {
  ASSERT_TRUE(catalog_) << "catalog failed to load";
  if (g_backend == "sqlite") {
    char tmpl[] = "/tmp/onetable-contract-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    url_ = "sqlite:" + dir_ + "/register.db";
  } else if (g_backend == "galera") {
    const char* urls = std::getenv("ONETABLE_TEST_GALERA_URLS");
    ASSERT_TRUE(urls && *urls) << "ONETABLE_TEST_GALERA_URLS is not set: run through ops/test, "
                                  "which starts a throwaway Galera cluster (ops/galera start)";
    std::istringstream in(urls);
    std::vector<std::string> nodes;
    for (std::string u; in >> u;) nodes.push_back(u);
    ASSERT_GE(nodes.size(), 2u) << "ONETABLE_TEST_GALERA_URLS needs two or more node URLs";
    url_ = nodes[0];
    other_urls_.assign(nodes.begin() + 1, nodes.end());
    other_urls_.push_back(nodes[0]);
    auto raw = RawConnection();
    ASSERT_TRUE(raw);
    WipeMysql(raw.get());
  } else {
    const char* url = std::getenv("ONETABLE_TEST_MYSQL_URL");
    ASSERT_TRUE(url && *url) << "ONETABLE_TEST_MYSQL_URL is not set: run through ops/test, "
                                "which starts a throwaway MariaDB (ops/mariadb start)";
    url_ = url;
    auto raw = RawConnection();
    ASSERT_TRUE(raw);
    WipeMysql(raw.get());
  }
  auto store = OpenStore(url_, *catalog_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  store_ = std::move(*store);
  Status st = store_->Migrate();
  ASSERT_TRUE(st.ok()) << st.message();
}

void StoreContract::TearDown() {
  store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

std::unique_ptr<SqlConnection> StoreContract::RawConnection() {
  auto parsed = ParseStoreUrl(url_);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return nullptr;
  auto conn = parsed->scheme == "sqlite" ? OpenSqlite(parsed->sqlite_path)
                                         : OpenMysql(parsed->mysql);
  EXPECT_TRUE(conn.ok()) << conn.status().message();
  return conn.ok() ? std::move(*conn) : nullptr;
}

std::unique_ptr<Store> StoreContract::OpenAnother() {
  const std::string& url =
      other_urls_.empty() ? url_ : other_urls_[next_other_++ % other_urls_.size()];
  auto store = OpenStore(url, *catalog_);
  // Thrown, not returned as null: every caller dereferences it, and gtest reports an exception
  // as the test's failure (a node of the cluster that is down must not crash the suite).
  if (!store.ok()) {
    throw std::runtime_error("cannot open another store: " + store.status().message());
  }
  return std::move(*store);
}

namespace {
int64_t MustInsert(Store* store, EntityKind kind, const Row& row) {
  auto id = store->Insert(kind, row);
  EXPECT_TRUE(id.ok()) << EntityName(kind) << ": " << id.status().message();
  return id.ok() ? *id : 0;
}
}  // namespace

int64_t StoreContract::AddDistrict(const std::string& code, const std::string& name) {
  Row r;
  r.values = {{"code", code}, {"name", name}};
  return MustInsert(store_.get(), EntityKind::kDistrict, r);
}
int64_t StoreContract::AddStreet(int64_t district, const std::string& code) {
  Row r;
  r.parent_id = district;
  r.values = {{"code", code}, {"name", "陆城街道"}};
  return MustInsert(store_.get(), EntityKind::kStreet, r);
}
int64_t StoreContract::AddCommunity(int64_t street, const std::string& code) {
  Row r;
  r.parent_id = street;
  r.values = {{"code", code}, {"name", "东风社区居委会"}, {"vintage", "2023"}};
  return MustInsert(store_.get(), EntityKind::kCommunity, r);
}
int64_t StoreContract::AddGrid(int64_t community, const std::string& code) {
  Row r;
  r.parent_id = community;
  r.values = {{"code", code}, {"name", "第" + code + "网格"}};
  return MustInsert(store_.get(), EntityKind::kGrid, r);
}
int64_t StoreContract::AddBuilding(int64_t grid, const std::string& address) {
  Row r;
  r.parent_id = grid;
  r.values = {{"address", address}, {"name", "3栋"}};
  return MustInsert(store_.get(), EntityKind::kBuilding, r);
}
int64_t StoreContract::AddHousehold(int64_t building, const std::string& number) {
  Row r;
  r.parent_id = building;
  r.values = {{"household_number", number}, {"household_type", "1"}, {"room", "2单元501"}};
  return MustInsert(store_.get(), EntityKind::kHousehold, r);
}
int64_t StoreContract::AddPerson(int64_t household, const std::string& name,
                                 const std::string& id_number) {
  Row r;
  r.parent_id = household;
  r.values = {{"name", name}, {"id_number", id_number}, {"relationship", "02"}};
  return MustInsert(store_.get(), EntityKind::kPerson, r);
}
int64_t StoreContract::AddTree() {
  return AddHousehold(AddBuilding(AddGrid(AddCommunity(AddStreet(AddDistrict())))));
}

std::string TestIdNumber(int serial, const std::string& birth) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", serial % 1000);
  std::string first17 = "420581" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

}  // namespace onetable::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--store=", 0) == 0) onetable::testing::g_backend = arg.substr(8);
    // The whole suite again with encryption at rest: every store it opens seals its values.
    if (arg == "--encrypted") {
      auto cipher = onetable::ParseDataKeys(
          "index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
          "key t1 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n",
          "contract");
      if (!cipher.ok()) return 2;
      onetable::InstallProcessCipher(std::move(*cipher));
    }
  }
  const std::string& backend = onetable::testing::g_backend;
  if (backend != "sqlite" && backend != "mysql" && backend != "galera") {
    std::cerr << "usage: contract_tests --store=sqlite|mysql|galera\n";
    return 2;
  }
  std::cout << "Store contract suite on " << onetable::testing::g_backend
            << (onetable::ProcessCipher() ? ", encrypted" : "") << "\n";
  return RUN_ALL_TESTS();
}
