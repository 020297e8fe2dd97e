#include "http/review_handlers.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http/json_body.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "ingest/connector_runs.h"
#include "ingest/review_queue.h"
#include "model/catalog_keys.h"
#include "model/validation.h"
#include "register/register_write.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr int kScanBatch = 200;

bool IsReviewStatus(const std::string& s) {
  return s == "open" || s == "linked" || s == "kept_apart" || s == "resolved";
}

// Whether the caller may see `item` (see the header). kNotFound for "no"; other errors are the
// store's.
Status RequireItem(const ServiceContext& service, const Principal& who, Store& store,
                   const ReviewItem& item) {
  const Status hidden =
      Status::NotFound("未找到 id 为 " + std::to_string(item.id) + " 的待核实事项");
  if (item.kind == "conflict") {
    for (const std::string& key : ConflictFields(item)) {
      const FieldDef* field = service.catalog.Find(item.entity, key);
      if (field == nullptr || !service.policy.SeesField(who, *field)) return hidden;
    }
  }
  std::vector<std::pair<EntityKind, int64_t>> rows = {{item.entity, item.entity_id}};
  if (item.other_id > 0) rows.push_back({EntityKind::kPerson, item.other_id});
  for (auto [kind, id] : rows) {
    if (kind == EntityKind::kPerson) {
      Result<int64_t> now = store.ResolvePersonId(id);
      if (!now.ok()) return now.status().code() == StatusCode::kNotFound ? hidden : now.status();
      id = *now;
    }
    Status st = service.policy.RequireRow(who, store, kind, id);
    if (st.code() == StatusCode::kNotFound) return hidden;
    RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

// What a reviewer reads beside an item's ids: the persons' names (when the caller may see the
// name field; "" otherwise or when the row is gone) and, for one item, the titles of the sources
// its detail names (id → title; a source without a readable file keeps its id).
struct ItemNames {
  std::string person, other;
  std::map<std::string, std::string> sources;
};

std::string PersonName(const ServiceContext& service, const Principal& who, Store& store,
                       int64_t id) {
  const FieldDef* name = service.catalog.Find(EntityKind::kPerson, keys::kName);
  if (id <= 0 || name == nullptr || !service.policy.SeesField(who, *name)) return "";
  Result<int64_t> now = store.ResolvePersonId(id);
  if (!now.ok()) return "";
  Result<Row> row = store.Get(EntityKind::kPerson, *now);
  if (!row.ok()) return "";
  const std::string* v = row->Get(keys::kName);
  return v ? *v : "";
}

// The "source" of every claim in a conflict's detail ({current, incoming, fields: [...]}).
std::set<std::string> DetailSources(const std::string& detail) {
  std::set<std::string> out;
  rapidjson::Document doc;
  doc.Parse(detail.c_str());
  if (!doc.IsObject()) return out;
  const auto claims = [&](const rapidjson::Value& part) {
    for (const char* side : {"current", "incoming"}) {
      if (part.HasMember(side) && part[side].IsObject() && part[side].HasMember("source") &&
          part[side]["source"].IsString()) {
        out.insert(part[side]["source"].GetString());
      }
    }
  };
  claims(doc);
  if (doc.HasMember("fields") && doc["fields"].IsArray()) {
    for (const auto& part : doc["fields"].GetArray()) {
      if (part.IsObject()) claims(part);
    }
  }
  if (doc.HasMember("source") && doc["source"].IsString()) out.insert(doc["source"].GetString());
  return out;
}

ItemNames NamesOf(const ServiceContext& service, const Principal& who, Store& store,
                  const ReviewItem& item, bool with_sources) {
  ItemNames names;
  if (item.entity == EntityKind::kPerson) {
    names.person = PersonName(service, who, store, item.entity_id);
  }
  names.other = PersonName(service, who, store, item.other_id);
  if (!with_sources) return names;
  const std::set<std::string> wanted = DetailSources(item.detail);
  if (wanted.empty()) return names;
  Result<std::vector<ConnectorEntry>> all = ListConnectors(service);
  if (!all.ok()) return names;
  for (const ConnectorEntry& e : *all) {
    if (e.spec && wanted.count(e.id)) names.sources[e.id] = e.spec->title;
  }
  return names;
}

void WriteNames(JsonWriter& w, const ItemNames& names) {
  w.Key("person_name").String(names.person);
  w.Key("other_name").String(names.other);
  w.Key("source_titles").StartObject();
  for (const auto& [id, title] : names.sources) w.Key(id).String(title);
  w.EndObject();
}

void WriteItem(JsonWriter& w, const ReviewItem& item, const ItemNames* names = nullptr) {
  w.StartObject();
  w.Key("id").Int(item.id);
  w.Key("kind").String(item.kind);
  w.Key("status").String(item.status);
  w.Key("entity").String(EntityName(item.entity));
  w.Key("entity_id").Int(item.entity_id);
  w.Key("other_id").Int(item.other_id);
  w.Key("field").String(item.field);
  w.Key("detail").String(item.detail);
  w.Key("created_at").String(item.created_at);
  w.Key("resolved_by").String(item.resolved_by);
  w.Key("resolution").String(item.resolution);
  w.Key("version").Int(item.version);
  if (names != nullptr) WriteNames(w, *names);
  w.EndObject();
}

HttpResponse ItemResponse(const ReviewItem& item, int http_status = 200,
                          const ItemNames* names = nullptr) {
  JsonWriter w;
  WriteItem(w, item, names);
  HttpResponse response = JsonResponse(w.Take());
  response.status = http_status;
  response.headers["ETag"] = ETagOf(item.version);
  return response;
}

HttpResponse StaleItem(const ReviewItem& current, const std::string& message) {
  JsonWriter w;
  w.StartObject();
  w.Key("error").StartObject();
  w.Key("code").String("conflict");
  w.Key("message").String(message);
  w.Key("details").StartArray().EndArray();
  w.Key("current_version").Int(current.version);
  w.EndObject();
  w.Key("current");
  WriteItem(w, current);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 412;
  response.headers["ETag"] = ETagOf(current.version);
  return response;
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReviewQueue);
  if (!who.ok()) return StatusToHttp(who.status());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  std::string status = "open";
  if (auto it = ctx.request.query.find("status"); it != ctx.request.query.end()) {
    if (it->second == "all") {
      status.clear();
    } else if (IsReviewStatus(it->second)) {
      status = it->second;
    } else {
      return BadParameter("status", "status 应为 open、linked、kept_apart、resolved 或 all");
    }
  }
  std::string kind;
  if (auto it = ctx.request.query.find("kind"); it != ctx.request.query.end()) {
    if (it->second != "duplicate" && it->second != "conflict") {
      return BadParameter("kind", "kind 应为 duplicate 或 conflict");
    }
    kind = it->second;
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;

  std::vector<ReviewItem> shown;
  int64_t after = page.after;
  bool exhausted = false;
  while (!exhausted && shown.size() <= static_cast<size_t>(page.limit)) {
    Result<std::vector<ReviewItem>> batch = store.ListReview(status, after, kScanBatch);
    if (!batch.ok()) return StatusToHttp(batch.status());
    exhausted = static_cast<int>(batch->size()) < kScanBatch;
    for (ReviewItem& item : *batch) {
      after = item.id;
      if (!kind.empty() && item.kind != kind) continue;
      Status visible = RequireItem(service, **who, store, item);
      if (visible.code() == StatusCode::kNotFound) continue;
      if (!visible.ok()) return StatusToHttp(visible);
      shown.push_back(std::move(item));
      if (shown.size() > static_cast<size_t>(page.limit)) break;
    }
  }
  const bool more = shown.size() > static_cast<size_t>(page.limit);
  if (more) shown.resize(page.limit);
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const ReviewItem& item : shown) {
    const ItemNames names = NamesOf(service, **who, store, item, false);
    WriteItem(w, item, &names);
  }
  w.EndArray();
  WriteNextAfter(w, shown.empty() ? 0 : shown.back().id, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

// The start of the item routes: the caller, the item in view, and for writes If-Match.
bool StartItem(const RequestContext& ctx, const ServiceContext& service, bool write,
               const Principal** who, ReviewItem* item, int64_t* expected, HttpResponse* error) {
  Result<const Principal*> caller = Authorize(service, ctx, Permission::kReviewQueue);
  if (!caller.ok()) {
    *error = StatusToHttp(caller.status());
    return false;
  }
  *who = *caller;
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) {
    *error = BadParameter("id", id.status().message());
    return false;
  }
  if (write && !ReadIfMatch(ctx.request, expected, error)) return false;
  if (ctx.store == nullptr) {
    *error = NoStoreResponse();
    return false;
  }
  Result<ReviewItem> found = ctx.store->GetReview(*id);
  Status st = found.ok() ? RequireItem(service, **caller, *ctx.store, *found) : found.status();
  if (!st.ok()) {
    *error = st.code() == StatusCode::kNotFound
                 ? StatusToHttp(
                       Status::NotFound("未找到 id 为 " + std::to_string(*id) + " 的待核实事项"))
                 : StatusToHttp(st);
    return false;
  }
  *item = std::move(*found);
  return true;
}

HttpResponse HandleGet(const RequestContext& ctx, const ServiceContext& service) {
  const Principal* who = nullptr;
  ReviewItem item;
  int64_t expected = 0;
  HttpResponse error;
  if (!StartItem(ctx, service, false, &who, &item, &expected, &error)) return error;
  const ItemNames names = NamesOf(service, *who, *ctx.store, item, true);
  return ItemResponse(item, 200, &names);
}

HttpResponse HandleSettle(const RequestContext& ctx, const ServiceContext& service,
                          ReviewAction action) {
  const Principal* who = nullptr;
  ReviewItem item;
  int64_t expected = 0;
  HttpResponse error;
  if (!StartItem(ctx, service, true, &who, &item, &expected, &error)) return error;
  std::map<std::string, std::string> choices;
  if (action == ReviewAction::kChoose) {
    // {"value": v} for an item about one field; {"values": {field: v, ...}} for any item. A
    // null value clears the field.
    rapidjson::Document body;
    Status parsed = ParseJsonBody(ctx.request, &body);
    if (!parsed.ok()) return StatusToHttp(parsed);
    Status keys = CheckKeys(body, {"value", "values"});
    if (!keys.ok()) return StatusToHttp(keys);
    const std::vector<std::string> fields = ConflictFields(item);
    auto read = [&](const std::string& key, const rapidjson::Value& v,
                    HttpResponse* bad) -> bool {
      std::string value;
      if (!v.IsNull()) {
        if (!v.IsString()) {
          *bad = BadParameter(key, key + " 的取值应为字符串或 null");
          return false;
        }
        value.assign(v.GetString(), v.GetStringLength());
      }
      const FieldDef* field = service.catalog.Find(item.entity, key);
      if (field != nullptr) {
        const Validator validator(service.catalog, service.divisions);
        std::string normalized = value;
        if (std::optional<Problem> p = validator.NormalizeField(*field, &normalized)) {
          *bad = ValidationFailed({ErrorDetail{key, p->code, field->label + "：" + p->message}});
          return false;
        }
      }
      choices[key] = value;
      return true;
    };
    HttpResponse bad;
    if (auto it = body.FindMember("values"); it != body.MemberEnd()) {
      if (!it->value.IsObject()) return BadParameter("values", "values 应为 {字段: 取值} 对象");
      for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
        const std::string key(m->name.GetString(), m->name.GetStringLength());
        if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
          return BadParameter("values", "该待核实事项不涉及字段 " + key);
        }
        if (!read(key, m->value, &bad)) return bad;
      }
      if (choices.empty()) return BadParameter("values", "values 中至少要选定一个字段的取值");
    } else if (auto v = body.FindMember("value"); v != body.MemberEnd()) {
      if (fields.size() != 1) {
        return BadParameter("value", "该事项涉及多个字段，请用 values: {字段: 取值}");
      }
      if (!read(fields.front(), v->value, &bad)) return bad;
    } else {
      return BadParameter("value", "缺少字段 value（选定的取值，或 null 清空）");
    }
  }
  Store& store = *ctx.store;
  const SettleOutcome settled =
      SettleReview(store, service, ActorOf(ctx), item.id, expected, action, choices);
  if (!settled.status.ok()) {
    Result<ReviewItem> now = store.GetReview(item.id);
    if (settled.status.code() == StatusCode::kConflict && now.ok()) {
      return StaleItem(*now, settled.status.message());
    }
    return StatusToHttp(settled.status);
  }
  const int64_t survivor = settled.survivor;
  Result<ReviewItem> now = store.GetReview(item.id);
  if (!now.ok()) return StatusToHttp(now.status());
  JsonWriter w;
  w.StartObject();
  if (action == ReviewAction::kLink) w.Key("survivor_id").Int(survivor);
  w.Key("item");
  WriteItem(w, *now);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.headers["ETag"] = ETagOf(now->version);
  return response;
}

}  // namespace

