// Finding people and keeping households sane over real HTTP (issue 19): search by any part of a
// name or address and by a part of an ID number, with totals and pages by position, within the
// caller's scope and never over a field they do not see; a building's households with their
// head, members and tags; exactly one 户主 per household; a blank household refused; an ID
// number already registered answered with where its holder is; same name and birth date opening
// a review item. (Persons outside any household in 数据质量: tests/e2e/tests/finding.test.js;
// this harness has no quality route.)
#include <string>
#include <vector>

#include "api_harness.h"

namespace onetable::testing {
namespace {

std::string S(int64_t id) { return std::to_string(id); }

std::vector<int64_t> Ids(const Reply& r) {
  std::vector<int64_t> ids;
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("items")) return ids;
  for (const auto& item : doc["items"].GetArray()) ids.push_back(item["id"].GetInt64());
  return ids;
}

std::string FieldOf(const rapidjson::Value& row, const char* key) {
  auto it = row["fields"].FindMember(key);
  return it == row["fields"].MemberEnd() ? "<absent>" : it->value.GetString();
}

// "field:code" of the first error detail.
std::string FirstDetail(const Reply& r) {
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("error") || doc["error"]["details"].Empty()) return "";
  const auto& d = doc["error"]["details"][0];
  return std::string(d["field"].GetString()) + ":" + d["code"].GetString();
}

class ApiFindPeople : public ApiHarness {};

TEST_F(ApiFindPeople, SearchFindsAnyPartOfANameOrAnIdWithinScope) {
  auto gw = As("gw_a1");
  auto admin = As("admin");
  // 三 is inside 张三; 四 is the end of 李四.
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?q=%E4%B8%89")), (std::vector<int64_t>{ids_.zhang}));
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?name=%E5%9B%9B")), (std::vector<int64_t>{ids_.li}));
  // 六 (赵六) is in community B: the grid worker finds nothing, the admin finds them.
  EXPECT_TRUE(Ids(gw->Get("/api/v1/persons/search?q=%E5%85%AD")).empty());
  EXPECT_EQ(Ids(admin->Get("/api/v1/persons/search?q=%E5%85%AD")), (std::vector<int64_t>{ids_.zhao}));

  // A part of an ID number (10 digits: area code and birth year) is not read as a phone.
  const std::string zhang_id = MakeIdNumber("19400101", 11);
  Reply part = gw->Get("/api/v1/persons/search?q=" + zhang_id.substr(0, 10));
  ASSERT_EQ(part.status, 200) << part.body;
  EXPECT_EQ(part.Json()["criterion"].GetString(), std::string("id_partial"));
  EXPECT_EQ(Ids(part), (std::vector<int64_t>{ids_.zhang}));
  // Its middle (the birth date) too; but fewer than 6 digits is no ID part.
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?id_partial=19450315")),
            (std::vector<int64_t>{ids_.li}));
  EXPECT_EQ(gw->Get("/api/v1/persons/search?id_partial=19450").status, 400);
  // An ID part never reaches outside the scope: 赵六's number is in community B.
  const std::string zhao_id = MakeIdNumber("19300601", 44);
  EXPECT_TRUE(Ids(gw->Get("/api/v1/persons/search?id_partial=" + zhao_id.substr(6, 8))).empty());
  // An 11-digit mobile number stays a phone search.
  Reply phone = gw->Get("/api/v1/persons/search?q=13800000001");
  EXPECT_EQ(phone.Json()["criterion"].GetString(), std::string("phone"));
  EXPECT_EQ(Ids(phone), (std::vector<int64_t>{ids_.zhang}));
}

