// The register's tree in SQL: generic CRUD over the entity tables, with compare-and-set versions
// and membership history. Other record kinds live in sql_store_records.cc.
#include "store/sql_store.h"

#include <algorithm>
#include <ctime>

#include "crypto/encrypted_fields.h"
#include "crypto/process_cipher.h"
#include "model/catalog_keys.h"
#include "store/migrations.h"
#include "store/store_url.h"

namespace onetable {
namespace {

// Values come back from the database in its own spelling (REAL 12.0, DECIMAL 12.50); the
// register's canonical form has no trailing zeros.
std::string Canonical(FieldType type, std::string v) {
  if (type == FieldType::kDecimal && v.find('.') != std::string::npos) {
    while (!v.empty() && v.back() == '0') v.pop_back();
    if (!v.empty() && v.back() == '.') v.pop_back();
  }
  return v;
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

}  // namespace

std::string NowUtc() { return UtcTimestamp(std::time(nullptr)); }

std::string UtcTimestamp(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

SqlStore::SqlStore(std::unique_ptr<SqlConnection> db, const Catalog& catalog)
    : db_(std::move(db)), catalog_(catalog) {
  for (EntityKind kind : kAllEntityKinds) {
    Table& t = tables_[static_cast<size_t>(kind)];
    t.name = EntityName(kind);
    t.fields = catalog.StoredFields(kind);
    t.select_list = "id, parent_id, version, status";
    for (const FieldDef* f : t.fields) {
      t.select_list += ", " + f->key;
      t.encrypted.push_back(IsEncryptedField(*f));
      if (t.encrypted.back()) t.sealed.insert(f->key);
      if (HasBlindIndex(*f)) t.indexed.push_back(f);
    }
  }
}

Result<SqlStatement*> SqlStore::Stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare(sql));
    it = cache_.emplace(sql, std::move(stmt)).first;
  }
  it->second->Reset();
  return it->second.get();
}

Result<int> SqlStore::SchemaVersion() { return AppliedVersion(db_.get()); }

Status SqlStore::Migrate() {
  RETURN_IF_ERROR(ApplyMigrations(db_.get(), EmbeddedMigrations(db_->Dialect())));
  return CheckColumns();
}

// The catalog and the migrations must agree: a field added to fields.yaml needs its migration.
Status SqlStore::CheckColumns() {
  std::string missing;
  for (const Table& t : tables_) {
    ASSIGN_OR_RETURN(auto cols, db_->Columns(t.name));
    auto check = [&](const std::string& column) {
      bool found = false;
      for (const auto& c : cols) found = found || c == column;
      if (!found) missing += (missing.empty() ? "" : "、") + t.name + "." + column;
    };
    for (const FieldDef* f : t.fields) check(f->key);
    for (const FieldDef* f : t.indexed) check(BlindIndexColumn(*f));
  }
  if (!missing.empty()) {
    return Status::Precondition("数据库缺少字段目录中的字段：" + missing +
                                "。在 fields.yaml 中新增字段后，需要在 schema/sql/ 下为两种数据库"
                                "各添加一个迁移");
  }
  return Status::Ok();
}

Status SqlStore::InTransaction(const std::function<Status()>& fn) {
  if (tx_depth_ == 0) {
    RETURN_IF_ERROR(db_->Begin());
    tx_failed_ = false;
  }
  ++tx_depth_;
  Status st = fn();
  --tx_depth_;
  if (!st.ok()) tx_failed_ = true;
  if (tx_depth_ > 0) return st;
  if (tx_failed_) {
    // The failure that made us roll back is the one to report; a rollback that fails too leaves
    // nothing committed all the same.
    db_->Rollback().IgnoreError();
    // An inner failure that the outer function swallowed still rolls everything back.
    return st.ok() ? Status::Internal("事务中的某一步失败，已全部回滚") : st;
  }
  Status commit = db_->Commit();
  // The failed commit is the error to report; rolling back only releases what it left open.
  if (!commit.ok()) db_->Rollback().IgnoreError();
  return commit;
}

