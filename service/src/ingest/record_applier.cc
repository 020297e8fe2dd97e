#include "ingest/record_applier.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ingest/address.h"
#include "ingest/survivorship.h"
#include "model/catalog_keys.h"
#include "store/sql_store.h"  // NowUtc

namespace onetable {
namespace {

std::string Get(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}

// 与户主关系 户主 (GB/T 4761).
constexpr char kRelationshipHead[] = "02";
// The code of `label` in the code table of `entity`.`key`, or "" when the catalog has none.
std::string CodeOfLabel(const Catalog& catalog, EntityKind entity, const std::string& key,
                        const std::string& label) {
  const FieldDef* f = catalog.Find(entity, key);
  const CodeTable* table = f ? catalog.FindCodeTable(f->code_table) : nullptr;
  const std::string* code = table ? table->CodeForLabel(label) : nullptr;
  return code ? *code : "";
}

std::string DuplicateDetail(const PersonMatch& match, const std::string& source,
                            const std::string& record_key) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("score");
  w.Double(match.score);
  w.Key("probability");
  w.Double(match.probability);
  w.Key("match_weight");
  w.Double(match.weight);
  w.Key("matched_on");
  w.String(match.reason.c_str());
  w.Key("levels");
  w.StartArray();
  for (const linkage::Evidence& e : match.evidence) {
    w.StartObject();
    w.Key("field");
    w.String(e.field.c_str());
    w.Key("level");
    w.String(e.level.c_str());
    w.Key("label");
    w.String(e.label.c_str());
    w.Key("weight");
    w.Double(e.weight);
    w.EndObject();
  }
  w.EndArray();
  w.Key("blocking");
  w.StartArray();
  for (const std::string& r : match.rules) w.String(r.c_str());
  w.EndArray();
  w.Key("plausible_candidates");
  w.Int(match.plausible);
  w.Key("source");
  w.String(source.c_str());
  w.Key("record_key");
  w.String(record_key.c_str());
  w.EndObject();
  return buf.GetString();
}

}  // namespace

RecordApplier::RecordApplier(Store* store, const Catalog& catalog, const ConnectorSpec& spec,
                             int64_t grid_id, const Divisions* divisions)
    : store_(store),
      catalog_(catalog),
      spec_(spec),
      grid_id_(grid_id),
      resolver_(store, IdentityThresholds{spec.link_score, spec.review_score}),
      placer_(store, divisions, spec),
      residence_dead_(CodeOfLabel(catalog, EntityKind::kPerson, keys::kResidenceStatus, "死亡")),
      residence_moved_out_(
          CodeOfLabel(catalog, EntityKind::kPerson, keys::kResidenceStatus, "迁出")) {}

std::string RecordApplier::ImpliedStatus(const std::map<std::string, std::string>& values) const {
  const std::string residence = Get(values, keys::kResidenceStatus);
  if (!Get(values, keys::kDeathDate).empty() ||
      (!residence.empty() && residence == residence_dead_)) {
    return kStatusDeceased;
  }
  if (!residence.empty() && residence == residence_moved_out_) return kStatusMovedAway;
  return "";
}

Result<int> RecordApplier::TrustOf(const std::string& source) {
  if (source == spec_.id) return spec_.trust;
  auto it = trust_cache_.find(source);
  if (it != trust_cache_.end()) return it->second;
  auto info = store_->GetSourceInfo(source);
  int trust = 0;
  if (info.ok()) {
    trust = info->trust;
  } else if (info.status().code() != StatusCode::kNotFound) {
    return info.status();
  }
  trust_cache_[source] = trust;
  return trust;
}

