// RegisterStore::Scan in SQL: one SELECT over the grain's table joined up the tree (and down to the
// leaf for summary tables), written from catalog identifiers and fixed aliases only; every value a
// bound parameter. SQLite streams one statement (its sorter spills to disk, so memory stays
// flat); MySQL pages by keyset on the full sort key inside one transaction, because Connector/C++
// buffers a prepared statement's whole result on the client.
#include <algorithm>
#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "crypto/encrypted_fields.h"
#include "model/catalog_keys.h"
#include "store/sql_store.h"

namespace onetable {

namespace {

constexpr int kMysqlPageSize = 10000;

// Fixed table aliases, one per kind in the chain, and the household head.
const char* Alias(EntityKind kind) {
  static const char* const kAliases[] = {"d", "s", "c", "g", "b", "h", "p"};
  return kAliases[static_cast<int>(kind)];
}
constexpr char kHeadAlias[] = "hd";

int Level(EntityKind k) { return static_cast<int>(k); }
EntityKind KindAt(int level) { return static_cast<EntityKind>(level); }

// A parameter in the order it appears in the SQL text.
struct Param {
  bool is_int = false;
  int64_t i = 0;
  std::string s;
};

struct Column {
  std::string sql;                // e.g. "p.birth_date"
  const FieldDef* def = nullptr;  // for canonical decimals; null for id/status/derived
  bool encrypted = false;         // stored sealed (crypto/encrypted_fields.h)
  std::string bidx;               // its blind index column ("p.id_number_bidx"), "" when none
  std::string index_name;         // what its blind index is keyed with ("person.id_number")
};

std::string Canonical(const FieldDef* def, std::string v) {
  if (def && def->type == FieldType::kDecimal && v.find('.') != std::string::npos) {
    while (!v.empty() && v.back() == '0') v.pop_back();
    if (!v.empty() && v.back() == '.') v.pop_back();
  }
  return v;
}

// What a scan as of a past instant (ScanRequest::history_at) needs to know about the history
// recorded since: which person fields (and "status") were replaced, and whether any person
// changed household. Read once per scan, before its rows.
struct ScanHistory {
  std::string at;    // validated "YYYY-MM-DD HH:MM:SS": safe to write into SQL text
  std::string date;  // its day, YYYY-MM-DD
  std::set<std::string> changed;
  bool moved = false;
};

bool ValidInstant(const std::string& t) {
  static const char kShape[] = "dddd-dd-dd dd:dd:dd";
  if (t.size() != sizeof kShape - 1) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    const bool digit = t[i] >= '0' && t[i] <= '9';
    if (kShape[i] == 'd' ? !digit : t[i] != kShape[i]) return false;
  }
  return true;
}

// Builds the SQL of one scan, checking every identifier against the catalog.
//
// As of a past instant, a person's replaced value is read through a LEFT JOIN to the first
// field_change after that instant (its old_value is what the register held then), and his
// household through the first membership closed after it. The instant and the catalog keys are
// the only text written into that SQL: the instant is checked digit by digit (ValidInstant), the
// keys come from the catalog.
class ScanQuery {
 public:
  ScanQuery(const Catalog& catalog, const ScanRequest& r, const ScanHistory* history,
            const FieldCipher* cipher)
      : catalog_(catalog), r_(r), history_(history), cipher_(cipher) {}

  Status Prepare() {
    if (Level(r_.leaf) < Level(r_.grain)) {
      return Status::Invalid("读取请求的下层粒度不能高于本表粒度");
    }
    top_ = Level(r_.grain);
    for (const std::string& f : r_.fields) {
      ASSIGN_OR_RETURN(Column c, Resolve(f));
      fields_.push_back(c);
    }
    for (const ScanOrderKey& o : r_.order) {
      ASSIGN_OR_RETURN(Column c, Resolve(o.path));
      // Ciphertext has no order: SQL sorts by the keys before the first encrypted one, and the
      // store sorts each run of rows equal on those in memory (SqlStore::Scan).
      if (c.encrypted && sql_order_ == SIZE_MAX) sql_order_ = order_.size();
      order_.push_back(c);
    }
    if (sql_order_ == SIZE_MAX) sql_order_ = order_.size();
    grouped_ = !r_.aggregates.empty();
    if (grouped_) {
      if (!r_.tags.empty()) return Status::Invalid("汇总读取不能再逐行读取标签属性");
      for (const std::string& f : r_.fields) RETURN_IF_ERROR(CheckGrainLevel(f));
      for (const ScanOrderKey& o : r_.order) RETURN_IF_ERROR(CheckGrainLevel(o.path));
      for (const ScanAggregate& a : r_.aggregates) RETURN_IF_ERROR(PrepareAggregate(a));
    }
    for (const ScanPredicate& p : r_.predicates) {
      if (p.op == "has_tag") {
        RETURN_IF_ERROR(NeedPerson("has_tag"));
        if (p.values.size() != 1 || catalog_.FindTag(p.values[0]) == nullptr) {
          return Status::Invalid("读取条件中的标签未在字段目录中定义");
        }
        pred_cols_.emplace_back();
        continue;
      }
      ASSIGN_OR_RETURN(Column c, Resolve(p.path));
      RETURN_IF_ERROR(CheckOp(p));
      if (Status encrypted = PrepareEncrypted(p, &c); !encrypted.ok()) {
        if (!p.rechecked) return encrypted;
        pred_cols_.emplace_back();  // left out of SQL: the caller checks it on every row
        continue;
      }
      pred_cols_.push_back(c.sql);
      if (p.op == "alive_at") RETURN_IF_ERROR(PrepareAlive(p, c.sql));
    }
    for (const std::string& t : r_.tags) {
      RETURN_IF_ERROR(NeedPerson("标签属性"));
      if (catalog_.FindTag(t) == nullptr) return Status::Invalid("未知的标签 " + t);
    }
    if (grouped_) PlanHoist();
    for (const ScanScope& s : r_.scopes) {
      if (Level(s.kind) > Level(r_.grain)) {
        return Status::Invalid(std::string("范围（") + EntityLabel(s.kind) + "）低于本表粒度（" +
                               EntityLabel(r_.grain) + "）");
      }
      // (kind + 1).parent_id = id needs the level just below the scope in the chain.
      if (s.kind != r_.grain) top_ = std::min(top_, Level(s.kind) + 1);
    }
    if (head_ && top_ > Level(EntityKind::kHousehold) &&
        Level(r_.grain) > Level(EntityKind::kHousehold)) {
      top_ = Level(EntityKind::kHousehold);
    }
    return Status::Ok();
  }

