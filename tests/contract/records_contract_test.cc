// Tags, provenance and history, source records and cursors, review queue, users, audit.
#include "store_fixture.h"

namespace onetable::testing {
namespace {

TEST_F(StoreContract, TagsWithAttributes) {
  int64_t p = AddPerson(AddTree(), "陈一", TestIdNumber(1));
  TagAssignment tag;
  tag.person_id = p;
  tag.tag = "dibao";
  tag.attrs = {{"category", "01"}, {"amount", "680"}};
  tag.valid_from = "2024-01-01";
  tag.source = "minzheng-dibao";
  auto id = store_->AddTag(tag);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto tags = store_->ListTags(p);
  ASSERT_EQ(tags->size(), 1u);
  TagAssignment got = tags->front();
  EXPECT_EQ(got.attrs, tag.attrs);
  EXPECT_EQ(got.valid_from, "2024-01-01");
  EXPECT_TRUE(got.valid_to.empty());
  EXPECT_EQ(got.version, 1);

  TagAssignment stale = got;
  got.valid_to = "2025-06-30";
  ASSERT_TRUE(store_->UpdateTag(&got).ok());
  EXPECT_EQ(got.version, 2);
  stale.attrs["amount"] = "1";
  EXPECT_EQ(store_->UpdateTag(&stale).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->ListTags(p)->front().valid_to, "2025-06-30");

  TagAssignment unknown = tag;
  unknown.tag = "no_such_tag";
  EXPECT_EQ(store_->AddTag(unknown).status().code(), StatusCode::kInvalidArgument);
  TagAssignment bad_attr = tag;
  bad_attr.attrs["shoe_size"] = "42";
  EXPECT_EQ(store_->AddTag(bad_attr).status().code(), StatusCode::kInvalidArgument);
  TagAssignment orphan = tag;
  orphan.person_id = 999999;
  EXPECT_EQ(store_->AddTag(orphan).status().code(), StatusCode::kFailedPrecondition);

  EXPECT_EQ(store_->DeleteTag(*id, 1).code(), StatusCode::kConflict);
  ASSERT_TRUE(store_->DeleteTag(*id, 2).ok());
  EXPECT_TRUE(store_->ListTags(p)->empty());
}

TEST_F(StoreContract, ProvenanceKeepsCurrentSourceAndFullHistory) {
  int64_t p = AddPerson(AddTree(), "林二", TestIdNumber(2));
  FieldObservation o;
  o.entity = EntityKind::kPerson;
  o.entity_id = p;
  o.field = "phone";
  o.value = "13800000001";
  o.source = "minzheng-dibao";
  o.source_record_id = 11;
  o.observed_at = "2026-01-01 08:00:00";
  ASSERT_TRUE(store_->RecordObservation(o).ok());
  o.value = "13800000002";
  o.source = "manual";
  o.source_record_id = 0;
  o.actor = "wangge01";
  o.pinned = true;
  o.observed_at = "2026-02-01 09:30:00";
  ASSERT_TRUE(store_->RecordObservation(o).ok());
  // The same observation again (e.g. a re-run) is recorded, not refused.
  ASSERT_TRUE(store_->RecordObservation(o).ok());

  auto prov = store_->Provenance(EntityKind::kPerson, p);
  ASSERT_TRUE(prov.ok()) << prov.status().message();
  ASSERT_EQ(prov->size(), 1u);
  EXPECT_EQ(prov->front().value, "13800000002");
  EXPECT_EQ(prov->front().source, "manual");
  EXPECT_EQ(prov->front().actor, "wangge01");
  EXPECT_TRUE(prov->front().pinned);
  auto history = store_->History(EntityKind::kPerson, p, "phone");
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].value, "13800000001");
  EXPECT_EQ((*history)[0].source, "minzheng-dibao");
  EXPECT_EQ((*history)[0].source_record_id, 11);
  EXPECT_EQ((*history)[0].observed_at, "2026-01-01 08:00:00");
  EXPECT_EQ((*history)[1].value, "13800000002");
}

