// What ingest keeps in SQL beyond the register itself: import runs and their quarantined rows,
// the sources' trust, history-only observations, person merges (aliases) and kept-apart pairs.
#include <cstdlib>
#include <map>

#include "model/catalog_keys.h"
#include "store/sql_store.h"

namespace onetable {
namespace {

void BindOpt(SqlStatement* s, int i, const std::string& v) {
  if (v.empty())
    s->BindNull(i);
  else
    s->BindText(i, v);
}

const char kRunColumns[] =
    "SELECT id, source, title, connector_type, spec_file, status, started_at, finished_at, "
    "read_count, new_count, updated_count, unchanged_count, linked_count, review_count, "
    "rejected_count, message, problem_counts FROM import_run";

// "kind=count,kind=count" (kinds are [a-z_] names).
std::string EncodeProblems(const std::map<std::string, int64_t>& problems) {
  std::string out;
  for (const auto& [kind, n] : problems) {
    if (n == 0) continue;
    out += (out.empty() ? "" : ",") + kind + "=" + std::to_string(n);
  }
  return out;
}

std::map<std::string, int64_t> DecodeProblems(const std::string& text) {
  std::map<std::string, int64_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    size_t eq = item.find('=');
    if (eq != std::string::npos && eq > 0) {
      out[item.substr(0, eq)] = std::strtoll(item.c_str() + eq + 1, nullptr, 10);
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace

// --- import runs -------------------------------------------------------------------------------

Result<int64_t> SqlStore::AddImportRun(const ImportRun& run) {
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement * s,
        Stmt("INSERT INTO import_run (source, title, connector_type, spec_file, status, "
             "started_at, finished_at, read_count, new_count, updated_count, unchanged_count, "
             "linked_count, review_count, rejected_count, message, problem_counts) VALUES "
             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->BindText(1, run.source);
    BindOpt(s, 2, run.title);
    s->BindText(3, run.connector_type);
    BindOpt(s, 4, run.spec_file);
    s->BindText(5, run.status.empty() ? kImportRunning : run.status);
    s->BindText(6, run.started_at.empty() ? NowUtc() : run.started_at);
    BindOpt(s, 7, run.finished_at);
    int i = 8;
    for (int64_t n : {run.read, run.created, run.updated, run.unchanged, run.linked, run.review,
                      run.rejected}) {
      s->BindInt(i++, n);
    }
    BindOpt(s, 15, run.message);
    BindOpt(s, 16, EncodeProblems(run.problems));
    RETURN_IF_ERROR(s->Execute().status());
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Status SqlStore::UpdateImportRun(const ImportRun& run) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE import_run SET status = ?, finished_at = ?, read_count = ?, "
                        "new_count = ?, updated_count = ?, unchanged_count = ?, "
                        "linked_count = ?, review_count = ?, rejected_count = ?, message = ?, "
                        "problem_counts = ? WHERE id = ?"));
  s->BindText(1, run.status);
  BindOpt(s, 2, run.finished_at);
  int i = 3;
  for (int64_t n :
       {run.read, run.created, run.updated, run.unchanged, run.linked, run.review, run.rejected}) {
    s->BindInt(i++, n);
  }
  BindOpt(s, 10, run.message);
  BindOpt(s, 11, EncodeProblems(run.problems));
  s->BindInt(12, run.id);
  ASSIGN_OR_RETURN(int64_t n, s->Execute());
  if (n == 0) return Status::NotFound("导入记录 " + std::to_string(run.id) + " 不存在");
  return Status::Ok();
}

Result<std::vector<ImportRun>> SqlStore::ReadImportRuns(SqlStatement* s) {
  std::vector<ImportRun> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ImportRun r;
    r.id = s->Int(0);
    r.source = s->Text(1).value_or("");
    r.title = s->Text(2).value_or("");
    r.connector_type = s->Text(3).value_or("");
    r.spec_file = s->Text(4).value_or("");
    r.status = s->Text(5).value_or("");
    r.started_at = s->Text(6).value_or("");
    r.finished_at = s->Text(7).value_or("");
    r.read = s->Int(8);
    r.created = s->Int(9);
    r.updated = s->Int(10);
    r.unchanged = s->Int(11);
    r.linked = s->Int(12);
    r.review = s->Int(13);
    r.rejected = s->Int(14);
    r.message = s->Text(15).value_or("");
    r.problems = DecodeProblems(s->Text(16).value_or(""));
    out.push_back(std::move(r));
  }
  return out;
}

Result<ImportRun> SqlStore::GetImportRun(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(std::string(kRunColumns) + " WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(auto runs, ReadImportRuns(s));
  if (runs.empty()) return Status::NotFound("导入记录 " + std::to_string(id) + " 不存在");
  return runs.front();
}

Result<std::vector<ImportRun>> SqlStore::ListImportRuns(const std::string& source, int64_t after_id,
                                                        int limit) {
  std::string sql = std::string(kRunColumns) + " WHERE id > ?";
  if (!source.empty()) sql += " AND source = ?";
  sql += " ORDER BY id LIMIT " + std::to_string(limit <= 0 ? 100 : limit);
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
  s->BindInt(1, after_id);
  if (!source.empty()) s->BindText(2, source);
  return ReadImportRuns(s);
}

Result<int64_t> SqlStore::MarkRunsInterrupted(const std::string& source) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE import_run SET status = ?, message = ? WHERE source = ? AND "
                        "status = ?"));
  s->BindText(1, kImportInterrupted);
  s->BindText(2, "导入进程意外终止，已提交的批次保留，下次运行从中断处继续");
  s->BindText(3, source);
  s->BindText(4, kImportRunning);
  return s->Execute();
}

