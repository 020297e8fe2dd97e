#include "http/transfer_handlers.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "http/json_body.h"
#include "http/json_writer.h"
#include "http/membership_handlers.h"
#include "http/person_duplicates.h"
#include "http/register_handlers.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "model/catalog_keys.h"
#include "model/id_number.h"
#include "model/text.h"
#include "onetable/text.h"
#include "onetable/utf8.h"
#include "register/register_write.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr size_t kMaxReasonChars = 500;
constexpr int kListLimit = 500;

std::string ObjectOf(int64_t id) { return "transfer/" + std::to_string(id); }

const char* StateLabel(const std::string& state) {
  if (state == kTransferPending) return "待审批";
  if (state == kTransferApproved) return "已通过";
  if (state == kTransferDeclined) return "已退回";
  return "";
}

// "420***********1234": what the 409 lets the requester know of the number they typed.
std::string MaskedId(const std::string& id) {
  if (id.size() < 8) return std::string(id.size(), '*');
  return id.substr(0, 3) + std::string(id.size() - 7, '*') + id.substr(id.size() - 4);
}

bool Sees(const ServiceContext& service, const Principal& who, Store& store, EntityKind kind,
          int64_t id) {
  return id > 0 && service.policy.RequireRow(who, store, kind, id).ok();
}

// Whether `who` may read request `t`: their own, or about a person in their scope now or in a
// grid of theirs when it was filed.
bool MayRead(const ServiceContext& service, const Principal& who, Store& store,
             const TransferRecord& t) {
  return t.requester_id == who.user_id || Sees(service, who, store, EntityKind::kPerson, t.person_id) ||
         Sees(service, who, store, EntityKind::kGrid, t.from_grid_id);
}

void WritePlace(JsonWriter& w, const PlaceNames& place) {
  w.StartObject();
  w.Key("grid").String(place.grid);
  w.Key("community").String(place.community);
  w.EndObject();
}

PlaceNames GridPlace(Store& store, int64_t grid_id) {
  if (grid_id <= 0) return {};
  Result<Row> grid = store.Get(EntityKind::kGrid, grid_id);
  if (!grid.ok()) return {};
  return PlaceOf(store, EntityKind::kGrid, *grid);
}

void WriteTransfer(JsonWriter& w, const ServiceContext& service, const Principal& who,
                   Store& store, const TransferRecord& t) {
  const bool mine = t.requester_id == who.user_id;
  const bool sees_person = Sees(service, who, store, EntityKind::kPerson, t.person_id);
  w.StartObject();
  w.Key("id").Int(t.id);
  w.Key("state").String(t.state);
  w.Key("state_label").String(StateLabel(t.state));
  w.Key("reason").String(t.reason);
  w.Key("requester").String(t.requester);
  w.Key("created_at").String(t.created_at);
  w.Key("decider").String(t.decider);
  w.Key("decision_reason").String(t.decision_reason);
  w.Key("decided_at").String(t.decided_at);
  w.Key("version").Int(t.version);
  w.Key("mine").Bool(mine);
  w.Key("can_decide").Bool(t.state == kTransferPending && !mine && sees_person &&
                           who.role != Role::kDepartment);
  w.Key("from");
  WritePlace(w, GridPlace(store, t.from_grid_id));
  w.Key("to").StartObject();
  if (Sees(service, who, store, EntityKind::kHousehold, t.to_household_id)) {
    w.Key("household_id").Int(t.to_household_id);
  }
  const PlaceNames to = GridPlace(store, t.to_grid_id);
  w.Key("grid").String(to.grid);
  w.Key("community").String(to.community);
  w.EndObject();
  w.Key("person").StartObject();
  Result<Row> person = store.Get(EntityKind::kPerson, t.person_id);
  if (person.ok()) {
    const std::string* id_number = person->Get(keys::kIdNumber);
    w.Key("id_number_masked").String(id_number != nullptr ? MaskedId(*id_number) : "");
    if (sees_person) {
      w.Key("id").Int(t.person_id);
      const std::string* name = person->Get(keys::kName);
      w.Key("name").String(name != nullptr ? *name : "");
    }
  }
  w.EndObject();
  w.EndObject();
}

HttpResponse TransferResponse(const ServiceContext& service, const Principal& who, Store& store,
                              const TransferRecord& t, int status = 200) {
  JsonWriter w;
  WriteTransfer(w, service, who, store, t);
  HttpResponse response = JsonResponse(w.Take());
  response.status = status;
  response.headers["ETag"] = ETagOf(t.version);
  return response;
}

