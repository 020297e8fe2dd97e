// The register's tree: CRUD on each entity, integrity, history, versions, transactions.
#include <cstring>

#include "store_fixture.h"

namespace onetable::testing {
namespace {

TEST_F(StoreContract, MigrateIsIdempotentAndRecordsVersion) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_GE(*v, 1);
  ASSERT_TRUE(store_->Migrate().ok());
  EXPECT_EQ(*store_->SchemaVersion(), *v);
}

TEST_F(StoreContract, DatabaseNewerThanBinaryIsRefused) {
  auto raw = RawConnection();
  ASSERT_TRUE(raw->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                        "(9999, '9999_future', '2030-01-01 00:00:00')")
                  .ok());
  Status st = OpenAnother()->Migrate();
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("9999"), std::string::npos) << st.message();
}

TEST_F(StoreContract, CrudOnEveryEntity) {
  int64_t d = AddDistrict();
  int64_t s = AddStreet(d);
  int64_t c = AddCommunity(s);
  int64_t g = AddGrid(c);
  int64_t b = AddBuilding(g);
  int64_t h = AddHousehold(b);
  int64_t p = AddPerson(h, "张三", TestIdNumber(1));
  struct Case {
    EntityKind kind;
    int64_t id, parent;
    const char* field;
    const char* new_value;
  } cases[] = {
      {EntityKind::kDistrict, d, 0, "name", "宜都市（改）"},
      {EntityKind::kStreet, s, d, "name", "陆城街道（改）"},
      {EntityKind::kCommunity, c, s, "name", "东风社区"},
      {EntityKind::kGrid, g, c, "worker_name", "李网格"},
      {EntityKind::kBuilding, b, g, "address", "清江大道90号"},
      {EntityKind::kHousehold, h, b, "room", "1单元101"},
      {EntityKind::kPerson, p, h, "phone", "13812345678"},
  };
  for (const Case& cs : cases) {
    SCOPED_TRACE(EntityName(cs.kind));
    auto row = store_->Get(cs.kind, cs.id);
    ASSERT_TRUE(row.ok()) << row.status().message();
    EXPECT_EQ(row->parent_id, cs.parent);
    EXPECT_EQ(row->version, 1);
    row->values[cs.field] = cs.new_value;
    ASSERT_TRUE(store_->Update(cs.kind, &*row).ok());
    EXPECT_EQ(row->version, 2);
    auto again = store_->Get(cs.kind, cs.id);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again->Get(cs.field), cs.new_value);
    EXPECT_EQ(again->version, 2);
    ListQuery q;
    q.parent_id = cs.parent;
    auto listed = store_->List(cs.kind, q);
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().id, cs.id);
  }
  // Delete bottom-up (persons are never deleted; they get a status).
  auto person = store_->Get(EntityKind::kPerson, p);
  person->status = kStatusMovedAway;
  ASSERT_TRUE(store_->Update(EntityKind::kPerson, &*person).ok());
  EXPECT_EQ(store_->Get(EntityKind::kPerson, p)->status, kStatusMovedAway);
  EXPECT_EQ(store_->Delete(EntityKind::kPerson, p, person->version).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->Move(EntityKind::kPerson, p, person->version, 0, "", "test").ok());
  for (auto [kind, id] : {std::pair{EntityKind::kHousehold, h}, {EntityKind::kBuilding, b},
                          {EntityKind::kGrid, g}, {EntityKind::kCommunity, c},
                          {EntityKind::kStreet, s}, {EntityKind::kDistrict, d}}) {
    SCOPED_TRACE(EntityName(kind));
    Status st = store_->Delete(kind, id, 2);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(store_->Get(kind, id).status().code(), StatusCode::kNotFound);
  }
}

