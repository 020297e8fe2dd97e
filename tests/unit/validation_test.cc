// Validator: per-type accept/reject/normalize against the shipped catalog, and record-level rules
// (unknown and required fields, ID number filling and cross-checking birth date and gender).
#include "model/validation.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "model/catalog.h"
#include "model/divisions.h"

namespace onetable {
namespace {

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

struct FieldCase {
  EntityKind entity;
  const char* key;  // "tag.attribute" for a tag attribute
  std::string input;
  const char* result;  // normalized value when valid, else the expected Problem code
  bool valid;
};

const FieldDef* Lookup(EntityKind entity, const std::string& key) {
  size_t dot = key.find('.');
  if (dot == std::string::npos) return Shipped().Find(entity, key);
  const TagDef* tag = Shipped().FindTag(key.substr(0, dot));
  return tag == nullptr ? nullptr : tag->FindAttribute(key.substr(dot + 1));
}

void RunCases(const Validator& validator, const std::vector<FieldCase>& cases) {
  for (const FieldCase& tc : cases) {
    const FieldDef* field = Lookup(tc.entity, tc.key);
    ASSERT_NE(field, nullptr) << tc.key;
    std::string value = tc.input;
    std::optional<Problem> problem = validator.NormalizeField(*field, &value);
    if (tc.valid) {
      EXPECT_FALSE(problem.has_value())
          << tc.key << " \"" << tc.input << "\": " << (problem ? problem->message : "");
      EXPECT_EQ(value, tc.result) << tc.key << " \"" << tc.input << "\"";
    } else {
      ASSERT_TRUE(problem.has_value()) << tc.key << " \"" << tc.input << "\" accepted as " << value;
      EXPECT_EQ(problem->code, tc.result)
          << tc.key << " \"" << tc.input << "\": " << problem->message;
      EXPECT_FALSE(problem->message.empty());
      EXPECT_EQ(value, tc.input) << "a rejected value is left as it was";
    }
  }
}

constexpr EntityKind P = EntityKind::kPerson;
constexpr EntityKind H = EntityKind::kHousehold;
constexpr EntityKind C = EntityKind::kCommunity;

TEST(ValidationTest, StringTrimsAndCountsCharactersNotBytes) {
  Validator v(Shipped(), nullptr);
  std::string han50, han51;
  for (int i = 0; i < 50; ++i) han50 += "张";
  han51 = han50 + "三";
  RunCases(v,
           {
               {P, "name", "  张三 ", "张三", true},
               {P, "name", "\xE3\x80\x80张三\xE3\x80\x80", "张三", true},  // full-width spaces
               {P, "name", "𠈌小明", "𠈌小明", true},  // outside the BMP: one character
               {P, "name", han50, han50.c_str(), true},
               {P, "name", han51, "too_long", false},
               {P, "name", "   ", "", true},  // blank is empty, not an error here
               {P, "name", "\xFF\xFE", "encoding", false},
               {P, "name", "张\xE4\xB8", "encoding", false},  // truncated UTF-8
               {H, "property_unit_code", "4403051234567890123456789ABC",
                "4403051234567890123456789ABC", true},
               {H, "property_unit_code", "4403051234567890123456789abc", "pattern_mismatch", false},
               {P, "disability.card_number", "11010519491231002X11", "11010519491231002X11", true},
               {P, "disability.card_number", "11010519491231002X81", "pattern_mismatch", false},
           });
}

// Issue 16: a NUL cut "ID\0GARBAGE" to a valid ID number in some readers, and names could hold
// CR/LF (forged lines in exports and logs). Control characters are refused in every value; only
// free text (an address from a multi-line cell) keeps line breaks and tabs, never a NUL.
TEST(ValidationTest, ControlCharactersAreRefusedInEveryValue) {
  Validator v(Shipped(), nullptr);
  const std::string id = "11010519491231002X";
  RunCases(
      v,
      {
          {P, "id_number", id + std::string("\0GARBAGE", 8), "control_character", false},
          {P, "id_number", std::string("110105\0", 7) + "19491231002X", "control_character", false},
          {P, "name", "张三\r\n李四", "control_character", false},
          {P, "name", "张三\n", "张三", true},  // trailing blanks are trimmed, as ever
          {P, "name", "张\x1b[31m三", "control_character", false},
          {P, "name", "张\x7f三", "control_character", false},
          {P, "name", "张\xc2\x85三", "control_character", false},  // U+0085 NEL
          {P, "current_address", "东城区\n1号", "东城区\n1号", true},
          {P, "current_address", std::string("东城区\0", 10) + "1号", "control_character", false},
          {P, "former_name", "张\n三", "control_character", false},
          {P, "phone", "1380000\t0001", "control_character", false},
          {P, "name", "张三", "张三", true},
      });
}

TEST(ValidationTest, CodeAcceptsCodesAndLabels) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {P, "gender", "1", "1", true},
                  {P, "gender", "女性", "2", true},
                  {P, "gender", "男", "1", true},  // departments write 男/女
                  {P, "gender", "女", "2", true},
                  {P, "gender", " 女 ", "2", true},
                  {P, "gender", "3", "code_unknown", false},
                  {P, "gender", "男的", "code_unknown", false},
                  {P, "ethnicity", "汉族", "01", true},
                  {P, "ethnicity", "汉", "01", true},
                  {P, "ethnicity", "1", "01", true},  // Excel dropped the leading zero
                  {P, "ethnicity", "01", "01", true},
                  {P, "ethnicity", "99", "code_unknown", false},
                  {P, "education", "初中毕业", "71", true},
                  {P, "education", "初中", "code_unknown", false},  // 毕业 or 肄业? not guessed
                  {P, "relationship", "2", "02", true},
                  {P, "residence_status", "迁出", "3", true},
                  {P, "hukou_nature", "非农业", "2", true},
                  {P, "dibao.category", "农村低保", "02", true},
                  {P, "dibao.category", "特困", "code_unknown", false},
                  {P, "disability.category", "视力", "1", true},
                  {P, "medical_insurance.type", "职工医保", "1", true},
              });
}

