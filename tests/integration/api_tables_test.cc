// Mappings and generated tables over real HTTP: which mappings each role may list and run,
// drafts checked with file:line:col problems, previews on live data, and downloads in JSON, CSV
// and XLSX limited to the caller's scope with sensitive columns masked.
#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "api_harness.h"
#include "model/date.h"
#include "xlsx/xlsx_reader.h"

namespace onetable::testing {
namespace {

std::vector<std::string> MappingIds(const Reply& r) {
  std::vector<std::string> ids;
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("items")) return ids;
  for (const auto& item : doc["items"].GetArray()) ids.push_back(item["id"].GetString());
  return ids;
}

// A downloaded table as rows of cells, whatever its format; the header row first.
std::vector<std::vector<std::string>> Cells(const Reply& r, const std::string& format,
                                            const std::string& dir) {
  std::vector<std::vector<std::string>> rows;
  if (format == "json") {
    rapidjson::Document doc = r.Json();
    EXPECT_TRUE(doc.IsArray()) << r.body;
    if (!doc.IsArray()) return rows;
    std::vector<std::string> header;
    for (const auto& obj : doc.GetArray()) {
      std::vector<std::string> cells;
      if (header.empty()) {
        for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m)
          header.push_back(m->name.GetString());
        rows.push_back(header);
      }
      for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m)
        cells.push_back(m->value.GetString());
      rows.push_back(cells);
    }
    return rows;
  }
  if (format == "csv") {
    EXPECT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF");  // BOM for Excel
    std::string text = r.body.substr(3);
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find("\r\n", start);
      if (end == std::string::npos) end = text.size();
      lines.push_back(text.substr(start, end - start));
      start = end + 2;
    }
    for (const std::string& line : lines) {
      std::vector<std::string> cells;
      std::string cell;
      bool quoted = false;
      for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
          if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            cell += '"';
            ++i;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell += c;
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          cells.push_back(cell);
          cell.clear();
        } else {
          cell += c;
        }
      }
      cells.push_back(cell);
      rows.push_back(cells);
    }
    // The title line comes first in CSV: drop it so every format starts at the header.
    if (!rows.empty() && rows[0].size() == 1) rows.erase(rows.begin());
    return rows;
  }
  const std::string path = dir + "/download.xlsx";
  {
    std::ofstream out(path, std::ios::binary);
    out << r.body;
  }
  auto book = connectors::XlsxWorkbook::OpenFile(path);
  EXPECT_TRUE(book.ok()) << (book.ok() ? "" : book.status().message());
  if (!book.ok()) return rows;
  auto all = (*book)->ReadAllRows(connectors::SheetSelector::First());
  EXPECT_TRUE(all.ok());
  if (!all.ok()) return rows;
  for (const auto& row : *all) rows.push_back(row.cells);
  if (!rows.empty() && rows[0].size() >= 1 && rows.size() > 1 && rows[1].size() > 1 &&
      std::count_if(rows[0].begin(), rows[0].end(),
                    [](const std::string& c) { return !c.empty(); }) == 1) {
    rows.erase(rows.begin());  // the title row
  }
  return rows;
}

// The values of column `header` in body rows.
std::vector<std::string> Column(const std::vector<std::vector<std::string>>& rows,
                                const std::string& header) {
  std::vector<std::string> out;
  if (rows.empty()) return out;
  size_t index = rows[0].size();
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == header) index = i;
  }
  EXPECT_LT(index, rows[0].size()) << "no column " << header;
  for (size_t r = 1; r < rows.size(); ++r) {
    out.push_back(index < rows[r].size() ? rows[r][index] : "");
  }
  return out;
}

class ApiTables : public ApiHarness {
 protected:
  void AddDibao(int64_t person, const std::string& amount) {
    TagAssignment tag;
    tag.person_id = person;
    tag.tag = "dibao";
    // 城市低保: the roster lists only 城市/农村低保 (01/02).
    tag.attrs = {{"amount", amount}, {"covered_count", "1"}, {"category", "01"}};
    tag.source = "test";
    ASSERT_TRUE(store_->AddTag(tag).ok());
  }
};

