// The Store methods ingest added, on both backends: import runs, quarantine, sources' trust,
// history-only observations, open-review lookup, person merges with aliases, kept-apart pairs.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace onetable::testing {
namespace {

class IngestContract : public StoreContract {};

TEST_F(IngestContract, ImportRunsRecordCountsAndStatus) {
  ImportRun run;
  run.source = "dibao";
  run.title = "民政低保";
  run.connector_type = "csv";
  run.spec_file = "/etc/onetable/dibao.yaml";
  auto id = store_->AddImportRun(run);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto got = store_->GetImportRun(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, kImportRunning);
  EXPECT_FALSE(got->started_at.empty());
  EXPECT_EQ(got->title, "民政低保");

  run = *got;
  run.read = 10;
  run.created = 5;
  run.updated = 2;
  run.unchanged = 1;
  run.linked = 1;
  run.review = 3;
  run.rejected = 2;
  run.status = kImportDone;
  run.finished_at = "2026-01-01 00:00:00";
  ASSERT_TRUE(store_->UpdateImportRun(run).ok());
  got = store_->GetImportRun(*id);
  EXPECT_EQ(got->read, 10);
  EXPECT_EQ(got->created, 5);
  EXPECT_EQ(got->updated, 2);
  EXPECT_EQ(got->unchanged, 1);
  EXPECT_EQ(got->linked, 1);
  EXPECT_EQ(got->review, 3);
  EXPECT_EQ(got->rejected, 2);
  EXPECT_EQ(got->status, kImportDone);
  EXPECT_EQ(got->finished_at, "2026-01-01 00:00:00");

  ImportRun other;
  other.source = "canjian";
  other.connector_type = "xlsx";
  int64_t other_id = *store_->AddImportRun(other);
  EXPECT_EQ(store_->ListImportRuns("", 0, 10)->size(), 2u);
  auto only = store_->ListImportRuns("canjian", 0, 10);
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].id, other_id);
  EXPECT_EQ(store_->ListImportRuns("", *id, 10)->size(), 1u);

  // A run left 'running' by a killed process is marked interrupted by the next run.
  EXPECT_EQ(*store_->MarkRunsInterrupted("canjian"), 1);
  EXPECT_EQ(store_->GetImportRun(other_id)->status, kImportInterrupted);
  EXPECT_EQ(store_->GetImportRun(*id)->status, kImportDone);
  EXPECT_EQ(*store_->MarkRunsInterrupted("canjian"), 0);

  ImportRun missing;
  missing.id = 999;
  missing.status = kImportDone;
  EXPECT_EQ(store_->UpdateImportRun(missing).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetImportRun(999).status().code(), StatusCode::kNotFound);
}

TEST_F(IngestContract, QuarantineKeepsWhereAndWhy) {
  ImportRun run;
  run.source = "dibao";
  run.connector_type = "csv";
  int64_t run_id = *store_->AddImportRun(run);
  QuarantinedRow q;
  q.run_id = run_id;
  q.source = "dibao";
  q.location = "dibao-2026.csv";
  q.row = 17;
  q.column = "身份证号";
  q.reason = "公民身份号码：校验位错误";
  q.raw = "{\"姓名\":\"张𠈌\"}";
  ASSERT_TRUE(store_->AddQuarantine(q).ok());
  q.row = 18;
  q.column = "";
  ASSERT_TRUE(store_->AddQuarantine(q).ok());
  auto rows = store_->ListQuarantine(run_id, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].location, "dibao-2026.csv");
  EXPECT_EQ((*rows)[0].row, 17);
  EXPECT_EQ((*rows)[0].column, "身份证号");
  EXPECT_EQ((*rows)[0].reason, "公民身份号码：校验位错误");
  EXPECT_EQ((*rows)[0].raw, "{\"姓名\":\"张𠈌\"}");
  EXPECT_FALSE((*rows)[0].created_at.empty());
  EXPECT_EQ((*rows)[1].column, "");
  EXPECT_EQ(store_->ListQuarantine(run_id, (*rows)[0].id, 10)->size(), 1u);
  EXPECT_TRUE(store_->ListQuarantine(run_id + 1, 0, 10)->empty());
  q.run_id = 12345;  // no such run
  EXPECT_EQ(store_->AddQuarantine(q).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(IngestContract, SourceInfoIsUpserted) {
  EXPECT_EQ(store_->GetSourceInfo("dibao").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->PutSourceInfo({"dibao", "民政低保", "csv", 60, ""}).ok());
  ASSERT_TRUE(store_->PutSourceInfo({"dibao", "民政低保（新）", "csv", 75, ""}).ok());
  auto info = store_->GetSourceInfo("dibao");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->trust, 75);
  EXPECT_EQ(info->title, "民政低保（新）");
  EXPECT_FALSE(info->updated_at.empty());
}