TEST_F(StoreContract, EveryCatalogFieldRoundTrips) {
  int64_t h = AddTree();
  auto sample = [&](const FieldDef& f) -> std::string {
    switch (f.type) {
      case FieldType::kCode:
        return catalog().FindCodeTable(f.code_table)->entries().front().first;
      case FieldType::kDate: return "2020-02-29";
      case FieldType::kInteger: return "42";
      case FieldType::kDecimal: return "1234.5";
      case FieldType::kBoolean: return "1";
      case FieldType::kIdNumber: return "11010519491231002X";
      case FieldType::kPhone: return "0717-6221234";
      case FieldType::kDivision: return "420581001001";
      case FieldType::kReference: return "7";
      case FieldType::kString: return "𠈌" + f.key;
    }
    return "";
  };
  for (EntityKind kind : {EntityKind::kBuilding, EntityKind::kHousehold, EntityKind::kPerson}) {
    SCOPED_TRACE(EntityName(kind));
    Row row;
    row.parent_id = kind == EntityKind::kPerson ? h : 1;
    for (const FieldDef* f : catalog().StoredFields(kind)) row.values[f->key] = sample(*f);
    if (kind == EntityKind::kPerson) row.values["id_number"] = TestIdNumber(7);
    auto id = store_->Insert(kind, row);
    ASSERT_TRUE(id.ok()) << id.status().message();
    auto back = store_->Get(kind, *id);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->values, row.values);
  }
}

TEST_F(StoreContract, ParentsMustExist) {
  Row household;
  household.parent_id = 424242;
  household.values = {{"household_number", "1"}};
  auto st = store_->Insert(EntityKind::kHousehold, household);
  EXPECT_EQ(st.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.status().message().find("楼栋"), std::string::npos) << st.status().message();
  Row orphan;
  orphan.values = {{"code", "420581001"}, {"name", "陆城街道"}};
  EXPECT_EQ(store_->Insert(EntityKind::kStreet, orphan).status().code(),
            StatusCode::kFailedPrecondition);
  int64_t h = AddTree();
  auto moved = store_->Move(EntityKind::kHousehold, h, 1, 999999, "", "test");
  EXPECT_EQ(moved.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Get(EntityKind::kHousehold, h)->version, 1);  // nothing changed
}

TEST_F(StoreContract, DeleteRefusedWhileChildrenExist) {
  int64_t h = AddTree();
  int64_t b = store_->Get(EntityKind::kHousehold, h)->parent_id;
  Status st = store_->Delete(EntityKind::kBuilding, b, 1);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->Get(EntityKind::kBuilding, b).ok());
}

TEST_F(StoreContract, MovingPersonKeepsMembershipHistory) {
  int64_t h1 = AddTree();
  int64_t b = store_->Get(EntityKind::kHousehold, h1)->parent_id;
  int64_t h2 = AddHousehold(b, "420581002");
  int64_t p = AddPerson(h1, "李四", TestIdNumber(2));
  auto v = store_->Move(EntityKind::kPerson, p, 1, h2, "10", "worker1");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(*v, 2);
  auto person = store_->Get(EntityKind::kPerson, p);
  EXPECT_EQ(person->parent_id, h2);
  EXPECT_EQ(*person->Get("relationship"), "10");
  auto history = store_->MembershipHistory(EntityKind::kPerson, p);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].parent_id, h1);
  EXPECT_EQ((*history)[0].relationship, "02");
  EXPECT_FALSE((*history)[0].valid_to.empty());
  EXPECT_EQ((*history)[1].parent_id, h2);
  EXPECT_EQ((*history)[1].relationship, "10");
  EXPECT_EQ((*history)[1].actor, "worker1");
  EXPECT_TRUE((*history)[1].valid_to.empty());
}

TEST_F(StoreContract, MovingHouseholdKeepsHistory) {
  int64_t h = AddTree();
  int64_t b1 = store_->Get(EntityKind::kHousehold, h)->parent_id;
  int64_t g = store_->Get(EntityKind::kBuilding, b1)->parent_id;
  int64_t b2 = AddBuilding(g, "清江大道100号");
  ASSERT_TRUE(store_->Move(EntityKind::kHousehold, h, 1, b2, "", "worker1").ok());
  EXPECT_EQ(store_->Get(EntityKind::kHousehold, h)->parent_id, b2);
  auto history = store_->MembershipHistory(EntityKind::kHousehold, h);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].parent_id, b1);
  EXPECT_EQ((*history)[1].parent_id, b2);
}

