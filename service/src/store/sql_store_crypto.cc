// Encryption at rest in the SQL store (crypto/encrypted_fields.h says which values): sealing on
// write, opening on read, equality through blind indexes, and the batched re-encryption that
// converts a clear store in place and moves every value to the newest key (`onetable key
// rotate`).
#include <array>

#include "crypto/encrypted_fields.h"
#include "store/sql_store.h"

namespace onetable {

Result<std::string> SqlStore::Seal(const std::string& v) const {
  if (cipher_ == nullptr) return v;
  return cipher_->Encrypt(v);
}

Result<std::string> SqlStore::Unseal(std::string v) const {
  if (!FieldCipher::IsEnvelope(v)) return v;
  if (cipher_ == nullptr) {
    return Status::Precondition(
        "登记库中的数据已加密，而当前配置未提供数据密钥（encryption: false，或密钥文件缺失）："
        "请在 onetable.yaml 中指定 data_key_file 或 data_key_env");
  }
  return cipher_->Decrypt(v);
}

Result<std::optional<std::string>> SqlStore::Unseal(std::optional<std::string> v) const {
  if (!v) return v;
  ASSIGN_OR_RETURN(std::string plain, Unseal(std::move(*v)));
  return std::optional<std::string>(std::move(plain));
}

bool SqlStore::SealsField(EntityKind kind, const std::string& field) const {
  // A set per table, not Catalog::Find's walk over every field: this runs for each provenance
  // and history row written (some 25 a person in an import).
  return cipher_ != nullptr && TableOf(kind).sealed.count(field) > 0;
}

Result<std::string> SqlStore::SealFieldValue(EntityKind kind, const std::string& field,
                                             const std::string& v) const {
  if (!SealsField(kind, field)) return v;
  return cipher_->Encrypt(v);
}

Status SqlStore::EqualityOn(EntityKind kind, const std::string& field, const std::string& value,
                            std::string* column, std::string* bound) const {
  const FieldDef* f = catalog_.Find(kind, field);
  if (cipher_ == nullptr || f == nullptr || !IsEncryptedField(*f)) {
    *column = field;
    *bound = value;
    return Status::Ok();
  }
  if (!HasBlindIndex(*f)) {
    return Status::Invalid(f->label + "加密存储，不能按它查找");
  }
  *column = BlindIndexColumn(*f);
  *bound = cipher_->BlindIndex(TableOf(kind).name + "." + f->key, value);
  return Status::Ok();
}

}  // namespace onetable

namespace onetable {
namespace {

// "NOT under kid": an envelope of kid starts with "enc1:<kid>:", and every such text sorts in
// ["enc1:<kid>:", "enc1:<kid>;") (':' + 1 == ';'), in both dialects' binary collations.
std::string StaleSql(const std::string& column) {
  return "(" + column + " IS NOT NULL AND NOT (" + column + " >= ? AND " + column + " < ?))";
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }  // catalog keys only

// The crypto_state row holding a value sealed under the store's keys (CheckDataKeys), from the
// migration that made crypto_state on.
constexpr int kKeyCheckSchemaVersion = 18;
constexpr char kKeyCheckName[] = "key_check";
constexpr char kKeyCheckText[] = "onetable data key check";

}  // namespace

std::string SqlStore::StoredRecordKey(const std::string& source, const std::string& key) const {
  if (cipher_ == nullptr) return key;
  return "bidx:" + cipher_->BlindIndex("source_record.record_key", source + '\0' + key);
}

Result<int64_t> SqlStore::BlindRecordKeys(int batch) {
  ASSIGN_OR_RETURN(SqlStatement * q,
                   Stmt("SELECT id, source, record_key FROM source_record WHERE NOT (record_key "
                        ">= 'bidx:' AND record_key < 'bidx;') LIMIT " +
                        std::to_string(batch)));
  std::vector<std::array<std::string, 3>> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) break;
    rows.push_back({std::to_string(q->Int(0)), q->Text(1).value_or(""), q->Text(2).value_or("")});
  }
  q->Reset();
  ASSIGN_OR_RETURN(SqlStatement * u, Stmt("UPDATE source_record SET record_key = ? WHERE id = ?"));
  for (const auto& r : rows) {
    u->Reset();
    u->BindText(1, StoredRecordKey(r[1], r[2]));
    u->BindInt(2, std::stoll(r[0]));
    RETURN_IF_ERROR(u->Execute().status());
  }
  return static_cast<int64_t>(rows.size());
}