TEST_F(IngestContract, AppendHistoryLeavesProvenanceAlone) {
  int64_t person = AddPerson(AddTree(), "张三", TestIdNumber(1));
  FieldObservation won;
  won.entity_id = person;
  won.field = "phone";
  won.value = "13800000001";
  won.source = "gongan";
  ASSERT_TRUE(store_->RecordObservation(won).ok());
  FieldObservation lost = won;
  lost.value = "13900000002";
  lost.source = "dibao";
  lost.source_record_id = 7;
  ASSERT_TRUE(store_->AppendHistory(lost).ok());
  auto prov = store_->Provenance(EntityKind::kPerson, person);
  ASSERT_EQ(prov->size(), 1u);
  EXPECT_EQ((*prov)[0].source, "gongan");
  auto history = store_->History(EntityKind::kPerson, person, "phone");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].value, "13900000002");
  EXPECT_EQ((*history)[1].source, "dibao");
  EXPECT_EQ((*history)[1].source_record_id, 7);
}

TEST_F(IngestContract, FindOpenReviewMatchesKindEntityFieldAndOther) {
  ReviewItem conflict;
  conflict.kind = "conflict";
  conflict.entity_id = 5;
  conflict.field = "phone";
  int64_t c = *store_->AddReview(conflict);
  ReviewItem dup;
  dup.kind = "duplicate";
  dup.entity_id = 5;
  dup.other_id = 9;
  int64_t d = *store_->AddReview(dup);
  auto found = store_->FindOpenReview("conflict", EntityKind::kPerson, 5, "phone", 0);
  ASSERT_TRUE(found.ok()) << found.status().message();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, c);
  EXPECT_TRUE(store_->FindOpenReview("conflict", EntityKind::kPerson, 5, "name", 0)->empty());
  EXPECT_TRUE(store_->FindOpenReview("conflict", EntityKind::kHousehold, 5, "phone", 0)->empty());
  EXPECT_EQ(store_->FindOpenReview("duplicate", EntityKind::kPerson, 5, "", 9)->front().id, d);
  ASSERT_TRUE(store_->ResolveReview(c, 1, "resolved", "", "wang").ok());
  EXPECT_TRUE(store_->FindOpenReview("conflict", EntityKind::kPerson, 5, "phone", 0)->empty());
}

// An import batch reads its keys in one query per kind: the same answers as one read per key.
TEST_F(IngestContract, BatchReadsAnswerAsOneReadPerKey) {
  int64_t household = AddTree();
  int64_t a = AddPerson(household, "甲", TestIdNumber(1));
  int64_t b = AddPerson(household, "乙", TestIdNumber(2));
  std::vector<std::string> ids = {TestIdNumber(2), TestIdNumber(3), TestIdNumber(1)};
  for (int i = 0; i < 600; ++i) ids.push_back(TestIdNumber(100 + i));  // more than one IN list
  auto found = store_->FindIdsBy(EntityKind::kPerson, "id_number", ids);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, (std::map<std::string, int64_t>{{TestIdNumber(1), a}, {TestIdNumber(2), b}}));
  EXPECT_TRUE(store_->FindIdsBy(EntityKind::kPerson, "id_number", {})->empty());

  SourceRecord rec;
  rec.source = "laoling";
  rec.record_key = "row1";
  rec.content_hash = "h1";
  rec.payload = "{\"a\":1}";
  rec.person_id = a;
  ASSERT_TRUE(store_->PutSourceRecord(&rec).ok());
  SourceRecord other = rec;
  other.source = "dibao";  // the same key of another source is not this source's
  ASSERT_TRUE(store_->PutSourceRecord(&other).ok());
  auto kept = store_->GetSourceRecords("laoling", {"row2", "row1"});
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ASSERT_EQ(kept->size(), 1u);
  const SourceRecord& one = kept->at("row1");
  SourceRecord single = *store_->GetSourceRecord("laoling", "row1");
  EXPECT_EQ(one.id, single.id);
  EXPECT_EQ(one.record_key, "row1");
  EXPECT_EQ(one.content_hash, "h1");
  EXPECT_EQ(one.payload, single.payload);
  EXPECT_EQ(one.person_id, a);
  EXPECT_EQ(one.fetched_at, single.fetched_at);
}