  // The SELECT for one page: `after` holds the sort key of the last row seen (empty: first
  // page); `limit` 0: no LIMIT.
  std::string Sql(const std::vector<std::optional<std::string>>& after, int limit,
                  std::vector<Param>* params) const {
    std::string sql = "SELECT ";
    bool first = true;
    auto add = [&](const std::string& item) {
      sql += (first ? "" : ", ") + item;
      first = false;
    };
    for (int k = Level(r_.grain); k <= LastIdLevel(); ++k)
      add(std::string(Alias(KindAt(k))) + ".id");
    for (const Column& c : fields_) add(c.sql);
    for (const std::string& t : r_.tags) {
      std::string sub =
          "(SELECT t.attrs FROM tag_assignment t WHERE t.person_id = p.id AND t.tag = ?";
      params->push_back(Text(t));
      // The assignment in force that began last (tag_assignment records no write time): by
      // valid_from, id second. Ids from different Galera nodes (or TiDB) interleave, so the
      // highest id is not the latest write; an open start ('' or NULL) sorts as the oldest.
      sub += Validity(params) + " ORDER BY t.valid_from DESC, t.id DESC LIMIT 1)";
      add(sub);
    }
    for (const ScanAggregate& a : r_.aggregates) add(AggregateSql(a, params));
    for (const Column& c : order_) add(c.sql);
    sql += From(params);

    std::vector<std::string> where;
    if (!r_.scopes.empty()) {
      std::string any;
      for (const ScanScope& s : r_.scopes) {
        any += any.empty() ? "(" : " OR ";
        if (s.kind == r_.grain) {
          any += std::string(Alias(s.kind)) + ".id = ?";
        } else {
          any += ParentOf(KindAt(Level(s.kind) + 1)) + " = ?";
        }
        params->push_back(Int(s.id));
      }
      where.push_back(any + ")");
    }
    for (size_t i = 0; i < r_.predicates.size(); ++i) {
      const ScanPredicate& p = r_.predicates[i];
      if (p.op != "has_tag" && pred_cols_[i].empty()) continue;  // rechecked by the caller
      where.push_back(Predicate(p, pred_cols_[i], params));
    }
    if (!after.empty()) where.push_back(After(after, 0, params));
    for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
    // The other selected columns are of the grain row or above, so one value per group; the
    // connection's sql_mode (mysql_connection.cc) has no ONLY_FULL_GROUP_BY.
    if (grouped_) sql += std::string(" GROUP BY ") + Alias(r_.grain) + ".id";

    sql += " ORDER BY ";
    first = true;
    for (size_t i = 0; i < sql_order_; ++i) {
      add(order_[i].sql + (r_.order[i].descending ? " DESC" : ""));
    }
    for (int k = Level(r_.grain); k <= LastIdLevel(); ++k)
      add(std::string(Alias(KindAt(k))) + ".id");
    if (limit > 0) sql += " LIMIT " + std::to_string(limit);
    return sql;
  }

  size_t levels() const { return static_cast<size_t>(LastIdLevel() - Level(r_.grain) + 1); }
  const std::vector<Column>& fields() const { return fields_; }
  size_t order_keys() const { return order_.size(); }
  size_t sql_order_keys() const { return sql_order_; }

 private:
  static Param Text(const std::string& s) { return Param{false, 0, s}; }
  static Param Int(int64_t i) { return Param{true, i, ""}; }

  bool InChain(EntityKind k) const { return Level(k) <= Level(r_.leaf); }
  // The deepest level whose id a row carries: the grain alone when grouped.
  int LastIdLevel() const { return grouped_ ? Level(r_.grain) : Level(r_.leaf); }

  // A grouped scan reads one value per grain row: a field or sort key of the grain or above.
  Status CheckGrainLevel(const std::string& path) const {
    const std::string entity = path.substr(0, path.find('.'));
    std::optional<EntityKind> k = entity == "head"
                                      ? std::optional<EntityKind>(EntityKind::kHousehold)
                                      : ParseEntityKind(entity);
    if (k && Level(*k) <= Level(r_.grain)) return Status::Ok();
    return Status::Invalid("汇总读取只能逐行读取本表粒度及其上级的字段：“" + path + "”");
  }

  // Checks one aggregate and resolves the columns its condition and value read.
  Status PrepareAggregate(const ScanAggregate& a) {
    if (Level(a.over) <= Level(r_.grain) || Level(a.over) > Level(r_.leaf)) {
      return Status::Invalid("汇总的对象必须在本表粒度之下、读取的下层粒度之内");
    }
    if (a.fn == ScanAggregate::Fn::kSum) {
      if (a.over != r_.leaf) return Status::Invalid("求和只能用于读取的最下层");
      ASSIGN_OR_RETURN(Column c, Resolve(a.value));
      if (c.def == nullptr || c.def->type != FieldType::kInteger) {
        return Status::Invalid("求和的字段必须是整数字段：“" + a.value + "”");
      }
      sum_cols_[&a] = c.sql;
    }
    return PrepareCondition(a.where, a.over);
  }