Status SqlStore::CheckFields(EntityKind kind,
                             const std::map<std::string, std::string>& values) const {
  for (const auto& [key, value] : values) {
    const FieldDef* f = catalog_.Find(kind, key);
    if (f == nullptr || f->derived) {
      return Status::Invalid(std::string(EntityLabel(kind)) + "没有可存储的字段 " + key);
    }
  }
  return Status::Ok();
}

Status SqlStore::RewriteConstraintError(EntityKind kind, const Status& st) const {
  if (st.code() == StatusCode::kAlreadyExists) {
    // The driver's text may quote the duplicate value (an ID number): never pass it on.
    if (kind == EntityKind::kPerson) return Status::Exists("该公民身份号码已被其他人员登记");
    if (kind == EntityKind::kGrid) return Status::Exists("该社区下已有相同编码的网格");
    return Status::Exists(std::string(EntityLabel(kind)) + "代码已存在");
  }
  if (st.code() == StatusCode::kFailedPrecondition) {
    auto parent = ParentKind(kind);
    return Status::Precondition(std::string(EntityLabel(kind)) + "的上级" +
                                (parent ? EntityLabel(*parent) : "") + "不存在");
  }
  return st;
}

Status SqlStore::OpenMembership(EntityKind kind, int64_t id, int64_t parent_id,
                                const std::string& relationship, const std::string& actor) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("INSERT INTO membership (entity, entity_id, parent_id, relationship, "
                        "valid_from, valid_to, actor) VALUES (?, ?, ?, ?, ?, NULL, ?)"));
  s->BindText(1, EntityName(kind));
  s->BindInt(2, id);
  s->BindInt(3, parent_id);
  if (relationship.empty()) s->BindNull(4); else s->BindText(4, relationship);
  s->BindText(5, NowUtc());
  s->BindText(6, actor);
  return s->Execute().status();
}