Result<int64_t> SqlStore::AddQuarantine(const QuarantinedRow& row) {
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO quarantine_row (run_id, source, location, row_no, col, "
                          "reason, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    s->BindInt(1, row.run_id);
    s->BindText(2, row.source);
    BindOpt(s, 3, row.location);
    s->BindInt(4, row.row);
    BindOpt(s, 5, row.column);
    s->BindText(6, row.reason);
    if (row.raw.empty()) {
      s->BindNull(7);
    } else {
      ASSIGN_OR_RETURN(std::string raw, Seal(row.raw));
      s->BindText(7, raw);
    }
    s->BindText(8, row.created_at.empty() ? NowUtc() : row.created_at);
    Status ex = s->Execute().status();
    if (ex.code() == StatusCode::kFailedPrecondition) {
      return Status::Precondition("导入记录 " + std::to_string(row.run_id) + " 不存在");
    }
    RETURN_IF_ERROR(ex);
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<QuarantinedRow>> SqlStore::ListQuarantine(int64_t run_id, int64_t after_id,
                                                             int limit) {
  std::string sql =
      "SELECT id, run_id, source, location, row_no, col, reason, raw, created_at FROM "
      "quarantine_row WHERE id > ?";
  if (run_id) sql += " AND run_id = ?";
  sql += " ORDER BY id LIMIT " + std::to_string(limit <= 0 ? 100 : limit);
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
  s->BindInt(1, after_id);
  if (run_id) s->BindInt(2, run_id);
  std::vector<QuarantinedRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    QuarantinedRow q;
    q.id = s->Int(0);
    q.run_id = s->Int(1);
    q.source = s->Text(2).value_or("");
    q.location = s->Text(3).value_or("");
    q.row = s->Int(4);
    q.column = s->Text(5).value_or("");
    q.reason = s->Text(6).value_or("");
    ASSIGN_OR_RETURN(q.raw, Unseal(s->Text(7).value_or("")));
    q.created_at = s->Text(8).value_or("");
    out.push_back(std::move(q));
  }
  return out;
}

// --- sources -----------------------------------------------------------------------------------

Status SqlStore::PutSourceInfo(const SourceInfo& info) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * u,
                     Stmt("UPDATE ingest_source SET title = ?, connector_type = ?, trust = ?, "
                          "updated_at = ? WHERE source = ?"));
    BindOpt(u, 1, info.title);
    u->BindText(2, info.connector_type);
    u->BindInt(3, info.trust);
    u->BindText(4, NowUtc());
    u->BindText(5, info.source);
    ASSIGN_OR_RETURN(int64_t n, u->Execute());
    if (n > 0) return Status::Ok();
    ASSIGN_OR_RETURN(SqlStatement * i,
                     Stmt("INSERT INTO ingest_source (source, title, connector_type, trust, "
                          "updated_at) VALUES (?, ?, ?, ?, ?)"));
    i->BindText(1, info.source);
    BindOpt(i, 2, info.title);
    i->BindText(3, info.connector_type);
    i->BindInt(4, info.trust);
    i->BindText(5, NowUtc());
    return i->Execute().status();
  });
}