TEST(ValidationTest, CodeProblemListsTheChoicesOfSmallTables) {
  Validator v(Shipped(), nullptr);
  std::string value = "不详";
  std::optional<Problem> p = v.NormalizeField(*Shipped().Find(P, "gender"), &value);
  ASSERT_TRUE(p.has_value());
  EXPECT_NE(p->message.find("1 男性"), std::string::npos) << p->message;
  value = "火星族";
  p = v.NormalizeField(*Shipped().Find(P, "ethnicity"), &value);
  ASSERT_TRUE(p.has_value());
  EXPECT_NE(p->message.find("gb3304-ethnicity"), std::string::npos) << p->message;
}

TEST(ValidationTest, Dates) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {P, "birth_date", "2024-06-30", "2024-06-30", true},
                  {P, "birth_date", "2024/6/30", "2024-06-30", true},
                  {P, "birth_date", "20240630", "2024-06-30", true},
                  {P, "birth_date", "2024年6月30日", "2024-06-30", true},
                  {P, "birth_date", "2024-02-29", "2024-02-29", true},
                  {P, "birth_date", "2023-02-29", "date_invalid", false},
                  {P, "birth_date", "去年", "date_format", false},
                  {P, "dibao.since", "2021.3.1", "2021-03-01", true},
              });
}

TEST(ValidationTest, IntegersAndDecimals) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {H, "room_count", "3", "3", true},
                  {H, "room_count", "007", "7", true},
                  {H, "room_count", "3.0", "3", true},  // spreadsheet whole number
                  {H, "room_count", "+4", "4", true},
                  {H, "room_count", "-0", "0", true},
                  {H, "room_count", "３", "3", true},  // full-width digit
                  {H, "room_count", "3.5", "integer_format", false},
                  {H, "room_count", "三", "integer_format", false},
                  {H, "room_count", "", "", true},
                  {H, "room_count", "1234567890123456789", "integer_range", false},
                  {C, "vintage", "2023", "2023", true},
                  {C, "vintage", "1800", "pattern_mismatch", false},
                  {H, "floor_area", "12.50", "12.5", true},
                  {H, "floor_area", "12.000", "12", true},
                  {H, "floor_area", "0012", "12", true},
                  {H, "floor_area", ".5", "0.5", true},
                  {H, "floor_area", "12.", "12", true},
                  {H, "floor_area", "-0.0", "0", true},
                  {H, "floor_area", "-3.10", "-3.1", true},
                  {H, "floor_area", "１２．５", "12.5", true},
                  {H, "floor_area", "1e3", "decimal_format", false},
                  {H, "floor_area", "12,5", "decimal_format", false},
                  {H, "floor_area", ".", "decimal_format", false},
                  {H, "floor_area", "-", "decimal_format", false},
                  {P, "dibao.amount", "680.00", "680", true},
                  {P, "dibao.covered_count", "4", "4", true},
              });
}