// Audits `result` of `action` on transfer `id` (0: not stored); on failure to audit, the
// response to send instead is put in `*answer`.
void AuditTransfer(const RequestContext& ctx, const char* action, int64_t id, bool ok,
                   const std::string& detail, HttpResponse* answer) {
  Status st = Audit(ctx, action, id > 0 ? ObjectOf(id) : "transfer", ok ? kAuditOk : kAuditFailed,
                    detail);
  if (!st.ok()) *answer = StatusToHttp(st);
}

HttpResponse Refuse(const RequestContext& ctx, const char* action, int64_t id, HttpResponse refusal,
                    const std::string& why) {
  AuditTransfer(ctx, action, id, false, why + " " + std::to_string(refusal.status), &refusal);
  return refusal;
}

Result<std::optional<std::string>> ReadReason(const rapidjson::Document& body) {
  ASSIGN_OR_RETURN(std::optional<std::string> reason, OptionalString(body, "reason"));
  if (reason.has_value()) {
    *reason = std::string(TrimWideBlank(*reason));
    if (utf8::CountCodePoints(*reason) > kMaxReasonChars) {
      return Status::Invalid("原因最多 " + std::to_string(kMaxReasonChars) + " 个字");
    }
  }
  return reason;
}

// The person a request names: by ID number (as the 409 had it) or by id.
Result<Row> FindPerson(Store& store, const rapidjson::Document& body, HttpResponse* error) {
  Result<std::optional<std::string>> id_number = OptionalString(body, "id_number");
  if (!id_number.ok()) {
    *error = BadParameter("id_number", id_number.status().message());
    return id_number.status();
  }
  Result<std::optional<int64_t>> person_id = OptionalInt(body, "person_id");
  if (!person_id.ok()) {
    *error = BadParameter("person_id", person_id.status().message());
    return person_id.status();
  }
  if (id_number->has_value()) {
    IdNumber parsed;
    if (std::optional<Problem> problem = ParseIdNumber(FoldWidth(**id_number), &parsed)) {
      *error = ValidationFailed({ErrorDetail{"id_number", problem->code,
                                             "公民身份号码：" + problem->message}});
      return Status::Invalid("id_number");
    }
    Result<Row> found = store.FindBy(EntityKind::kPerson, keys::kIdNumber, parsed.normalized);
    if (!found.ok()) {
      *error = StatusToHttp(found.status().code() == StatusCode::kNotFound
                                ? Status::NotFound("没有登记此身份证号的人员")
                                : found.status());
    }
    return found;
  }
  if (person_id->has_value() && **person_id > 0) {
    Result<Row> found = store.Get(EntityKind::kPerson, **person_id);
    if (!found.ok()) {
      *error = StatusToHttp(found.status().code() == StatusCode::kNotFound
                                ? Status::NotFound("人员不存在")
                                : found.status());
    }
    return found;
  }
  *error = BadParameter("id_number", "请给出要迁入人员的身份证号（id_number）或人员编号（person_id）");
  return Status::Invalid("person");
}

