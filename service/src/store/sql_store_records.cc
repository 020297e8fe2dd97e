// The register's other records in SQL: tags, provenance and history, source records and cursors,
// the review queue, users and the audit log.
#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "crypto/encrypted_fields.h"
#include "store/sql_store.h"

namespace onetable {
namespace {

std::string ToJson(const std::map<std::string, std::string>& attrs) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : attrs) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return buf.GetString();
}

std::map<std::string, std::string> FromJson(const std::string& json) {
  std::map<std::string, std::string> out;
  rapidjson::Document d;
  if (d.Parse(json.c_str(), json.size()).HasParseError() || !d.IsObject()) return out;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    if (it->value.IsString()) out[it->name.GetString()] = it->value.GetString();
  }
  return out;
}

void BindOpt(SqlStatement* s, int i, const std::string& v) {
  if (v.empty()) s->BindNull(i); else s->BindText(i, v);
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

}  // namespace

// --- tags ------------------------------------------------------------------------------------

Result<int64_t> SqlStore::AddTag(const TagAssignment& tag) {
  const TagDef* def = catalog_.FindTag(tag.tag);
  if (def == nullptr) return Status::Invalid("未知的标签 " + tag.tag);
  for (const auto& kv : tag.attrs) {
    if (def->FindAttribute(kv.first) == nullptr) {
      return Status::Invalid("标签“" + def->label + "”没有属性 " + kv.first);
    }
  }
  int64_t id = 0;
  std::string attrs = ToJson(tag.attrs);
  if (IsEncryptedTag(*def)) {
    ASSIGN_OR_RETURN(attrs, Seal(attrs));
  }
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO tag_assignment (person_id, tag, attrs, valid_from, "
                          "valid_to, source, version) VALUES (?, ?, ?, ?, ?, ?, 1)"));
    s->BindInt(1, tag.person_id);
    s->BindText(2, tag.tag);
    s->BindText(3, attrs);
    BindOpt(s, 4, tag.valid_from);
    BindOpt(s, 5, tag.valid_to);
    s->BindText(6, tag.source);
    Status ex = s->Execute().status();
    if (ex.code() == StatusCode::kFailedPrecondition) {
      return Status::Precondition("人员 " + std::to_string(tag.person_id) + " 不存在");
    }
    RETURN_IF_ERROR(ex);
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return RecordRegisterChange("person", tag.person_id);
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<TagAssignment>> SqlStore::ListTags(int64_t person_id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT id, person_id, tag, attrs, valid_from, valid_to, source, version "
                        "FROM tag_assignment WHERE person_id = ? ORDER BY id"));
  s->BindInt(1, person_id);
  std::vector<TagAssignment> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    TagAssignment t;
    t.id = s->Int(0);
    t.person_id = s->Int(1);
    t.tag = s->Text(2).value_or("");
    ASSIGN_OR_RETURN(std::string attrs, Unseal(s->Text(3).value_or("{}")));
    t.attrs = FromJson(attrs);
    t.valid_from = s->Text(4).value_or("");
    t.valid_to = s->Text(5).value_or("");
    t.source = s->Text(6).value_or("");
    t.version = s->Int(7);
    out.push_back(std::move(t));
  }
  return out;
}

// The tag writes below log the tag's person (register_change) in the same transaction, so an
// incremental delivery regenerates his row. A refused write logs nothing: `outcome` carries it.
Status SqlStore::RecordTagChange(int64_t tag_id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("INSERT INTO register_change (entity, entity_id, changed_at) SELECT "
                        "'person', person_id, ? FROM tag_assignment WHERE id = ?"));
  s->BindText(1, NowUtc());
  s->BindInt(2, tag_id);
  return s->Execute().status();
}

Status SqlStore::UpdateTag(TagAssignment* tag) {
  Status outcome;
  std::string attrs = ToJson(tag->attrs);
  const TagDef* def = catalog_.FindTag(tag->tag);
  // A tag read back names its key; one built without it is sealed all the same.
  if (def == nullptr || IsEncryptedTag(*def)) {
    ASSIGN_OR_RETURN(attrs, Seal(attrs));
  }
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE tag_assignment SET attrs = ?, valid_from = ?, valid_to = ?, "
                          "source = ?, version = version + 1 WHERE id = ? AND version = ?"));
    s->BindText(1, attrs);
    BindOpt(s, 2, tag->valid_from);
    BindOpt(s, 3, tag->valid_to);
    s->BindText(4, tag->source);
    s->BindInt(5, tag->id);
    s->BindInt(6, tag->version);
    ASSIGN_OR_RETURN(int64_t n, s->Execute());
    if (n == 0) {
      outcome = StaleOrMissing("tag_assignment", "标签", tag->id);
      return Status::Ok();
    }
    return RecordTagChange(tag->id);
  }));
  RETURN_IF_ERROR(outcome);
  tag->version += 1;
  return Status::Ok();
}