TEST_F(StoreContract, IdNumbersAreUnique) {
  int64_t h = AddTree();
  AddPerson(h, "王五", TestIdNumber(3));
  Row dup;
  dup.parent_id = h;
  dup.values = {{"name", "王五二"}, {"id_number", TestIdNumber(3)}};
  auto st = store_->Insert(EntityKind::kPerson, dup);
  EXPECT_EQ(st.status().code(), StatusCode::kAlreadyExists);
  // The message must not echo the ID number (messages reach logs).
  EXPECT_EQ(st.status().message().find(TestIdNumber(3)), std::string::npos);
  // Changing another person's number to a taken one is refused too.
  int64_t other = AddPerson(h, "赵六", TestIdNumber(4));
  auto row = store_->Get(EntityKind::kPerson, other);
  row->values["id_number"] = TestIdNumber(3);
  EXPECT_EQ(store_->Update(EntityKind::kPerson, &*row).code(), StatusCode::kAlreadyExists);
  ListQuery all;
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, all), 2);
}

TEST_F(StoreContract, StaleVersionIsRefused) {
  int64_t h = AddTree();
  int64_t p = AddPerson(h, "钱七", TestIdNumber(5));
  auto first = store_->Get(EntityKind::kPerson, p);
  auto second = OpenAnother()->Get(EntityKind::kPerson, p);
  first->values["phone"] = "13900000001";
  ASSERT_TRUE(store_->Update(EntityKind::kPerson, &*first).ok());
  second->values["phone"] = "13900000002";
  Status st = store_->Update(EntityKind::kPerson, &*second);
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_NE(st.message().find("当前版本 2"), std::string::npos) << st.message();
  EXPECT_EQ(*store_->Get(EntityKind::kPerson, p)->Get("phone"), "13900000001");
  EXPECT_EQ(store_->Move(EntityKind::kPerson, p, 1, h, "02", "x").status().code(),
            StatusCode::kConflict);
  Row ghost;
  ghost.id = 987654;
  ghost.version = 1;
  ghost.values = {{"name", "无"}};
  EXPECT_EQ(store_->Update(EntityKind::kPerson, &ghost).code(), StatusCode::kNotFound);
  int64_t b = store_->Get(EntityKind::kHousehold, h)->parent_id;
  EXPECT_EQ(store_->Delete(EntityKind::kHousehold, h, 1).code(), StatusCode::kFailedPrecondition);
  int64_t empty = AddHousehold(b, "9");
  EXPECT_EQ(store_->Delete(EntityKind::kHousehold, empty, 5).code(), StatusCode::kConflict);
}

TEST_F(StoreContract, TransactionFailingHalfWayLeavesNothing) {
  int64_t h = AddTree();
  AddPerson(h, "孙八", TestIdNumber(6));
  int64_t b = store_->Get(EntityKind::kHousehold, h)->parent_id;
  Status st = store_->InTransaction([&]() -> Status {
    Row household;
    household.parent_id = b;
    household.values = {{"household_number", "new"}};
    ASSIGN_OR_RETURN(int64_t nh, store_->Insert(EntityKind::kHousehold, household));
    Row ok;
    ok.parent_id = nh;
    ok.values = {{"name", "周九"}, {"id_number", TestIdNumber(8)}};
    RETURN_IF_ERROR(store_->Insert(EntityKind::kPerson, ok).status());
    Row dup = ok;
    dup.values["id_number"] = TestIdNumber(6);  // taken: fails here
    return store_->Insert(EntityKind::kPerson, dup).status();
  });
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  ListQuery all;
  EXPECT_EQ(*store_->Count(EntityKind::kHousehold, all), 1);
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, all), 1);
  EXPECT_EQ(store_->FindBy(EntityKind::kPerson, "id_number", TestIdNumber(8)).status().code(),
            StatusCode::kNotFound);
}

TEST_F(StoreContract, SwallowedInnerFailureStillRollsBack) {
  int64_t h = AddTree();
  AddPerson(h, "吴十", TestIdNumber(9));
  Status st = store_->InTransaction([&]() -> Status {
    Row p;
    p.parent_id = h;
    p.values = {{"name", "郑一"}, {"id_number", TestIdNumber(10)}};
    RETURN_IF_ERROR(store_->Insert(EntityKind::kPerson, p).status());
    p.values["id_number"] = TestIdNumber(9);
    (void)store_->Insert(EntityKind::kPerson, p);  // fails, and the caller ignores it
    return Status::Ok();
  });
  EXPECT_FALSE(st.ok());
  ListQuery all;
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, all), 1);
}

