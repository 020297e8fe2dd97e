#include "http/person_handlers.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/visible_rows.h"
#include "http/membership_handlers.h"
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

bool IsIdChar(char c) { return (c >= '0' && c <= '9') || c == 'X' || c == 'x'; }

bool AllOf(const std::string& s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool IsPhoneChar(char c) { return (c >= '0' && c <= '9') || c == '-' || c == ' '; }

// Which criterion a free-text q names.
std::string GuessCriterion(const std::string& q) {
  if ((q.size() == 18 || q.size() == 15) && AllOf(q, IsIdChar)) return "id_number";
  if (q.size() == 4 && AllOf(q, IsIdChar)) return "id_last4";
  if (q.size() >= 7 && q.size() <= 16 && AllOf(q, IsPhoneChar)) return "phone";
  return "name";
}

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

HttpResponse HandleSearch(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  std::string criterion, text;
  int given = 0;
  for (const char* key : {"q", "name", "id_number", "id_last4", "phone"}) {
    auto it = ctx.request.query.find(key);
    if (it == ctx.request.query.end()) continue;
    ++given;
    criterion = key;
    text = std::string(TrimBlank(it->second));
  }
  if (given != 1 || text.empty()) {
    return BadParameter("q", "请给出一个非空的查询条件：q、name、id_number、id_last4 或 phone");
  }
  if (criterion == "q") criterion = GuessCriterion(FoldWidth(text));

  RowFilter filter;
  auto status = ctx.request.query.find("status");
  if (status != ctx.request.query.end()) {
    if (status->second != kStatusActive && status->second != kStatusMovedAway &&
        status->second != kStatusDeceased) {
      return BadParameter("status", "查询参数 status 应为 active、moved_away 或 deceased");
    }
    filter.status = status->second;
  }
  const std::string field_key = criterion == "id_last4" ? keys::kIdNumber : criterion;
  const FieldDef* field = service.catalog.Find(EntityKind::kPerson, field_key);
  if (field == nullptr) return BadParameter(criterion, "字段目录中没有该字段");
  if (!service.policy.SeesField(**who, *field)) {
    return StatusToHttp(Status::Denied("未获授权查看" + field->label + "，不能按它查找"));
  }
  if (criterion == "id_number") {
    IdNumber id;
    if (std::optional<Problem> problem = ParseIdNumber(FoldWidth(text), &id)) {
      return BadParameter(criterion, field->label + "：" + problem->message);
    }
    filter.predicates.push_back({std::string("person.") + keys::kIdNumber, "==", {id.normalized}});
  } else if (criterion == "id_last4") {
    std::string last4 = FoldWidth(text);
    if (last4.size() != 4 || !AllOf(last4, IsIdChar)) {
      return BadParameter(criterion, "身份证号后四位应为 4 个数字（最后一位可为 X）");
    }
    if (last4[3] == 'x') last4[3] = 'X';
    filter.fields = {std::string("person.") + keys::kIdNumber};
    filter.keep = [last4](const ScanRow& row) {
      const std::optional<std::string>& v = row.values[0];
      return v && v->size() >= 4 && v->compare(v->size() - 4, 4, last4) == 0;
    };
  } else if (criterion == "phone") {
    std::string phone;
    if (std::optional<Problem> problem = NormalizePhone(text, &phone)) {
      return BadParameter(criterion, field->label + "：" + problem->message);
    }
    filter.predicates.push_back({std::string("person.") + keys::kPhone, "==", {phone}});
  } else {
    // A prefix range: 张三 finds 张三 and 张三丰. Both stores compare names in code point order
    // (SQLite BINARY, MySQL utf8mb4_bin), so every name that starts with `text` sorts below
    // `text` followed by U+10FFFF, the highest code point, and the name index serves the range.
    const std::string name = std::string("person.") + keys::kName;
    filter.predicates.push_back({name, ">=", {text}});
    filter.predicates.push_back({name, "<", {text + "\xF4\x8F\xBF\xBF"}});
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  bool more = false;
  Result<std::vector<Row>> rows =
      ListVisible(service.policy, **who, *ctx.store, EntityKind::kPerson, filter, page, &more);
  if (!rows.ok()) return StatusToHttp(rows.status());
  // Which criterion and how many answers; never the text searched for (it may be an ID).
  const Status audited = Audit(ctx, kAuditSearch, "persons", kAuditOk,
                               "by=" + criterion + " rows=" + std::to_string(rows->size()));
  if (!audited.ok()) return StatusToHttp(audited);
  return RowListResponse(service, **who, EntityKind::kPerson, *rows, more);
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
      RouteDoc("查找人员：姓名、身份证号（全号或后四位）、电话（仅可见范围）",
               {{"q", "string", "自动判断：身份证号、后四位、电话或姓名", false},
                {"name", "string", "姓名（完整）", false},
                {"id_number", "string", "公民身份号码", false},
                {"id_last4", "string", "身份证号后四位", false},
                {"phone", "string", "联系电话", false},
                {"status", "string", "active、moved_away 或 deceased（默认不限）", false},
                after,
                limit}),
      [s](const RequestContext& ctx) { return HandleSearch(ctx, *s); }));
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