Result<bool> RecordApplier::DecideMove(const Row& row, int64_t household,
                                       int64_t source_record_id,
                                       std::vector<Disagreement>* disagreements) {
  if (row.parent_id == 0) return true;
  // Who set the current household: the open membership's actor when that is a source; a person
  // created in it (actor "insert") by whoever gave the person's name; anyone else is a worker.
  ASSIGN_OR_RETURN(std::vector<Membership> history,
                   store_->MembershipHistory(EntityKind::kPerson, row.id));
  std::string actor;
  Claim current;
  for (const Membership& m : history) {
    if (m.valid_to.empty() && m.parent_id == row.parent_id) {
      actor = m.actor;
      current.observed_at = m.valid_from;
    }
  }
  if (actor == "insert") {
    ASSIGN_OR_RETURN(auto provenance, store_->Provenance(EntityKind::kPerson, row.id));
    actor.clear();
    for (const FieldObservation& o : provenance) {
      if (o.field == keys::kName) actor = o.source;
    }
  }
  current.value = std::to_string(row.parent_id);
  current.source = kManualSource;
  current.trust = kManualTrust;
  if (actor == spec_.id) {
    current.source = actor;
    current.trust = spec_.trust;
  } else if (!actor.empty()) {
    Result<SourceInfo> source = store_->GetSourceInfo(actor);
    if (source.ok()) {
      current.source = actor;
      current.trust = source->trust;
    } else if (source.status().code() != StatusCode::kNotFound) {
      return source.status();
    }
  }
  Claim incoming = MakeClaim(source_record_id);
  incoming.value = std::to_string(household);
  const FieldDecision d = DecideField(current, incoming, spec_.conflict_threshold);
  const bool move = d.verdict == FieldDecision::kTake;
  if (d.conflict && spec_.review_fields.count(kReviewHousehold)) {
    disagreements->push_back({kReviewHousehold, current, incoming, move});
  }
  return move;
}

Claim RecordApplier::MakeClaim(int64_t source_record_id) const {
  Claim c;
  c.source = spec_.id;
  c.trust = spec_.trust;
  c.observed_at = now_;
  c.source_record_id = source_record_id;
  return c;
}

std::string RecordApplier::MissingRequired(EntityKind kind,
                                           const std::map<std::string, std::string>& values) {
  std::string missing;
  for (const FieldDef* f : catalog_.StoredFields(kind)) {
    if (f->required && Get(values, f->key).empty()) {
      missing += (missing.empty() ? "" : "、") + f->label;
    }
  }
  return missing.empty() ? "" : "缺少必填项：" + missing + "，无法新建" + EntityLabel(kind);
}

Status RecordApplier::BeginBatch(const std::vector<const MappedRecord*>& records) {
  if (spec_.entity != EntityKind::kPerson) return Status::Ok();
  std::vector<std::string> id_numbers;
  for (const MappedRecord* m : records) {
    std::string id_number = Get(m->values, keys::kIdNumber);
    if (!id_number.empty()) id_numbers.push_back(std::move(id_number));
  }
  return resolver_.Prefetch(id_numbers);
}

Result<AppliedRecord> RecordApplier::Apply(const MappedRecord& mapped, const std::string& key,
                                           const std::string& hash, const std::string& payload,
                                           const SourceRecord& existing) {
  now_ = NowUtc();
  SourceRecord record;
  record.source = spec_.id;
  record.record_key = key;
  record.content_hash = hash;
  record.payload = payload;
  record.fetched_at = now_;
  if (spec_.entity == EntityKind::kPerson) return ApplyPerson(mapped, &record, existing);
  return ApplyPlace(mapped, &record, existing);
}