Status SqlStore::DeleteTag(int64_t id, int64_t expected_version) {
  Status outcome;
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * q, Stmt("SELECT person_id FROM tag_assignment WHERE id = ?"));
    q->BindInt(1, id);
    ASSIGN_OR_RETURN(bool found, q->Step());
    const int64_t person_id = found ? q->Int(0) : 0;
    q->Reset();
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("DELETE FROM tag_assignment WHERE id = ? AND version = ?"));
    s->BindInt(1, id);
    s->BindInt(2, expected_version);
    ASSIGN_OR_RETURN(int64_t n, s->Execute());
    if (n == 0) {
      outcome = StaleOrMissing("tag_assignment", "标签", id);
      return Status::Ok();
    }
    return RecordRegisterChange("person", person_id);
  }));
  return outcome;
}

// --- provenance and history --------------------------------------------------------------------

// The current observation of a field is its provenance row only; the one it replaces moves into
// value_history (schema/sql/sqlite/0019_compact_provenance.sql describes the order kept).
Status SqlStore::RecordObservation(const FieldObservation& o) {
  std::string at = o.observed_at.empty() ? NowUtc() : o.observed_at;
  std::string value;
  if (!o.is_null) {
    ASSIGN_OR_RETURN(value, SealFieldValue(o.entity, o.field, o.value));
  }
  auto bind_common = [&](SqlStatement* s, int i) {
    if (o.is_null) s->BindNull(i); else s->BindText(i, value);
    s->BindText(i + 1, o.source);
    if (o.source_record_id) s->BindInt(i + 2, o.source_record_id); else s->BindNull(i + 2);
    BindOpt(s, i + 3, o.actor);
    s->BindText(i + 4, at);
    s->BindInt(i + 5, o.pinned ? 1 : 0);
  };
  auto bind_key = [&](SqlStatement* s, int i) {
    s->BindText(i, EntityName(o.entity));
    s->BindInt(i + 1, o.entity_id);
    s->BindText(i + 2, o.field);
  };
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * keep,
                     Stmt("INSERT INTO value_history (value, source, source_record_id, actor, "
                          "observed_at, pinned, entity, entity_id, field, seq, was_current) "
                          "SELECT value, source, source_record_id, actor, observed_at, pinned, "
                          "entity, entity_id, field, seq, 1 FROM provenance WHERE entity = ? AND "
                          "entity_id = ? AND field = ? AND seq > 0"));
    bind_key(keep, 1);
    RETURN_IF_ERROR(keep->Execute().status());
    ASSIGN_OR_RETURN(SqlStatement * up,
                     Stmt("UPDATE provenance SET value = ?, source = ?, source_record_id = ?, "
                          "actor = ?, observed_at = ?, pinned = ?, seq = seq + 1 WHERE entity = ? "
                          "AND entity_id = ? AND field = ?"));
    bind_common(up, 1);
    bind_key(up, 7);
    ASSIGN_OR_RETURN(int64_t n, up->Execute());
    if (n > 0) return Status::Ok();
    // No provenance yet: the field's first observation, unless history came first (losing values,
    // or a merged person's history): then after it.
    ASSIGN_OR_RETURN(SqlStatement * ins,
                     Stmt("INSERT INTO provenance (value, source, source_record_id, actor, "
                          "observed_at, pinned, entity, entity_id, field, seq) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM "
                          "value_history WHERE entity = ? AND entity_id = ? AND field = ?))"));
    bind_common(ins, 1);
    bind_key(ins, 7);
    bind_key(ins, 10);
    return ins->Execute().status();
  });
}

// Rows of one multi-row INSERT: SQLite binds at most 32766 parameters, MySQL 65535.
constexpr size_t kFirstObservationsPerInsert = 500;

