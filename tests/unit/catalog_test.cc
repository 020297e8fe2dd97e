// The shipped catalog (schema/fields.yaml + schema/codes/) loads and serves what storage, header
// matching and department tables rely on.
#include "model/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "crypto/encrypted_fields.h"

namespace onetable {
namespace {

const std::string kSchemaDir = ONETABLE_SOURCE_DIR "/schema";

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(kSchemaDir);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(CatalogTest, ShippedCatalogLoads) {
  Result<Catalog> loaded = Catalog::Load(kSchemaDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  size_t attributes = 0;
  for (const TagDef& tag : loaded->tags()) attributes += tag.attributes.size();
  EXPECT_GE(loaded->fields().size(), 60u);
  EXPECT_GE(loaded->fields().size() + attributes, 100u);
  EXPECT_GE(loaded->tags().size(), 14u);
}

TEST(CatalogTest, AllThreeModulesPresent) {
  std::set<std::string> modules;
  for (const FieldDef& field : Shipped().fields()) modules.insert(field.module);
  for (const TagDef& tag : Shipped().tags()) {
    modules.insert(tag.module);
    for (const FieldDef& attribute : tag.attributes) EXPECT_EQ(attribute.module, tag.module);
  }
  EXPECT_EQ(modules, (std::set<std::string>{"基本信息", "户与房屋", "专项信息"}));
}

TEST(CatalogTest, EveryReferencedCodeTableExists) {
  auto check = [&](const FieldDef& field, const std::string& owner) {
    if (field.type == FieldType::kCode) {
      ASSERT_FALSE(field.code_table.empty()) << owner << "." << field.key;
      const CodeTable* table = Shipped().FindCodeTable(field.code_table);
      ASSERT_NE(table, nullptr) << owner << "." << field.key << " -> " << field.code_table;
      EXPECT_FALSE(table->entries().empty()) << field.code_table;
    } else {
      EXPECT_TRUE(field.code_table.empty()) << owner << "." << field.key;
    }
  };
  for (const FieldDef& field : Shipped().fields()) check(field, EntityName(field.entity));
  for (const TagDef& tag : Shipped().tags()) {
    for (const FieldDef& attribute : tag.attributes) check(attribute, tag.key);
  }
  // The 21 tables from the domain brief plus the project-defined ones.
  EXPECT_GE(Shipped().code_tables().size(), 29u);
}

TEST(CatalogTest, CodesReadmeListsEveryTable) {
  std::string readme = ReadAll(kSchemaDir + "/codes/README.md");
  for (const auto& [id, table] : Shipped().code_tables()) {
    EXPECT_NE(readme.find("| " + id + " |"), std::string::npos) << id;
  }
}

TEST(CatalogTest, MatchHeaderFindsLabelsAndAliases) {
  const Catalog& c = Shipped();
  struct Case {
    EntityKind entity;
    const char* header;
    const char* key;  // nullptr: no match
  };
  const Case cases[] = {
      {EntityKind::kPerson, "身份证号码", "id_number"},
      {EntityKind::kPerson, "身份证号", "id_number"},
      {EntityKind::kPerson, "公民身份号码", "id_number"},
      {EntityKind::kPerson, "  身份证号 ", "id_number"},
      {EntityKind::kPerson, "\xE3\x80\x80姓名\xE3\x80\x80", "name"},  // full-width spaces
      {EntityKind::kPerson, "*姓名", "name"},                         // required marker
      {EntityKind::kPerson, "公民身份\n号码", "id_number"},           // wrapped Excel header
      {EntityKind::kPerson, "证件号码", "id_number"},
      {EntityKind::kPerson, "其他证件号码", "id_doc_number"},
      {EntityKind::kPerson, "手机号", "phone"},
      {EntityKind::kPerson, "联系电话", "phone"},
      {EntityKind::kPerson, "性别", "gender"},
      {EntityKind::kPerson, "出生年月", "birth_date"},
      {EntityKind::kPerson, "与户主关系", "relationship"},
      {EntityKind::kPerson, "年龄", "age"},
      {EntityKind::kHousehold, "户号", "household_number"},
      {EntityKind::kHousehold, "家庭人口", "member_count"},
      {EntityKind::kCommunity, "村（居）代码", "code"},
      {EntityKind::kCommunity, "村(居)代码", "code"},  // half-width parentheses
      {EntityKind::kGrid, "所属网格", "name"},
      {EntityKind::kPerson, "户号", nullptr},  // a household field, not a person's
      {EntityKind::kPerson, "备注", nullptr},
      {EntityKind::kPerson, "", nullptr},
      {EntityKind::kPerson, "   ", nullptr},
  };
  for (const Case& tc : cases) {
    const FieldDef* field = c.MatchHeader(tc.entity, tc.header);
    if (tc.key == nullptr) {
      EXPECT_EQ(field, nullptr) << tc.header << " matched " << (field ? field->key : "");
    } else {
      ASSERT_NE(field, nullptr) << tc.header;
      EXPECT_EQ(field->key, tc.key) << tc.header;
      EXPECT_EQ(field->entity, tc.entity) << tc.header;
    }
  }
}

TEST(CatalogTest, LookupsByKeyAndLabel) {
  const Catalog& c = Shipped();
  const FieldDef* name = c.Find(EntityKind::kPerson, "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->label, "姓名");
  EXPECT_TRUE(name->required);
  EXPECT_EQ(name->max_length, 50);
  EXPECT_EQ(name->sensitivity, Sensitivity::kPersonal);
  EXPECT_EQ(name->where.file, kSchemaDir + "/fields.yaml");
  EXPECT_GT(name->where.line, 0);

  const FieldDef* id = c.Find(EntityKind::kPerson, "id_number");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->label, "公民身份号码");
  EXPECT_EQ(id->type, FieldType::kIdNumber);
  EXPECT_EQ(id->max_length, 18);

  const FieldDef* gender = c.Find(EntityKind::kPerson, "gender");
  ASSERT_NE(gender, nullptr);
  EXPECT_EQ(gender->type, FieldType::kCode);
  EXPECT_EQ(gender->code_table, "gb2261.1-gender");

  EXPECT_EQ(c.Find(EntityKind::kPerson, "household_number"), nullptr);
  EXPECT_EQ(c.Find(EntityKind::kPerson, "nonexistent"), nullptr);
  ASSERT_NE(c.Find(EntityKind::kCommunity, "code"), nullptr);
  EXPECT_TRUE(c.Find(EntityKind::kCommunity, "code")->required);
  EXPECT_EQ(c.Find(EntityKind::kCommunity, "code")->sensitivity, Sensitivity::kPublic);
}

TEST(CatalogTest, SensitiveFieldsFollowPipl28) {
  const Catalog& c = Shipped();
  EXPECT_EQ(c.Find(EntityKind::kPerson, "religion")->sensitivity, Sensitivity::kSensitive);
  EXPECT_EQ(c.Find(EntityKind::kPerson, "health_status")->sensitivity, Sensitivity::kSensitive);
  EXPECT_EQ(c.Find(EntityKind::kPerson, "phone")->sensitivity, Sensitivity::kPersonal);
  EXPECT_EQ(c.Find(EntityKind::kGrid, "name")->sensitivity, Sensitivity::kPublic);
  for (const char* key : {"dibao", "tekun", "disability", "key_person", "left_behind"}) {
    const TagDef* tag = c.FindTag(key);
    ASSERT_NE(tag, nullptr) << key;
    EXPECT_EQ(tag->sensitivity, Sensitivity::kSensitive) << key;
    // Attributes inherit the tag's level.
    for (const FieldDef& attribute : tag->attributes) {
      EXPECT_EQ(attribute.sensitivity, Sensitivity::kSensitive) << key << "." << attribute.key;
    }
  }
}

TEST(CatalogTest, DerivedFieldsAreNotStored) {
  const Catalog& c = Shipped();
  const FieldDef* age = c.Find(EntityKind::kPerson, "age");
  ASSERT_NE(age, nullptr);
  EXPECT_TRUE(age->derived);
  EXPECT_EQ(age->type, FieldType::kInteger);
  ASSERT_NE(c.Find(EntityKind::kHousehold, "member_count"), nullptr);
  EXPECT_TRUE(c.Find(EntityKind::kHousehold, "member_count")->derived);
  for (EntityKind kind : kAllEntityKinds) {
    for (const FieldDef* field : c.StoredFields(kind)) {
      EXPECT_FALSE(field->derived) << field->key;
      EXPECT_EQ(field->entity, kind);
    }
  }
}

// Stored catalog fields and the SQL columns of the register tables must be the same set; the
// contract suite checks the live database, this checks the migration text early.
TEST(CatalogTest, StoredFieldsAreTheSqlColumns) {
  // 0001 creates the register tables; later migrations add columns to them.
  std::string sql = ReadAll(kSchemaDir + "/sql/sqlite/0001_register.sql");
  ASSERT_FALSE(sql.empty());
  std::map<std::string, std::set<std::string>> columns;
  std::istringstream in(sql);
  std::string line, table;
  while (std::getline(in, line)) {
    if (line.rfind("CREATE TABLE ", 0) == 0) {
      table = line.substr(13, line.find(' ', 13) - 13);
      continue;
    }
    if (line.rfind(")", 0) == 0) {
      table.clear();
      continue;
    }
    if (table.empty() || line.size() < 3 || line[0] != ' ') continue;
    std::istringstream words(line);
    std::string column;
    words >> column;
    if (column == "UNIQUE" || column == "PRIMARY" || column == "FOREIGN") continue;
    columns[table].insert(column);
  }
  // Later migrations add columns: "ALTER TABLE person ADD COLUMN bank_name TEXT;".
  std::vector<std::string> later;
  for (const auto& e : std::filesystem::directory_iterator(kSchemaDir + "/sql/sqlite")) {
    if (e.path().filename().string() > "0001") later.push_back(e.path().string());
  }
  std::sort(later.begin(), later.end());
  for (const std::string& path : later) {
    std::istringstream more(ReadAll(path));
    while (std::getline(more, line)) {
      std::istringstream words(line);
      std::string alter, kw_table, name, add, kw_column, column;
      words >> alter >> kw_table >> name >> add >> kw_column >> column;
      if (alter == "ALTER" && kw_table == "TABLE" && add == "ADD" && kw_column == "COLUMN") {
        columns[name].insert(column);
      }
    }
  }
  for (EntityKind kind : kAllEntityKinds) {
    std::set<std::string> expected = columns[EntityName(kind)];
    ASSERT_FALSE(expected.empty()) << EntityName(kind);
    for (const char* structural : {"id", "parent_id", "version", "status"}) {
      EXPECT_EQ(expected.erase(structural), 1u) << EntityName(kind) << "." << structural;
    }
    std::set<std::string> stored;
    for (const FieldDef* field : Shipped().StoredFields(kind)) {
      stored.insert(field->key);
      // Encryption at rest keeps an equality lookup's blind index beside the ciphertext.
      if (HasBlindIndex(*field)) stored.insert(BlindIndexColumn(*field));
    }
    EXPECT_EQ(stored, expected) << EntityName(kind);
  }
}

TEST(CatalogTest, TagsAndAttributes) {
  const Catalog& c = Shipped();
  const TagDef* dibao = c.FindTag("dibao");
  ASSERT_NE(dibao, nullptr);
  EXPECT_EQ(dibao->label, "低保对象");
  EXPECT_EQ(dibao->department, "民政局");
  EXPECT_EQ(dibao->module, "专项信息");
  const FieldDef* category = dibao->FindAttribute("category");
  ASSERT_NE(category, nullptr);
  EXPECT_EQ(category->label, "保障类别");
  EXPECT_EQ(category->code_table, "assistance-type");
  EXPECT_EQ(category->entity, EntityKind::kPerson);
  EXPECT_EQ(dibao->FindAttribute("amount")->type, FieldType::kDecimal);
  EXPECT_EQ(dibao->FindAttribute("nonexistent"), nullptr);
  EXPECT_EQ(c.FindTag("nonexistent"), nullptr);

  const TagDef* disability = c.FindTag("disability");
  ASSERT_NE(disability, nullptr);
  EXPECT_EQ(disability->FindAttribute("grade")->code_table, "gb26341-disability-grade");
  EXPECT_FALSE(disability->FindAttribute("card_number")->pattern.empty());
  const TagDef* key_person = c.FindTag("key_person");
  ASSERT_NE(key_person, nullptr);
  ASSERT_NE(c.FindCodeTable(key_person->FindAttribute("category")->code_table), nullptr);
  for (const char* key :
       {"tekun", "elderly_alone", "veteran", "disabled_veteran", "floating", "childbearing",
        "unemployed", "party_member", "volunteer", "medical_insurance", "temporary_assistance"}) {
    EXPECT_NE(c.FindTag(key), nullptr) << key;
  }
}

TEST(CatalogTest, CodeTables) {
  const CodeTable* gender = Shipped().FindCodeTable("gb2261.1-gender");
  ASSERT_NE(gender, nullptr);
  ASSERT_NE(gender->Label("1"), nullptr);
  EXPECT_EQ(*gender->Label("1"), "男性");
  ASSERT_NE(gender->CodeForLabel("女性"), nullptr);
  EXPECT_EQ(*gender->CodeForLabel("女性"), "2");
  EXPECT_EQ(gender->Label("3"), nullptr);
  EXPECT_EQ(gender->CodeForLabel("女士"), nullptr);  // exact only
  // Forms print the short name; imports that write it find the code too.
  ASSERT_NE(gender->ShortLabel("1"), nullptr);
  EXPECT_EQ(*gender->ShortLabel("1"), "男");
  ASSERT_NE(gender->CodeForLabel("女"), nullptr);
  EXPECT_EQ(*gender->CodeForLabel("女"), "2");
  EXPECT_EQ(gender->ShortLabel("3"), nullptr);
  EXPECT_EQ(gender->standard().rfind("GB/T 2261.1-2003", 0), 0u) << gender->standard();
  // A table without short names prints its labels.
  const CodeTable* marital = Shipped().FindCodeTable("gb2261.2-marital");
  ASSERT_NE(marital, nullptr);
  EXPECT_EQ(*marital->ShortLabel("20"), "已婚");
  EXPECT_EQ(*marital->ShortLabel("90"), "未说明");
  EXPECT_EQ(*marital->Label("90"), "未说明的婚姻状况");

  const CodeTable* status = Shipped().FindCodeTable("residence-status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->entries(), (std::vector<std::pair<std::string, std::string>>{
                                   {"1", "在住"}, {"2", "外出"}, {"3", "迁出"}, {"4", "死亡"}}));
  EXPECT_EQ(Shipped().FindCodeTable("nonexistent"), nullptr);
}

TEST(CatalogTest, EveryCodeTableNamesItsStandard) {
  for (const auto& [id, table] : Shipped().code_tables()) {
    EXPECT_FALSE(table.standard().empty()) << id << ".csv: no \"# standard: ...\" line";
  }
}

TEST(CatalogTest, NationalCodeTablesByDefault) {
  const Catalog& c = Shipped();
  EXPECT_EQ(c.Find(EntityKind::kPerson, "occupation")->code_table, "gb6565-occupation");
  EXPECT_EQ(c.Find(EntityKind::kPerson, "nationality")->code_table, "gb2659-nationality");
  const CodeTable* docs = c.FindCodeTable("id-document-type");
  ASSERT_NE(docs, nullptr);
  for (const char* label : {"港澳居民来往内地通行证", "台湾居民来往大陆通行证", "港澳台居民居住证",
                            "外国人永久居留身份证"}) {
    EXPECT_NE(docs->CodeForLabel(label), nullptr) << label;
  }
  EXPECT_NE(c.FindCodeTable("gb4658-education")->CodeForLabel("未上过学"), nullptr);
  EXPECT_EQ(*c.FindCodeTable("gb2659-nationality")->Label("CHN"), "中国");
  const TagDef* floating = c.FindTag("floating");
  ASSERT_NE(floating, nullptr);
  EXPECT_EQ(floating->FindAttribute("stay_reason")->code_table, "ga-stay-reason");
  // The local tables stay, for a deployment that chooses them.
  EXPECT_EQ(c.Find(EntityKind::kPerson, "occupation_shenzhen")->code_table, "occupation-shenzhen");
  EXPECT_EQ(floating->FindAttribute("reason")->code_table, "migration-reason");
}

TEST(CatalogTest, PaymentFieldsAreSensitive) {
  for (const char* key : {"bank_name", "account_name", "account_number", "social_security_card"}) {
    const FieldDef* f = Shipped().Find(EntityKind::kPerson, key);
    ASSERT_NE(f, nullptr) << key;
    EXPECT_EQ(f->sensitivity, Sensitivity::kSensitive) << key;
  }
}

TEST(CatalogTest, LoadCodeTableReadsOneFile) {
  Result<CodeTable> table = LoadCodeTable(kSchemaDir + "/codes/hukou-nature.csv");
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->id(), "hukou-nature");
  EXPECT_EQ(*table->Label("2"), "非农业");