TEST(ValidationTest, Booleans) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {P, "separated", "是", "1", true},
                  {P, "separated", "否", "0", true},
                  {P, "separated", "1", "1", true},
                  {P, "separated", "0", "0", true},
                  {P, "separated", "Y", "1", true},
                  {P, "separated", "n", "0", true},
                  {P, "separated", "TRUE", "1", true},
                  {P, "separated", "false", "0", true},
                  {P, "separated", "也许", "boolean_format", false},
                  {P, "separated", "2", "boolean_format", false},
              });
}

TEST(ValidationTest, IdNumbersAndPhones) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {P, "id_number", "11010519491231002X", "11010519491231002X", true},
                  {P, "id_number", "11010519491231002x", "11010519491231002X", true},
                  {P, "id_number", " 440524188001010014 ", "440524188001010014", true},
                  {P, "id_number", "110105491231002", "11010519491231002X", true},  // 15 digits
                  {P, "id_number", "110105194912310021", "id_checksum", false},
                  {P, "id_number", "1101051949123100", "id_length", false},
                  {P, "id_number", "11010519491331002X", "id_birth_date", false},
                  {P, "phone", "13812345678", "13812345678", true},
                  {P, "phone", "138 1234 5678", "13812345678", true},
                  {P, "phone", "+86 138-1234-5678", "13812345678", true},
                  {P, "phone", "12345", "phone_format", false},
                  {H, "landlord_phone", "0717-1234567", "0717-1234567", true},
                  {EntityKind::kGrid, "worker_phone", "电话", "phone_format", false},
              });
}

TEST(ValidationTest, DivisionsByShapeWithoutDivisionList) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {EntityKind::kDistrict, "code", "110105", "110105", true},
                  {EntityKind::kDistrict, "code", "999999", "999999", true},  // shape only
                  {EntityKind::kDistrict, "code", "11010", "division_format", false},
                  {EntityKind::kDistrict, "code", "110101001", "too_long", false},
                  {EntityKind::kStreet, "code", "110101001", "110101001", true},
                  {C, "code", "420102002003", "420102002003", true},
                  {C, "code", "42010200200A", "division_format", false},
                  {P, "hukou_division", "420102", "420102", true},
                  {P, "hukou_division", "4201020", "division_format", false},
              });
}

TEST(ValidationTest, DivisionsAgainstTheDivisionList) {
  Result<Divisions> divisions = Divisions::Load(ONETABLE_SOURCE_DIR "/schema/divisions");
  ASSERT_TRUE(divisions.ok()) << divisions.status().message();
  Validator v(Shipped(), &*divisions);
  RunCases(v, {
                  {EntityKind::kDistrict, "code", "110105", "110105", true},
                  {EntityKind::kDistrict, "code", "999999", "division_unknown", false},
                  {EntityKind::kStreet, "code", "110101001", "110101001", true},
                  {C, "code", "420102002003", "420102002003", true},
                  {C, "code", "420102002999", "division_unknown_community", false},
                  {C, "code", "999999999001", "division_unknown_street", false},
              });
}

TEST(ValidationTest, References) {
  Validator v(Shipped(), nullptr);
  RunCases(v, {
                  {H, "head_person_id", "12", "12", true},
                  {H, "head_person_id", "0012", "12", true},
                  {H, "head_person_id", "0", "reference_format", false},
                  {H, "head_person_id", "-3", "reference_format", false},
                  {H, "head_person_id", "张三", "reference_format", false},
              });
}

TEST(ValidationRecordTest, FillsBirthDateAndGenderFromIdNumber) {
  Validator v(Shipped(), nullptr);
  std::map<std::string, std::string> values = {{"name", "李四"},
                                               {"id_number", "11010519491231002x"}};
  std::vector<FieldIssue> issues = v.NormalizeRecord(P, &values, true);
  EXPECT_TRUE(issues.empty()) << issues[0].message;
  EXPECT_EQ(values["id_number"], "11010519491231002X");
  EXPECT_EQ(values["birth_date"], "1949-12-31");
  EXPECT_EQ(values["gender"], "2");  // sequence 002 is even: female
}