Status SqlStore::RecordFirstObservations(const std::vector<FieldObservation>& all) {
  const std::string now = NowUtc();
  return InTransaction([&]() -> Status {
    for (size_t begin = 0; begin < all.size(); begin += kFirstObservationsPerInsert) {
      const size_t end = std::min(all.size(), begin + kFirstObservationsPerInsert);
      std::string sql =
          "INSERT INTO provenance (value, source, source_record_id, actor, observed_at, pinned, "
          "entity, entity_id, field, seq) VALUES ";
      for (size_t k = begin; k < end; ++k) {
        sql += k == begin ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, 1)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
      }
      ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
      int i = 1;
      for (size_t k = begin; k < end; ++k) {
        const FieldObservation& o = all[k];
        if (o.is_null) {
          s->BindNull(i++);
        } else {
          ASSIGN_OR_RETURN(std::string value, SealFieldValue(o.entity, o.field, o.value));
          s->BindText(i++, value);
        }
        s->BindText(i++, o.source);
        if (o.source_record_id) s->BindInt(i++, o.source_record_id); else s->BindNull(i++);
        BindOpt(s, i++, o.actor);
        s->BindText(i++, o.observed_at.empty() ? now : o.observed_at);
        s->BindInt(i++, o.pinned ? 1 : 0);
        s->BindText(i++, EntityName(o.entity));
        s->BindInt(i++, o.entity_id);
        s->BindText(i++, o.field);
      }
      RETURN_IF_ERROR(s->Execute().status());
    }
    return Status::Ok();
  });
}

namespace {

FieldObservation ReadObservationRaw(SqlStatement* s, EntityKind kind, int64_t id) {
  FieldObservation o;
  o.entity = kind;
  o.entity_id = id;
  o.field = s->Text(0).value_or("");
  auto v = s->Text(1);
  o.is_null = !v.has_value();
  o.value = v.value_or("");
  o.source = s->Text(2).value_or("");
  o.source_record_id = s->Int(3);
  o.actor = s->Text(4).value_or("");
  o.observed_at = s->Text(5).value_or("");
  o.pinned = s->Int(6) != 0;
  return o;
}

}  // namespace

Result<FieldObservation> SqlStore::ReadObservation(SqlStatement* s, EntityKind kind, int64_t id) {
  FieldObservation o = ReadObservationRaw(s, kind, id);
  if (!o.is_null) {
    ASSIGN_OR_RETURN(o.value, Unseal(std::move(o.value)));
  }
  return o;
}

Result<std::vector<FieldObservation>> SqlStore::Provenance(EntityKind kind, int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT field, value, source, source_record_id, actor, observed_at, "
                        "pinned FROM provenance WHERE entity = ? AND entity_id = ? ORDER BY field"));
  s->BindText(1, EntityName(kind));
  s->BindInt(2, id);
  std::vector<FieldObservation> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ASSIGN_OR_RETURN(FieldObservation o, ReadObservation(s, kind, id));
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<FieldObservation>> SqlStore::History(EntityKind kind, int64_t id,
                                                        const std::string& field) {
  // The replaced and losing values, and the current one (unless a store converted by 0019 still
  // holds its copy in value_history: seq 0), in the order they were observed: by reign (seq),
  // the value that reigned first, then by the recorded time, the id only breaking ties within
  // one second — on a Galera cluster each node hands out its own interleaved AUTO_INCREMENT
  // values (auto_increment_increment = nodes), so the id alone is no order, nor on TiDB.
  ASSIGN_OR_RETURN(
      SqlStatement * s,
      Stmt("SELECT field, value, source, source_record_id, actor, observed_at, pinned, seq, "
           "was_current, id FROM value_history WHERE entity = ? AND entity_id = ? AND field = ? "
           "UNION ALL SELECT field, value, source, source_record_id, actor, observed_at, pinned, "
           "seq, 1, 0 FROM provenance WHERE entity = ? AND entity_id = ? AND field = ? AND "
           "seq > 0 ORDER BY 8, 9 DESC, 6, 10"));
  for (int i : {1, 4}) {
    s->BindText(i, EntityName(kind));
    s->BindInt(i + 1, id);
    s->BindText(i + 2, field);
  }
  std::vector<FieldObservation> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ASSIGN_OR_RETURN(FieldObservation o, ReadObservation(s, kind, id));
    out.push_back(std::move(o));
  }
  return out;
}

// --- source records and cursors ------------------------------------------------------------------