TEST_F(StoreContract, SourceRecordsDetectUnchangedContent) {
  SourceRecord r;
  r.source = "minzheng-dibao";
  r.record_key = "row-1";
  r.content_hash = "aaa";
  r.payload = R"({"姓名":"王𠈌"})";
  auto changed = store_->PutSourceRecord(&r);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_TRUE(*changed);
  int64_t id = r.id;
  EXPECT_GT(id, 0);
  EXPECT_FALSE(*store_->PutSourceRecord(&r));
  EXPECT_EQ(r.id, id);
  r.content_hash = "bbb";
  EXPECT_TRUE(*store_->PutSourceRecord(&r));
  EXPECT_EQ(r.id, id);
  auto back = store_->GetSourceRecord("minzheng-dibao", "row-1");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->content_hash, "bbb");
  EXPECT_EQ(back->payload, r.payload);
  EXPECT_EQ(store_->GetSourceRecord("minzheng-dibao", "row-2").status().code(),
            StatusCode::kNotFound);

  EXPECT_EQ(*store_->GetCursor("minzheng-dibao"), "");
  ASSERT_TRUE(store_->SetCursor("minzheng-dibao", "2026-01-01|42").ok());
  ASSERT_TRUE(store_->SetCursor("minzheng-dibao", "2026-01-01|42").ok());  // same value again
  ASSERT_TRUE(store_->SetCursor("minzheng-dibao", "2026-02-01|7").ok());
  EXPECT_EQ(*store_->GetCursor("minzheng-dibao"), "2026-02-01|7");
}

TEST_F(StoreContract, ReviewQueueOperations) {
  int64_t h = AddTree();
  int64_t a = AddPerson(h, "黄三", TestIdNumber(3));
  int64_t b = AddPerson(h, "黄三", TestIdNumber(4));
  ReviewItem dup;
  dup.kind = "duplicate";
  dup.entity_id = a;
  dup.other_id = b;
  dup.detail = R"({"score":0.82})";
  auto id = store_->AddReview(dup);
  ASSERT_TRUE(id.ok()) << id.status().message();
  ReviewItem conflict;
  conflict.kind = "conflict";
  conflict.entity_id = a;
  conflict.field = "phone";
  ASSERT_TRUE(store_->AddReview(conflict).ok());
  EXPECT_EQ(store_->ListReview("open", 0, 10)->size(), 2u);
  auto item = store_->GetReview(*id);
  EXPECT_EQ(item->other_id, b);
  EXPECT_EQ(item->status, "open");
  Status st = store_->ResolveReview(*id, item->version, "kept_apart", "不是同一人", "wangge01");
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(store_->ResolveReview(*id, item->version + 1, "linked", "", "other").code(),
            StatusCode::kConflict);
  auto done = store_->GetReview(*id);
  EXPECT_EQ(done->status, "kept_apart");
  EXPECT_EQ(done->resolved_by, "wangge01");
  EXPECT_EQ(store_->ListReview("open", 0, 10)->size(), 1u);
  EXPECT_EQ(store_->ListReview("", 0, 10)->size(), 2u);
  EXPECT_EQ(store_->GetReview(9999).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreContract, UsersWithScopesAndGrants) {
  User u;
  u.name = "wangge01";
  u.role = "grid_worker";
  u.display_name = "张网格";
  u.password_hash = "pbkdf2-sha256$600000$c2FsdA$aGFzaA";
  u.scopes = {"420581001001-01"};
  auto id = store_->AddUser(u);
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(store_->AddUser(u).status().code(), StatusCode::kAlreadyExists);
  auto got = store_->GetUser("wangge01");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->scopes, u.scopes);
  EXPECT_EQ(got->display_name, "张网格");
  User stale = *got;
  got->scopes = {"420581001001-01", "420581001001-02"};
  got->grants = {"minzheng/gaoling-jintie"};
  ASSERT_TRUE(store_->UpdateUser(&*got).ok());
  EXPECT_EQ(store_->UpdateUser(&stale).code(), StatusCode::kConflict);
  auto again = store_->GetUser("wangge01");
  EXPECT_EQ(again->scopes.size(), 2u);
  EXPECT_EQ(again->grants, std::vector<std::string>{"minzheng/gaoling-jintie"});
  EXPECT_EQ(store_->ListUsers()->size(), 1u);
  EXPECT_EQ(store_->GetUser("nobody").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreContract, AuditLogAppendsAndFilters) {
  for (int i = 0; i < 5; ++i) {
    AuditEntry e;
    e.user = i % 2 ? "admin" : "wangge01";
    e.role = i % 2 ? "admin" : "grid_worker";
    e.source_addr = "127.0.0.1";
    e.action = i < 3 ? "login" : "download";
    e.object = "mapping/minzheng/gaoling-jintie";
    e.result = "ok";
    e.request_id = "req-" + std::to_string(i);
    ASSERT_TRUE(store_->AppendAudit(e).ok());
  }
  AuditQuery q;
  EXPECT_EQ(store_->ListAudit(q)->size(), 5u);
  q.user = "admin";
  EXPECT_EQ(store_->ListAudit(q)->size(), 2u);
  q.user.clear();
  q.action = "download";
  auto downloads = store_->ListAudit(q);
  ASSERT_EQ(downloads->size(), 2u);
  EXPECT_EQ(downloads->front().request_id, "req-3");
  EXPECT_FALSE(downloads->front().at.empty());
}

}  // namespace
}  // namespace onetable::testing