  // A predicate on an encrypted column: only equality (through its blind index, `col` then
  // reads the index column) and null tests can be written in SQL over ciphertext.
  Status PrepareEncrypted(const ScanPredicate& p, Column* col) {
    if (!col->encrypted) return Status::Ok();
    const bool null_test = p.op == "is null" || p.op == "is not null";
    const bool equality = p.op == "==" || p.op == "in";
    if (!null_test && !(equality && !col->bidx.empty())) {
      return Status::Invalid("读取条件 “" + p.path + " " + p.op +
                             "” 不能用于加密存储的字段（只能判断相等或为空）");
    }
    if (equality) {
      std::vector<std::string>& blind = blind_values_[&p];
      for (const std::string& v : p.values) blind.push_back(cipher_->BlindIndex(col->index_name, v));
      col->sql = col->bidx;
    }
    return Status::Ok();
  }

  Status PrepareCondition(const ScanCondition& c, EntityKind over) {
    if (c.kind != ScanCondition::Kind::kPredicate) {
      for (const ScanCondition& child : c.children) RETURN_IF_ERROR(PrepareCondition(child, over));
      return Status::Ok();
    }
    const ScanPredicate& p = c.predicate;
    if (p.op == "has_tag") {
      // The EXISTS is written on the chain's person: only a count of persons may ask it.
      if (over != EntityKind::kPerson) return Status::Invalid("标签条件只能用于人员的汇总");
      if (p.values.size() != 1 || catalog_.FindTag(p.values[0]) == nullptr) {
        return Status::Invalid("读取条件中的标签未在字段目录中定义");
      }
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(Column col, Resolve(p.path));
    RETURN_IF_ERROR(CheckOp(p));
    RETURN_IF_ERROR(PrepareEncrypted(p, &col));
    cond_cols_[&p] = col.sql;
    if (p.op == "alive_at") RETURN_IF_ERROR(PrepareAlive(p, col.sql));
    return Status::Ok();
  }

  // Predicates every aggregate over the leaf has at the top of its condition (`alive` in each
  // count of 人口统计表) are written once, on the leaf's LEFT JOIN, rather than once per
  // aggregate and row: a leaf row they reject joins as NULL, which no count or sum over the leaf
  // takes, and the rows above it stay (a household whose members are all rejected still joins
  // once), so the counts above the leaf do not change. Only predicates on the leaf's own columns
  // as they are now: a history join comes later in FROM than the leaf's ON.
  void PlanHoist() {
    if (!as_of_joins_.empty() || Moved()) return;
    std::vector<const ScanAggregate*> leaf;
    for (const ScanAggregate& a : r_.aggregates) {
      if (a.over == r_.leaf) leaf.push_back(&a);
    }
    if (leaf.empty()) return;
    auto top = [](const ScanCondition& c) {
      std::vector<const ScanPredicate*> out;
      if (c.kind == ScanCondition::Kind::kPredicate) out.push_back(&c.predicate);
      if (c.kind == ScanCondition::Kind::kAll) {
        for (const ScanCondition& child : c.children) {
          if (child.kind == ScanCondition::Kind::kPredicate) out.push_back(&child.predicate);
        }
      }
      return out;
    };
    auto same = [](const ScanPredicate& a, const ScanPredicate& b) {
      return a.op == b.op && a.path == b.path && a.values == b.values;
    };
    const std::string own = std::string(EntityName(r_.leaf)) + ".";
    for (const ScanPredicate* p : top(leaf[0]->where)) {
      const bool on_leaf = p->op == "has_tag" ? r_.leaf == EntityKind::kPerson
                                              : p->path.compare(0, own.size(), own) == 0;
      if (!on_leaf) continue;
      std::vector<const ScanPredicate*> copies;
      size_t holding = 0;
      for (const ScanAggregate* a : leaf) {
        bool found = false;
        for (const ScanPredicate* q : top(a->where)) {
          if (!same(*p, *q)) continue;
          copies.push_back(q);
          found = true;
        }
        holding += found ? 1 : 0;
      }
      if (holding != leaf.size() || hoisted_set_.count(p)) continue;
      hoisted_.push_back(p);
      for (const ScanPredicate* q : copies) hoisted_set_.insert(q);
    }
  }

  std::string ConditionSql(const ScanCondition& c, std::vector<Param>* params) const {
    if (c.kind == ScanCondition::Kind::kPredicate) {
      if (hoisted_set_.count(&c.predicate)) return "1 = 1";  // on the leaf's join
      auto it = cond_cols_.find(&c.predicate);
      return Predicate(c.predicate, it == cond_cols_.end() ? "" : it->second, params);
    }
    if (c.children.empty()) return c.kind == ScanCondition::Kind::kAll ? "1 = 1" : "1 = 0";
    std::string sql = "(";
    for (size_t i = 0; i < c.children.size(); ++i) {
      if (i > 0) sql += c.kind == ScanCondition::Kind::kAll ? " AND " : " OR ";
      sql += ConditionSql(c.children[i], params);
    }
    return sql + ")";
  }

  // COUNT of the `over` ids where the condition is true (DISTINCT above the leaf, whose rows
  // repeat once per row below them; a LEFT JOIN's missing row has a NULL id and is not counted),
  // or the SUM of the column over the leaf rows where it is true (NULL when none: read as 0).
  std::string AggregateSql(const ScanAggregate& a, std::vector<Param>* params) const {
    const std::string cond = ConditionSql(a.where, params);
    if (a.fn == ScanAggregate::Fn::kSum) {
      // The summed column may be of a row above the leaf (a household's, summed per member):
      // a LEFT JOIN's missing leaf row must not add it.
      return std::string("SUM(CASE WHEN ") + Alias(a.over) + ".id IS NOT NULL AND " + cond +
             " THEN " + sum_cols_.at(&a) + " END)";
    }
    return std::string("COUNT(") + (a.over == r_.leaf ? "" : "DISTINCT ") + "CASE WHEN " + cond +
           " THEN " + Alias(a.over) + ".id END)";
  }

  Status NeedPerson(const char* what) const {
    if (r_.leaf != EntityKind::kPerson) {
      return Status::Invalid(std::string(what) + "只能用于含人员的读取");
    }
    return Status::Ok();
  }

  Result<Column> Resolve(const std::string& path) {
    auto bad = [&](const std::string& why) {
      return Status::Invalid("无法读取 “" + path + "”：" + why);
    };
    size_t dot = path.find('.');
    if (dot == std::string::npos) return bad("应写成 实体.字段");
    const std::string entity = path.substr(0, dot);
    const std::string key = path.substr(dot + 1);
    EntityKind kind;
    std::string alias;
    if (entity == "head") {
      if (!InChain(EntityKind::kHousehold) ||
          catalog_.Find(EntityKind::kHousehold, keys::kHeadPersonId) == nullptr) {
        return bad("本表的行不在某一户之下");
      }
      head_ = true;
      kind = EntityKind::kPerson;
      alias = kHeadAlias;
      if (Level(EntityKind::kHousehold) < Level(r_.grain)) {
        top_ = std::min(top_, Level(EntityKind::kHousehold));
      }
    } else {
      std::optional<EntityKind> k = ParseEntityKind(entity);
      if (!k) return bad("未知的实体 " + entity);
      if (!InChain(*k)) return bad("不在本表的层级之内");
      kind = *k;
      alias = Alias(kind);
      top_ = std::min(top_, Level(kind));
    }
    if (key == "status" && kind == EntityKind::kPerson) return AsOf(alias, key, nullptr);
    if (key == "id" || key == "status") return Column{alias + "." + key, nullptr};
    const FieldDef* def = catalog_.Find(kind, key);
    if (def == nullptr) return bad("字段目录中没有该字段");
    if (def->derived) {
      if (kind == EntityKind::kHousehold && key == keys::kMemberCount && entity != "head" &&
          Moved()) {
        return Column{MemberCountAsOf(alias), nullptr};
      }
      if (kind == EntityKind::kHousehold && key == keys::kMemberCount && entity != "head") {
        // Current members: active rows of the household without a death date.
        // NULL, not 0, for a person outside any household.
        std::string count = "(CASE WHEN " + alias +
                            ".id IS NULL THEN NULL ELSE (SELECT COUNT(*) "
                            "FROM person mc WHERE mc.parent_id = " +
                            alias + ".id AND mc.status = '" + kStatusActive + "'";
        if (catalog_.Find(EntityKind::kPerson, keys::kDeathDate) != nullptr) {
          count += " AND mc.death_date IS NULL";
        }
        return Column{count + ") END)", nullptr};
      }
      if (kind == EntityKind::kPerson && key == keys::kChildrenInHousehold && entity != "head") {
        return Column{ChildrenInHousehold(alias), nullptr};
      }
      return bad("该字段是计算字段，登记库不存储");
    }
    // Dates are facts, read as known now — except 入住日期, which belongs to the household the
    // person was in (expr/alive_rule.h).
    Column c = kind == EntityKind::kPerson &&
                       (def->type != FieldType::kDate || key == keys::kMoveInDate)
                   ? AsOf(alias, key, def)
                   : Column{alias + "." + def->key, def};
    if (cipher_ != nullptr && IsEncryptedField(*def)) {
      c.encrypted = true;
      // As of a past instant a replaced value comes from field_change, which has no index.
      if (HasBlindIndex(*def) && c.sql == alias + "." + def->key) {
        c.bidx = alias + "." + BlindIndexColumn(*def);
        c.index_name = std::string(EntityName(kind)) + "." + def->key;
      }
    }
    return c;
  }

  // The column `alias`.`key` of a person (key "status" or a stored field) as of the history
  // instant: its old value where it was replaced since, else the current one.
  Column AsOf(const std::string& alias, const std::string& key, const FieldDef* def) {
    const std::string current = alias + "." + key;
    if (history_ == nullptr || !history_->changed.count(key)) return Column{current, def};
    std::string& join = as_of_joins_[alias + "." + key];
    if (join.empty()) join = "hf" + std::to_string(as_of_joins_.size());
    return Column{"(CASE WHEN " + join + ".entity_id IS NULL THEN " + current + " ELSE " + join +
                      ".old_value END)",
                  def};
  }

  bool Moved() const { return history_ != nullptr && history_->moved; }

  // keys::kChildrenInHousehold of person `alias`: for the head (01 本人, 02 户主) or the head's
  // spouse (10 配偶, 11 夫, 12 妻), the household's other active, living members whose
  // relationship to the head is a son or daughter (GB/T 4761 20–39 but 28 女婿, 38 儿媳); NULL
  // for anyone else, whose children the relationships to the head do not identify. Current
  // members: a past reference date does not move children between households.
  std::string ChildrenInHousehold(const std::string& alias) const {
    const std::string rel = alias + "." + keys::kRelationship;
    std::string count = "(SELECT COUNT(*) FROM person ch WHERE ch.parent_id = " + alias +
                        ".parent_id AND ch.id <> " + alias + ".id AND ch.status = '" +
                        kStatusActive + "' AND ch." + keys::kRelationship +
                        " BETWEEN '20' AND '39' AND ch." + keys::kRelationship +
                        " NOT IN ('28', '38')";
    if (catalog_.Find(EntityKind::kPerson, keys::kDeathDate) != nullptr) {
      count += " AND ch.death_date IS NULL";
    }
    count += ")";
    return "(CASE WHEN " + alias + ".parent_id IS NOT NULL AND " + rel +
           " IN ('01', '02', '10', '11', '12') THEN " + count + " ELSE NULL END)";
  }

  // The first change of `key` after the instant, per person: its old value is the one held then.
  std::string FirstChangeSince(const std::string& key) const {
    return "(SELECT fc.entity_id, fc.old_value FROM field_change fc JOIN (SELECT MIN(f1.id) AS "
           "first_id FROM field_change f1 WHERE f1.entity = 'person' AND f1.field = '" +
           key + "' AND f1.replaced_at > '" + history_->at +
           "' GROUP BY f1.entity_id) f2 ON fc.id = f2.first_id)";
  }

  // Memberships `m` of a person that were his at the instant: not closed by then, and no earlier
  // one not closed by then (a person's memberships follow one another).
  std::string HeldThen(const std::string& m) const {
    const std::string& at = history_->at;
    return "(" + m + ".valid_to IS NULL OR " + m + ".valid_to > '" + at +
           "') AND NOT EXISTS (SELECT 1 FROM membership me WHERE me.entity = 'person' AND "
           "me.entity_id = " +
           m + ".entity_id AND me.id < " + m +
           ".id AND (me.valid_to IS NULL OR "
           "me.valid_to > '" +
           at + "'))";
  }

  // The household a person (alias p) was in at the instant.
  std::string PersonParent() const {
    if (!Moved() || r_.grain != EntityKind::kPerson) return "p.parent_id";
    return "(CASE WHEN pm.entity_id IS NULL THEN p.parent_id ELSE pm.parent_id END)";
  }
  std::string ParentOf(EntityKind kind) const {
    if (kind == EntityKind::kPerson) return PersonParent();
    return std::string(Alias(kind)) + ".parent_id";
  }

  // member_count at the instant: the household's members then, alive at its day (status as
  // held then; dates as known now — expr/alive_rule.h, without 居住状态).
  std::string MemberCountAsOf(const std::string& alias) const {
    const std::string& at = history_->at;
    const std::string& day = history_->date;
    // The first status change after the instant by its time, id second (ids from different
    // Galera nodes interleave).
    std::string alive =
        "(COALESCE((SELECT fs.old_value FROM field_change fs WHERE fs.entity = 'person' AND "
        "fs.entity_id = mc.id AND fs.field = 'status' AND fs.replaced_at > '" +
        at + "' ORDER BY fs.replaced_at, fs.id LIMIT 1), mc.status) = '" + kStatusActive + "'";
    std::string dead_by;
    if (catalog_.Find(EntityKind::kPerson, keys::kDeathDate) != nullptr) {
      alive += " OR mc.death_date > '" + day + "'";
      dead_by = " AND (mc.death_date IS NULL OR mc.death_date > '" + day + "')";
    }
    if (catalog_.Find(EntityKind::kPerson, keys::kMoveOutDate) != nullptr) {
      alive += " OR mc.move_out_date > '" + day + "'";
    }
    alive += ")";
    return "(CASE WHEN " + alias +
           ".id IS NULL THEN NULL ELSE (SELECT COUNT(*) FROM membership mm "
           "JOIN person mc ON mc.id = mm.entity_id WHERE mm.entity = 'person' AND mm.parent_id = " +
           alias + ".id AND " + HeldThen("mm") + dead_by + " AND " + alive + ") END)";
  }

  // The columns an alive_at predicate reads next to the status it is written on.
  struct AliveColumns {
    std::string status, death, birth, move_in, move_out, residence;
  };
  Status PrepareAlive(const ScanPredicate& p, const std::string& status_column) {
    const std::string prefix = p.path.substr(0, p.path.find('.') + 1);
    if (prefix != "person." && prefix != "head.") {
      return Status::Invalid("读取条件 alive_at 只能用于人员");
    }
    AliveColumns cols;
    cols.status = status_column;
    auto column = [&](const char* key, std::string* out) -> Status {
      if (catalog_.Find(EntityKind::kPerson, key) == nullptr) return Status::Ok();
      ASSIGN_OR_RETURN(Column c, Resolve(prefix + key));
      *out = c.sql;
      return Status::Ok();
    };
    RETURN_IF_ERROR(column(keys::kDeathDate, &cols.death));
    RETURN_IF_ERROR(column(keys::kBirthDate, &cols.birth));
    RETURN_IF_ERROR(column(keys::kMoveInDate, &cols.move_in));
    RETURN_IF_ERROR(column(keys::kMoveOutDate, &cols.move_out));
    RETURN_IF_ERROR(column(keys::kResidenceStatus, &cols.residence));
    alive_cols_[&p] = cols;
    return Status::Ok();
  }

  // alive_at as SQL (expr/alive_rule.h): values {date, ending 居住状态 codes...}.
  std::string AliveSql(const ScanPredicate& p, const AliveColumns& c,
                       std::vector<Param>* params) const {
    const std::string& day = p.values[0];
    std::string sql = "(";
    if (!c.death.empty()) {
      sql += "(" + c.death + " IS NULL OR " + c.death + " > ?) AND ";
      params->push_back(Text(day));
    }
    if (!c.birth.empty()) {
      sql += "(" + c.birth + " IS NULL OR " + c.birth + " <= ?) AND ";
      params->push_back(Text(day));
    }
    if (!c.move_in.empty()) {
      sql += "(" + c.move_in + " IS NULL OR " + c.move_in + " <= ?) AND ";
      params->push_back(Text(day));
    }
    sql += "((" + c.status + " = '" + kStatusActive + "'";
    if (!c.residence.empty() && p.values.size() > 1) {
      sql += " AND (" + c.residence + " IS NULL OR " + c.residence + " NOT IN (";
      for (size_t i = 1; i < p.values.size(); ++i) {
        sql += i > 1 ? ", ?" : "?";
        params->push_back(Text(p.values[i]));
      }
      sql += "))";
    }
    sql += ")";
    if (!c.death.empty()) {
      sql += " OR " + c.death + " > ?";
      params->push_back(Text(day));
    }
    if (!c.move_out.empty()) {
      sql += " OR " + c.move_out + " > ?";
      params->push_back(Text(day));
    }
    return sql + "))";
  }

  static Status CheckOp(const ScanPredicate& p) {
    size_t need = 0;  // SIZE_MAX: one or more
    if (p.op == "==" || p.op == "!=" || p.op == "<" || p.op == "<=" || p.op == ">" ||
        p.op == ">=") {
      need = 1;
    } else if (p.op == "between" || p.op == "not between") {
      need = 2;
    } else if (p.op == "in" || p.op == "not in" || p.op == "alive_at") {
      need = SIZE_MAX;
    } else if (p.op != "is null" && p.op != "is not null") {
      return Status::Invalid("读取条件的运算符 “" + p.op + "” 不受支持");
    }
    if (need == SIZE_MAX ? p.values.empty() : p.values.size() != need) {
      return Status::Invalid("读取条件 “" + p.path + " " + p.op + "” 的取值个数不对");
    }
    return Status::Ok();
  }

  std::string From(std::vector<Param>* params) const {
    std::string from = std::string(" FROM ") + EntityName(r_.grain) + " " + Alias(r_.grain);
    if (Moved() && r_.grain == EntityKind::kPerson) {
      // The membership each person who moved since the instant held then.
      from +=
          " LEFT JOIN (SELECT m.entity_id, m.parent_id FROM membership m JOIN (SELECT "
          "MIN(m1.id) AS first_id FROM membership m1 WHERE m1.entity = 'person' AND "
          "m1.valid_to > '" +
          history_->at +
          "' GROUP BY m1.entity_id) m2 ON m.id = "
          "m2.first_id) pm ON pm.entity_id = p.id";
    }
    bool left = false;
    for (int k = Level(r_.grain) - 1; k >= top_; --k) {
      // A person may stand outside any household; everything above it is then NULL as well.
      left = left || KindAt(k + 1) == EntityKind::kPerson;
      from += std::string(left ? " LEFT JOIN " : " JOIN ") + EntityName(KindAt(k)) + " " +
              Alias(KindAt(k)) + " ON " + Alias(KindAt(k)) + ".id = " + ParentOf(KindAt(k + 1));
    }
    for (int k = Level(r_.grain) + 1; k <= Level(r_.leaf); ++k) {
      if (KindAt(k) == EntityKind::kPerson && Moved()) {
        // The persons in the household at the instant, through the memberships held then.
        from += " LEFT JOIN membership pmd ON pmd.entity = 'person' AND pmd.parent_id = h.id AND " +
                HeldThen("pmd") + " LEFT JOIN person p ON p.id = pmd.entity_id";
        continue;
      }
      from += std::string(" LEFT JOIN ") + EntityName(KindAt(k)) + " " + Alias(KindAt(k)) + " ON " +
              Alias(KindAt(k)) + ".parent_id = " + Alias(KindAt(k - 1)) + ".id";
      if (k == Level(r_.leaf)) {
        for (const ScanPredicate* p : hoisted_) {
          auto it = cond_cols_.find(p);
          from += " AND " + Predicate(*p, it == cond_cols_.end() ? "" : it->second, params);
        }
      }
    }
    if (head_) {
      from += std::string(" LEFT JOIN person ") + kHeadAlias + " ON " + kHeadAlias +
              ".id = h.head_person_id";
    }
    for (const auto& [column, join] : as_of_joins_) {
      const std::string alias = column.substr(0, column.find('.'));
      from += " LEFT JOIN " + FirstChangeSince(column.substr(column.find('.') + 1)) + " " + join +
              " ON " + join + ".entity_id = " + alias + ".id";
    }
    return from;
  }

  std::string Validity(std::vector<Param>* params) const {
    if (r_.tag_date.empty()) return "";
    params->push_back(Text(r_.tag_date));
    params->push_back(Text(r_.tag_date));
    return " AND (t.valid_from IS NULL OR t.valid_from = '' OR t.valid_from <= ?)"
           " AND (t.valid_to IS NULL OR t.valid_to = '' OR t.valid_to >= ?)";
  }

  std::string Predicate(const ScanPredicate& original, const std::string& col,
                        std::vector<Param>* params) const {
    ScanPredicate blinded;
    auto blind = blind_values_.find(&original);
    if (blind != blind_values_.end()) {
      blinded = original;
      blinded.values = blind->second;
    }
    const ScanPredicate& p = blind != blind_values_.end() ? blinded : original;
    if (p.op == "has_tag") {
      params->push_back(Text(p.values[0]));
      std::string sql =
          "EXISTS (SELECT 1 FROM tag_assignment t WHERE t.person_id = p.id AND t.tag = ?";
      return sql + Validity(params) + ")";
    }
    if (p.op == "alive_at") return AliveSql(p, alive_cols_.at(&original), params);
    auto one = [&](const char* op) {
      params->push_back(Text(p.values.empty() ? "" : p.values[0]));
      return col + " " + op + " ?";
    };
    if (p.op == "==") return one("=");
    if (p.op == "!=") return one("<>");
    if (p.op == "<" || p.op == "<=" || p.op == ">" || p.op == ">=") return one(p.op.c_str());
    if (p.op == "is null") return col + " IS NULL";
    if (p.op == "is not null") return col + " IS NOT NULL";
    if (p.op == "in" || p.op == "not in") {
      std::string list;
      for (const std::string& v : p.values) {
        list += list.empty() ? "?" : ", ?";
        params->push_back(Text(v));
      }
      return col + (p.op == "in" ? " IN (" : " NOT IN (") + list + ")";
    }
    // between / not between
    params->push_back(Text(p.values.size() > 0 ? p.values[0] : ""));
    params->push_back(Text(p.values.size() > 1 ? p.values[1] : ""));
    return col + (p.op == "between" ? " BETWEEN ? AND ?" : " NOT BETWEEN ? AND ?");
  }

  // Rows strictly after `last` in ORDER BY order, from sort key `i` on. ASC puts NULLs first and
  // DESC last in both SQLite and MySQL, so a NULL key is handled without comparing to NULL.
  std::string After(const std::vector<std::optional<std::string>>& last, size_t i,
                    std::vector<Param>* params) const {
    if (i == last.size()) return "0 = 1";
    const bool is_order = i < sql_order_;
    const std::string col =
        is_order
            ? order_[i].sql
            : std::string(Alias(KindAt(Level(r_.grain) + static_cast<int>(i - sql_order_)))) +
                  ".id";
    const bool desc = is_order && r_.order[i].descending;
    const std::optional<std::string>& v = last[i];
    std::string gt, eq;
    if (!v) {
      gt = desc ? "" : col + " IS NOT NULL";
      eq = col + " IS NULL";
    } else {
      params->push_back(Text(*v));
      gt = desc ? "(" + col + " < ? OR " + col + " IS NULL)" : col + " > ?";
      eq = col + " = ?";
    }
    std::string out = "(";
    if (!gt.empty()) out += gt + " OR ";
    if (v) params->push_back(Text(*v));
    out += "(" + eq + " AND " + After(last, i + 1, params) + "))";
    return out;
  }

  const Catalog& catalog_;
  const ScanRequest& r_;
  const ScanHistory* history_;                               // null: as now
  const FieldCipher* cipher_;                                // null: values in clear
  size_t sql_order_ = SIZE_MAX;  // order keys SQL sorts by: those before the first encrypted one
  std::map<const ScanPredicate*, std::vector<std::string>> blind_values_;  // on a blind index
  std::map<std::string, std::string> as_of_joins_;           // "p.name" → its join alias ("hf1")
  std::map<const ScanPredicate*, AliveColumns> alive_cols_;  // per alive_at predicate
  std::map<const ScanPredicate*, std::string> cond_cols_;    // per predicate in an aggregate
  std::map<const ScanAggregate*, std::string> sum_cols_;     // the column each sum adds up
  std::vector<const ScanPredicate*> hoisted_;   // written on the leaf's join (PlanHoist)
  std::set<const ScanPredicate*> hoisted_set_;  // and every copy of them, in any aggregate
  std::vector<Column> fields_;
  std::vector<Column> order_;
  std::vector<std::string> pred_cols_;  // per predicate; empty for has_tag and for one left out
  int top_ = 0;                         // highest level joined
  bool head_ = false;
  bool grouped_ = false;  // aggregates computed by GROUP BY the grain row
};

void BindAll(SqlStatement* s, const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (params[i].is_int) {
      s->BindInt(index, params[i].i);
    } else {
      s->BindText(index, params[i].s);
    }
  }
}

}  // namespace