TEST_F(ApiTables, EachRoleListsTheMappingsItMayRun) {
  EXPECT_EQ(MappingIds(As("dept")->Get("/api/v1/mappings")),
            (std::vector<std::string>{"minzheng/gaoling-jintie"}));
  const std::vector<std::string> all = MappingIds(As("gw_a1")->Get("/api/v1/mappings?limit=500"));
  EXPECT_GE(all.size(), 10u);
  EXPECT_NE(std::find(all.begin(), all.end(), "minzheng/dibao"), all.end());
  // Paging by id.
  Reply first = As("admin")->Get("/api/v1/mappings?limit=2");
  rapidjson::Document doc = first.Json();
  ASSERT_EQ(doc["items"].Size(), 2u);
  ASSERT_TRUE(doc["next_after"].IsString());
  std::vector<std::string> rest = MappingIds(As("admin")->Get(
      std::string("/api/v1/mappings?limit=500&after=") + doc["next_after"].GetString()));
  EXPECT_EQ(rest.size() + 2, all.size());

  EXPECT_EQ(As("dept")->Get("/api/v1/mappings/minzheng/dibao").status, 403);
  Reply one = As("dept")->Get("/api/v1/mappings/minzheng/gaoling-jintie");
  ASSERT_EQ(one.status, 200) << one.body;
  rapidjson::Document spec = one.Json();
  EXPECT_EQ(spec["title"].GetString(), std::string("高龄津贴发放花名册"));
  EXPECT_FALSE(spec.HasMember("yaml"));  // the file itself is for mapping managers
  EXPECT_TRUE(
      As("admin")->Get("/api/v1/mappings/minzheng/gaoling-jintie").Json().HasMember("yaml"));
  EXPECT_EQ(As("admin")->Get("/api/v1/mappings/minzheng/nothing").status, 404);
  EXPECT_EQ(As("")->Get("/api/v1/mappings").status, 401);
}

TEST_F(ApiTables, DraftsAreCheckedWithFileLineColumn) {
  auto admin = As("admin");
  const std::string bad =
      "id: test/draft\ntitle: 草稿\ndepartment: 测试\npurpose: 测试\ngrain: person\n"
      "columns:\n  - {header: 姓名, value: nmae}\n";
  Reply r = admin->Post("/api/v1/mappings/validate", bad);
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document doc = r.Json();
  EXPECT_FALSE(doc["valid"].GetBool());
  ASSERT_GE(doc["problems"].Size(), 1u);
  EXPECT_EQ(doc["problems"][0]["line"].GetInt(), 7) << r.body;
  EXPECT_GT(doc["problems"][0]["column"].GetInt(), 0);
  EXPECT_EQ(doc["problems"][0]["file"].GetString(), std::string("draft.yaml"));

  std::string good = bad;
  good.replace(good.find("nmae"), 4, "name");
  Reply ok = admin->Post("/api/v1/mappings/validate", good);
  ASSERT_EQ(ok.status, 200);
  EXPECT_TRUE(ok.Json()["valid"].GetBool()) << ok.body;

  Reply preview = admin->Post("/api/v1/mappings/preview?limit=2", good);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.Json()["rows"].Size(), 2u);
  EXPECT_TRUE(preview.Json()["truncated"].GetBool());
  EXPECT_EQ(admin->Post("/api/v1/mappings/preview", bad).status, 422);
  EXPECT_EQ(As("gw_a1")->Post("/api/v1/mappings/validate", good).status, 403);
  EXPECT_EQ(admin->Post("/api/v1/mappings/validate", "").status, 400);
}

