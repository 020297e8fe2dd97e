#include "ingest/survivorship.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ingest/connector_spec.h"

namespace onetable {
namespace {

bool IsManual(const std::string& source) {
  return source == kManualSource || source.rfind(std::string(kManualSource) + ":", 0) == 0;
}

void WriteClaim(rapidjson::Writer<rapidjson::StringBuffer>* w, const Claim& c) {
  w->StartObject();
  w->Key("value");
  w->String(c.value.c_str(), static_cast<rapidjson::SizeType>(c.value.size()));
  w->Key("source");
  w->String(c.source.c_str(), static_cast<rapidjson::SizeType>(c.source.size()));
  w->Key("trust");
  w->Int(c.trust);
  w->Key("observed_at");
  w->String(c.observed_at.c_str(), static_cast<rapidjson::SizeType>(c.observed_at.size()));
  w->Key("source_record_id");
  w->Int64(c.source_record_id);
  w->EndObject();
}

void WriteDisagreement(rapidjson::Writer<rapidjson::StringBuffer>* w, const Disagreement& d) {
  w->Key("field");
  w->String(d.field.c_str(), static_cast<rapidjson::SizeType>(d.field.size()));
  w->Key("kept");
  w->String(d.incoming_won ? "incoming" : "current");
  w->Key("current");
  WriteClaim(w, d.current);
  w->Key("incoming");
  WriteClaim(w, d.incoming);
}

// The first disagreement at the top level (as a one-field item always had it), and all of them
// under "fields".
std::string ConflictDetail(const std::vector<Disagreement>& all) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  WriteDisagreement(&w, all.front());
  w.Key("fields");
  w.StartArray();
  for (const Disagreement& d : all) {
    w.StartObject();
    WriteDisagreement(&w, d);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

FieldObservation ObservationOf(EntityKind kind, int64_t id, const std::string& field,
                               const Claim& c) {
  FieldObservation o;
  o.entity = kind;
  o.entity_id = id;
  o.field = field;
  o.value = c.value;
  o.source = c.source;
  o.source_record_id = c.source_record_id;
  o.observed_at = c.observed_at;
  o.pinned = false;
  return o;
}

}  // namespace

FieldDecision DecideField(const std::optional<Claim>& current, const Claim& incoming,
                          int conflict_threshold) {
  FieldDecision d;
  if (!current || current->value.empty()) {
    d.verdict = FieldDecision::kTake;
    return d;
  }
  bool manual = IsManual(current->source);
  if (current->value == incoming.value) {
    // A more trusted source saying the same thing takes over the provenance, so a later change
    // by the weaker source cannot overturn it.
    d.verdict = !manual && !current->pinned && incoming.trust > current->trust &&
                        current->source != incoming.source
                    ? FieldDecision::kTake
                    : FieldDecision::kSame;
    return d;
  }
  // A value a person chose (manual entry, or a source's value pinned by the review) is settled:
  // a source that disagrees is kept as history, not asked about again.
  d.conflict = !manual && !current->pinned && !IsManual(incoming.source) &&
               current->source != incoming.source &&
               current->trust >= conflict_threshold && incoming.trust >= conflict_threshold;
  if (current->pinned || manual) {
    d.verdict = FieldDecision::kKeep;
  } else if (incoming.trust >= current->trust) {
    d.verdict = FieldDecision::kTake;  // higher trust, or equal trust and newer
  } else {
    d.verdict = FieldDecision::kKeep;
  }
  return d;
}

Result<ApplyOutcome> ApplyClaims(Store* store, EntityKind kind, Row* row,
                                 const std::map<std::string, std::string>& incoming,
                                 const Claim& claim_template, int conflict_threshold,
                                 const TrustLookup& trust_of,
                                 const std::set<std::string>& review_fields,
                                 const std::vector<Disagreement>& decided_elsewhere) {
  ApplyOutcome out;
  std::vector<Disagreement> disagreements;
  for (const Disagreement& d : decided_elsewhere) {
    ASSIGN_OR_RETURN(auto open, store->FindOpenReview("conflict", kind, row->id, d.field, 0));
    if (open.empty()) disagreements.push_back(d);
  }
  ASSIGN_OR_RETURN(auto provenance, store->Provenance(kind, row->id));
  std::map<std::string, const FieldObservation*> prov;
  for (const FieldObservation& o : provenance) prov[o.field] = &o;

  std::vector<FieldObservation> winners;
  bool row_changed = false;
  for (const auto& [field, value] : incoming) {
    if (value.empty()) continue;
    std::optional<Claim> current;
    if (const std::string* v = row->Get(field); v && !v->empty()) {
      Claim c;
      c.value = *v;
      auto p = prov.find(field);
      if (p == prov.end()) {
        c.source = kManualSource;
        c.trust = kManualTrust;
      } else {
        c.source = p->second->source;
        c.observed_at = p->second->observed_at;
        c.source_record_id = p->second->source_record_id;
        c.pinned = p->second->pinned;
        if (IsManual(c.source)) {
          c.trust = kManualTrust;
        } else {
          ASSIGN_OR_RETURN(c.trust, trust_of(c.source));
        }
        // A value edited outside provenance (provenance says otherwise) counts as manual.
        if (p->second->is_null || p->second->value != c.value) {
          c.source = kManualSource;
          c.trust = kManualTrust;
        }
      }
      current = c;
    }
    Claim in = claim_template;
    in.value = value;
    FieldDecision d = DecideField(current, in, conflict_threshold);
    if (d.conflict && review_fields.count(field)) {
      ASSIGN_OR_RETURN(auto open, store->FindOpenReview("conflict", kind, row->id, field, 0));
      if (open.empty()) {
        disagreements.push_back({field, *current, in, d.verdict == FieldDecision::kTake});
      }
    } else if (d.conflict) {
      ++out.settled;
    }
    switch (d.verdict) {
      case FieldDecision::kTake:
        if (!current || current->value != value) {
          row->values[field] = value;
          row_changed = true;
        }
        winners.push_back(ObservationOf(kind, row->id, field, in));
        break;
      case FieldDecision::kKeep:
        RETURN_IF_ERROR(store->AppendHistory(ObservationOf(kind, row->id, field, in)));
        break;
      case FieldDecision::kSame:
        break;
    }
  }
  if (row_changed) {
    RETURN_IF_ERROR(store->Update(kind, row));
    out.changed = true;
  }
  for (const FieldObservation& o : winners) RETURN_IF_ERROR(store->RecordObservation(o));
  if (!disagreements.empty()) {
    ReviewItem item;
    item.kind = "conflict";
    item.entity = kind;
    item.entity_id = row->id;
    for (const Disagreement& d : disagreements) {
      item.field += (item.field.empty() ? "" : ",") + d.field;
    }
    item.detail = ConflictDetail(disagreements);
    RETURN_IF_ERROR(store->AddReview(item).status());
    out.conflicts = 1;
  }
  return out;
}

Status RecordNewRow(Store* store, EntityKind kind, int64_t id,
                    const std::map<std::string, std::string>& values, const Claim& claim) {
  std::vector<FieldObservation> first;
  for (const auto& [field, value] : values) {
    if (value.empty()) continue;
    Claim c = claim;
    c.value = value;
    first.push_back(ObservationOf(kind, id, field, c));
  }
  return first.empty() ? Status::Ok() : store->RecordFirstObservations(first);
}

}  // namespace onetable
