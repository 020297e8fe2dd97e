// The register's REST resources over real HTTP, per role: CRUD and scope, validation (422 per
// field), versions (ETag, If-Match → 412 / 428), masking, soft delete, search, household
// membership with history, provenance of manual entry, and tags.
#include <set>
#include <string>
#include <vector>

#include "api_harness.h"

namespace onetable::testing {
namespace {

std::string S(int64_t id) { return std::to_string(id); }

std::string Field(const rapidjson::Document& doc, const char* key) {
  if (!doc.IsObject() || !doc.HasMember("fields")) return "<no fields>";
  const rapidjson::Value& fields = doc["fields"];
  auto it = fields.FindMember(key);
  if (it == fields.MemberEnd()) return "<absent>";
  return it->value.IsString() ? it->value.GetString() : "<not a string>";
}

std::vector<int64_t> Ids(const Reply& r) {
  std::vector<int64_t> ids;
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("items")) return ids;
  for (const auto& item : doc["items"].GetArray()) ids.push_back(item["id"].GetInt64());
  return ids;
}

// The details of an error body as "field:code" strings.
std::set<std::string> Details(const Reply& r) {
  std::set<std::string> out;
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("error")) return out;
  for (const auto& d : doc["error"]["details"].GetArray()) {
    out.insert(std::string(d["field"].GetString()) + ":" + d["code"].GetString());
  }
  return out;
}

std::string ErrorCode(const Reply& r) {
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("error")) return "<no error>";
  return doc["error"]["code"].GetString();
}

class ApiRegister : public ApiHarness {};

TEST_F(ApiRegister, BuildingLifecycleAsAdmin) {
  auto admin = As("admin");
  Reply created = admin->Post("/api/v1/buildings",
                              R"({"parent_id": )" + S(ids_.grid_a1) +
                                  R"(, "fields": {"name": "新楼", "address": "清江大道9号"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  rapidjson::Document doc = created.Json();
  const int64_t id = doc["id"].GetInt64();
  EXPECT_EQ(created.Header("Location"), "/api/v1/buildings/" + S(id));
  EXPECT_EQ(doc["parent_id"].GetInt64(), ids_.grid_a1);
  EXPECT_EQ(doc["version"].GetInt64(), 1);
  EXPECT_EQ(Field(doc, "address"), "清江大道9号");

  Reply updated =
      admin->Put("/api/v1/buildings/" + S(id), R"({"fields": {"name": "新楼A"}})", "\"1\"");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Header("ETag"), "\"2\"");
  EXPECT_EQ(Field(updated.Json(), "name"), "新楼A");
  EXPECT_EQ(Field(updated.Json(), "address"), "清江大道9号");  // not named: kept

  // A building with households cannot go; an empty one can.
  EXPECT_EQ(admin
                ->Delete("/api/v1/buildings/" + S(ids_.building_a1),
                         ETag(*admin, "/api/v1/buildings/" + S(ids_.building_a1)))
                .status,
            409);
  EXPECT_EQ(admin->Delete("/api/v1/buildings/" + S(id), "\"1\"").status, 412);
  EXPECT_EQ(admin->Delete("/api/v1/buildings/" + S(id), "\"2\"").status, 204);
  EXPECT_EQ(admin->Get("/api/v1/buildings/" + S(id)).status, 404);
}