TEST_F(ApiTables, PreviewsAndDownloadsHoldOnlyTheCallersRows) {
  const std::string table = "/api/v1/tables/minzheng/gaoling-jintie";
  struct Case {
    std::string user;
    std::set<std::string> names;
  };
  const std::vector<Case> cases = {
      {"gw_a1", {"张三", "李四"}},
      {"ca_a", {"张三", "李四"}},
      {"admin", {"张三", "李四", "赵六"}},
      {"dept", {"张三", "李四", "赵六"}},
  };
  for (const Case& c : cases) {
    for (const std::string format : {"json", "csv", "xlsx"}) {
      Reply r = As(c.user)->Get(table + "?format=" + format + "&as_of=2026-06-30");
      ASSERT_EQ(r.status, 200) << c.user << " " << format << ": " << r.body.substr(0, 300);
      EXPECT_NE(r.Header("Content-Disposition").find("attachment"), std::string::npos);
      std::vector<std::vector<std::string>> rows = Cells(r, format, dir_);
      std::vector<std::string> names = Column(rows, "姓名");
      EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), c.names)
          << c.user << " " << format;
      EXPECT_EQ(names.size(), c.names.size()) << c.user << " " << format;
    }
    Reply preview = As(c.user)->Get("/api/v1/mappings/minzheng/gaoling-jintie/preview?as_of=2026");
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(preview.Json()["data_rows"].GetInt64(), static_cast<int64_t>(c.names.size()));
    // The change roster since a date before anyone was born: every row is new, in the same scope.
    Reply changes = As(c.user)->Get(table + "?format=json&as_of=2026-06-30&changes_since=1900-01-01");
    ASSERT_EQ(changes.status, 200) << c.user << ": " << changes.body.substr(0, 300);
    std::vector<std::vector<std::string>> rows = Cells(changes, "json", dir_);
    std::vector<std::string> names = Column(rows, "姓名");
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), c.names) << c.user;
    for (const std::string& kind : Column(rows, "变动类型")) EXPECT_EQ(kind, "新增") << c.user;
  }
  EXPECT_EQ(As("admin")->Get(table + "?format=json&changes_since=2026-13-01").status, 400);
  EXPECT_EQ(As("admin")->Get(table + "?format=json&as_of=2026-06-30&changes_since=2026-06-30").status,
            400);
  // Scope inside, outside, unknown; bad parameters.
  EXPECT_EQ(As("ca_a")->Get(table + "?format=json&scope=420581001001/01").status, 200);
  EXPECT_EQ(As("ca_a")->Get(table + "?format=json&scope=420581001002").status, 403);
  EXPECT_EQ(As("gw_a1")->Get(table + "?format=json&scope=420581001001").status, 403);
  EXPECT_EQ(As("admin")->Get(table + "?format=json&scope=999999999999").status, 404);
  EXPECT_EQ(As("admin")->Get(table + "?format=pdf").status, 400);
  EXPECT_EQ(As("admin")->Get(table + "?format=json&as_of=2026-02-30").status, 400);
  EXPECT_EQ(As("dept")->Get("/api/v1/tables/minzheng/dibao?format=json").status, 403);
  EXPECT_EQ(As("admin")->Get("/api/v1/tables/minzheng/nothing?format=json").status, 404);

  // Every download is audited, refusals too; never with personal values.
  Result<std::vector<AuditEntry>> audit =
      store_->ListAudit(AuditQuery{"", "download", "", "", 0, 500});
  ASSERT_TRUE(audit.ok());
  int ok = 0, refused = 0;
  for (const AuditEntry& e : *audit) {
    if (e.result == "ok") ++ok;
    if (e.result == "denied") ++refused;
    EXPECT_EQ(e.detail.find("张三"), std::string::npos);
  }
  EXPECT_GE(ok, 13);
  EXPECT_GE(refused, 3);
}

