#include "mapping/scan_plan.h"

#include <algorithm>
#include <optional>

#include "crypto/encrypted_fields.h"
#include "expr/alive_rule.h"
#include "mapping/pushdown.h"
#include "model/catalog_keys.h"

namespace onetable::mapping {

namespace {

constexpr int kHeadSlot = 7;

bool PastHead(const FieldPath& p) { return !p.hops.empty() && p.hops.back() == "head"; }

int Slot(const FieldPath& p) { return PastHead(p) ? kHeadSlot : static_cast<int>(p.entity); }

bool IsAge(const Expr& e) {
  return e.kind == ExprKind::kField && e.field != nullptr && e.field->derived &&
         e.path.key == keys::kAge && e.path.entity == EntityKind::kPerson;
}

FieldPath WithKey(FieldPath p, const std::string& key) {
  p.key = key;
  return p;
}

// One order_by key as the store sorts it, or a message saying why it cannot.
struct OrderKey {
  FieldPath path;
  bool descending = false;
};

std::optional<OrderKey> SortableKey(const OrderSpec& o, EntityKind grain, std::string* why) {
  const Expr& e = *o.expr;
  if (IsAge(e)) {
    // Older people were born earlier: age ascending is birth date descending.
    return OrderKey{WithKey(e.path, keys::kBirthDate), !o.descending};
  }
  if (e.kind == ExprKind::kField && e.field != nullptr) {
    const bool member_count = e.field->derived && e.path.key == keys::kMemberCount &&
                              e.path.entity == EntityKind::kHousehold && !PastHead(e.path);
    if (!e.field->derived || member_count) {
      if (!PastHead(e.path) && static_cast<int>(e.path.entity) > static_cast<int>(grain)) {
        *why = "排序字段必须属于本表的行或其上级";
        return std::nullopt;
      }
      return OrderKey{e.path, o.descending};
    }
  }
  *why = "order_by 只能按字段排序（如 grid.code、household.address、name、age），“" + o.text +
         "” 需要先取出全部行才能排序，不受支持";
  return std::nullopt;
}

// Whether `p` compares the value of a field encrypted at rest (crypto/encrypted_fields.h): SQL
// sees only ciphertext there. Null tests read the same over ciphertext and stay in SQL.
bool ComparesCiphertext(const PushdownPredicate& p, const Catalog& catalog) {
  if (p.op == "has_tag" || p.op == "is null" || p.op == "is not null") return false;
  const FieldDef* def = catalog.Find(p.path.entity, p.path.key);
  return def != nullptr && IsEncryptedField(*def);
}

// How a where conjunct's predicates run, whether or not the store encrypts (a table is computed
// the same way with encryption on and off): a comparison over ciphertext stays in C++, after
// decryption — except equality on a field with a blind index (ID number, phone), which the store
// answers through the index (an index lookup where a scan would decrypt every row) and C++
// checks again, since as of a past instant a replaced value has no index and the store skips it.
PushdownChoice ChooseForEncryption(const PushdownPredicate& p, const Catalog& catalog) {
  if (!ComparesCiphertext(p, catalog)) return PushdownChoice::kPush;
  const FieldDef* def = catalog.Find(p.path.entity, p.path.key);
  const bool equality = p.op == "==" || p.op == "in";
  return equality && HasBlindIndex(*def) ? PushdownChoice::kPushAndCheck : PushdownChoice::kKeep;
}

bool AnyComparesCiphertext(const PushdownCondition& c, const Catalog& catalog) {
  if (c.kind == PushdownCondition::Kind::kPredicate) {
    return ComparesCiphertext(c.predicate, catalog);
  }
  for (const PushdownCondition& child : c.children) {
    if (AnyComparesCiphertext(child, catalog)) return true;
  }
  return false;
}

ScanCondition ToScanCondition(const PushdownCondition& c) {
  ScanCondition out;
  switch (c.kind) {
    case PushdownCondition::Kind::kPredicate:
      out.kind = ScanCondition::Kind::kPredicate;
      out.predicate = ScanPredicate{c.predicate.op == "has_tag" ? "" : ChainPath(c.predicate.path),
                                    c.predicate.op, c.predicate.values};
      break;
    case PushdownCondition::Kind::kAll:
      out.kind = ScanCondition::Kind::kAll;
      break;
    case PushdownCondition::Kind::kAny:
      out.kind = ScanCondition::Kind::kAny;
      break;
  }
  for (const PushdownCondition& child : c.children) out.children.push_back(ToScanCondition(child));
  return out;
}

}  // namespace

std::string ChainPath(const FieldPath& path) {
  return std::string(PastHead(path) ? "head" : EntityName(path.entity)) + "." + path.key;
}

int ScanPlan::FieldIndex(const FieldPath& path) const {
  const auto& slot = index_[static_cast<size_t>(Slot(path))];
  auto it = slot.find(path.key);
  return it == slot.end() ? -1 : it->second;
}

int ScanPlan::TagIndex(const std::string& tag) const {
  auto it = tag_index_.find(tag);
  return it == tag_index_.end() ? -1 : it->second;
}

void ScanPlan::Need(const FieldPath& path) {
  auto& slot = index_[static_cast<size_t>(Slot(path))];
  if (slot.count(path.key)) return;
  const int index = static_cast<int>(request_.fields.size());
  slot[path.key] = index;
  request_.fields.push_back(ChainPath(path));
  const FieldDef* def = path.key == "status" ? nullptr : catalog_->Find(path.entity, path.key);
  field_defs_.push_back(def);
}

void ScanPlan::NeedAll(const Expr& e) {
  NeedOne(e);
  // The store computes a pushed aggregate: nothing below it is read row by row.
  if (e.kind == ExprKind::kAggregate && aggregates_pushed()) return;
  for (const ExprPtr& c : e.children) NeedAll(*c);
}

void ScanPlan::NeedOne(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kField:
      Need(IsAge(e) ? WithKey(e.path, keys::kBirthDate) : e.path);
      break;
    case ExprKind::kAlive:
      Need(WithKey(e.path, "status"));
      if (e.path.entity == EntityKind::kPerson &&
          catalog_->Find(EntityKind::kPerson, keys::kDeathDate) != nullptr) {
        Need(WithKey(e.path, keys::kDeathDate));
      }
      for (const FieldPath& p : e.alive_paths) {
        if (!p.key.empty()) Need(p);
      }
      break;
    case ExprKind::kCall:
      if (e.name == "age" && e.children.empty()) {
        Need(FieldPath{{}, keys::kBirthDate, EntityKind::kPerson});
      }
      break;
    case ExprKind::kHasTag:
    case ExprKind::kTagAttr:
      if (!tag_index_.count(e.name)) {
        tag_index_[e.name] = static_cast<int>(request_.tags.size());
        request_.tags.push_back(e.name);
      }
      break;
    case ExprKind::kAggregate: {
      const AggregateCall& call = e.aggregate;
      if (call.id >= 0 && static_cast<size_t>(call.id) < aggregates_.size()) {
        aggregates_[static_cast<size_t>(call.id)] = &call;
      }
      if (static_cast<int>(call.over) > static_cast<int>(request_.leaf)) {
        request_.leaf = call.over;
      }
      break;
    }
    default:
      break;
  }
}