TEST_F(ApiRegister, ScopeDecidesWhatEachRoleReadsAndWrites) {
  auto gw = As("gw_a1");
  auto ca = As("ca_a");
  auto dept = As("dept");
  auto nobody = As("");

  EXPECT_EQ(gw->Get("/api/v1/persons/" + S(ids_.zhang)).status, 200);
  EXPECT_EQ(gw->Get("/api/v1/persons/" + S(ids_.wang)).status, 404);  // grid A2
  EXPECT_EQ(gw->Get("/api/v1/persons/999999").status, 404);
  EXPECT_EQ(ca->Get("/api/v1/persons/" + S(ids_.wang)).status, 200);
  EXPECT_EQ(ca->Get("/api/v1/persons/" + S(ids_.zhao)).status, 404);  // community B
  EXPECT_EQ(dept->Get("/api/v1/persons/" + S(ids_.zhang)).status, 403);
  EXPECT_EQ(nobody->Get("/api/v1/persons/" + S(ids_.zhang)).status, 401);

  // Out of scope and missing read the same: nothing tells them apart.
  Reply other = gw->Get("/api/v1/persons/" + S(ids_.zhao));
  Reply missing = gw->Get("/api/v1/persons/" + S(ids_.zhao + 1000));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(ErrorCode(other), ErrorCode(missing));

  const std::string household = R"({"parent_id": %, "fields": {"household_number": "H-NEW"}})";
  auto body = [&](int64_t parent) {
    std::string b = household;
    b.replace(b.find('%'), 1, S(parent));
    return b;
  };
  EXPECT_EQ(gw->Post("/api/v1/households", body(ids_.building_a1)).status, 201);
  EXPECT_EQ(gw->Post("/api/v1/households", body(ids_.building_b1)).status, 404);
  EXPECT_EQ(gw->Post("/api/v1/households", body(999999)).status, 404);
  EXPECT_EQ(dept->Post("/api/v1/households", body(ids_.building_a1)).status, 403);

  // Lists hold only what the caller sees.
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons")), (std::vector<int64_t>{ids_.zhang, ids_.li}));
  EXPECT_EQ(Ids(ca->Get("/api/v1/persons")),
            (std::vector<int64_t>{ids_.zhang, ids_.li, ids_.wang}));
  EXPECT_EQ(Ids(As("admin")->Get("/api/v1/persons")).size(), 4u);
  EXPECT_EQ(Ids(ca->Get("/api/v1/communities")), (std::vector<int64_t>{ids_.community_a}));
  EXPECT_TRUE(Ids(gw->Get("/api/v1/communities")).empty());
  EXPECT_EQ(Ids(gw->Get("/api/v1/grids")), (std::vector<int64_t>{ids_.grid_a1}));
  EXPECT_EQ(Ids(ca->Get("/api/v1/persons?parent_id=" + S(ids_.household_a2))),
            (std::vector<int64_t>{ids_.wang}));
  EXPECT_EQ(gw->Get("/api/v1/persons?parent_id=" + S(ids_.household_a2)).status, 404);
  EXPECT_EQ(dept->Get("/api/v1/persons").status, 403);
}

TEST_F(ApiRegister, ListsPageByKeyset) {
  auto admin = As("admin");
  std::vector<int64_t> seen;
  std::string target = "/api/v1/persons?limit=1";
  for (int i = 0; i < 10; ++i) {
    Reply r = admin->Get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    rapidjson::Document doc = r.Json();
    for (const auto& item : doc["items"].GetArray()) seen.push_back(item["id"].GetInt64());
    if (doc["next_after"].IsNull()) break;
    target = "/api/v1/persons?limit=1&after=" + S(doc["next_after"].GetInt64());
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{ids_.zhang, ids_.li, ids_.wang, ids_.zhao}));
  EXPECT_EQ(admin->Get("/api/v1/persons?limit=0").status, 400);
  EXPECT_EQ(admin->Get("/api/v1/persons?limit=501").status, 400);
  EXPECT_EQ(admin->Get("/api/v1/persons?after=-1").status, 400);
  EXPECT_EQ(admin->Get("/api/v1/persons?status=gone").status, 400);
}

TEST_F(ApiRegister, CreatePersonValidatesEveryFieldFromTheCatalog) {
  auto gw = As("gw_a1");
  const std::string parent = R"({"parent_id": )" + S(ids_.household_a1) + R"(, "fields": )";
  const std::string id = MakeIdNumber("19900214", 57);

  // The ID number fills birth date and gender.
  Reply ok =
      gw->Post("/api/v1/persons", parent + R"({"name": "孙七", "id_number": ")" + id + R"("}})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(Field(ok.Json(), "birth_date"), "1990-02-14");
  EXPECT_EQ(Field(ok.Json(), "gender"), "1");

  // One detail per bad field, with the catalog key, a code and a Chinese message.
  std::string bad_check = id;
  bad_check[17] = bad_check[17] == '0' ? '1' : '0';
  Reply bad = gw->Post("/api/v1/persons",
                       parent + R"({"id_number": ")" + bad_check +
                           R"(", "phone": "12345", "gender": "男人", "nickname": "x"}})");
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(ErrorCode(bad), "validation_failed");
  EXPECT_EQ(Details(bad), (std::set<std::string>{"id_number:id_checksum", "phone:phone_format",
                                                 "gender:code_unknown", "nickname:unknown_field",
                                                 "name:required"}));
  EXPECT_NE(bad.body.find("身份证号校验位错误"), std::string::npos) << bad.body;

  // Birth date and gender that contradict the ID number.
  const std::string id2 = MakeIdNumber("19700101", 61);
  Reply conflict =
      gw->Post("/api/v1/persons", parent + R"({"name": "周八", "id_number": ")" + id2 +
                                      R"(", "birth_date": "1971-01-01", "gender": "2"}})");
  ASSERT_EQ(conflict.status, 422) << conflict.body;
  EXPECT_EQ(Details(conflict), (std::set<std::string>{"birth_date:id_birth_date_conflict",
                                                      "gender:id_gender_conflict"}));

  // A taken ID number.
  Reply dup =
      gw->Post("/api/v1/persons", parent + R"({"name": "重复", "id_number": ")" + id + R"("}})");
  EXPECT_EQ(dup.status, 409) << dup.body;

  // Unknown top-level members and wrong JSON types are named.
  EXPECT_EQ(gw->Post("/api/v1/persons", R"({"parent_id": 1, "fields": {}, "extra": 1})").status,
            400);
  Reply wrong = gw->Post("/api/v1/persons", parent + R"({"name": ["a"], "phone": 13800000000}})");
  ASSERT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_EQ(Details(wrong), (std::set<std::string>{"name:wrong_type", "phone:wrong_type"}));
}

