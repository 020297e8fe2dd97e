#include "ingest/review_queue.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <rapidjson/document.h>

#include "ingest/connector_spec.h"
#include "onetable/text.h"
#include "register/register_write.h"

namespace onetable {
namespace {

Result<ReviewItem> OpenItem(Store* store, int64_t id, int64_t expected_version, const char* kind) {
  ASSIGN_OR_RETURN(ReviewItem item, store->GetReview(id));
  if (item.status != "open") return Status::Conflict("该待核实事项已由他人处理");
  if (item.version != expected_version) {
    return Status::Conflict("待核实事项 " + std::to_string(id) + " 已被他人修改，请刷新后再处理");
  }
  if (item.kind != kind) {
    return Status::Invalid("待核实事项 " + std::to_string(id) + " 不是" +
                           (std::string(kind) == "duplicate" ? "疑似重复人员" : "字段冲突"));
  }
  return item;
}

// The households a household conflict proposed (its detail's current and incoming values).
std::set<std::string> ProposedHouseholds(const ReviewItem& item) {
  std::set<std::string> out;
  rapidjson::Document doc;
  doc.Parse(item.detail.c_str());
  if (!doc.IsObject() || !doc.HasMember("fields") || !doc["fields"].IsArray()) return out;
  for (const auto& d : doc["fields"].GetArray()) {
    if (!d.IsObject() || !d.HasMember("field") || !d["field"].IsString() ||
        std::string(d["field"].GetString()) != kReviewHousehold) {
      continue;
    }
    for (const char* side : {"current", "incoming"}) {
      if (d.HasMember(side) && d[side].IsObject() && d[side].HasMember("value") &&
          d[side]["value"].IsString()) {
        out.insert(d[side]["value"].GetString());
      }
    }
  }
  return out;
}

// Settles a household conflict: the person stays, or moves to the other proposed household.
Status ChooseHousehold(Store* store, const ReviewItem& item, const std::string& value,
                       const std::string& actor, Row* person) {
  if (!ProposedHouseholds(item).count(value)) {
    return Status::Invalid("所选的户不是该待核实事项中的任何一方");
  }
  const int64_t household = std::strtoll(value.c_str(), nullptr, 10);
  if (household == person->parent_id) return Status::Ok();
  RETURN_IF_ERROR(store->Get(EntityKind::kHousehold, household).status());
  const std::string* relationship = person->Get(keys::kRelationship);
  ASSIGN_OR_RETURN(person->version,
                   store->Move(EntityKind::kPerson, person->id, person->version, household,
                               relationship ? *relationship : "", actor));
  person->parent_id = household;
  return Status::Ok();
}

// The claims a conflict's detail gives for `field` (its current and incoming values, for every
// part of "fields" or the detail itself in older items).
std::vector<FieldObservation> ProposedClaims(const ReviewItem& item, const std::string& field) {
  std::vector<FieldObservation> out;
  rapidjson::Document doc;
  doc.Parse(item.detail.c_str());
  if (!doc.IsObject()) return out;
  const auto text = [](const rapidjson::Value& v, const char* key) {
    return v.HasMember(key) && v[key].IsString() ? std::string(v[key].GetString()) : "";
  };
  const auto part = [&](const rapidjson::Value& p) {
    if (!p.IsObject() || text(p, "field") != field) return;
    for (const char* side : {"current", "incoming"}) {
      if (!p.HasMember(side) || !p[side].IsObject()) continue;
      const rapidjson::Value& c = p[side];
      FieldObservation o;
      o.value = text(c, "value");
      o.source = text(c, "source");
      o.observed_at = text(c, "observed_at");
      if (c.HasMember("source_record_id") && c["source_record_id"].IsInt64()) {
        o.source_record_id = c["source_record_id"].GetInt64();
      }
      out.push_back(std::move(o));
    }
  };
  if (doc.HasMember("fields") && doc["fields"].IsArray()) {
    for (const auto& p : doc["fields"].GetArray()) part(p);
  } else {
    part(doc);
  }
  return out;
}

bool IsManualSource(const std::string& source) {
  return source.empty() || source == kManualSource ||
         source.rfind(std::string(kManualSource) + ":", 0) == 0;
}

}  // namespace

Result<int64_t> LinkDuplicate(Store* store, int64_t review_id, int64_t expected_version,
                              const std::string& actor) {
  int64_t survivor = 0;
  Status st = store->InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(ReviewItem item, OpenItem(store, review_id, expected_version, "duplicate"));
    ASSIGN_OR_RETURN(int64_t a, store->ResolvePersonId(item.entity_id));
    ASSIGN_OR_RETURN(int64_t b, store->ResolvePersonId(item.other_id));
    if (a != b) {
      survivor = std::min(a, b);
      RETURN_IF_ERROR(store->MergePersons(survivor, std::max(a, b), actor));
    } else {
      survivor = a;
    }
    return store->ResolveReview(review_id, expected_version, "linked",
                                "合并为人员 " + std::to_string(survivor), actor);
  });
  if (!st.ok()) return st;
  return survivor;
}