Result<int64_t> SqlStore::Insert(EntityKind kind, const Row& row) {
  RETURN_IF_ERROR(CheckFields(kind, row.values));
  const Table& t = TableOf(kind);
  if (kind != EntityKind::kDistrict && kind != EntityKind::kPerson && row.parent_id == 0) {
    return RewriteConstraintError(kind, Status::Precondition(""));
  }
  std::string cols = "parent_id, version, status";
  for (const FieldDef* f : t.fields) cols += ", " + f->key;
  for (const FieldDef* f : t.indexed) cols += ", " + BlindIndexColumn(*f);
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO " + t.name + " (" + cols + ") VALUES (" +
                          Placeholders(t.fields.size() + t.indexed.size() + 3) + ")"));
    if (row.parent_id) s->BindInt(1, row.parent_id); else s->BindNull(1);
    s->BindInt(2, 1);
    s->BindText(3, row.status.empty() ? kStatusActive : row.status);
    int i = 4;
    RETURN_IF_ERROR(BindFields(t, row, s, &i));
    Status ex = s->Execute().status();
    if (!ex.ok()) return RewriteConstraintError(kind, ex);
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    if (row.parent_id && kind >= EntityKind::kBuilding) {
      const std::string* rel = kind == EntityKind::kPerson ? row.Get(keys::kRelationship) : nullptr;
      RETURN_IF_ERROR(OpenMembership(kind, id, row.parent_id, rel ? *rel : "", "insert"));
    } else if (kind == EntityKind::kPerson) {
      // No membership tells of this insert: the change log does (0017).
      RETURN_IF_ERROR(RecordRegisterChange("person", id));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Status SqlStore::BindFields(const Table& t, const Row& row, SqlStatement* s, int* i) const {
  for (size_t k = 0; k < t.fields.size(); ++k) {
    auto it = row.values.find(t.fields[k]->key);
    if (it == row.values.end()) {
      s->BindNull((*i)++);
    } else if (cipher_ != nullptr && t.encrypted[k]) {
      ASSIGN_OR_RETURN(std::string sealed, cipher_->Encrypt(it->second));
      s->BindText((*i)++, sealed);
    } else {
      s->BindText((*i)++, it->second);
    }
  }
  for (const FieldDef* f : t.indexed) {
    auto it = row.values.find(f->key);
    if (it == row.values.end() || cipher_ == nullptr) {
      s->BindNull((*i)++);
    } else {
      s->BindText((*i)++, cipher_->BlindIndex(t.name + "." + f->key, it->second));
    }
  }
  return Status::Ok();
}

Status SqlStore::InsertBatch(EntityKind kind, const std::vector<Row>& rows,
                             std::vector<int64_t>* ids) {
  size_t first = ids ? ids->size() : 0;
  Status st = InTransaction([&]() -> Status {
    for (size_t i = 0; i < rows.size(); ++i) {
      auto id = Insert(kind, rows[i]);
      if (!id.ok()) return id.status().Wrap("第 " + std::to_string(i + 1) + " 行");
      if (ids) ids->push_back(*id);
    }
    return Status::Ok();
  });
  if (!st.ok() && ids) ids->resize(first);
  return st;
}

Result<Row> SqlStore::ReadRow(EntityKind kind, SqlStatement* s) {
  const Table& t = TableOf(kind);
  Row row;
  row.id = s->Int(0);
  row.parent_id = s->Int(1);
  row.version = s->Int(2);
  row.status = s->Text(3).value_or(kStatusActive);
  for (size_t i = 0; i < t.fields.size(); ++i) {
    auto v = s->Text(static_cast<int>(i) + 4);
    if (!v) continue;
    if (t.encrypted[i]) {
      ASSIGN_OR_RETURN(std::string plain, Unseal(std::move(*v)));
      v = std::move(plain);
    }
    row.values[t.fields[i]->key] = Canonical(t.fields[i]->type, std::move(*v));
  }
  return row;
}

Result<Row> SqlStore::Get(EntityKind kind, int64_t id) {
  const Table& t = TableOf(kind);
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT " + t.select_list + " FROM " + t.name + " WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) {
    return Status::NotFound(std::string(EntityLabel(kind)) + " " + std::to_string(id) +
                            " 不存在");
  }
  auto row = ReadRow(kind, s);
  s->Reset();  // an open cursor would pin this connection to an old snapshot
  return row;
}

Result<Row> SqlStore::FindBy(EntityKind kind, const std::string& field, const std::string& value) {
  RETURN_IF_ERROR(CheckFields(kind, {{field, value}}));
  const Table& t = TableOf(kind);
  std::string column, bound;
  RETURN_IF_ERROR(EqualityOn(kind, field, value, &column, &bound));
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT " + t.select_list + " FROM " + t.name +
                                          " WHERE " + column + " = ? ORDER BY id"));
  s->BindText(1, bound);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound(std::string("未找到该") + EntityLabel(kind));
  auto row = ReadRow(kind, s);
  s->Reset();
  return row;
}

Result<std::map<std::string, int64_t>> SqlStore::FindIdsBy(
    EntityKind kind, const std::string& field, const std::vector<std::string>& values) {
  std::map<std::string, int64_t> out;
  if (values.empty()) return out;
  RETURN_IF_ERROR(CheckFields(kind, {{field, values.front()}}));
  std::string column;
  std::map<std::string, std::string> value_of_bound;  // the blind index, with encryption at rest
  for (const std::string& v : values) {
    std::string bound;
    RETURN_IF_ERROR(EqualityOn(kind, field, v, &column, &bound));
    value_of_bound.emplace(std::move(bound), v);
  }
  std::vector<std::string> bounds;
  for (const auto& kv : value_of_bound) bounds.push_back(kv.first);
  for (size_t begin = 0; begin < bounds.size(); begin += kMaxInList) {
    const size_t n = std::min(bounds.size() - begin, kMaxInList);
    const size_t marks = InListSize(n);
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("SELECT id, " + column + " FROM " + TableOf(kind).name + " WHERE " +
                          column + " IN (" + Placeholders(marks) + ") ORDER BY id"));
    // Padding repeats the last value: a few statement shapes serve every batch size.
    for (size_t k = 0; k < marks; ++k) {
      s->BindText(static_cast<int>(k + 1), bounds[begin + std::min(k, n - 1)]);
    }
    while (true) {
      ASSIGN_OR_RETURN(bool more, s->Step());
      if (!more) break;
      auto it = value_of_bound.find(s->Text(1).value_or(""));
      if (it != value_of_bound.end()) out.emplace(it->second, s->Int(0));  // lowest id first
    }
  }
  return out;
}