TEST_F(ApiRegister, UpdatesNeedTheCurrentVersion) {
  auto gw = As("gw_a1");
  const std::string path = "/api/v1/persons/" + S(ids_.li);
  const std::string change = R"({"fields": {"phone": "13900000002"}})";

  Reply missing = gw->Put(path, change, "");
  EXPECT_EQ(missing.status, 428) << missing.body;
  EXPECT_EQ(ErrorCode(missing), "precondition_required");
  EXPECT_EQ(gw->Put(path, change, "*").status, 428);
  EXPECT_EQ(gw->Put(path, change, "\"abc\"").status, 400);

  Reply first = gw->Put(path, change, "\"1\"");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Header("ETag"), "\"2\"");

  // Someone else's edit came first: 412 with the current version and representation.
  Reply stale = gw->Put(path, R"({"fields": {"phone": "13900000009"}})", "\"1\"");
  ASSERT_EQ(stale.status, 412) << stale.body;
  rapidjson::Document doc = stale.Json();
  EXPECT_EQ(doc["error"]["code"].GetString(), std::string("conflict"));
  EXPECT_EQ(doc["error"]["current_version"].GetInt64(), 2);
  // The current phone, masked by default like every answer (access.h).
  EXPECT_EQ(doc["current"]["fields"]["phone"].GetString(), std::string("139****0002"));
  EXPECT_EQ(stale.Header("ETag"), "\"2\"");

  // Weak and bare tags name the same version.
  EXPECT_EQ(gw->Put(path, R"({"fields": {"phone": "13900000003"}})", "W/\"2\"").status, 200);
  EXPECT_EQ(gw->Put(path, R"({"fields": {"phone": null}})", "3").status, 200);
  EXPECT_EQ(Field(gw->Get(path).Json(), "phone"), "<absent>");
  // Changing the parent is not an update.
  EXPECT_EQ(gw->Put(path, R"({"parent_id": 1})", "\"4\"").status, 400);
}

TEST_F(ApiRegister, SensitiveFieldsAreMaskedAndReadOnlyWithoutTheGrant) {
  auto admin = As("admin");
  auto granted = As("admin_s");
  const std::string path = "/api/v1/persons/" + S(ids_.zhang);
  rapidjson::Document plain = admin->Get(path).Json();
  EXPECT_EQ(Field(plain, "religion"), "***");
  EXPECT_EQ(Field(plain, "health_status"), "***");  // masked even without a value
  EXPECT_EQ(Field(plain, "name"), "张三");
  bool listed = false;
  for (const auto& m : plain["masked"].GetArray())
    listed = listed || m.GetString() == std::string("religion");
  EXPECT_TRUE(listed);
  EXPECT_EQ(Field(granted->Get(path).Json(), "religion"), "佛教");
  // Lists and search mask too.
  EXPECT_EQ(admin->Get("/api/v1/persons").body.find("佛教"), std::string::npos);
  EXPECT_EQ(admin->Get("/api/v1/persons/search?name=张三").body.find("佛教"), std::string::npos);

  Reply write = admin->Put(path, R"({"fields": {"religion": "无"}})", ETag(*admin, path));
  EXPECT_EQ(write.status, 403) << write.body;
  EXPECT_EQ(Details(write), (std::set<std::string>{"religion:field_not_granted"}));
  EXPECT_EQ(granted->Put(path, R"({"fields": {"religion": "无"}})", ETag(*granted, path)).status,
            200);
}