TEST_F(ApiFindPeople, SearchCountsEveryMatchAndPagesByPosition) {
  auto ca = As("ca_a");
  // 张三, 李四 and 王五 all have 19 in their ID numbers' birth years.
  Reply first = ca->Get("/api/v1/persons/search?id_partial=420581&limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  rapidjson::Document doc = first.Json();
  EXPECT_EQ(doc["total"].GetInt64(), 3);
  EXPECT_EQ(doc["items"].Size(), 2u);
  ASSERT_TRUE(doc["next_after"].IsInt64());
  EXPECT_EQ(doc["next_after"].GetInt64(), 2);
  Reply second = ca->Get("/api/v1/persons/search?id_partial=420581&limit=2&after=2");
  EXPECT_EQ(Ids(second), (std::vector<int64_t>{ids_.wang}));
  EXPECT_TRUE(second.Json()["next_after"].IsNull());
}

TEST_F(ApiFindPeople, SearchByAFieldTheCallerDoesNotSeeIsRefused) {
  // A department account sees no register at all; a masked field cannot be matched: the grid
  // worker does not see religion, and no criterion reads it — the ID-part search needs the ID.
  EXPECT_EQ(As("dept")->Get("/api/v1/persons/search?id_partial=420581").status, 403);
}

TEST_F(ApiFindPeople, BuildingHouseholdsCarryHeadMembersAndTotal) {
  auto gw = As("gw_a1");
  Reply r = gw->Get("/api/v1/households?parent_id=" + S(ids_.building_a1) + "&summary=1");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document doc = r.Json();
  EXPECT_EQ(doc["total"].GetInt64(), 1);
  ASSERT_EQ(doc["items"].Size(), 1u);
  const auto& s = doc["summaries"][S(ids_.household_a1).c_str()];
  EXPECT_EQ(s["members"].GetInt64(), 2);
  EXPECT_EQ(s["head_id"].GetInt64(), ids_.zhang);
  EXPECT_EQ(s["head_name"].GetString(), std::string("张三"));
  EXPECT_TRUE(s["tags"].IsArray());
  // Another grid's building is not found.
  EXPECT_EQ(gw->Get("/api/v1/households?parent_id=" + S(ids_.building_a2) + "&summary=1").status,
            404);
  EXPECT_EQ(gw->Get("/api/v1/households?summary=1").status, 400);
}

TEST_F(ApiFindPeople, AHouseholdHasExactlyOneHead) {
  auto gw = As("gw_a1");
  const std::string h = S(ids_.household_a1);
  // A second 户主 is refused, naming 与户主关系.
  Reply second = gw->Post("/api/v1/persons", R"({"parent_id": )" + h +
                                                 R"(, "fields": {"name": "钱七", "relationship": "02"}})");
  EXPECT_EQ(second.status, 422) << second.body;
  EXPECT_EQ(FirstDetail(second), "relationship:head_exists");
  EXPECT_NE(second.body.find("与户主关系"), std::string::npos);
  // So is giving 李四 the relationship 户主, or taking it from 张三.
  const std::string li = "/api/v1/persons/" + S(ids_.li);
  const std::string zhang = "/api/v1/persons/" + S(ids_.zhang);
  EXPECT_EQ(gw->Put(li, R"({"fields": {"relationship": "02"}})", ETag(*gw, li)).status, 422);
  Reply demoted = gw->Put(zhang, R"({"fields": {"relationship": "10"}})", ETag(*gw, zhang));
  EXPECT_EQ(demoted.status, 422);
  EXPECT_EQ(FirstDetail(demoted), "relationship:head_required");
  // Changing the head needs the previous head's new relationship, in the same request.
  const std::string hh = "/api/v1/households/" + h;
  Reply unnamed = gw->Post(hh + "/head", R"({"person_id": )" + S(ids_.li) + "}", ETag(*gw, hh));
  EXPECT_EQ(unnamed.status, 422) << unnamed.body;
  EXPECT_EQ(FirstDetail(unnamed), "previous_head_relationship:required");
  EXPECT_EQ(gw->Post(hh + "/head",
                     R"({"person_id": )" + S(ids_.li) + R"(, "previous_head_relationship": "02"})",
                     ETag(*gw, hh))
                .status,
            422);
  Reply changed = gw->Post(
      hh + "/head", R"({"person_id": )" + S(ids_.li) + R"(, "previous_head_relationship": "11"})",
      ETag(*gw, hh));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(FieldOf(gw->Get(zhang).Json(), "relationship"), "11");
  EXPECT_EQ(FieldOf(gw->Get(li).Json(), "relationship"), "02");

  // In a household without a head, choosing 户主 makes the person its head.
  Reply empty = gw->Post("/api/v1/households",
                         R"({"parent_id": )" + S(ids_.building_a1) + R"(, "fields": {"room": "9-9"}})");
  ASSERT_EQ(empty.status, 201) << empty.body;
  const std::string fresh = S(empty.Json()["id"].GetInt64());
  Reply head = gw->Post("/api/v1/persons", R"({"parent_id": )" + fresh +
                                               R"(, "fields": {"name": "孙八", "relationship": "02"}})");
  ASSERT_EQ(head.status, 201) << head.body;
  EXPECT_EQ(FieldOf(gw->Get("/api/v1/households/" + fresh).Json(), "head_person_id"),
            S(head.Json()["id"].GetInt64()));
}

TEST_F(ApiFindPeople, ABlankHouseholdIsRefused) {
  auto gw = As("gw_a1");
  Reply blank = gw->Post("/api/v1/households", R"({"parent_id": )" + S(ids_.building_a1) +
                                                   R"(, "fields": {"room": null}})");
  EXPECT_EQ(blank.status, 422) << blank.body;
  EXPECT_NE(blank.body.find("至少要填写一项"), std::string::npos);
}

TEST_F(ApiFindPeople, ARegisteredIdNumberSaysWhereItsHolderIs) {
  auto gw = As("gw_a1");
  const std::string h = S(ids_.household_a1);
  // In scope: the holder's id, to open them.
  Reply mine = gw->Post("/api/v1/persons", R"({"parent_id": )" + h + R"(, "fields": {"name": "x", "id_number": ")" +
                                               MakeIdNumber("19450315", 22) + R"("}})");
  ASSERT_EQ(mine.status, 409) << mine.body;
  EXPECT_EQ(mine.Json()["error"]["holder"]["person_id"].GetInt64(), ids_.li);
  // Out of scope: only the grid and community, never the person.
  Reply theirs = gw->Post("/api/v1/persons", R"({"parent_id": )" + h + R"(, "fields": {"name": "x", "id_number": ")" +
                                                 MakeIdNumber("19300601", 44) + R"("}})");
  ASSERT_EQ(theirs.status, 409) << theirs.body;
  rapidjson::Document doc = theirs.Json();
  EXPECT_FALSE(doc["error"]["holder"].HasMember("person_id"));
  EXPECT_EQ(doc["error"]["holder"]["community"].GetString(), std::string("西湖社区"));
  EXPECT_EQ(doc["error"]["holder"]["grid"].GetString(), std::string("第一网格"));
  EXPECT_EQ(theirs.body.find("赵六"), std::string::npos);
}

TEST_F(ApiFindPeople, SameNameAndBirthDateOpensAReviewItem) {
  auto gw = As("gw_a1");
  Reply saved = gw->Post("/api/v1/persons", R"({"parent_id": )" + S(ids_.household_a1) +
                                                R"(, "fields": {"name": "李四", "birth_date": "1945-03-15"}})");
  ASSERT_EQ(saved.status, 201) << saved.body;
  const int64_t id = saved.Json()["id"].GetInt64();
  Reply review = As("admin")->Get("/api/v1/review?status=open");
  ASSERT_EQ(review.status, 200) << review.body;
  bool found = false;
  for (const auto& item : review.Json()["items"].GetArray()) {
    if (item["entity_id"].GetInt64() == id && item["other_id"].GetInt64() == ids_.li) found = true;
  }
  EXPECT_TRUE(found) << review.body;
}

}  // namespace
}  // namespace onetable::testing