Result<int64_t> SqlStore::ReencryptEntities(EntityKind kind, int batch) {
  const Table& t = TableOf(kind);
  std::vector<size_t> cols;
  for (size_t i = 0; i < t.fields.size(); ++i) {
    if (t.encrypted[i]) cols.push_back(i);
  }
  if (cols.empty()) return 0;
  const std::string lo = std::string(kEnvelopePrefix) + cipher_->current_kid() + ":";
  const std::string hi = std::string(kEnvelopePrefix) + cipher_->current_kid() + ";";
  std::string where, select = "id";
  for (size_t i : cols) {
    where += (where.empty() ? "" : " OR ") + StaleSql(t.fields[i]->key);
    select += ", " + t.fields[i]->key;
  }
  ASSIGN_OR_RETURN(SqlStatement * q, Stmt("SELECT " + select + " FROM " + t.name + " WHERE " +
                                          where + " ORDER BY id LIMIT " + std::to_string(batch)));
  int p = 1;
  for (size_t n = 0; n < cols.size(); ++n) {
    q->BindText(p++, lo);
    q->BindText(p++, hi);
  }
  struct Stale {
    int64_t id;
    std::vector<std::optional<std::string>> values;  // per cols, decrypted
  };
  std::vector<Stale> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) break;
    Stale r{q->Int(0), {}};
    for (size_t n = 0; n < cols.size(); ++n) r.values.push_back(q->Text(static_cast<int>(n) + 1));
    rows.push_back(std::move(r));
  }
  q->Reset();
  std::string sets;
  for (size_t i : cols) sets += (sets.empty() ? "" : ", ") + t.fields[i]->key + " = ?";
  for (const FieldDef* f : t.indexed) sets += ", " + BlindIndexColumn(*f) + " = ?";
  ASSIGN_OR_RETURN(SqlStatement * u, Stmt("UPDATE " + t.name + " SET " + sets + " WHERE id = ?"));
  for (Stale& r : rows) {
    u->Reset();
    int b = 1;
    std::map<std::string, std::optional<std::string>> plain;
    for (size_t n = 0; n < cols.size(); ++n) {
      ASSIGN_OR_RETURN(std::optional<std::string> v, Unseal(std::move(r.values[n])));
      plain[t.fields[cols[n]]->key] = v;
      if (!v) {
        u->BindNull(b++);
      } else {
        ASSIGN_OR_RETURN(std::string sealed, cipher_->Encrypt(*v));
        u->BindText(b++, sealed);
      }
    }
    for (const FieldDef* f : t.indexed) {
      const std::optional<std::string>& v = plain[f->key];
      if (v) {
        u->BindText(b++, cipher_->BlindIndex(t.name + "." + f->key, *v));
      } else {
        u->BindNull(b++);
      }
    }
    u->BindInt(b++, r.id);
    RETURN_IF_ERROR(u->Execute().status());
  }
  return static_cast<int64_t>(rows.size());
}

Result<int64_t> SqlStore::ReencryptColumn(const std::string& table,
                                          const std::vector<std::string>& key,
                                          const std::string& column, const std::string& filter,
                                          int batch) {
  const std::string lo = std::string(kEnvelopePrefix) + cipher_->current_kid() + ":";
  const std::string hi = std::string(kEnvelopePrefix) + cipher_->current_kid() + ";";
  std::string select, match;
  for (const std::string& k : key) {
    select += k + ", ";
    match += (match.empty() ? "" : " AND ") + k + " = ?";
  }
  ASSIGN_OR_RETURN(SqlStatement * q,
                   Stmt("SELECT " + select + column + " FROM " + table + " WHERE " +
                        StaleSql(column) + (filter.empty() ? "" : " AND (" + filter + ")") +
                        " LIMIT " + std::to_string(batch)));
  q->BindText(1, lo);
  q->BindText(2, hi);
  std::vector<std::vector<std::string>> rows;  // key values then the column's
  while (true) {
    ASSIGN_OR_RETURN(bool more, q->Step());
    if (!more) break;
    std::vector<std::string> r;
    for (size_t i = 0; i <= key.size(); ++i) r.push_back(q->Text(static_cast<int>(i)).value_or(""));
    rows.push_back(std::move(r));
  }
  q->Reset();
  // The old value is part of the match: a writer that replaced it meanwhile wins.
  ASSIGN_OR_RETURN(SqlStatement * u, Stmt("UPDATE " + table + " SET " + column + " = ? WHERE " +
                                          match + " AND " + column + " = ?"));
  for (const std::vector<std::string>& r : rows) {
    u->Reset();
    ASSIGN_OR_RETURN(std::string plain, Unseal(r.back()));
    ASSIGN_OR_RETURN(std::string sealed, cipher_->Encrypt(plain));
    u->BindText(1, sealed);
    for (size_t i = 0; i < key.size(); ++i) u->BindText(static_cast<int>(i) + 2, r[i]);
    u->BindText(static_cast<int>(key.size()) + 2, r.back());
    RETURN_IF_ERROR(u->Execute().status());
  }
  return static_cast<int64_t>(rows.size());
}