TEST_F(ApiRegister, PersonsAreMarkedNotDeleted) {
  auto ca = As("ca_a");
  const std::string path = "/api/v1/persons/" + S(ids_.wang);
  EXPECT_EQ(ca->Delete(path, "\"1\"").status, 400);  // no status given
  EXPECT_EQ(ca->Delete(path + "?status=gone", "\"1\"").status, 400);
  Reply moved = ca->Delete(path + "?status=moved_away", "\"1\"");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.Json()["status"].GetString(), std::string("moved_away"));
  EXPECT_EQ(ca->Get(path).status, 200);  // kept
  EXPECT_EQ(Ids(ca->Get("/api/v1/persons")), (std::vector<int64_t>{ids_.zhang, ids_.li}));
  EXPECT_EQ(Ids(ca->Get("/api/v1/persons?status=moved_away")), (std::vector<int64_t>{ids_.wang}));
  EXPECT_EQ(Ids(ca->Get("/api/v1/persons?status=all")).size(), 3u);
  // Back again.
  EXPECT_EQ(ca->Put(path, R"({"status": "active"})", "\"2\"").status, 200);
}

TEST_F(ApiRegister, SearchFindsByNameIdNumberLastFourAndPhoneWithinScope) {
  auto gw = As("gw_a1");
  auto admin = As("admin");
  const std::string zhang_id = MakeIdNumber("19400101", 11);
  const std::string zhao_id = MakeIdNumber("19300601", 44);
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?name=张三")), (std::vector<int64_t>{ids_.zhang}));
  // Names match by prefix, in id order.
  EXPECT_EQ(Ids(As("admin")->Get("/api/v1/persons/search?name=%E5%BC%A0")),  // 张
            (std::vector<int64_t>{ids_.zhang}));
  const int64_t zhang_feng = Add(EntityKind::kPerson, ids_.household_a1, {{"name", "张三丰"}});
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?q=%E5%BC%A0%E4%B8%89")),  // 张三
            (std::vector<int64_t>{ids_.zhang, zhang_feng}));
  EXPECT_TRUE(Ids(gw->Get("/api/v1/persons/search?name=%E5%BC%A0%E4%B8%89%E4%B8%B0%E4%B8%B0"))
                  .empty());                                              // 张三丰丰
  EXPECT_TRUE(Ids(gw->Get("/api/v1/persons/search?name=赵六")).empty());  // other community
  EXPECT_EQ(Ids(admin->Get("/api/v1/persons/search?name=赵六")), (std::vector<int64_t>{ids_.zhao}));
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?id_number=" + zhang_id)),
            (std::vector<int64_t>{ids_.zhang}));
  EXPECT_TRUE(Ids(gw->Get("/api/v1/persons/search?id_number=" + zhao_id)).empty());
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?id_last4=" + zhang_id.substr(14))),
            (std::vector<int64_t>{ids_.zhang}));
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?phone=138-0000-0001")),
            (std::vector<int64_t>{ids_.zhang}));
  // q guesses the kind.
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?q=" + zhang_id)),
            (std::vector<int64_t>{ids_.zhang}));
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?q=" + zhang_id.substr(14))),
            (std::vector<int64_t>{ids_.zhang}));
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?q=13800000001")),
            (std::vector<int64_t>{ids_.zhang}));
  EXPECT_EQ(Ids(gw->Get("/api/v1/persons/search?q=%E6%9D%8E%E5%9B%9B")),  // 李四
            (std::vector<int64_t>{ids_.li}));
  // Malformed criteria say why.
  std::string bad = zhang_id;
  bad[17] = bad[17] == '0' ? '1' : '0';
  Reply r = gw->Get("/api/v1/persons/search?id_number=" + bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("校验位"), std::string::npos) << r.body;
  EXPECT_EQ(gw->Get("/api/v1/persons/search").status, 400);
  EXPECT_EQ(gw->Get("/api/v1/persons/search?name=a&phone=1").status, 400);
  EXPECT_EQ(As("dept")->Get("/api/v1/persons/search?name=张三").status, 403);
}