Result<bool> SqlStore::ReadScanHistory(const std::string& at, std::set<std::string>* changed) {
  {
    ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT DISTINCT field FROM field_change WHERE "
                                            "entity = 'person' AND replaced_at > ?"));
    s->BindText(1, at);
    while (true) {
      ASSIGN_OR_RETURN(bool more, s->Step());
      if (!more) break;
      if (std::optional<std::string> f = s->Text(0)) changed->insert(*f);
    }
  }
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT COUNT(*) FROM membership WHERE entity = "
                                          "'person' AND valid_to > ?"));
  s->BindText(1, at);
  ASSIGN_OR_RETURN(bool row, s->Step());
  const bool moved = row && s->Int(0) > 0;
  s->Reset();
  return moved;
}

Status SqlStore::Scan(const ScanRequest& request,
                      const std::function<Status(const ScanRow&)>& visit) {
  std::optional<ScanHistory> history;
  if (!request.history_at.empty()) {
    if (!ValidInstant(request.history_at)) {
      return Status::Invalid("读取请求的历史时刻应为 YYYY-MM-DD HH:MM:SS");
    }
    history.emplace();
    history->at = request.history_at;
    history->date = request.history_at.substr(0, 10);
    ASSIGN_OR_RETURN(history->moved, ReadScanHistory(history->at, &history->changed));
    // A recorded field is only ever written into SQL as the catalog key Resolve found.
  }
  ScanQuery query(catalog_, request, history ? &*history : nullptr, cipher_);
  RETURN_IF_ERROR(query.Prepare());
  const size_t levels = query.levels();
  const size_t nfields = query.fields().size();
  const size_t ntags = request.tags.size();
  const size_t naggregates = request.aggregates.size();
  const size_t norder = query.order_keys();
  const size_t nsql_order = query.sql_order_keys();
  // Rows equal on the SQL-sorted keys, waiting to be sorted on the encrypted ones.
  struct Pending {
    ScanRow row;
    std::vector<std::optional<std::string>> rest;  // decrypted order keys nsql_order..norder
  };
  std::vector<Pending> run;
  std::vector<std::optional<std::string>> run_key;  // the SQL-sorted keys of `run`
  auto flush = [&]() -> Status {
    std::stable_sort(run.begin(), run.end(), [&](const Pending& a, const Pending& b) {
      for (size_t k = 0; k < a.rest.size(); ++k) {
        const bool desc = request.order[nsql_order + k].descending;
        const std::optional<std::string>& x = a.rest[k];
        const std::optional<std::string>& y = b.rest[k];
        if (x == y) continue;
        // NULLs first ascending, last descending, as both SQL dialects sort them.
        if (!x || !y) return desc ? !y : !x;
        return desc ? *y < *x : *x < *y;
      }
      return a.row.ids < b.row.ids;
    });
    for (const Pending& p : run) RETURN_IF_ERROR(visit(p.row));
    run.clear();
    return Status::Ok();
  };
  const int page = request.page_size > 0       ? request.page_size
                   : db_->Dialect() == "mysql" ? kMysqlPageSize
                                               : 0;

  // A row as read, its sealed values not yet opened: `open` decrypts them in place. Rows are
  // read into chunks whose storage is reused from chunk to chunk.
  struct ReadRow {
    ScanRow row;
    std::vector<std::optional<std::string>> key;   // the SQL-sorted order keys
    std::vector<std::optional<std::string>> rest;  // the sealed order keys nsql_order..norder
  };
  struct Chunk {
    std::vector<ReadRow> rows;
    size_t n = 0;  // rows[0, n) hold rows of this chunk
  };
  auto open = [&](Chunk& c) -> Status {
    for (size_t k = 0; k < c.n; ++k) {
      ReadRow& r = c.rows[k];
      for (size_t i = 0; i < nfields; ++i) {
        ASSIGN_OR_RETURN(r.row.values[i], Unseal(std::move(r.row.values[i])));
        if (r.row.values[i]) {
          r.row.values[i] = Canonical(query.fields()[i].def, std::move(*r.row.values[i]));
        }
      }
      for (size_t i = 0; i < ntags; ++i) {
        ASSIGN_OR_RETURN(r.row.tag_attrs[i], Unseal(std::move(r.row.tag_attrs[i])));
      }
      for (std::optional<std::string>& v : r.rest) {
        ASSIGN_OR_RETURN(v, Unseal(std::move(v)));
      }
    }
    return Status::Ok();
  };
  // Hands a chunk's opened rows to `visit` in order, through `run` when encrypted keys sort them.
  auto pass_on = [&](Chunk& c) -> Status {
    for (size_t k = 0; k < c.n; ++k) {
      ReadRow& r = c.rows[k];
      if (nsql_order == norder) {
        RETURN_IF_ERROR(visit(r.row));
        continue;
      }
      if (!run.empty() && r.key != run_key) RETURN_IF_ERROR(flush());
      run_key = r.key;
      run.push_back(Pending{r.row, r.rest});
    }
    c.n = 0;
    return Status::Ok();
  };
  // Opening sealed values is most of what encryption costs a full table (an SM4 and an HMAC-SM3
  // pass per sealed value: ID number and phone for each person): on a store that seals values,
  // each full chunk is opened on a second thread while this one passes the one before on to
  // `visit` and reads the next. Rows still reach `visit` in order, on this thread.
  const bool pipelined =
      cipher_ != nullptr && (ntags > 0 || norder > nsql_order ||
                             std::any_of(query.fields().begin(), query.fields().end(),
                                         [](const Column& c) { return c.encrypted; }));
  const size_t chunk_rows = pipelined ? 512 : 1;

  // Reads one page; fills `last` with the sort key of its last row and `count` with its rows.
  auto read_page = [&](const std::vector<std::optional<std::string>>& after,
                       std::vector<std::optional<std::string>>* last, int* count) -> Status {
    std::vector<Param> params;
    const std::string sql = query.Sql(after, page, &params);
    ASSIGN_OR_RETURN(std::unique_ptr<SqlStatement> s, db_->Prepare(sql));
    BindAll(s.get(), params);
    Chunk filling, opening, opened;
    // Declared after the chunk it opens: on an early return it is joined before that goes.
    std::future<Status> being_opened;
    *count = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool more, s->Step());
      if (!more) break;
      ++*count;
      if (filling.rows.size() == filling.n) filling.rows.emplace_back();
      ReadRow& r = filling.rows[filling.n++];
      r.row.ids.resize(levels);
      r.row.values.resize(nfields);
      r.row.tag_attrs.resize(ntags);
      r.row.aggregates.resize(naggregates);
      r.key.resize(nsql_order);
      r.rest.resize(norder - nsql_order);
      int col = 0;
      for (size_t i = 0; i < levels; ++i) r.row.ids[i] = s->Int(col++);
      for (size_t i = 0; i < nfields; ++i) r.row.values[i] = s->Text(col++);
      for (size_t i = 0; i < ntags; ++i) r.row.tag_attrs[i] = s->Text(col++);
      for (size_t i = 0; i < naggregates; ++i) {
        // COUNT is never NULL; a SUM over no row is, and reads as 0 (Int of NULL).
        r.row.aggregates[i] = s->Int(col++);
      }
      for (size_t i = 0; i < nsql_order; ++i) r.key[i] = s->Text(col++);
      for (size_t i = nsql_order; i < norder; ++i) r.rest[i - nsql_order] = s->Text(col++);
      if (page > 0) {
        last->assign(r.key.begin(), r.key.end());
        for (size_t i = 0; i < levels; ++i) {
          if (r.row.ids[i] == 0) {
            last->push_back(std::nullopt);
          } else {
            last->push_back(std::to_string(r.row.ids[i]));
          }
        }
      }
      if (filling.n < chunk_rows) continue;
      if (!pipelined) {
        RETURN_IF_ERROR(open(filling));
        RETURN_IF_ERROR(pass_on(filling));
        continue;
      }
      if (being_opened.valid()) {
        RETURN_IF_ERROR(being_opened.get());
        std::swap(opened, opening);
      }
      std::swap(opening, filling);
      try {
        being_opened = std::async(std::launch::async, [&open, &opening] { return open(opening); });
      } catch (const std::system_error&) {
        // No thread to be had (the process is out of them): this chunk is opened here.
        RETURN_IF_ERROR(pass_on(opened));
        RETURN_IF_ERROR(open(opening));
        RETURN_IF_ERROR(pass_on(opening));
        continue;
      }
      RETURN_IF_ERROR(pass_on(opened));
      std::swap(filling, opened);  // its storage holds the next rows
    }
    if (being_opened.valid()) {
      RETURN_IF_ERROR(being_opened.get());
      RETURN_IF_ERROR(pass_on(opening));
    }
    RETURN_IF_ERROR(open(filling));
    return pass_on(filling);
  };

  if (page == 0) {
    std::vector<std::optional<std::string>> unused;
    int count = 0;
    RETURN_IF_ERROR(read_page({}, &unused, &count));
    return flush();
  }
  // One transaction: every page reads the same snapshot (InnoDB repeatable read).
  return InTransaction([&]() -> Status {
    std::vector<std::optional<std::string>> after;
    while (true) {
      std::vector<std::optional<std::string>> last;
      int count = 0;
      RETURN_IF_ERROR(read_page(after, &last, &count));
      if (count < page) return flush();
      after = std::move(last);
    }
  });
}

}  // namespace onetable