Status RegisterReviewRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/review",
      RouteDoc("待核实事项列表：疑似重复人员与字段冲突（仅可见范围）",
               {{"status", "string", "open（默认）、linked、kept_apart、resolved 或 all", false},
                {"kind", "string", "duplicate 或 conflict", false},
                {"after", "integer", "翻页：上一页的 next_after", false},
                {"limit", "integer", "每页条数，1–500，默认 50", false}}),
      [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/review/{id}",
                              RouteDoc("查看一条待核实事项（带 ETag）"),
                              [s](const RequestContext& ctx) { return HandleGet(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/review/{id}/link", RouteDoc("确认为同一人并合并（需 If-Match）"),
      [s](const RequestContext& ctx) { return HandleSettle(ctx, *s, ReviewAction::kLink); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/review/{id}/keep-apart", RouteDoc("确认为不同的人（需 If-Match）"),
      [s](const RequestContext& ctx) { return HandleSettle(ctx, *s, ReviewAction::kKeepApart); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/review/{id}/choose",
      RouteDoc("为字段冲突选定取值（需 If-Match；记为人工录入）", {}, "{\"value\": 取值或 null}"),
      [s](const RequestContext& ctx) { return HandleSettle(ctx, *s, ReviewAction::kChoose); }));
  return Status::Ok();
}

}  // namespace onetable