namespace {

// WHERE clause for a ListQuery; field names were checked against the catalog, `equals` holds
// (column, bound value) pairs from SqlStore::EqualityOn.
using Equalities = std::vector<std::pair<std::string, std::string>>;
std::string WhereOf(const ListQuery& q, const Equalities& equals) {
  std::string w = " WHERE id > ?";
  if (q.parent_id) w += " AND parent_id = ?";
  if (!q.status.empty()) w += " AND status = ?";
  for (const auto& kv : equals) w += " AND " + kv.first + " = ?";
  return w;
}

void BindWhere(SqlStatement* s, const ListQuery& q, const Equalities& equals) {
  int i = 1;
  s->BindInt(i++, q.after_id);
  if (q.parent_id) s->BindInt(i++, q.parent_id);
  if (!q.status.empty()) s->BindText(i++, q.status);
  for (const auto& kv : equals) s->BindText(i++, kv.second);
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> SqlStore::EqualitiesOf(
    EntityKind kind, const ListQuery& q) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [field, value] : q.equals) {
    std::string column, bound;
    RETURN_IF_ERROR(EqualityOn(kind, field, value, &column, &bound));
    out.emplace_back(std::move(column), std::move(bound));
  }
  return out;
}

Result<std::vector<Row>> SqlStore::List(EntityKind kind, const ListQuery& q) {
  RETURN_IF_ERROR(CheckFields(kind, q.equals));
  const Table& t = TableOf(kind);
  int limit = q.limit <= 0 ? 100 : q.limit;
  ASSIGN_OR_RETURN(auto equals, EqualitiesOf(kind, q));
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT " + t.select_list + " FROM " + t.name + WhereOf(q, equals) +
                        " ORDER BY id LIMIT " + std::to_string(limit)));
  BindWhere(s, q, equals);
  std::vector<Row> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ASSIGN_OR_RETURN(Row row, ReadRow(kind, s));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<int64_t> SqlStore::Count(EntityKind kind, const ListQuery& q) {
  RETURN_IF_ERROR(CheckFields(kind, q.equals));
  ASSIGN_OR_RETURN(auto equals, EqualitiesOf(kind, q));
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT COUNT(*) FROM " + TableOf(kind).name + WhereOf(q, equals)));
  BindWhere(s, q, equals);
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

Status SqlStore::StaleOrMissing(const std::string& table, const std::string& what, int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT version FROM " + table + " WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound(what + " " + std::to_string(id) + " 不存在");
  int64_t current = s->Int(0);
  s->Reset();
  return Status::Conflict(what + " " + std::to_string(id) + " 已被他人修改（当前版本 " +
                          std::to_string(current) + "），请刷新后再改");
}

Status SqlStore::RecordChange(EntityKind kind, int64_t id, const std::string& field,
                              const std::optional<std::string>& old_value, const std::string& at) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("INSERT INTO field_change (entity, entity_id, field, old_value, "
                        "replaced_at) VALUES (?, ?, ?, ?, ?)"));
  s->BindText(1, EntityName(kind));
  s->BindInt(2, id);
  s->BindText(3, field);
  if (old_value) {
    ASSIGN_OR_RETURN(std::string stored, SealFieldValue(kind, field, *old_value));
    s->BindText(4, stored);
  } else {
    s->BindNull(4);
  }
  s->BindText(5, at);
  return s->Execute().status();
}