Result<AppliedRecord> RecordApplier::ApplyPerson(const MappedRecord& mapped, SourceRecord* record,
                                                 const SourceRecord& existing) {
  AppliedRecord out;
  int64_t previous = 0;
  if (existing.person_id) {
    ASSIGN_OR_RETURN(previous, store_->ResolvePersonId(existing.person_id));
  }
  ASSIGN_OR_RETURN(PersonMatch match, resolver_.Resolve(mapped.values, previous));
  TrustLookup trust = [this](const std::string& s) { return TrustOf(s); };
  ASSIGN_OR_RETURN(Placement place, placer_.Place(mapped.parent, MakeClaim(0)));
  if (!place.quarantine.empty()) {
    out.outcome = Outcome::kRejected;
    out.reject_reason = place.quarantine;
    out.reject_kind = kProblemPlaceUnresolved;
    return out;
  }
  if (place.unplaced) out.problems.push_back(kProblemUnplaced);
  if (place.mismatch) out.problems.push_back(kProblemPlaceMismatch);
  const int64_t household = place.household_id;
  const std::string relationship = Get(mapped.values, keys::kRelationship);
  int64_t person_id = 0;
  if (match.action == PersonMatch::kLink) {
    person_id = match.person_id;
    ASSIGN_OR_RETURN(Row row, store_->Get(EntityKind::kPerson, person_id));
    out.linked = previous != person_id;
    out.outcome = Outcome::kUpdated;
    record->person_id = person_id;
    RETURN_IF_ERROR(store_->PutSourceRecord(record).status());
    std::vector<Disagreement> household_disagreement;
    if (household != 0 && row.parent_id != household) {
      ASSIGN_OR_RETURN(bool move, DecideMove(row, household, record->id, &household_disagreement));
      if (move) {
        // A move: the old membership closes, the new one opens (RegisterStore::Move).
        ASSIGN_OR_RETURN(row.version, store_->Move(EntityKind::kPerson, person_id, row.version,
                                                   household, relationship, spec_.id));
        row.parent_id = household;
      } else {
        out.problems.push_back(kProblemMoveKept);
      }
    }
    std::map<std::string, std::string> incoming = mapped.values;
    for (const std::string& field : mapped.derived) {
      if (const std::string* v = row.Get(field); v && !v->empty()) incoming.erase(field);
    }
    const std::string id_number_before = Get(row.values, keys::kIdNumber);
    ASSIGN_OR_RETURN(ApplyOutcome applied,
                     ApplyClaims(store_, EntityKind::kPerson, &row, incoming, MakeClaim(record->id),
                                 spec_.conflict_threshold, trust, spec_.review_fields,
                                 household_disagreement));
    resolver_.NoteIdNumber(person_id, id_number_before, Get(row.values, keys::kIdNumber));
    out.reviews += applied.conflicts;
    std::string status = ImpliedStatus(row.values);
    if (!status.empty() && status != row.status && row.status != kStatusDeceased) {
      row.status = status;
      RETURN_IF_ERROR(store_->Update(EntityKind::kPerson, &row));
    }
  } else {
    std::string missing = MissingRequired(EntityKind::kPerson, mapped.values);
    if (!missing.empty()) {
      out.outcome = Outcome::kRejected;
      out.reject_reason = missing;
      out.reject_kind = kProblemMissingRequired;
      return out;
    }
    Row row;
    row.parent_id = household;
    row.values = mapped.values;
    std::string status = ImpliedStatus(row.values);
    if (!status.empty()) row.status = status;
    ASSIGN_OR_RETURN(person_id, store_->Insert(EntityKind::kPerson, row));
    resolver_.NoteCreated();
    resolver_.NoteIdNumber(person_id, "", Get(row.values, keys::kIdNumber));
    record->person_id = person_id;
    RETURN_IF_ERROR(store_->PutSourceRecord(record).status());
    RETURN_IF_ERROR(
        RecordNewRow(store_, EntityKind::kPerson, person_id, mapped.values, MakeClaim(record->id)));
    out.outcome = Outcome::kNew;
    if (match.action == PersonMatch::kReview) {
      ASSIGN_OR_RETURN(bool apart, store_->KeptApart(person_id, match.person_id));
      if (!apart) {
        ReviewItem item;
        item.kind = "duplicate";
        item.entity = EntityKind::kPerson;
        item.entity_id = person_id;
        item.other_id = match.person_id;
        item.detail = DuplicateDetail(match, spec_.id, record->record_key);
        RETURN_IF_ERROR(store_->AddReview(item).status());
        ++out.reviews;
      }
    }
  }
  if (household != 0 && relationship == kRelationshipHead) {
    RETURN_IF_ERROR(ApplyHead(household, person_id, mapped, MakeClaim(record->id)));
  }
  RETURN_IF_ERROR(ApplyTags(person_id, mapped));
  return out;
}