void ScanPlan::PushAggregates(const std::vector<const Expr*>& roots, const Date& as_of) {
  std::vector<const AggregateCall*> calls;
  std::vector<bool> seen;
  for (const Expr* root : roots) {
    VisitExpr(*root, [&](const Expr& e) {
      if (e.kind != ExprKind::kAggregate || e.aggregate.id < 0) return;
      const size_t id = static_cast<size_t>(e.aggregate.id);
      if (id >= seen.size()) seen.resize(id + 1, false);
      if (!seen[id]) calls.push_back(&e.aggregate);
      seen[id] = true;
    });
  }
  if (calls.empty()) return;
  EntityKind leaf = request_.grain;
  for (const AggregateCall* call : calls) {
    if (static_cast<int>(call->over) > static_cast<int>(leaf)) leaf = call->over;
  }
  const std::vector<std::string> ending_codes = expr::AliveEndingCodes(*catalog_);
  std::vector<ScanAggregate> pushed;
  for (const AggregateCall* call : calls) {
    ScanAggregate a;
    a.over = call->over;
    if (call->fn == AggregateCall::Fn::kSum) {
      // A plain integer field of the leaf rows: SQL adds the same integers, skipping nulls.
      const Expr* v = call->value;
      if (call->over != leaf || v == nullptr || v->kind != ExprKind::kField ||
          v->field == nullptr || v->field->derived || v->field->type != FieldType::kInteger) {
        return;
      }
      a.fn = ScanAggregate::Fn::kSum;
      a.value = ChainPath(v->path);
    } else if (call->fn != AggregateCall::Fn::kCount) {
      return;  // list and first keep row order and text: folded in C++
    }
    if (call->where != nullptr) {
      std::optional<PushdownCondition> cond =
          TranslateAggregateCondition(*call->where, as_of, ending_codes);
      // The store refuses a comparison over ciphertext: the aggregates are folded in C++.
      if (!cond || AnyComparesCiphertext(*cond, *catalog_)) return;
      a.where = ToScanCondition(*cond);
    }
    pushed.push_back(std::move(a));
  }
  request_.aggregates = std::move(pushed);
  for (const AggregateCall* call : calls) pushed_ids_.push_back(call->id);
}