Result<bool> SqlStore::PutSourceRecord(SourceRecord* r) {
  bool changed = false;
  std::string at = r->fetched_at.empty() ? NowUtc() : r->fetched_at;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * q, Stmt("SELECT id, content_hash FROM source_record WHERE "
                                            "source = ? AND record_key = ?"));
    q->BindText(1, r->source);
    q->BindText(2, StoredRecordKey(r->source, r->record_key));
    ASSIGN_OR_RETURN(bool found, q->Step());
    int64_t id = found ? q->Int(0) : 0;
    std::string hash = found ? q->Text(1).value_or("") : "";
    q->Reset();
    if (found && hash == r->content_hash) {
      r->id = id;
      return Status::Ok();
    }
    changed = true;
    if (found) {
      ASSIGN_OR_RETURN(SqlStatement * u,
                       Stmt("UPDATE source_record SET content_hash = ?, payload = ?, "
                            "person_id = ?, fetched_at = ? WHERE id = ?"));
      u->BindText(1, r->content_hash);
      ASSIGN_OR_RETURN(std::string payload, Seal(r->payload));
      u->BindText(2, payload);
      if (r->person_id) u->BindInt(3, r->person_id); else u->BindNull(3);
      u->BindText(4, at);
      u->BindInt(5, id);
      RETURN_IF_ERROR(u->Execute().status());
      r->id = id;
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(SqlStatement * i,
                     Stmt("INSERT INTO source_record (source, record_key, content_hash, payload, "
                          "person_id, fetched_at) VALUES (?, ?, ?, ?, ?, ?)"));
    i->BindText(1, r->source);
    i->BindText(2, StoredRecordKey(r->source, r->record_key));
    i->BindText(3, r->content_hash);
    ASSIGN_OR_RETURN(std::string payload, Seal(r->payload));
    i->BindText(4, payload);
    if (r->person_id) i->BindInt(5, r->person_id); else i->BindNull(5);
    i->BindText(6, at);
    RETURN_IF_ERROR(i->Execute().status());
    ASSIGN_OR_RETURN(r->id, db_->LastInsertId());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return changed;
}

Result<SourceRecord> SqlStore::GetSourceRecord(const std::string& source,
                                               const std::string& record_key) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT id, content_hash, payload, person_id, fetched_at FROM "
                        "source_record WHERE source = ? AND record_key = ?"));
  s->BindText(1, source);
  s->BindText(2, StoredRecordKey(source, record_key));
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("来源记录不存在：" + source);
  SourceRecord r;
  r.id = s->Int(0);
  r.source = source;
  r.record_key = record_key;
  r.content_hash = s->Text(1).value_or("");
  ASSIGN_OR_RETURN(r.payload, Unseal(s->Text(2).value_or("")));
  r.person_id = s->Int(3);
  r.fetched_at = s->Text(4).value_or("");
  s->Reset();
  return r;
}

Result<std::map<std::string, SourceRecord>> SqlStore::GetSourceRecords(
    const std::string& source, const std::vector<std::string>& record_keys) {
  std::map<std::string, SourceRecord> out;
  std::map<std::string, std::string> key_of_stored;
  for (const std::string& k : record_keys) key_of_stored.emplace(StoredRecordKey(source, k), k);
  std::vector<std::string> stored;
  for (const auto& kv : key_of_stored) stored.push_back(kv.first);
  for (size_t begin = 0; begin < stored.size(); begin += kMaxInList) {
    const size_t n = std::min(stored.size() - begin, kMaxInList);
    const size_t marks = InListSize(n);
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("SELECT id, content_hash, payload, person_id, fetched_at, record_key "
                          "FROM source_record WHERE source = ? AND record_key IN (" +
                          Placeholders(marks) + ")"));
    s->BindText(1, source);
    for (size_t k = 0; k < marks; ++k) {
      s->BindText(static_cast<int>(k + 2), stored[begin + std::min(k, n - 1)]);
    }
    while (true) {
      ASSIGN_OR_RETURN(bool more, s->Step());
      if (!more) break;
      auto it = key_of_stored.find(s->Text(5).value_or(""));
      if (it == key_of_stored.end()) continue;
      SourceRecord r;
      r.id = s->Int(0);
      r.source = source;
      r.record_key = it->second;
      r.content_hash = s->Text(1).value_or("");
      ASSIGN_OR_RETURN(r.payload, Unseal(s->Text(2).value_or("")));
      r.person_id = s->Int(3);
      r.fetched_at = s->Text(4).value_or("");
      out.emplace(it->second, std::move(r));
    }
  }
  return out;
}

Result<std::string> SqlStore::GetCursor(const std::string& source) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT cursor_value FROM source_state WHERE source = ?"));
  s->BindText(1, source);
  ASSIGN_OR_RETURN(bool found, s->Step());
  std::string cursor = found ? s->Text(0).value_or("") : "";
  s->Reset();
  return cursor;
}

Status SqlStore::SetCursor(const std::string& source, const std::string& cursor) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * u, Stmt("UPDATE source_state SET cursor_value = ?, updated_at = ? "
                                            "WHERE source = ?"));
    u->BindText(1, cursor);
    u->BindText(2, NowUtc());
    u->BindText(3, source);
    ASSIGN_OR_RETURN(int64_t n, u->Execute());
    if (n > 0) return Status::Ok();
    ASSIGN_OR_RETURN(SqlStatement * i, Stmt("INSERT INTO source_state (source, cursor_value, "
                                            "updated_at) VALUES (?, ?, ?)"));
    i->BindText(1, source);
    i->BindText(2, cursor);
    i->BindText(3, NowUtc());
    return i->Execute().status();
  });
}

}  // namespace onetable