Status KeepApart(Store* store, int64_t review_id, int64_t expected_version,
                 const std::string& actor) {
  return store->InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(ReviewItem item, OpenItem(store, review_id, expected_version, "duplicate"));
    ASSIGN_OR_RETURN(int64_t a, store->ResolvePersonId(item.entity_id));
    ASSIGN_OR_RETURN(int64_t b, store->ResolvePersonId(item.other_id));
    if (a == b) return Status::Invalid("这两条记录已合并为同一人员，不能再标记为不同的人");
    RETURN_IF_ERROR(store->KeepApart(a, b, actor));
    return store->ResolveReview(review_id, expected_version, "kept_apart", "确认为不同的人", actor);
  });
}

std::vector<std::string> ConflictFields(const ReviewItem& item) {
  std::vector<std::string> out;
  for (std::string_view f : Split(item.field, ',')) {
    if (!f.empty()) out.emplace_back(f);
  }
  return out;
}

Status ChooseValue(Store* store, const Validator& validator, const Catalog& catalog,
                   int64_t review_id, int64_t expected_version,
                   const std::map<std::string, std::string>& choices, const std::string& actor) {
  return store->InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(ReviewItem item, OpenItem(store, review_id, expected_version, "conflict"));
    if (choices.empty()) return Status::Invalid("没有选定任何字段的取值");
    const std::vector<std::string> fields = ConflictFields(item);
    int64_t id = item.entity_id;
    if (item.entity == EntityKind::kPerson) {
      ASSIGN_OR_RETURN(id, store->ResolvePersonId(id));
    }
    ASSIGN_OR_RETURN(Row row, store->Get(item.entity, id));
    std::vector<FieldObservation> chosen;
    for (const auto& [key, value] : choices) {
      if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
        return Status::Invalid("待核实事项 " + std::to_string(review_id) + " 不涉及字段 " + key);
      }
      if (key == kReviewHousehold && item.entity == EntityKind::kPerson) {
        RETURN_IF_ERROR(ChooseHousehold(store, item, value, actor, &row));
        continue;
      }
      const FieldDef* field = catalog.Find(item.entity, key);
      if (field == nullptr) return Status::Invalid("字段目录中没有字段 " + key);
      std::string v = value;
      if (auto problem = validator.NormalizeField(*field, &v)) {
        return Status::Invalid(field->label + "：" + problem->message);
      }
      if (v.empty()) {
        row.values.erase(key);
      } else {
        row.values[key] = v;
      }
      FieldObservation obs;
      obs.entity = item.entity;
      obs.entity_id = id;
      obs.field = key;
      obs.value = v;
      obs.is_null = v.empty();
      obs.source = kManualSource;
      obs.actor = actor;
      // A value one of the sources gave keeps that source: the person page then says where it
      // came from, not only who chose it. Pinned, so no connector overturns the choice.
      for (const FieldObservation& claim : ProposedClaims(item, key)) {
        std::string proposed = claim.value;
        if (validator.NormalizeField(*field, &proposed) || proposed != v ||
            IsManualSource(claim.source)) {
          continue;
        }
        obs.source = claim.source;
        obs.source_record_id = claim.source_record_id;
        obs.pinned = true;
        break;
      }
      chosen.push_back(std::move(obs));
    }
    RETURN_IF_ERROR(store->Update(item.entity, &row));
    for (const FieldObservation& obs : chosen) RETURN_IF_ERROR(store->RecordObservation(obs));
    return store->ResolveReview(review_id, expected_version, "resolved", "已选定取值", actor);
  });
}

const char* ReviewActionName(ReviewAction action) {
  switch (action) {
    case ReviewAction::kLink:
      return "link";
    case ReviewAction::kKeepApart:
      return "keep-apart";
    case ReviewAction::kChoose:
      return "choose";
  }
  return "";
}

SettleOutcome SettleReview(Store& store, const AppContext& app, const Actor& actor,
                           int64_t review_id, int64_t expected_version, ReviewAction action,
                           const std::map<std::string, std::string>& choices) {
  SettleOutcome out;
  const Validator validator(app.catalog, app.divisions);
  out.status = RetryDeadlocks([&]() -> Status {
    switch (action) {
      case ReviewAction::kLink: {
        Result<int64_t> linked = LinkDuplicate(&store, review_id, expected_version, actor.user);
        if (linked.ok()) out.survivor = *linked;
        return linked.status();
      }
      case ReviewAction::kKeepApart:
        return KeepApart(&store, review_id, expected_version, actor.user);
      case ReviewAction::kChoose:
        return ChooseValue(&store, validator, app.catalog, review_id, expected_version, choices,
                           actor.user);
    }
    return Status::Internal("unknown review action");
  });
  const std::string object = "review/" + std::to_string(review_id);
  std::string detail = ReviewActionName(action);
  if (!out.status.ok()) {
    detail += " failed: " + out.status.message();
  } else if (action == ReviewAction::kLink) {
    detail += " survivor=" + std::to_string(out.survivor);
  }
  Status audited = AppendAudit(store, actor, kAuditWrite, object,
                               out.status.ok() ? kAuditOk : kAuditFailed, detail);
  if (out.status.ok() && !audited.ok()) out.status = audited;
  return out;
}

}  // namespace onetable