TEST_F(ApiTables, SensitiveColumnsAreMaskedInEveryFormat) {
  // 老年人信息登记表: chosen by age (not sensitive), with a 健康状况 column (sensitive).
  Result<Row> zhang = store_->Get(EntityKind::kPerson, ids_.zhang);
  ASSERT_TRUE(zhang.ok());
  zhang->values["health_status"] = "4";
  ASSERT_TRUE(store_->Update(EntityKind::kPerson, &*zhang).ok());
  const std::string table = "/api/v1/tables/minzheng/laonianren";
  // A change made now shows in tables from today on; a past reference date reads the register
  // as it stood then (mapping/table_generator.h).
  const std::string as_of = Today().ToString();
  for (const std::string format : {"json", "csv", "xlsx"}) {
    Reply plain = As("gw_a1")->Get(table + "?format=" + format + "&as_of=" + as_of);
    ASSERT_EQ(plain.status, 200) << plain.body.substr(0, 300);
    std::vector<std::vector<std::string>> rows = Cells(plain, format, dir_);
    EXPECT_EQ(Column(rows, "姓名"), (std::vector<std::string>{"张三", "李四"})) << format;
    EXPECT_EQ(Column(rows, "健康状况"), (std::vector<std::string>{"***", "***"})) << format;
    EXPECT_EQ(plain.body.find("生活不能自理"), std::string::npos) << format;

    Reply granted = As("admin_s")->Get(table + "?format=" + format + "&as_of=" + as_of);
    ASSERT_EQ(granted.status, 200);
    EXPECT_EQ(Column(Cells(granted, format, dir_), "健康状况")[0], "生活不能自理") << format;
  }
  Reply preview = As("gw_a1")->Get("/api/v1/mappings/minzheng/laonianren/preview");
  ASSERT_EQ(preview.status, 200);
  rapidjson::Document doc = preview.Json();
  std::set<std::string> masked;
  for (const auto& m : doc["masked"].GetArray()) masked.insert(m.GetString());
  EXPECT_TRUE(masked.count("健康状况"));
  EXPECT_FALSE(masked.count("姓名"));
}

// The 低保 roster is chosen by the 低保 tag: the list of names alone says who receives 低保, so
// masking its columns is not enough. Without the grant it is refused whole, in every format
// and as a preview; the mapping list says why.
TEST_F(ApiTables, TablesChosenBySensitiveDataNeedItsGrant) {
  AddDibao(ids_.zhang, "500");
  const std::string table = "/api/v1/tables/minzheng/dibao";
  for (const std::string format : {"json", "csv", "xlsx"}) {
    Reply refused = As("gw_a1")->Get(table + "?format=" + format);
    ASSERT_EQ(refused.status, 403) << refused.body.substr(0, 300);
    EXPECT_NE(refused.body.find("低保"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.body.find("张三"), std::string::npos) << format;
    EXPECT_EQ(As("admin")->Get(table + "?format=" + format).status, 403) << format;

    Reply granted = As("admin_s")->Get(table + "?format=" + format);
    ASSERT_EQ(granted.status, 200) << granted.body.substr(0, 300);
    std::vector<std::vector<std::string>> rows = Cells(granted, format, dir_);
    EXPECT_EQ(Column(rows, "户主姓名"), (std::vector<std::string>{"张三", ""})) << format;
    EXPECT_EQ(Column(rows, "保障金额（元/月）")[0], "500") << format;
  }
  EXPECT_EQ(As("gw_a1")->Get("/api/v1/mappings/minzheng/dibao/preview").status, 403);
  EXPECT_EQ(As("admin_s")->Get("/api/v1/mappings/minzheng/dibao/preview").status, 200);

  const auto restricted_by = [&](const std::string& user) {
    std::vector<std::string> labels;
    rapidjson::Document doc = As(user)->Get("/api/v1/mappings/minzheng/dibao").Json();
    for (const auto& label : doc["restricted_by"].GetArray()) labels.push_back(label.GetString());
    return labels;
  };
  EXPECT_EQ(restricted_by("gw_a1"), (std::vector<std::string>{"低保对象"}));
  EXPECT_EQ(restricted_by("admin_s"), std::vector<std::string>{});

  // The refusals are audited as such.
  Result<std::vector<AuditEntry>> audit =
      store_->ListAudit(AuditQuery{"gw_a1", "download", "", "", 0, 50});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  for (const AuditEntry& e : *audit) {
    EXPECT_EQ(e.object, "table/minzheng/dibao");
    EXPECT_EQ(e.result, "denied");
  }
}

}  // namespace
}  // namespace onetable::testing