TEST_F(StoreContract, RareCharactersAndLongAddressesRoundTrip) {
  int64_t h = AddTree();
  std::string address;
  for (int i = 0; i < 60; ++i) address += "湖北省宜昌市𡒄";  // 420 characters, 4-byte ones too
  int64_t b = AddBuilding(store_->Get(EntityKind::kBuilding,
                                      store_->Get(EntityKind::kHousehold, h)->parent_id)
                              ->parent_id,
                          address);
  EXPECT_EQ(*store_->Get(EntityKind::kBuilding, b)->Get("address"), address);
  for (const char* name : {"𠈌", "王𠈌", "李𡒄华", "𪚥𬌗"}) {
    SCOPED_TRACE(name);
    int64_t p = AddPerson(h, name, TestIdNumber(100 + static_cast<int>(std::strlen(name))));
    auto row = store_->Get(EntityKind::kPerson, p);
    EXPECT_EQ(*row->Get("name"), name);
    auto found = store_->FindBy(EntityKind::kPerson, "name", name);
    ASSERT_TRUE(found.ok()) << found.status().message();
    EXPECT_EQ(found->id, p);
  }
}

TEST_F(StoreContract, FindByAndPaging) {
  int64_t h = AddTree();
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(AddPerson(h, "人" + std::to_string(i), TestIdNumber(20 + i)));
  auto found = store_->FindBy(EntityKind::kPerson, "id_number", TestIdNumber(23));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, ids[3]);
  EXPECT_EQ(store_->FindBy(EntityKind::kPerson, "no_such_field", "x").status().code(),
            StatusCode::kInvalidArgument);
  std::vector<int64_t> seen;
  ListQuery q;
  q.parent_id = h;
  q.limit = 3;
  while (true) {
    auto page = store_->List(EntityKind::kPerson, q);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    for (const Row& r : *page) seen.push_back(r.id);
    q.after_id = page->back().id;
  }
  EXPECT_EQ(seen, ids);
  ListQuery by_name;
  by_name.equals = {{"name", "人5"}};
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, by_name), 1);
}

TEST_F(StoreContract, UnknownFieldsAreRejected) {
  int64_t h = AddTree();
  Row p;
  p.parent_id = h;
  p.values = {{"name", "冯二"}, {"favourite_colour", "红"}};
  auto st = store_->Insert(EntityKind::kPerson, p);
  EXPECT_EQ(st.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.status().message().find("favourite_colour"), std::string::npos);
}

TEST_F(StoreContract, BatchInsertOf100kRows) {
  int64_t h = AddTree();
  std::vector<Row> rows(100000);
  for (int i = 0; i < 100000; ++i) {
    char birth[9];
    std::snprintf(birth, sizeof birth, "%04d%02d15", 1940 + i / 12000, 1 + (i / 1000) % 12);
    rows[i].parent_id = h;
    rows[i].values = {{"name", "批量" + std::to_string(i)}, {"id_number", TestIdNumber(i, birth)},
                      {"gender", i % 2 ? "1" : "2"}};
  }
  std::vector<int64_t> ids;
  Status st = store_->InsertBatch(EntityKind::kPerson, rows, &ids);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(ids.size(), 100000u);
  ListQuery all;
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, all), 100000);
  EXPECT_EQ(*store_->Get(EntityKind::kPerson, ids[54321])->Get("name"), "批量54321");
}

TEST_F(StoreContract, BatchIsAllOrNothing) {
  int64_t h = AddTree();
  std::vector<Row> rows(10);
  for (int i = 0; i < 10; ++i) {
    rows[i].parent_id = h;
    rows[i].values = {{"name", "批" + std::to_string(i)}, {"id_number", TestIdNumber(200 + i)}};
  }
  rows[7].values["id_number"] = TestIdNumber(201);  // duplicate of row 2
  std::vector<int64_t> ids;
  Status st = store_->InsertBatch(EntityKind::kPerson, rows, &ids);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(st.message().find("第 8 行"), std::string::npos) << st.message();
  EXPECT_TRUE(ids.empty());
  ListQuery all;
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, all), 0);
}

}  // namespace
}  // namespace onetable::testing