Result<SourceInfo> SqlStore::GetSourceInfo(const std::string& source) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT title, connector_type, trust, updated_at FROM ingest_source "
                        "WHERE source = ?"));
  s->BindText(1, source);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("数据来源 " + source + " 未登记");
  SourceInfo info;
  info.source = source;
  info.title = s->Text(0).value_or("");
  info.connector_type = s->Text(1).value_or("");
  info.trust = static_cast<int>(s->Int(2));
  info.updated_at = s->Text(3).value_or("");
  s->Reset();
  return info;
}

// --- provenance --------------------------------------------------------------------------------

// A losing value joins the group of the value it lost against (0019: provenance.seq), after it.
Status SqlStore::AppendHistory(const FieldObservation& o) {
  ASSIGN_OR_RETURN(SqlStatement * h,
                   Stmt("INSERT INTO value_history (value, source, source_record_id, actor, "
                        "observed_at, pinned, entity, entity_id, field, seq, was_current) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT seq FROM provenance WHERE "
                        "entity = ? AND entity_id = ? AND field = ?), 0), 0)"));
  if (o.is_null) {
    h->BindNull(1);
  } else {
    ASSIGN_OR_RETURN(std::string value, SealFieldValue(o.entity, o.field, o.value));
    h->BindText(1, value);
  }
  h->BindText(2, o.source);
  if (o.source_record_id)
    h->BindInt(3, o.source_record_id);
  else
    h->BindNull(3);
  BindOpt(h, 4, o.actor);
  h->BindText(5, o.observed_at.empty() ? NowUtc() : o.observed_at);
  h->BindInt(6, o.pinned ? 1 : 0);
  for (int i : {7, 10}) {
    h->BindText(i, EntityName(o.entity));
    h->BindInt(i + 1, o.entity_id);
    h->BindText(i + 2, o.field);
  }
  return h->Execute().status();
}

Result<std::vector<SourceRecord>> SqlStore::ListSourceRecords(int64_t person_id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT id, source, record_key, content_hash, payload, person_id, "
                        "fetched_at FROM source_record WHERE person_id = ? ORDER BY id"));
  s->BindInt(1, person_id);
  std::vector<SourceRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    SourceRecord r;
    r.id = s->Int(0);
    r.source = s->Text(1).value_or("");
    r.record_key = s->Text(2).value_or("");
    r.content_hash = s->Text(3).value_or("");
    ASSIGN_OR_RETURN(r.payload, Unseal(s->Text(4).value_or("")));
    r.person_id = s->Int(5);
    r.fetched_at = s->Text(6).value_or("");
    out.push_back(std::move(r));
  }
  return out;
}

// --- review ------------------------------------------------------------------------------------