Result<int64_t> SqlStore::ReencryptBatch(int batch) {
  if (cipher_ == nullptr) {
    return Status::Precondition("未配置数据密钥（encryption: false？），无法加密登记库");
  }
  if (batch <= 0) batch = 500;
  // Copies of field values are sealed only for encrypted fields, named by entity and key.
  std::string copies;
  for (EntityKind kind : kAllEntityKinds) {
    std::string keys;
    const Table& t = TableOf(kind);
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (t.encrypted[i]) keys += (keys.empty() ? "" : ", ") + Quoted(t.fields[i]->key);
    }
    if (keys.empty()) continue;
    copies += (copies.empty() ? "" : " OR ") + std::string("(entity = ") +
              Quoted(EntityName(kind)) + " AND field IN (" + keys + "))";
  }
  std::string tags;
  for (const TagDef& t : catalog_.tags()) {
    if (IsEncryptedTag(t)) tags += (tags.empty() ? "" : ", ") + Quoted(t.key);
  }
  int64_t done = 0;
  Status st = InTransaction([&]() -> Status {
    for (EntityKind kind : kAllEntityKinds) {
      ASSIGN_OR_RETURN(int64_t n, ReencryptEntities(kind, batch));
      if ((done += n) >= batch) return Status::Ok();
    }
    {
      ASSIGN_OR_RETURN(int64_t n, BlindRecordKeys(batch - static_cast<int>(done)));
      if ((done += n) >= batch) return Status::Ok();
    }
    struct Target {
      const char* table;
      std::vector<std::string> key;
      const char* column;
      std::string filter;
    };
    const std::vector<Target> targets = {
        {"tag_assignment", {"id"}, "attrs", tags.empty() ? "1 = 0" : "tag IN (" + tags + ")"},
        {"provenance", {"entity", "entity_id", "field"}, "value", copies.empty() ? "1 = 0" : copies},
        {"value_history", {"id"}, "value", copies.empty() ? "1 = 0" : copies},
        {"field_change", {"id"}, "old_value", copies.empty() ? "1 = 0" : copies},
        {"source_record", {"id"}, "payload", ""},
        {"quarantine_row", {"id"}, "raw", ""},
        {"review_item", {"id"}, "detail", ""},
        {"delivery_batch", {"id"}, "body", ""},
        {"delivery_batch", {"id"}, "state", ""},
        {"delivery_batch_content", {"batch_id"}, "body", ""},
        {"delivery_batch_content", {"batch_id"}, "state", ""},
        {"delivery_state", {"delivery", "key_hash"}, "key_text", ""},
        {"crypto_state", {"name"}, "value", "name = 'key_check'"},
    };
    for (const Target& t : targets) {
      ASSIGN_OR_RETURN(int64_t n,
                       ReencryptColumn(t.table, t.key, t.column, t.filter, batch - static_cast<int>(done)));
      if ((done += n) >= batch) return Status::Ok();
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return done;
}

Status SqlStore::CheckDataKeys() {
  ASSIGN_OR_RETURN(int version, SchemaVersion());
  if (version < kKeyCheckSchemaVersion) return Status::Ok();  // no crypto_state yet
  ASSIGN_OR_RETURN(SqlStatement * q, Stmt("SELECT value FROM crypto_state WHERE name = ?"));
  auto read = [&]() -> Result<std::optional<std::string>> {
    q->Reset();
    q->BindText(1, kKeyCheckName);
    ASSIGN_OR_RETURN(bool found, q->Step());
    std::optional<std::string> v;
    if (found) v = q->Text(0).value_or("");
    q->Reset();
    return v;
  };
  ASSIGN_OR_RETURN(std::optional<std::string> check, read());
  if (!check) {
    if (cipher_ == nullptr) return Status::Ok();  // a store in clear, and no keys
    ASSIGN_OR_RETURN(std::string sealed, cipher_->Encrypt(kKeyCheckText));
    ASSIGN_OR_RETURN(SqlStatement * ins,
                     Stmt("INSERT INTO crypto_state (name, value, updated_at) VALUES (?, ?, ?)"));
    ins->BindText(1, kKeyCheckName);
    ins->BindText(2, sealed);
    ins->BindText(3, NowUtc());
    // Another process may have recorded its own first: what is stored now is checked below.
    ins->Execute().status().IgnoreError();
    ins->Reset();
    ASSIGN_OR_RETURN(check, read());
    if (!check) return Status::Internal("无法记录数据密钥校验值");
  }
  if (cipher_ == nullptr) {
    return Status::Precondition(
        "登记库中的数据已加密，而当前配置未提供数据密钥（encryption: false，或密钥文件缺失），"
        "拒绝打开（否则新数据将以明文写入）：请在 onetable.yaml 中指定 data_key_file 或 "
        "data_key_env");
  }
  Result<std::string> opened = cipher_->Decrypt(*check);
  if (!opened.ok() || *opened != kKeyCheckText) {
    return Status::Precondition(
        "数据密钥与本登记库不符，拒绝打开（否则新数据将无法用原密钥读取）：" +
        (opened.ok() ? std::string("校验值不符") : opened.status().message()));
  }
  return Status::Ok();
}

Status SqlStore::ScrubFreedSpace() {
  if (db_->Dialect() != "sqlite") return Status::Ok();  // InnoDB reuses pages; see README
  RETURN_IF_ERROR(OutsideTransaction("清理旧数据"));
  cache_.clear();  // VACUUM needs no statement of this connection pending
  RETURN_IF_ERROR(db_->Exec("VACUUM"));
  return db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace onetable