TEST_F(ApiRegister, MembershipMovesAndHeadsKeepHistory) {
  auto ca = As("ca_a");
  auto gw = As("gw_a1");
  const std::string li = "/api/v1/persons/" + S(ids_.li);

  // A grid worker cannot move someone into another grid's household.
  Reply out = gw->Post(li + "/move",
                       R"({"household_id": )" + S(ids_.household_a2) + R"(, "relationship": "10"})",
                       "\"1\"");
  EXPECT_EQ(out.status, 404) << out.body;
  EXPECT_EQ(ca->Post(li + "/move", R"({"household_id": )" + S(ids_.household_a2) + "}").status,
            428);
  EXPECT_EQ(ca->Post(li + "/move",
                     R"({"household_id": )" + S(ids_.household_a2) + R"(, "relationship": "99x"})",
                     "\"1\"")
                .status,
            422);

  Reply moved = ca->Post(
      li + "/move", R"({"household_id": )" + S(ids_.household_a2) + R"(, "relationship": "10"})",
      "\"1\"");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.Json()["parent_id"].GetInt64(), ids_.household_a2);
  EXPECT_EQ(Field(moved.Json(), "relationship"), "10");
  EXPECT_EQ(
      ca->Post(li + "/move", R"({"household_id": )" + S(ids_.household_a1) + "}", "\"1\"").status,
      412);

  // Li becomes head of household A2; Wang, the head until now, becomes 夫 (11).
  const std::string h = "/api/v1/households/" + S(ids_.household_a2);
  Reply head = ca->Post(
      h + "/head", R"({"person_id": )" + S(ids_.li) + R"(, "previous_head_relationship": "11"})",
      ETag(*ca, h));
  ASSERT_EQ(head.status, 200) << head.body;
  EXPECT_EQ(Field(head.Json(), "head_person_id"), S(ids_.li));
  EXPECT_EQ(Field(ca->Get(li).Json(), "relationship"), "02");
  EXPECT_EQ(Field(ca->Get("/api/v1/persons/" + S(ids_.wang)).Json(), "relationship"), "11");
  // Someone outside the household cannot be its head.
  EXPECT_EQ(ca->Post(h + "/head", R"({"person_id": )" + S(ids_.zhang) + "}", ETag(*ca, h)).status,
            409);

  Reply history = ca->Get(li + "/memberships");
  ASSERT_EQ(history.status, 200) << history.body;
  rapidjson::Document doc = history.Json();
  const auto& items = doc["items"].GetArray();
  ASSERT_EQ(items.Size(), 3u) << history.body;  // household A1, A2 as 配偶, A2 as 户主
  EXPECT_EQ(items[0]["parent_id"].GetInt64(), ids_.household_a1);
  EXPECT_FALSE(items[0]["valid_to"].IsNull());
  EXPECT_EQ(items[1]["relationship"].GetString(), std::string("10"));
  EXPECT_EQ(items[2]["relationship"].GetString(), std::string("02"));
  EXPECT_TRUE(items[2]["valid_to"].IsNull());
  EXPECT_EQ(items[2]["actor"].GetString(), std::string("ca_a"));

  // Leaving the household (null) closes the stay.
  Reply left = ca->Post(li + "/move", R"({"household_id": null})", ETag(*ca, li));
  ASSERT_EQ(left.status, 200) << left.body;
  EXPECT_TRUE(left.Json()["parent_id"].IsNull());
  // Its head is cleared when the head leaves.
  EXPECT_EQ(Field(As("admin")->Get(h).Json(), "head_person_id"), "<absent>");
}