TEST(ValidationRecordTest, ReportsConflictsWithIdNumber) {
  Validator v(Shipped(), nullptr);
  std::map<std::string, std::string> values = {{"name", "李四"},
                                               {"id_number", "11010519491231002X"},
                                               {"birth_date", "1950/1/1"},
                                               {"gender", "男"}};
  std::vector<FieldIssue> issues = v.NormalizeRecord(P, &values, true);
  ASSERT_EQ(issues.size(), 2u);
  std::map<std::string, FieldIssue> by_field;
  for (const FieldIssue& issue : issues) by_field[issue.field] = issue;
  EXPECT_EQ(by_field["birth_date"].code, "id_birth_date_conflict");
  EXPECT_EQ(by_field["birth_date"].message.rfind("出生日期：", 0), 0u)
      << by_field["birth_date"].message;
  EXPECT_EQ(by_field["gender"].code, "id_gender_conflict");
  EXPECT_EQ(by_field["gender"].message.rfind("性别：", 0), 0u) << by_field["gender"].message;
  // The values themselves are valid and normalized; only their agreement is in question.
  EXPECT_EQ(values["birth_date"], "1950-01-01");
  EXPECT_EQ(values["gender"], "1");
}

TEST(ValidationRecordTest, MatchingValuesRaiseNothing) {
  Validator v(Shipped(), nullptr);
  std::map<std::string, std::string> values = {{"name", "李四"},
                                               {"id_number", "11010519491231002X"},
                                               {"birth_date", "19491231"},
                                               {"gender", "女"}};
  EXPECT_TRUE(v.NormalizeRecord(P, &values, true).empty());
  // 9 (未说明的性别) does not contradict the ID number.
  values["gender"] = "9";
  EXPECT_TRUE(v.NormalizeRecord(P, &values, true).empty());
}

TEST(ValidationRecordTest, InvalidIdNumberIsReportedAndFillsNothing) {
  Validator v(Shipped(), nullptr);
  std::map<std::string, std::string> values = {{"name", "李四"},
                                               {"id_number", "110105194912310021"}};
  std::vector<FieldIssue> issues = v.NormalizeRecord(P, &values, true);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "id_number");
  EXPECT_EQ(issues[0].code, "id_checksum");
  EXPECT_EQ(issues[0].message.rfind("公民身份号码：身份证号校验位错误", 0), 0u)
      << issues[0].message;
  EXPECT_EQ(values.count("birth_date"), 0u);
  EXPECT_EQ(values.count("gender"), 0u);
}

TEST(ValidationRecordTest, UnknownDerivedAndRequiredFields) {
  Validator v(Shipped(), nullptr);
  std::map<std::string, std::string> values = {
      {"nickname", "小李"}, {"age", "30"}, {"phone", "138"}, {"name", " "}};
  std::vector<FieldIssue> issues = v.NormalizeRecord(P, &values, true);
  std::map<std::string, std::string> codes;
  for (const FieldIssue& issue : issues) codes[issue.field] = issue.code;
  EXPECT_EQ(codes, (std::map<std::string, std::string>{{"nickname", "unknown_field"},
                                                       {"age", "derived_field"},
                                                       {"phone", "phone_format"},
                                                       {"name", "required"}}));
  for (const FieldIssue& issue : issues) {
    if (issue.field == "name") {
      EXPECT_EQ(issue.message, "姓名：必填，不能为空");
    }
    if (issue.field == "phone") {
      EXPECT_EQ(issue.message.rfind("联系电话：", 0), 0u);
    }
    if (issue.field == "nickname") {
      EXPECT_NE(issue.message.find("nickname"), std::string::npos);
    }
  }

  // Partial updates: required fields that are absent are not checked.
  std::map<std::string, std::string> update = {{"phone", "13812345678"}};
  EXPECT_TRUE(v.NormalizeRecord(P, &update, false).empty());
  EXPECT_EQ(v.NormalizeRecord(P, &update, true).size(), 1u);

  std::map<std::string, std::string> community = {{"name", "保成社区"}};
  std::vector<FieldIssue> community_issues = v.NormalizeRecord(C, &community, true);
  ASSERT_EQ(community_issues.size(), 1u);
  EXPECT_EQ(community_issues[0].field, "code");
  EXPECT_EQ(community_issues[0].code, "required");
}

TEST(ValidationRecordTest, NormalizesEveryValueInPlace) {
  Validator v(Shipped(), nullptr);
  std::map<std::string, std::string> values = {{"household_number", " 123456 "},
                                               {"household_type", "家庭户"},
                                               {"floor_area", "89.50"},
                                               {"room_count", "3.0"},
                                               {"landlord_phone", "138 0000 0000"}};
  EXPECT_TRUE(v.NormalizeRecord(H, &values, true).empty());
  EXPECT_EQ(values, (std::map<std::string, std::string>{{"household_number", "123456"},
                                                        {"household_type", "1"},
                                                        {"floor_area", "89.5"},
                                                        {"room_count", "3"},
                                                        {"landlord_phone", "13800000000"}}));
}

}  // namespace
}  // namespace onetable
