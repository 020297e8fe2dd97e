#include "http/person_handlers.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/visible_rows.h"
#include "http/membership_handlers.h"
#include "http/person_search.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "model/catalog_keys.h"
#include "model/id_number.h"
#include "model/phone.h"
#include "model/text.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable {
namespace {

// The page of a list held in memory, by position: after=N skips N items.
template <typename T, typename WriteFn>
HttpResponse PositionalList(const std::vector<T>& items, const Page& page, WriteFn write) {
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  const size_t begin = static_cast<size_t>(std::min<int64_t>(page.after, items.size()));
  const size_t end = std::min(items.size(), begin + static_cast<size_t>(page.limit));
  for (size_t i = begin; i < end; ++i) write(w, items[i]);
  w.EndArray();
  WriteNextAfter(w, static_cast<int64_t>(end), end < items.size());
  w.EndObject();
  return JsonResponse(w.Take());
}

// Common start of the person read routes: the caller, the person id in scope, the page.
struct PersonRead {
  const Principal* who = nullptr;
  int64_t id = 0;
  Page page;
};

bool StartPersonRead(const RequestContext& ctx, const ServiceContext& service, PersonRead* read,
                     HttpResponse* error) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) {
    *error = StatusToHttp(who.status());
    return false;
  }
  read->who = *who;
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) {
    *error = BadParameter("id", id.status().message());
    return false;
  }
  read->id = *id;
  if (!ReadPage(ctx.request, &read->page, error)) return false;
  if (ctx.store == nullptr) {
    *error = NoStoreResponse();
    return false;
  }
  Status allowed = service.policy.RequireRow(**who, *ctx.store, EntityKind::kPerson, *id);
  if (!allowed.ok()) {
    *error = StatusToHttp(allowed);
    return false;
  }
  return true;
}

HttpResponse HandleMemberships(const RequestContext& ctx, const ServiceContext& service) {
  PersonRead read;
  HttpResponse error;
  if (!StartPersonRead(ctx, service, &read, &error)) return error;
  Result<std::vector<Membership>> items =
      ctx.store->MembershipHistory(EntityKind::kPerson, read.id);
  if (!items.ok()) return StatusToHttp(items.status());
  return PositionalList(*items, read.page,
                        [](JsonWriter& w, const Membership& m) { WriteMembership(w, m); });
}

HttpResponse HandleProvenance(const RequestContext& ctx, const ServiceContext& service) {
  PersonRead read;
  HttpResponse error;
  if (!StartPersonRead(ctx, service, &read, &error)) return error;
  Result<std::vector<FieldObservation>> items = ctx.store->Provenance(EntityKind::kPerson, read.id);
  if (!items.ok()) return StatusToHttp(items.status());
  const Principal& who = *read.who;
  return PositionalList(*items, read.page, [&](JsonWriter& w, const FieldObservation& obs) {
    const FieldDef* field = service.catalog.Find(EntityKind::kPerson, obs.field);
    // Identifiers stay masked in provenance: "show in full" reveals the current value only.
    WriteObservation(
        w, obs, field,
        field == nullptr || (service.policy.SeesField(who, *field) && !IsIdentifier(*field)));
  });
}

HttpResponse HandleHistory(const RequestContext& ctx, const ServiceContext& service) {
  PersonRead read;
  HttpResponse error;
  if (!StartPersonRead(ctx, service, &read, &error)) return error;
  auto key = ctx.request.query.find("field");
  if (key == ctx.request.query.end() || key->second.empty()) {
    return BadParameter("field", "缺少查询参数 field（字段名，如 phone）");
  }
  const FieldDef* field = service.catalog.Find(EntityKind::kPerson, key->second);
  if (field == nullptr || field->derived) {
    return BadParameter("field", "“" + key->second.substr(0, 64) + "”不是人员的存储字段");
  }
  Result<std::vector<FieldObservation>> items =
      ctx.store->History(EntityKind::kPerson, read.id, field->key);
  if (!items.ok()) return StatusToHttp(items.status());
  const bool visible = service.policy.SeesField(*read.who, *field) && !IsIdentifier(*field);
  return PositionalList(*items, read.page, [&](JsonWriter& w, const FieldObservation& obs) {
    WriteObservation(w, obs, field, visible);
  });
}

}  // namespace

Status RegisterPersonRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  const ParamDoc after{"after", "integer", "翻页：上一页的 next_after", false};
  const ParamDoc limit{"limit", "integer", "每页条数，1–500，默认 50", false};
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/persons/search",
      RouteDoc("查找人员：姓名或住址的任意部分、身份证号（全号、后四位或至少 6 位片段）、电话（仅可见范围，带总数）",
               {{"q", "string", "自动判断：身份证号、后四位、身份证号片段、电话，或姓名与住址", false},
                {"name", "string", "姓名的任意部分", false},
                {"id_partial", "string", "身份证号片段（至少 6 位）", false},
                {"address", "string", "现住址的任意部分", false},
                {"id_number", "string", "公民身份号码", false},
                {"id_last4", "string", "身份证号后四位", false},
                {"phone", "string", "联系电话", false},
                {"status", "string", "active、moved_away 或 deceased（默认不限）", false},
                after,
                limit}),
      [s](const RequestContext& ctx) { return HandlePersonSearch(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("POST", "/api/v1/persons/{id}/move",
                  RouteDoc("人员入户、迁往另一户或迁出本户（需 If-Match），保留成员关系历史", {},
                           "{\"household_id\": 户 id 或 null, \"relationship\": 与户主关系代码}"),
                  [s](const RequestContext& ctx) { return HandleMove(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/households/{id}/head",
      RouteDoc("设置户主（需户的 If-Match）：新户主与户主关系改为 02", {},
               "{\"person_id\": 人员 id, \"previous_head_relationship\"?: 原户主的新关系代码}"),
      [s](const RequestContext& ctx) { return HandleSetHead(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/persons/{id}/memberships", RouteDoc("人员的入户与迁移历史", {after, limit}),
      [s](const RequestContext& ctx) { return HandleMemberships(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/persons/{id}/provenance", RouteDoc("人员各字段当前值的来源", {after, limit}),
      [s](const RequestContext& ctx) { return HandleProvenance(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/persons/{id}/history",
                  RouteDoc("人员某一字段的全部历史值与来源",
                           {{"field", "string", "字段名，如 phone", true}, after, limit}),
                  [s](const RequestContext& ctx) { return HandleHistory(ctx, *s); }));
  return Status::Ok();
}

}  // namespace onetable
