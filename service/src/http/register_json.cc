#include "http/register_json.h"

#include <utility>

#include "expr/cell_functions.h"
#include "http/register_request.h"

namespace onetable {

void WriteRow(JsonWriter& w, const ServiceContext& service, const Principal& who, EntityKind kind,
              const Row& row, bool reveal) {
  w.StartObject();
  w.Key("id").Int(row.id);
  w.Key("type").String(EntityName(kind));
  w.Key("parent_id");
  if (row.parent_id > 0) {
    w.Int(row.parent_id);
  } else {
    w.Null();
  }
  w.Key("version").Int(row.version);
  w.Key("status").String(row.status);
  std::vector<std::string> masked, concealed;
  w.Key("fields").StartObject();
  for (const FieldDef* field : service.catalog.StoredFields(kind)) {
    if (!service.policy.SeesField(who, *field)) {
      w.Key(field->key).String(kMaskedValue);
      masked.push_back(field->key);
      continue;
    }
    const std::string* value = row.Get(field->key);
    if (value == nullptr) continue;
    if (IsIdentifier(*field) && !reveal) {
      // Masked by default: enough to tell people apart, not the number itself.
      w.Key(field->key).String(expr::MaskText(*value, field->type));
      concealed.push_back(field->key);
      continue;
    }
    w.Key(field->key).String(*value);
  }
  w.EndObject();
  w.Key("masked").StartArray();
  for (const std::string& key : masked) w.String(key);
  w.EndArray();
  w.Key("concealed").StartArray();
  for (const std::string& key : concealed) w.String(key);
  w.EndArray();
  w.EndObject();
}

bool CheckWritableFields(const ServiceContext& service, const Principal& who, EntityKind kind,
                         const FieldInput& input, HttpResponse* error) {
  std::vector<ErrorDetail> details;
  auto check = [&](const std::string& key) {
    const FieldDef* field = service.catalog.Find(kind, key);
    if (field != nullptr && !service.policy.SeesField(who, *field)) {
      details.push_back({key, "field_not_granted", field->label + "：未获授权查看，不能修改"});
    }
  };
  for (const auto& [key, value] : input.set) check(key);
  for (const std::string& key : input.cleared) check(key);
  if (details.empty()) return true;
  *error = ErrorResponse(403, "permission_denied", "不能修改未获授权查看的字段", details);
  return false;
}

HttpResponse RowResponse(const ServiceContext& service, const Principal& who, EntityKind kind,
                         const Row& row, int http_status, bool reveal) {
  JsonWriter w;
  WriteRow(w, service, who, kind, row, reveal);
  HttpResponse response = JsonResponse(w.Take());
  response.status = http_status;
  response.headers["ETag"] = ETagOf(row.version);
  return response;
}

void WriteNextAfter(JsonWriter& w, int64_t last_id, bool more) {
  w.Key("next_after");
  if (more) {
    w.Int(last_id);
  } else {
    w.Null();
  }
}

void WriteNextAfter(JsonWriter& w, const std::string& last_id, bool more) {
  w.Key("next_after");
  if (more) {
    w.String(last_id);
  } else {
    w.Null();
  }
}

HttpResponse RowListResponse(const ServiceContext& service, const Principal& who, EntityKind kind,
                             const std::vector<Row>& rows, bool more) {
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const Row& row : rows) WriteRow(w, service, who, kind, row);
  w.EndArray();
  WriteNextAfter(w, rows.empty() ? 0 : rows.back().id, more && !rows.empty());
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse StaleResponse(const ServiceContext& service, const Principal& who, EntityKind kind,
                           const Row& current) {
  const std::string message = std::string(EntityLabel(kind)) + " " + std::to_string(current.id) +
                              " 已被他人修改（当前版本 " + std::to_string(current.version) +
                              "），请查看最新内容后再改";
  JsonWriter w;
  w.StartObject();
  w.Key("error").StartObject();
  w.Key("code").String("conflict");
  w.Key("message").String(message);
  w.Key("details").StartArray();
  w.StartObject();
  w.Key("field").String("If-Match");
  w.Key("code").String("stale_version");
  w.Key("message").String("当前版本为 " + std::to_string(current.version));
  w.EndObject();
  w.EndArray();
  w.Key("current_version").Int(current.version);
  w.EndObject();
  w.Key("current");
  WriteRow(w, service, who, kind, current);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 412;
  response.headers["ETag"] = ETagOf(current.version);
  return response;
}

void WriteTag(JsonWriter& w, const TagAssignment& tag, const TagDef* def) {
  w.StartObject();
  w.Key("id").Int(tag.id);
  w.Key("person_id").Int(tag.person_id);
  w.Key("tag").String(tag.tag);
  w.Key("label").String(def != nullptr ? def->label : tag.tag);
  w.Key("attrs").StartObject();
  if (def != nullptr) {
    for (const FieldDef& attr : def->attributes) {
      auto it = tag.attrs.find(attr.key);
      if (it != tag.attrs.end()) w.Key(attr.key).String(it->second);
    }
  } else {
    for (const auto& [key, value] : tag.attrs) w.Key(key).String(value);
  }
  w.EndObject();
  w.Key("valid_from").String(tag.valid_from);
  w.Key("valid_to").String(tag.valid_to);
  w.Key("source").String(tag.source);
  w.Key("version").Int(tag.version);
  w.EndObject();
}

HttpResponse TagResponse(const TagAssignment& tag, const TagDef* def, int http_status) {
  JsonWriter w;
  WriteTag(w, tag, def);
  HttpResponse response = JsonResponse(w.Take());
  response.status = http_status;
  response.headers["ETag"] = ETagOf(tag.version);
  return response;
}

void WriteObservation(JsonWriter& w, const FieldObservation& obs, const FieldDef* field,
                      bool visible) {
  w.StartObject();
  w.Key("field").String(obs.field);
  w.Key("label").String(field != nullptr ? field->label : obs.field);
  w.Key("value");
  if (!visible) {
    w.String(kMaskedValue);
  } else if (obs.is_null) {
    w.Null();
  } else {
    w.String(obs.value);
  }
  w.Key("source").String(obs.source);
  w.Key("actor").String(obs.actor);
  w.Key("observed_at").String(obs.observed_at);
  w.Key("pinned").Bool(obs.pinned);
  w.EndObject();
}

void WriteMembership(JsonWriter& w, const Membership& m) {
  w.StartObject();
  w.Key("parent_id").Int(m.parent_id);
  w.Key("relationship").String(m.relationship);
  w.Key("valid_from").String(m.valid_from);
  w.Key("valid_to");
  if (m.valid_to.empty()) {
    w.Null();
  } else {
    w.String(m.valid_to);
  }
  w.Key("actor").String(m.actor);
  w.EndObject();
}

}  // namespace onetable
