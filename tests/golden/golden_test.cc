// Golden tests for the shipped mappings: each tests/golden/<department>/<table>/ holds case.yaml
// (the request: as_of, scope, page_size; optionally changes_since) and expected.txt (the table as
// aligned text, then a line with the row and entry-savings counts; with changes_since, then the
// change roster from that date to the reference date and its row count). The register is
// tests/golden/register.yaml, loaded through the Store API into the store ONETABLE_TEST_STORE
// selects (sqlite, or mysql with ONETABLE_TEST_MYSQL_URL). A difference shows as a line diff.
//
// ONETABLE_GOLDEN_UPDATE=1 rewrites expected.txt with what the generator produced: review the
// change by eye (ages at the reference date, band bounds, deaths excluded, labels, masks) before
// keeping it. Such a run fails on purpose, so it is never mistaken for a passing one.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../integration/cli_runner.h"
#include "crypto/data_keys.h"
#include "crypto/process_cipher.h"
#include "mapping/change_roster.h"
#include "mapping/mapping_spec.h"
#include "mapping/preview_sink.h"
#include "mapping/scan_plan.h"
#include "mapping/table_generator.h"
#include "model/catalog.h"
#include "register_fixture.h"

namespace onetable::testing {
namespace {

namespace fs = std::filesystem;
const std::string kGoldenDir = ONETABLE_SOURCE_DIR "/tests/golden";
const std::string kMappingsDir = ONETABLE_SOURCE_DIR "/mappings";

std::vector<std::string> FindCases() {
  std::vector<std::string> ids;
  for (const auto& e : fs::recursive_directory_iterator(kGoldenDir)) {
    if (e.path().filename() == "case.yaml") {
      ids.push_back(fs::relative(e.path().parent_path(), kGoldenDir).generic_string());
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A line diff (longest common subsequence): "  same", "- expected only", "+ actual only".
std::string Diff(const std::string& expected, const std::string& actual) {
  const std::vector<std::string> a = Lines(expected), b = Lines(actual);
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out += "  " + a[i++] + "\n";
      ++j;
    } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out += "+ " + b[j++] + "\n";
    } else {
      out += "- " + a[i++] + "\n";
    }
  }
  return out;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = new Catalog(std::move(*catalog));
    // ONETABLE_TEST_ENCRYPTED=1: the register is stored with encryption at rest, and every
    // table must come out the same (golden_*_encrypted).
    if (const char* e = std::getenv("ONETABLE_TEST_ENCRYPTED"); e && std::string(e) == "1") {
      auto cipher = ParseDataKeys(
          "index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
          "key g1 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n",
          "golden");
      ASSERT_TRUE(cipher.ok()) << cipher.status().message();
      InstallProcessCipher(std::move(*cipher));
    } else {
      InstallProcessCipher(nullptr);  // in clear (cli_runner.cc installs shared keys)
    }
  }

  void SetUp() override {
    ASSERT_NE(catalog_, nullptr);
    dir_ = MakeTempDir();
    auto store = OpenStore(TestStoreUrl(dir_), *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    Status st = LoadRegisterFixture(kGoldenDir + "/register.yaml", store_.get());
    ASSERT_TRUE(st.ok()) << st.message();
  }

  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static Catalog* catalog_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

Catalog* GoldenTest::catalog_ = nullptr;

TEST_P(GoldenTest, TableMatchesExpected) {
  const std::string id = GetParam();
  const std::string case_dir = kGoldenDir + "/" + id;
  auto spec = mapping::LoadMappingSpec(kMappingsDir + "/" + id + ".yaml", *catalog_);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->id, id);

  YAML::Node c = YAML::LoadFile(case_dir + "/case.yaml");
  mapping::TableRequest request;
  request.as_of = c["as_of"] ? c["as_of"].as<std::string>() : "";
  request.scope = c["scope"] ? c["scope"].as<std::string>() : "";
  request.page_size = c["page_size"] ? c["page_size"].as<int>() : 0;

  std::ostringstream text;
  mapping::PreviewSink sink(text);
  mapping::TableGenerator generator(*catalog_, store_.get());
  auto result = generator.Generate(*spec, request, &sink);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const mapping::TableCounts& n = result->counts;
  std::string actual = text.str() + "—— 数据行 " + std::to_string(n.data_rows) + "，小计行 " +
                       std::to_string(n.subtotal_rows) + "，合计行 " +
                       std::to_string(n.total_rows) + "；登记库自动填写 " +
                       std::to_string(n.register_cells) + " / " + std::to_string(n.cells) + " 格\n";
  if (c["changes_since"]) {
    // The monthly list a department files: what was added, changed or removed since that date.
    const std::string since = c["changes_since"].as<std::string>();
    std::ostringstream changes;
    mapping::PreviewSink change_sink(changes);
    auto roster =
        mapping::GenerateChanges(*catalog_, store_.get(), *spec, request, since, {}, &change_sink);
    ASSERT_TRUE(roster.ok()) << roster.status().message();
    actual += "\n变动名单（自 " + since + "）\n" + changes.str() + "—— 变动行 " +
              std::to_string(roster->counts.data_rows) + "\n";
  }

  const std::string expected_path = case_dir + "/expected.txt";
  const char* update = std::getenv("ONETABLE_GOLDEN_UPDATE");
  if (update && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    // Never a pass: a rewritten golden file proves nothing until someone has reviewed it.
    FAIL() << "rewrote " << expected_path
           << ": review the change (git diff), then run again without ONETABLE_GOLDEN_UPDATE";
  }
  const std::string expected = ReadFile(expected_path);
  EXPECT_EQ(expected, actual) << id << " differs from " << expected_path << ":\n"
                              << Diff(expected, actual);
}

INSTANTIATE_TEST_SUITE_P(Shipped, GoldenTest, ::testing::ValuesIn(FindCases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// Every shipped mapping has a golden case, and every case a mapping.
TEST(GoldenCoverage, EveryShippedMappingHasACase) {
  std::vector<std::string> mappings;
  for (const auto& e : fs::recursive_directory_iterator(kMappingsDir)) {
    if (e.path().extension() == ".yaml") {
      mappings.push_back(
          fs::relative(e.path(), kMappingsDir).replace_extension("").generic_string());
    }
  }
  std::sort(mappings.begin(), mappings.end());
  EXPECT_EQ(mappings, FindCases());
  EXPECT_GE(mappings.size(), 12u);
}

}  // namespace
}  // namespace onetable::testing