Result<ScanPlan> ScanPlan::Build(const MappingSpec& spec, const Catalog& catalog, const Date& as_of,
                                 std::vector<ScanScope> scopes, bool aggregate_pushdown) {
  ScanPlan plan;
  plan.catalog_ = &catalog;
  ScanRequest& r = plan.request_;
  r.grain = r.leaf = spec.grain;
  r.scopes = std::move(scopes);
  r.tag_date = as_of.ToString();
  plan.aggregates_.assign(static_cast<size_t>(std::max(0, spec.aggregate_count)), nullptr);

  std::string problems;
  for (const OrderSpec& o : spec.order_by) {
    std::string why;
    std::optional<OrderKey> key = SortableKey(o, spec.grain, &why);
    if (!key) {
      problems += (problems.empty() ? "" : "\n") + FormatAt(o.where, why);
      continue;
    }
    r.order.push_back(ScanOrderKey{ChainPath(key->path), key->descending});
  }
  if (!problems.empty()) return Status::Invalid(problems);

  if (spec.where != nullptr) {
    const EntityKind grain = spec.grain;
    auto accept = [grain, &catalog](const std::vector<PushdownPredicate>& preds) {
      PushdownChoice choice = PushdownChoice::kPush;
      for (const PushdownPredicate& p : preds) {
        if (p.op == "has_tag") {
          if (grain != EntityKind::kPerson) return PushdownChoice::kKeep;
        } else if (!PastHead(p.path) && static_cast<int>(p.path.entity) > static_cast<int>(grain)) {
          return PushdownChoice::kKeep;
        } else {
          const PushdownChoice c = ChooseForEncryption(p, catalog);
          if (c == PushdownChoice::kKeep) return c;
          if (c == PushdownChoice::kPushAndCheck) choice = c;
        }
      }
      return choice;
    };
    PushdownSplit split =
        SplitForPushdown(CloneExpr(*spec.where), as_of, expr::AliveEndingCodes(catalog), accept);
    for (PushdownPredicate& p : split.pushed) {
      r.predicates.push_back(ScanPredicate{p.op == "has_tag" ? "" : ChainPath(p.path), p.op,
                                           std::move(p.values), p.rechecked});
    }
    plan.residual_ = std::move(split.residual);
  }
  if (aggregate_pushdown && spec.grain != EntityKind::kPerson) {
    std::vector<const Expr*> roots;
    if (plan.residual_) roots.push_back(plan.residual_.get());
    for (const ColumnSpec& c : spec.columns) roots.push_back(c.value.get());
    if (spec.subtotal_by) roots.push_back(spec.subtotal_by.get());
    plan.PushAggregates(roots, as_of);
  }
  if (plan.residual_) plan.NeedAll(*plan.residual_);
  for (const ColumnSpec& c : spec.columns) plan.NeedAll(*c.value);
  // A person's birth date (and ID number, which holds one) is always read: a child's
  // identifiers are masked by row (TableRequest::minor_masked).
  if (spec.grain == EntityKind::kPerson) {
    for (const char* key : {keys::kBirthDate, keys::kIdNumber}) {
      if (catalog.Find(EntityKind::kPerson, key) != nullptr) {
        plan.Need(FieldPath{{}, key, EntityKind::kPerson});
      }
    }
  }
  if (spec.subtotal_by) plan.NeedAll(*spec.subtotal_by);
  return plan;
}

Status CheckOrderBy(const MappingSpec& spec) {
  std::string problems;
  for (const OrderSpec& o : spec.order_by) {
    std::string why;
    if (!SortableKey(o, spec.grain, &why)) {
      problems += (problems.empty() ? "" : "\n") + FormatAt(o.where, why);
    }
  }
  return problems.empty() ? Status::Ok() : Status::Invalid(problems);
}

}  // namespace onetable::mapping