Result<AppliedRecord> RecordApplier::ApplyPlace(const MappedRecord& mapped, SourceRecord* record,
                                                const SourceRecord& existing) {
  AppliedRecord out;
  EntityKind kind = spec_.entity;
  std::map<std::string, std::string> values = mapped.values;
  if (values.count(keys::kAddress))
    values[keys::kAddress] = NormalizeAddress(values[keys::kAddress]);
  int64_t id = 0;
  if (kind == EntityKind::kHousehold) {
    ASSIGN_OR_RETURN(id, FindHousehold(store_, Get(values, keys::kHouseholdNumber),
                                       Get(values, keys::kAddress)));
  } else {
    ASSIGN_OR_RETURN(id, FindBuilding(store_, grid_id_, Get(values, keys::kBuildingCode),
                                      Get(values, keys::kAddress)));
  }
  TrustLookup trust = [this](const std::string& s) { return TrustOf(s); };
  if (id != 0) {
    ASSIGN_OR_RETURN(Row row, store_->Get(kind, id));
    RETURN_IF_ERROR(store_->PutSourceRecord(record).status());
    ASSIGN_OR_RETURN(ApplyOutcome applied,
                     ApplyClaims(store_, kind, &row, values, MakeClaim(record->id),
                                 spec_.conflict_threshold, trust, spec_.review_fields));
    out.outcome = Outcome::kUpdated;
    out.linked = existing.id == 0;
    out.reviews += applied.conflicts;
    return out;
  }
  std::string missing = MissingRequired(kind, values);
  std::string code = Get(mapped.parent, "building.building_code");
  std::string address = Get(mapped.parent, "building.address");
  if (code.empty() && address.empty()) address = Get(values, keys::kAddress);
  if (missing.empty() && kind == EntityKind::kHousehold && code.empty() && address.empty()) {
    missing = "没有户号对应的已有户，也没有地址或楼栋信息，无法确定新户所在的楼栋";
  }
  if (!missing.empty()) {
    out.outcome = Outcome::kRejected;
    out.reject_reason = missing;
    out.reject_kind = kProblemMissingRequired;
    return out;
  }
  RETURN_IF_ERROR(store_->PutSourceRecord(record).status());
  Claim claim = MakeClaim(record->id);
  int64_t parent = grid_id_;
  if (kind == EntityKind::kHousehold) {
    ASSIGN_OR_RETURN(parent, FindBuilding(store_, grid_id_, code, address));
    if (parent == 0) {
      Row building;
      building.parent_id = grid_id_;
      if (!code.empty()) building.values[keys::kBuildingCode] = code;
      if (!address.empty()) building.values[keys::kAddress] = NormalizeAddress(address);
      std::string name = Get(mapped.parent, "building.name");
      if (!name.empty()) building.values[keys::kName] = name;
      ASSIGN_OR_RETURN(parent, store_->Insert(EntityKind::kBuilding, building));
      RETURN_IF_ERROR(RecordNewRow(store_, EntityKind::kBuilding, parent, building.values, claim));
    }
  }
  Row row;
  row.parent_id = parent;
  row.values = values;
  ASSIGN_OR_RETURN(id, store_->Insert(kind, row));
  RETURN_IF_ERROR(RecordNewRow(store_, kind, id, values, claim));
  out.outcome = Outcome::kNew;
  return out;
}

Status RecordApplier::ApplyHead(int64_t household, int64_t person_id, const MappedRecord&,
                                const Claim& claim) {
  ASSIGN_OR_RETURN(Row row, store_->Get(EntityKind::kHousehold, household));
  const std::string id = std::to_string(person_id);
  if (const std::string* head = row.Get(keys::kHeadPersonId); head && *head == id) {
    return Status::Ok();
  }
  TrustLookup trust = [this](const std::string& s) { return TrustOf(s); };
  return ApplyClaims(store_, EntityKind::kHousehold, &row, {{keys::kHeadPersonId, id}}, claim,
                     spec_.conflict_threshold, trust, spec_.review_fields)
      .status();
}

Status RecordApplier::ApplyTags(int64_t person_id, const MappedRecord& mapped) {
  if (spec_.tags.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto current, store_->ListTags(person_id));
  std::map<std::string, const MappedTag*> produced;
  for (const MappedTag& t : mapped.tags) produced[t.tag->key] = &t;
  for (TagAssignment& t : current) {
    if (t.source != spec_.id) continue;
    auto it = produced.find(t.tag);
    if (it == produced.end()) {
      bool ours = false;
      for (const TagRule& r : spec_.tags) ours = ours || r.tag->key == t.tag;
      if (ours) RETURN_IF_ERROR(store_->DeleteTag(t.id, t.version));
      continue;
    }
    if (t.attrs != it->second->attrs) {
      t.attrs = it->second->attrs;
      RETURN_IF_ERROR(store_->UpdateTag(&t));
    }
    produced.erase(it);
  }
  for (const auto& [key, tag] : produced) {
    TagAssignment t;
    t.person_id = person_id;
    t.tag = key;
    t.attrs = tag->attrs;
    t.source = spec_.id;
    RETURN_IF_ERROR(store_->AddTag(t).status());
  }
  return Status::Ok();
}

}  // namespace onetable