Status SqlStore::Update(EntityKind kind, Row* row) {
  RETURN_IF_ERROR(CheckFields(kind, row->values));
  const Table& t = TableOf(kind);
  std::string sets = "version = version + 1, status = ?";
  for (const FieldDef* f : t.fields) sets += ", " + f->key + " = ?";
  for (const FieldDef* f : t.indexed) sets += ", " + BlindIndexColumn(*f) + " = ?";
  const std::string status = row->status.empty() ? kStatusActive : row->status;
  // A person's replaced values are kept (field_change) so tables can be generated as of a past
  // date. The row read here is the one the compare-and-set below replaces: same version.
  std::optional<Row> before;
  if (kind == EntityKind::kPerson) {
    ASSIGN_OR_RETURN(Row current, Get(kind, row->id));
    if (current.version != row->version) return StaleOrMissing(t.name, EntityLabel(kind), row->id);
    before = std::move(current);
  }
  // A refused write (stale version, duplicate key) is this call's answer, not a failure of an
  // enclosing transaction: the lambda reports it through `outcome` and writes nothing.
  Status outcome;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE " + t.name + " SET " + sets + " WHERE id = ? AND version = ?"));
    int i = 1;
    s->BindText(i++, status);
    RETURN_IF_ERROR(BindFields(t, *row, s, &i));
    s->BindInt(i++, row->id);
    s->BindInt(i++, row->version);
    auto n = s->Execute();
    if (!n.ok()) {
      outcome = RewriteConstraintError(kind, n.status());
      return outcome.code() == StatusCode::kAlreadyExists ? Status::Ok() : outcome;
    }
    if (*n == 0) {
      outcome = StaleOrMissing(t.name, EntityLabel(kind), row->id);
      return Status::Ok();
    }
    if (!before) return RecordRegisterChange(EntityName(kind), row->id);
    const std::string now = NowUtc();
    if (before->status != status) {
      RETURN_IF_ERROR(RecordChange(kind, row->id, "status", before->status, now));
    }
    for (const FieldDef* f : t.fields) {
      const std::string* was = before->Get(f->key);
      const std::string* is = row->Get(f->key);
      if ((was == nullptr) == (is == nullptr) && (was == nullptr || *was == *is)) continue;
      std::optional<std::string> old;
      if (was) old = *was;
      RETURN_IF_ERROR(RecordChange(kind, row->id, f->key, old, now));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!outcome.ok()) return outcome;
  row->version += 1;
  return Status::Ok();
}