HttpResponse HandleCreate(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kWriteRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  if ((*who)->role == Role::kDepartment) {
    return StatusToHttp(Status::Denied("部门账号不能申请迁入"));
  }
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  Status keys = CheckKeys(body, {"id_number", "person_id", "to_household_id", "to_grid_id", "reason"});
  if (!keys.ok()) return StatusToHttp(keys);
  Result<std::optional<int64_t>> household_param = OptionalInt(body, "to_household_id");
  if (!household_param.ok()) return BadParameter("to_household_id", household_param.status().message());
  Result<std::optional<int64_t>> grid_param = OptionalInt(body, "to_grid_id");
  if (!grid_param.ok()) return BadParameter("to_grid_id", grid_param.status().message());
  if (!household_param->has_value() || **household_param <= 0) {
    return BadParameter("to_household_id", "请选择要迁入的户（to_household_id）：迁入的人员须落到户");
  }
  Result<std::optional<std::string>> reason = ReadReason(body);
  if (!reason.ok()) return ValidationFailed({ErrorDetail{"reason", "too_long", reason.status().message()}});
  if (!reason->has_value() || (*reason)->empty()) {
    return ValidationFailed({ErrorDetail{"reason", "required", "申请原因：请填写迁入的原因"}});
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  const Principal& me = **who;
  const int64_t household_id = **household_param;
  if (Status st = service.policy.RequireRow(me, store, EntityKind::kHousehold, household_id);
      !st.ok()) {
    return Refuse(ctx, kAuditTransferRequest, 0, StatusToHttp(st), "household=" + std::to_string(household_id));
  }
  Result<Row> household = store.Get(EntityKind::kHousehold, household_id);
  if (!household.ok()) return StatusToHttp(household.status());
  const PlaceNames to = PlaceOf(store, EntityKind::kHousehold, *household);
  if (grid_param->has_value() && **grid_param != to.grid_id) {
    return BadParameter("to_grid_id", "所选的户不在 to_grid_id 所指的网格中");
  }
  HttpResponse error;
  Result<Row> person = FindPerson(store, body, &error);
  if (!person.ok()) return Refuse(ctx, kAuditTransferRequest, 0, error, "person");
  if (Sees(service, me, store, EntityKind::kPerson, person->id)) {
    HttpResponse in_scope = ErrorResponse(
        409, "in_scope", "此人已在您的管辖范围内，请打开该人员，用“迁移”直接办理");
    return Refuse(ctx, kAuditTransferRequest, 0, in_scope, "in_scope person=" + std::to_string(person->id));
  }
  if (person->status == kStatusDeceased) {
    return Refuse(ctx, kAuditTransferRequest, 0,
                  ErrorResponse(409, "deceased", "该人员已登记死亡，不能申请迁入"),
                  "deceased person=" + std::to_string(person->id));
  }
  const PlaceNames from = PlaceOf(store, EntityKind::kPerson, *person);
  if (from.grid_id <= 0) {
    return Refuse(ctx, kAuditTransferRequest, 0,
                  ErrorResponse(409, "no_place", "此人尚未入户，不在任何网格，不能申请迁入；请联系社区管理员核实"),
                  "no_place person=" + std::to_string(person->id));
  }
  TransferQuery pending;
  pending.state = kTransferPending;
  pending.person_id = person->id;
  pending.limit = 1;
  Result<std::vector<TransferRecord>> open = store.ListTransfers(pending);
  if (!open.ok()) return StatusToHttp(open.status());
  if (!open->empty()) {
    return Refuse(ctx, kAuditTransferRequest, 0,
                  ErrorResponse(409, "pending_exists", "此人已有一份待审批的迁入申请，请等待审批结果"),
                  "pending_exists transfer=" + std::to_string(open->front().id));
  }
  TransferRecord t;
  t.person_id = person->id;
  t.from_grid_id = from.grid_id;
  t.to_household_id = household_id;
  t.to_grid_id = to.grid_id;
  t.requester_id = me.user_id;
  t.requester = me.user;
  t.reason = **reason;
  Result<int64_t> id = store.AddTransfer(t);
  if (!id.ok()) return Refuse(ctx, kAuditTransferRequest, 0, StatusToHttp(id.status()), "store");
  Result<TransferRecord> stored = store.GetTransfer(*id);
  if (!stored.ok()) return StatusToHttp(stored.status());
  HttpResponse response = TransferResponse(service, me, store, *stored, 201);
  response.headers["Location"] = "/api/v1/transfers/" + std::to_string(*id);
  AuditTransfer(ctx, kAuditTransferRequest, *id, true,
                "person=" + std::to_string(t.person_id) + " household=" + std::to_string(household_id),
                &response);
  return response;
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kWriteRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  TransferQuery query;
  query.limit = kListLimit;
  if (auto it = ctx.request.query.find("state"); it != ctx.request.query.end()) {
    const std::string& state = it->second;
    if (state == kTransferPending || state == kTransferApproved || state == kTransferDeclined) {
      query.state = state;
    } else if (state != "all" && !state.empty()) {
      return BadParameter("state", "state 应为 pending、approved、declined 或 all");
    }
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  Result<std::vector<TransferRecord>> items = store.ListTransfers(query);
  if (!items.ok()) return StatusToHttp(items.status());
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const TransferRecord& t : *items) {
    if (MayRead(service, **who, store, t)) WriteTransfer(w, service, **who, store, t);
  }
  w.EndArray().EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleDecide(const RequestContext& ctx, const ServiceContext& service, bool approve) {
  const char* action = approve ? kAuditTransferApprove : kAuditTransferDecline;
  Result<const Principal*> who = Authorize(service, ctx, Permission::kWriteRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  if ((*who)->role == Role::kDepartment) {
    return StatusToHttp(Status::Denied("部门账号不能审批迁入申请"));
  }
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) return StatusToHttp(id.status());
  int64_t expected = 0;
  HttpResponse error;
  if (!ReadIfMatch(ctx.request, &expected, &error)) return error;
  rapidjson::Document body;
  body.SetObject();  // an approval may come without a body
  if (!ctx.request.body.empty() || !approve) {
    Status parsed = ParseJsonBody(ctx.request, &body);
    if (!parsed.ok()) return StatusToHttp(parsed);
  }
  Status keys = CheckKeys(body, {"reason"});
  if (!keys.ok()) return StatusToHttp(keys);
  Result<std::optional<std::string>> reason = ReadReason(body);
  if (!reason.ok()) return ValidationFailed({ErrorDetail{"reason", "too_long", reason.status().message()}});
  const std::string note = reason->value_or("");
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  const Principal& me = **who;
  Result<TransferRecord> t = store.GetTransfer(*id);
  if (!t.ok()) return StatusToHttp(t.status());
  if (!MayRead(service, me, store, *t)) {
    return StatusToHttp(Status::NotFound("迁入申请 " + std::to_string(*id) + " 不存在"));
  }
  if (t->requester_id == me.user_id) {
    return StatusToHttp(Status::Denied("不能审批自己提交的迁入申请，请由此人所在网格的网格员或社区管理员审批"));
  }
  if (!Sees(service, me, store, EntityKind::kPerson, t->person_id)) {
    return StatusToHttp(Status::NotFound("此人已不在您的管辖范围内，不能审批这份申请"));
  }
  if (!approve && note.empty()) {
    return Refuse(ctx, action, *id,
                  ValidationFailed({ErrorDetail{"reason", "required", "退回原因：请填写退回的原因"}}),
                  "no reason");
  }
  if (t->state != kTransferPending) {
    return Refuse(ctx, action, *id,
                  ErrorResponse(409, "already_decided",
                                std::string("这份申请已处理（") + StateLabel(t->state) + "），不能再次审批"),
                  "state=" + t->state);
  }
  if (t->version != expected) {
    HttpResponse stale = StatusToHttp(Status::Conflict("这份申请已被修改，请刷新后再试"));
    return Refuse(ctx, action, *id, stale, "stale");
  }
  const std::string& actor = me.user;
  TransferRecord decided;
  int64_t person_version = 0;
  Status st = RetryDeadlocks([&]() {
    return store.InTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(decided, store.GetTransfer(*id));
      if (decided.version != expected || decided.state != kTransferPending) {
        return Status::Conflict("这份申请已被处理或修改，请刷新后再试");
      }
      decided.state = approve ? kTransferApproved : kTransferDeclined;
      decided.decider = actor;
      decided.decision_reason = note;
      RETURN_IF_ERROR(store.DecideTransfer(&decided));
      if (!approve) return Status::Ok();
      ASSIGN_OR_RETURN(Row household, store.Get(EntityKind::kHousehold, decided.to_household_id));
      (void)household;
      ASSIGN_OR_RETURN(Row person, store.Get(EntityKind::kPerson, decided.person_id));
      Row moved;
      RETURN_IF_ERROR(MovePersonTo(store, person.id, person.version, decided.to_household_id, "",
                                   actor, &moved));
      person_version = moved.version;
      return Status::Ok();
    });
  });
  if (!st.ok()) {
    HttpResponse failure = st.code() == StatusCode::kNotFound
                               ? ErrorResponse(409, "target_gone", "迁入的户已不存在，请退回这份申请")
                               : StatusToHttp(st);
    return Refuse(ctx, action, *id, failure, "failed");
  }
  HttpResponse response = TransferResponse(service, me, store, decided);
  if (approve) {
    Status audited = Audit(ctx, kAuditWrite, "person/" + std::to_string(decided.person_id), kAuditOk,
                           "move household=" + std::to_string(decided.to_household_id) +
                               " transfer=" + std::to_string(*id) +
                               " version=" + std::to_string(person_version));
    if (!audited.ok()) return StatusToHttp(audited);
  }
  AuditTransfer(ctx, action, *id, true,
                "person=" + std::to_string(decided.person_id) +
                    " household=" + std::to_string(decided.to_household_id),
                &response);
  return response;
}

}  // namespace

Status RegisterTransferRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/transfers",
      RouteDoc("申请把其他网格登记的人员迁入本网格的户", {},
               "{\"id_number\" 或 \"person_id\", \"to_household_id\", \"to_grid_id\"（可选）, \"reason\"}"),
      [s](const RequestContext& ctx) { return HandleCreate(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/transfers",
      RouteDoc("迁入申请：本人提交的，以及待本人审批的",
               {{"state", "string", "pending | approved | declined | all（默认 all）", false}}),
      [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/transfers/{id}/approve",
      RouteDoc("同意迁入申请（If-Match）：此人迁入申请的户", {}, "{\"reason\"（可选）}"),
      [s](const RequestContext& ctx) { return HandleDecide(ctx, *s, true); }));
  return router->Add("POST", "/api/v1/transfers/{id}/decline",
                     RouteDoc("退回迁入申请（If-Match），须写明原因", {}, "{\"reason\"}"),
                     [s](const RequestContext& ctx) { return HandleDecide(ctx, *s, false); });
}

}  // namespace onetable