  Result<CodeTable> missing = LoadCodeTable(kSchemaDir + "/codes/nonexistent.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nonexistent.csv"), std::string::npos);
}

TEST(CatalogTest, NamesAndLocations) {
  EXPECT_STREQ(FieldTypeName(FieldType::kIdNumber), "id_number");
  EXPECT_STREQ(FieldTypeName(FieldType::kReference), "reference");
  EXPECT_STREQ(SensitivityName(Sensitivity::kSensitive), "sensitive");
  EXPECT_EQ((SourceLocation{"a.yaml", 3, 7}).ToString(), "a.yaml:3:7");
  EXPECT_EQ((SourceLocation{"a.csv", 3, 0}).ToString(), "a.csv:3");
  EXPECT_EQ((SourceLocation{"a.csv", 0, 0}).ToString(), "a.csv");
}

TEST(CatalogTest, Entities) {
  EXPECT_STREQ(EntityName(EntityKind::kHousehold), "household");
  EXPECT_STREQ(EntityLabel(EntityKind::kPerson), "人员");
  EXPECT_EQ(ParseEntityKind("grid"), EntityKind::kGrid);
  EXPECT_EQ(ParseEntityKind("Grid"), std::nullopt);
  EXPECT_EQ(ParentKind(EntityKind::kPerson), EntityKind::kHousehold);
  EXPECT_EQ(ParentKind(EntityKind::kStreet), EntityKind::kDistrict);
  EXPECT_EQ(ParentKind(EntityKind::kDistrict), std::nullopt);
  for (EntityKind kind : kAllEntityKinds) EXPECT_EQ(ParseEntityKind(EntityName(kind)), kind);
}

}  // namespace
}  // namespace onetable