TEST_F(ApiRegister, ManualWritesRecordProvenanceAndHistory) {
  auto gw = As("gw_a1");
  const std::string path = "/api/v1/persons/" + S(ids_.li);
  ASSERT_EQ(gw->Put(path, R"({"fields": {"phone": "13900000002"}})", "\"1\"").status, 200);
  ASSERT_EQ(gw->Put(path, R"({"fields": {"phone": "13900000005"}})", "\"2\"").status, 200);

  Reply prov = gw->Get(path + "/provenance");
  ASSERT_EQ(prov.status, 200) << prov.body;
  rapidjson::Document doc = prov.Json();
  bool found = false;
  for (const auto& o : doc["items"].GetArray()) {
    if (o["field"].GetString() != std::string("phone")) continue;
    found = true;
    // Phones stay masked in provenance (only "show in full" of the current value reveals one).
    EXPECT_EQ(o["value"].GetString(), std::string("***"));
    EXPECT_EQ(o["source"].GetString(), std::string("manual"));
    EXPECT_EQ(o["actor"].GetString(), std::string("gw_a1"));
  }
  EXPECT_TRUE(found) << prov.body;

  Reply hist = gw->Get(path + "/history?field=phone");
  ASSERT_EQ(hist.status, 200) << hist.body;
  rapidjson::Document h = hist.Json();
  ASSERT_EQ(h["items"].Size(), 2u);
  EXPECT_EQ(h["items"][0]["value"].GetString(), std::string("***"));
  EXPECT_EQ(h["items"][1]["value"].GetString(), std::string("***"));
  EXPECT_EQ(gw->Get(path + "/history").status, 400);
  EXPECT_EQ(gw->Get(path + "/history?field=nope").status, 400);
  EXPECT_EQ(gw->Get("/api/v1/persons/" + S(ids_.zhao) + "/provenance").status, 404);

  // A masked field's history stays masked.
  auto admin = As("admin");
  auto granted = As("admin_s");
  ASSERT_EQ(
      granted->Put("/api/v1/persons/" + S(ids_.zhang), R"({"fields": {"religion": "无"}})", "\"1\"")
          .status,
      200);
  Reply masked = admin->Get("/api/v1/persons/" + S(ids_.zhang) + "/history?field=religion");
  ASSERT_EQ(masked.status, 200);
  EXPECT_EQ(masked.body.find("无"), std::string::npos) << masked.body;
  EXPECT_NE(masked.body.find("***"), std::string::npos);
}

TEST_F(ApiRegister, TagsAreValidatedAgainstTheCatalog) {
  auto gw = As("gw_a1");
  auto granted = As("admin_s");
  auto admin = As("admin");
  const std::string tags = "/api/v1/persons/" + S(ids_.zhang) + "/tags";

  Reply added = gw->Post(tags, R"({"tag": "volunteer", "attrs": {"number": "V-1", "hours": "12.50"},
                                   "valid_from": "2024-01-01"})");
  ASSERT_EQ(added.status, 201) << added.body;
  rapidjson::Document tag = added.Json();
  const int64_t tag_id = tag["id"].GetInt64();
  EXPECT_EQ(tag["attrs"]["hours"].GetString(), std::string("12.5"));
  EXPECT_EQ(tag["source"].GetString(), std::string("manual:gw_a1"));
  EXPECT_EQ(added.Header("ETag"), "\"1\"");

  Reply bad = gw->Post(tags, R"({"tag": "volunteer", "attrs": {"hours": "很多", "colour": "red"},
                                 "valid_from": "2024-13-01"})");
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(Details(bad),
            (std::set<std::string>{"attrs.hours:decimal_format", "attrs.colour:unknown_field",
                                   "valid_from:date_invalid"}))
      << bad.body;
  EXPECT_EQ(gw->Post(tags, R"({"tag": "no_such_tag"})").status, 422);

  const std::string one = tags + "/" + S(tag_id);
  EXPECT_EQ(gw->Put(one, R"({"attrs": {"hours": 20}})", "").status, 428);
  Reply updated = gw->Put(one, R"({"attrs": {"hours": 20}})", "\"1\"");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["attrs"]["number"].GetString(), std::string("V-1"));  // kept
  EXPECT_EQ(gw->Put(one, R"({"attrs": {"hours": 30}})", "\"1\"").status, 412);

  // A sensitive tag is invisible and cannot be added without the grant.
  EXPECT_EQ(admin->Post(tags, R"({"tag": "dibao", "attrs": {"amount": "500"}})").status, 403);
  Reply dibao = granted->Post(tags, R"({"tag": "dibao", "attrs": {"amount": "500"}})");
  ASSERT_EQ(dibao.status, 201) << dibao.body;
  const int64_t dibao_id = dibao.Json()["id"].GetInt64();
  EXPECT_EQ(Ids(admin->Get(tags)), (std::vector<int64_t>{tag_id}));
  EXPECT_EQ(Ids(granted->Get(tags)), (std::vector<int64_t>{tag_id, dibao_id}));
  EXPECT_EQ(admin->Delete(tags + "/" + S(dibao_id), "\"1\"").status, 404);

  EXPECT_EQ(As("ca_a")->Get("/api/v1/persons/" + S(ids_.zhao) + "/tags").status, 404);
  EXPECT_EQ(gw->Delete(one, "\"2\"").status, 204);
  EXPECT_EQ(Ids(gw->Get(tags)).size(), 0u);
}

}  // namespace
}  // namespace onetable::testing