TEST_F(IngestContract, MergeKeepsTheSurvivorAndRecordsTheAlias) {
  int64_t household = AddTree();
  int64_t survivor = AddPerson(household, "刘强", TestIdNumber(1));
  Row dup;
  dup.values = {{"name", "刘强"}, {"phone", "13800000009"}, {"id_number", TestIdNumber(2)}};
  int64_t merged = *store_->Insert(EntityKind::kPerson, dup);
  FieldObservation phone;
  phone.entity_id = merged;
  phone.field = "phone";
  phone.value = "13800000009";
  phone.source = "laoling";
  ASSERT_TRUE(store_->RecordObservation(phone).ok());
  TagAssignment tag;
  tag.person_id = merged;
  tag.tag = "dibao";
  tag.source = "laoling";
  ASSERT_TRUE(store_->AddTag(tag).ok());
  SourceRecord rec;
  rec.source = "laoling";
  rec.record_key = "row1";
  rec.content_hash = "h";
  rec.payload = "{}";
  rec.person_id = merged;
  ASSERT_TRUE(store_->PutSourceRecord(&rec).ok());
  // An older alias of the merged person follows it to the survivor.
  Row older;
  older.values = {{"name", "刘强"}};
  int64_t oldest = *store_->Insert(EntityKind::kPerson, older);
  ASSERT_TRUE(store_->MergePersons(merged, oldest, "wang").ok());
  EXPECT_EQ(*store_->ResolvePersonId(oldest), merged);

  ASSERT_TRUE(store_->MergePersons(survivor, merged, "wang").ok());
  EXPECT_EQ(store_->Get(EntityKind::kPerson, merged).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->ResolvePersonId(merged), survivor);
  EXPECT_EQ(*store_->ResolvePersonId(oldest), survivor);
  EXPECT_EQ(*store_->ResolvePersonId(survivor), survivor);
  Row s = *store_->Get(EntityKind::kPerson, survivor);
  EXPECT_EQ(*s.Get("id_number"), TestIdNumber(1));  // the survivor's own values stay
  EXPECT_EQ(*s.Get("phone"), "13800000009");        // its blanks are filled
  EXPECT_EQ(s.parent_id, household);
  auto prov = store_->Provenance(EntityKind::kPerson, survivor);
  bool phone_from_laoling = false;
  for (const auto& o : *prov) phone_from_laoling |= o.field == "phone" && o.source == "laoling";
  EXPECT_TRUE(phone_from_laoling);
  EXPECT_EQ(store_->ListTags(survivor)->size(), 1u);
  EXPECT_EQ(store_->GetSourceRecord("laoling", "row1")->person_id, survivor);
  EXPECT_EQ(store_->ListSourceRecords(survivor)->size(), 1u);
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, {}), 1);

  EXPECT_EQ(store_->MergePersons(survivor, survivor, "wang").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->MergePersons(survivor, 424242, "wang").code(), StatusCode::kNotFound);
}

TEST_F(IngestContract, KeptApartPairsInEitherOrder) {
  int64_t household = AddTree();
  int64_t a = AddPerson(household, "甲", TestIdNumber(1));
  int64_t b = AddPerson(household, "乙", TestIdNumber(2));
  EXPECT_FALSE(*store_->KeptApart(a, b));
  ASSERT_TRUE(store_->KeepApart(b, a, "wang").ok());
  ASSERT_TRUE(store_->KeepApart(a, b, "li").ok());  // idempotent
  EXPECT_TRUE(*store_->KeptApart(a, b));
  EXPECT_TRUE(*store_->KeptApart(b, a));
  EXPECT_EQ(store_->KeepApart(a, a, "wang").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace onetable::testing