Result<std::vector<ReviewItem>> SqlStore::FindOpenReview(const std::string& kind, EntityKind entity,
                                                         int64_t entity_id,
                                                         const std::string& field,
                                                         int64_t other_id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT id FROM review_item WHERE status = 'open' AND kind = ? AND "
                        "entity = ? AND entity_id = ? AND COALESCE(field, '') = ? AND "
                        "COALESCE(other_id, 0) = ? ORDER BY id"));
  s->BindText(1, kind);
  s->BindText(2, EntityName(entity));
  s->BindInt(3, entity_id);
  s->BindText(4, field);
  s->BindInt(5, other_id);
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ids.push_back(s->Int(0));
  }
  std::vector<ReviewItem> out;
  for (int64_t id : ids) {
    ASSIGN_OR_RETURN(ReviewItem item, GetReview(id));
    out.push_back(std::move(item));
  }
  return out;
}

// --- merges ------------------------------------------------------------------------------------

Status SqlStore::MergePersons(int64_t survivor_id, int64_t merged_id, const std::string& actor) {
  if (survivor_id == merged_id) return Status::Invalid("不能把人员与其自身合并");
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(Row survivor, Get(EntityKind::kPerson, survivor_id));
    ASSIGN_OR_RETURN(Row merged, Get(EntityKind::kPerson, merged_id));
    ASSIGN_OR_RETURN(auto merged_prov, Provenance(EntityKind::kPerson, merged_id));

    // Values only the merged row has fill the survivor's blanks, keeping where they came from.
    std::vector<std::string> filled;
    for (const auto& [key, value] : merged.values) {
      if (value.empty() || survivor.Get(key) != nullptr) continue;
      survivor.values[key] = value;
      filled.push_back(key);
    }

    auto exec = [&](const std::string& sql, int64_t to, int64_t from) -> Status {
      ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
      s->BindInt(1, to);
      s->BindInt(2, from);
      return s->Execute().status();
    };
    RETURN_IF_ERROR(exec("UPDATE tag_assignment SET person_id = ? WHERE person_id = ?", survivor_id,
                         merged_id));
    // Both rows change for a delivery: one gains tags and values, the other leaves (0017). The
    // households whose head was the merged person get the survivor as head.
    RETURN_IF_ERROR(RecordRegisterChange("person", survivor_id));
    RETURN_IF_ERROR(RecordRegisterChange("person", merged_id));
    {
      ASSIGN_OR_RETURN(SqlStatement * s,
                       Stmt("INSERT INTO register_change (entity, entity_id, changed_at) SELECT "
                            "'household', id, ? FROM household WHERE head_person_id = ?"));
      s->BindText(1, NowUtc());
      s->BindInt(2, merged_id);
      RETURN_IF_ERROR(s->Execute().status());
    }
    RETURN_IF_ERROR(
        exec("UPDATE source_record SET person_id = ? WHERE person_id = ?", survivor_id, merged_id));
    RETURN_IF_ERROR(exec("UPDATE household SET head_person_id = ? WHERE head_person_id = ?",
                         survivor_id, merged_id));
    RETURN_IF_ERROR(
        exec("UPDATE person_alias SET person_id = ? WHERE person_id = ?", survivor_id, merged_id));
    // The merged person's current values are history now (0019: provenance is not in
    // value_history); with the rest of his history they follow him to the survivor.
    {
      ASSIGN_OR_RETURN(
          SqlStatement * s,
          Stmt("INSERT INTO value_history (value, source, source_record_id, actor, observed_at, "
               "pinned, entity, entity_id, field, seq, was_current) SELECT value, source, "
               "source_record_id, actor, observed_at, pinned, entity, entity_id, field, seq, 1 "
               "FROM provenance WHERE entity = 'person' AND entity_id = ? AND seq > 0"));
      s->BindInt(1, merged_id);
      RETURN_IF_ERROR(s->Execute().status());
    }
    RETURN_IF_ERROR(
        exec("UPDATE value_history SET entity_id = ? WHERE entity = 'person' AND "
             "entity_id = ?",
             survivor_id, merged_id));
    RETURN_IF_ERROR(
        exec("UPDATE review_item SET entity_id = ? WHERE entity = 'person' AND "
             "status = 'open' AND entity_id = ?",
             survivor_id, merged_id));
    {
      ASSIGN_OR_RETURN(SqlStatement * s,
                       Stmt("DELETE FROM provenance WHERE entity = 'person' AND entity_id = ?"));
      s->BindInt(1, merged_id);
      RETURN_IF_ERROR(s->Execute().status());
    }
    {
      ASSIGN_OR_RETURN(SqlStatement * s,
                       Stmt("UPDATE membership SET valid_to = ? WHERE entity = 'person' AND "
                            "entity_id = ? AND valid_to IS NULL"));
      s->BindText(1, NowUtc());
      s->BindInt(2, merged_id);
      RETURN_IF_ERROR(s->Execute().status());
    }
    {
      ASSIGN_OR_RETURN(SqlStatement * s, Stmt("DELETE FROM person WHERE id = ?"));
      s->BindInt(1, merged_id);
      RETURN_IF_ERROR(s->Execute().status());
    }
    {
      ASSIGN_OR_RETURN(SqlStatement * s,
                       Stmt("INSERT INTO person_alias (alias_id, person_id, merged_at) VALUES "
                            "(?, ?, ?)"));
      s->BindInt(1, merged_id);
      s->BindInt(2, survivor_id);
      s->BindText(3, NowUtc());
      RETURN_IF_ERROR(s->Execute().status());
    }
    if (survivor.parent_id == 0 && merged.parent_id != 0) {
      ASSIGN_OR_RETURN(
          survivor.version,
          Move(EntityKind::kPerson, survivor_id, survivor.version, merged.parent_id,
               merged.Get(keys::kRelationship) ? *merged.Get(keys::kRelationship) : "", actor));
      survivor.parent_id = merged.parent_id;
      if (const std::string* rel = merged.Get(keys::kRelationship))
        survivor.values[keys::kRelationship] = *rel;
    }
    if (!filled.empty()) {
      RETURN_IF_ERROR(Update(EntityKind::kPerson, &survivor));
      for (const FieldObservation& o : merged_prov) {
        bool was_filled = false;
        for (const auto& f : filled) was_filled = was_filled || f == o.field;
        if (!was_filled) continue;
        FieldObservation moved = o;
        moved.entity_id = survivor_id;
        RETURN_IF_ERROR(RecordObservation(moved));
      }
    }
    return Status::Ok();
  });
}

Result<int64_t> SqlStore::ResolvePersonId(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT person_id FROM person_alias WHERE alias_id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  int64_t out = found ? s->Int(0) : id;
  s->Reset();
  return out;
}

Status SqlStore::KeepApart(int64_t a, int64_t b, const std::string& actor) {
  if (a == b) return Status::Invalid("同一人员不能标记为不同的人");
  if (a > b) std::swap(a, b);
  ASSIGN_OR_RETURN(bool already, KeptApart(a, b));
  if (already) return Status::Ok();
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("INSERT INTO person_distinct (person_a, person_b, actor, decided_at) "
                        "VALUES (?, ?, ?, ?)"));
  s->BindInt(1, a);
  s->BindInt(2, b);
  BindOpt(s, 3, actor);
  s->BindText(4, NowUtc());
  return s->Execute().status();
}

Result<bool> SqlStore::KeptApart(int64_t a, int64_t b) {
  if (a > b) std::swap(a, b);
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT 1 FROM person_distinct WHERE person_a = ? AND person_b = ?"));
  s->BindInt(1, a);
  s->BindInt(2, b);
  ASSIGN_OR_RETURN(bool found, s->Step());
  s->Reset();
  return found;
}

}  // namespace onetable