Result<int64_t> SqlStore::Move(EntityKind kind, int64_t id, int64_t expected_version,
                               int64_t new_parent_id, const std::string& relationship,
                               const std::string& actor) {
  const Table& t = TableOf(kind);
  if (kind == EntityKind::kDistrict) return Status::Invalid("区县没有上级，不能移动");
  if (new_parent_id == 0 && kind != EntityKind::kPerson) {
    return RewriteConstraintError(kind, Status::Precondition(""));
  }
  bool person = kind == EntityKind::kPerson;
  Status st = InTransaction([&]() -> Status {
    if (person) {
      // The relationship is a field of the person: keep the one it replaces (see Update).
      ASSIGN_OR_RETURN(Row before, Get(kind, id));
      const std::string* rel = before.Get(keys::kRelationship);
      if (before.version == expected_version && (rel ? *rel : "") != relationship) {
        std::optional<std::string> old;
        if (rel) old = *rel;
        RETURN_IF_ERROR(RecordChange(kind, id, keys::kRelationship, old, NowUtc()));
      }
    }
    std::string sql = "UPDATE " + t.name + " SET version = version + 1, parent_id = ?";
    if (person) sql += ", relationship = ?";
    ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql + " WHERE id = ? AND version = ?"));
    int i = 1;
    if (new_parent_id)
      s->BindInt(i++, new_parent_id);
    else
      s->BindNull(i++);
    if (person) {
      if (relationship.empty())
        s->BindNull(i++);
      else
        s->BindText(i++, relationship);
    }
    s->BindInt(i++, id);
    s->BindInt(i++, expected_version);
    auto n = s->Execute();
    if (!n.ok()) return RewriteConstraintError(kind, n.status());
    if (*n == 0) return StaleOrMissing(t.name, EntityLabel(kind), id);
    ASSIGN_OR_RETURN(SqlStatement * close,
                     Stmt("UPDATE membership SET valid_to = ? WHERE entity = ? AND "
                          "entity_id = ? AND valid_to IS NULL"));
    close->BindText(1, NowUtc());
    close->BindText(2, EntityName(kind));
    close->BindInt(3, id);
    RETURN_IF_ERROR(close->Execute().status());
    if (new_parent_id) {
      RETURN_IF_ERROR(OpenMembership(kind, id, new_parent_id, relationship, actor));
    }
    if (!person) RETURN_IF_ERROR(RecordRegisterChange(EntityName(kind), id));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return expected_version + 1;
}

Result<std::vector<Membership>> SqlStore::MembershipHistory(EntityKind kind, int64_t id) {
  // Oldest first by the time each membership began (recorded when it was opened), then id: ids
  // from different Galera nodes (or TiDB) interleave, so the id alone is not the order of events.
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT parent_id, relationship, valid_from, valid_to, actor FROM "
                        "membership WHERE entity = ? AND entity_id = ? ORDER BY valid_from, id"));
  s->BindText(1, EntityName(kind));
  s->BindInt(2, id);
  std::vector<Membership> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    out.push_back({s->Int(0), s->Text(1).value_or(""), s->Text(2).value_or(""),
                   s->Text(3).value_or(""), s->Text(4).value_or("")});
  }
  return out;
}

Status SqlStore::Delete(EntityKind kind, int64_t id, int64_t expected_version) {
  if (kind == EntityKind::kPerson) {
    return Status::Precondition("人员记录不删除：迁出或死亡请修改其状态");
  }
  const Table& t = TableOf(kind);
  return InTransaction([&]() -> Status {
    EntityKind child = static_cast<EntityKind>(static_cast<int>(kind) + 1);
    ListQuery q;
    q.parent_id = id;
    ASSIGN_OR_RETURN(int64_t children, Count(child, q));
    if (children > 0) {
      return Status::Precondition(std::string(EntityLabel(kind)) + " " + std::to_string(id) +
                                  " 下还有 " + std::to_string(children) + " 个" +
                                  EntityLabel(child) + "，不能删除");
    }
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("DELETE FROM " + t.name + " WHERE id = ? AND version = ?"));
    s->BindInt(1, id);
    s->BindInt(2, expected_version);
    ASSIGN_OR_RETURN(int64_t n, s->Execute());
    if (n == 0) return StaleOrMissing(t.name, EntityLabel(kind), id);
    return Status::Ok();
  });
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const Catalog& catalog) {
  // Without the configured keys a store would write in clear: refuse, saying why.
  RETURN_IF_ERROR(ProcessCipherError());
  ASSIGN_OR_RETURN(StoreUrl parsed, ParseStoreUrl(url));
  std::unique_ptr<SqlConnection> conn;
  if (parsed.scheme == "sqlite") {
    ASSIGN_OR_RETURN(conn, OpenSqlite(parsed.sqlite_path));
  } else {
    ASSIGN_OR_RETURN(conn, OpenMysql(parsed.mysql));
  }
  auto store = std::make_unique<SqlStore>(std::move(conn), catalog);
  store->SetFieldCipher(ProcessCipher());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace onetable
