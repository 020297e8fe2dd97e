#include "http/request_handlers.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/json_body.h"
#include "http/json_writer.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "http/request_json.h"
#include "mapping/table_access.h"
#include "model/base64.h"
#include "requests/request_delivery.h"
#include "requests/table_requests.h"

namespace onetable {
namespace {

using requests::RequestView;
using requests::TableRequests;

HttpResponse NoStore() { return StatusToHttp(Status::Internal("no store")); }

// 422 with one detail per "file:line:col: message" line of a draft that does not check.
HttpResponse DraftProblems(const Status& st) {
  if (st.code() != StatusCode::kInvalidArgument) return StatusToHttp(st);
  std::vector<ErrorDetail> details;
  for (const MappingProblem& p : SplitProblems(st.message())) {
    details.push_back({"yaml", "invalid_mapping", p.text});
  }
  return ErrorResponse(422, "validation_failed", "映射草稿有错误：" + st.message().substr(0, 300),
                       details);
}

HttpResponse OneRequest(const ServiceContext& service, const RequestContext& ctx,
                        const Principal& who, const TableRequestRecord& record, int status) {
  TableRequests uc(service);
  Result<RequestView> view = uc.View(*ctx.store, record);
  if (!view.ok()) return StatusToHttp(view.status());
  // The caller may see this request (every path here went through Get or a review step).
  Result<std::vector<requests::RequestStep>> steps = requests::StepsOf(*ctx.store, record);
  if (!steps.ok()) return StatusToHttp(steps.status());
  view->steps = std::move(*steps);
  JsonWriter w;
  w.StartObject();
  WriteRequestFields(w, *view, true, who.role == Role::kAdmin);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = status;
  response.headers["ETag"] = ETagOf(record.version);
  return response;
}

Result<std::string> Member(const rapidjson::Value& body, const char* key) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, key));
  return value.value_or("");
}

HttpResponse HandleFile(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  if ((*who)->role != Role::kDepartment) {
    return StatusToHttp(Status::Denied("只有部门账号可以提交新表申请"));
  }
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) {
    st = CheckKeys(body, {"title", "purpose", "legal_basis", "as_of", "scope", "frequency",
                          "contact", "template_name", "template_base64"});
  }
  if (!st.ok()) return StatusToHttp(st, {{"body", "invalid", st.message()}});
  requests::RequestForm form;
  struct Slot {
    const char* key;
    std::string* out;
  };
  std::string encoded;
  for (const Slot& s : {Slot{"title", &form.title}, Slot{"purpose", &form.purpose},
                        Slot{"legal_basis", &form.legal_basis}, Slot{"as_of", &form.as_of_rule},
                        Slot{"scope", &form.scope_wanted}, Slot{"frequency", &form.frequency},
                        Slot{"contact", &form.contact}, Slot{"template_name", &form.template_name},
                        Slot{"template_base64", &encoded}}) {
    Result<std::string> value = Member(body, s.key);
    if (!value.ok()) return BadParameter(s.key, value.status().message());
    *s.out = *value;
  }
  if (encoded.empty()) return BadParameter("template", "请上传空白模板文件（XLSX 或 CSV）");
  std::optional<std::string> bytes = Base64Decode(encoded);
  if (!bytes) return BadParameter("template", "模板内容（template_base64）不是有效的 base64");
  form.template_bytes = std::move(*bytes);
  std::string field;
  TableRequests uc(service);
  Result<TableRequestRecord> record =
      uc.File(*ctx.store, ActorOf(ctx), **who, std::move(form), &field);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kInvalidArgument) {
      return BadParameter(field.empty() ? "body" : field, record.status().message());
    }
    return StatusToHttp(record.status());
  }
  return OneRequest(service, ctx, **who, *record, 201);
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  // Departments, admins and security administrators (TableRequests::List decides).
  Result<const Principal*> who = Caller(ctx);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  Result<int64_t> before = IntQueryParam(ctx.request, "before", 0, 0, 999999999999999999);
  if (!before.ok()) return StatusToHttp(before.status());
  Result<int64_t> limit = IntQueryParam(ctx.request, "limit", 50, 1, 200);
  if (!limit.ok()) return StatusToHttp(limit.status());
  TableRequests uc(service);
  Result<std::vector<TableRequestRecord>> list =
      uc.List(*ctx.store, **who, *before, static_cast<int>(*limit));
  if (!list.ok()) return StatusToHttp(list.status());
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const TableRequestRecord& record : *list) {
    Result<RequestView> view = uc.View(*ctx.store, record);
    if (!view.ok()) return StatusToHttp(view.status());
    w.StartObject();
    WriteRequestFields(w, *view, false, false);
    w.EndObject();
  }
  w.EndArray();
  w.Key("next_before");
  if (static_cast<int64_t>(list->size()) == *limit && !list->empty()) {
    w.Int(list->back().id);
  } else {
    w.Null();
  }
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleGet(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Caller(ctx);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  Result<int64_t> id = IdParam(ctx.params, "id");
  TableRequests uc(service);
  if (!id.ok()) {
    // The role's answer first (403 for workers), as for any id.
    Result<TableRequestRecord> probe = uc.Get(*ctx.store, **who, 0);
    return StatusToHttp(probe.ok() ? Status::NotFound("新表申请不存在") : probe.status());
  }
  Result<TableRequestRecord> record = uc.Get(*ctx.store, **who, *id);
  if (!record.ok()) return StatusToHttp(record.status());
  return OneRequest(service, ctx, **who, *record, 200);
}

// What every review step starts with: an admin, an id and a version.
struct ReviewStart {
  const Principal* who = nullptr;
  int64_t id = 0;
  int64_t version = 0;
};
bool StartReviewStep(const RequestContext& ctx, const ServiceContext& service, ReviewStart* out,
                     HttpResponse* error,
                     std::optional<Permission> permission = Permission::kManageMappings) {
  // The system administrator (table_requests.h RequireReviewer), for the grant the security
  // administrator; nullopt: the use case decides (a decline is either's, by the request's state).
  Result<const Principal*> who =
      permission.has_value() ? Authorize(service, ctx, *permission) : Caller(ctx);
  if (!who.ok()) {
    *error = StatusToHttp(who.status());
    return false;
  }
  if (ctx.store == nullptr) {
    *error = NoStore();
    return false;
  }
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) {
    *error = StatusToHttp(Status::NotFound("新表申请不存在"));
    return false;
  }
  if (!ReadIfMatch(ctx.request, &out->version, error)) return false;
  out->who = *who;
  out->id = *id;
  return true;
}

HttpResponse HandleReview(const RequestContext& ctx, const ServiceContext& service) {
  ReviewStart s;
  HttpResponse error;
  if (!StartReviewStep(ctx, service, &s, &error)) return error;
  TableRequests uc(service);
  Result<TableRequestRecord> record =
      uc.StartReview(*ctx.store, ActorOf(ctx), *s.who, s.id, s.version);
  if (!record.ok()) return StatusToHttp(record.status());
  return OneRequest(service, ctx, *s.who, *record, 200);
}

HttpResponse HandleDraft(const RequestContext& ctx, const ServiceContext& service) {
  ReviewStart s;
  HttpResponse error;
  if (!StartReviewStep(ctx, service, &s, &error)) return error;
  if (ctx.request.body.empty()) {
    return BadParameter("body", "请求体为空：应为映射草稿的 YAML 文本");
  }
  TableRequests uc(service);
  Result<TableRequestRecord> record =
      uc.SaveDraft(*ctx.store, ActorOf(ctx), *s.who, s.id, s.version, ctx.request.body);
  if (!record.ok()) return DraftProblems(record.status());
  return OneRequest(service, ctx, *s.who, *record, 200);
}

HttpResponse HandleApprove(const RequestContext& ctx, const ServiceContext& service) {
  ReviewStart s;
  HttpResponse error;
  if (!StartReviewStep(ctx, service, &s, &error)) return error;
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"columns", "unmasked", "scope", "note"});
  if (!st.ok()) return StatusToHttp(st, {{"body", "invalid", st.message()}});
  requests::Approval approval;
  using Slot = std::pair<const char*, std::vector<std::string>*>;
  const Slot slots[] = {
      {"columns", &approval.columns}, {"unmasked", &approval.unmasked}, {"scope", &approval.scope}};
  for (const auto& [key, out] : slots) {
    Result<std::optional<std::vector<std::string>>> list = OptionalStrings(body, key);
    if (!list.ok()) return BadParameter(key, list.status().message());
    if (std::string(key) == "columns" && list->has_value() && (*list)->empty()) {
      return BadParameter("columns", "至少要保留一列");
    }
    *out = list->value_or(std::vector<std::string>{});
  }
  Result<std::string> note = Member(body, "note");
  if (!note.ok()) return BadParameter("note", note.status().message());
  approval.note = *note;
  std::string field;
  TableRequests uc(service);
  Result<TableRequestRecord> record =
      uc.Approve(*ctx.store, ActorOf(ctx), *s.who, s.id, s.version, std::move(approval), &field);
  if (!record.ok()) {
    if (!field.empty() && record.status().code() == StatusCode::kInvalidArgument) {
      return BadParameter(field, record.status().message());
    }
    return DraftProblems(record.status());
  }
  return OneRequest(service, ctx, *s.who, *record, 200);
}

HttpResponse HandleGrant(const RequestContext& ctx, const ServiceContext& service) {
  ReviewStart s;
  HttpResponse error;
  if (!StartReviewStep(ctx, service, &s, &error, Permission::kManageUsers)) return error;
  TableRequests uc(service);
  Result<TableRequestRecord> record = uc.Grant(*ctx.store, ActorOf(ctx), *s.who, s.id, s.version);
  if (!record.ok()) return StatusToHttp(record.status());
  return OneRequest(service, ctx, *s.who, *record, 200);
}

HttpResponse DeliveryDraftJson(const requests::DeliveryDraft& draft, int status) {
  JsonWriter w;
  w.StartObject();
  w.Key("id").String(draft.id).Key("path").String(draft.path).Key("saved").Bool(draft.saved);
  w.Key("yaml").String(draft.yaml);
  w.Key("notes").StartArray();
  for (const std::string& n : draft.notes) w.String(n);
  w.EndArray().EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = status;
  return response;
}

HttpResponse HandleDeliveryDraft(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) return StatusToHttp(Status::NotFound("新表申请不存在"));
  requests::RequestDeliveries uc(service);
  Result<requests::DeliveryDraft> draft = uc.Draft(*ctx.store, **who, *id);
  if (!draft.ok()) return StatusToHttp(draft.status());
  return DeliveryDraftJson(*draft, 200);
}

HttpResponse HandleDeliverySave(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) return StatusToHttp(Status::NotFound("新表申请不存在"));
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"yaml"});
  if (!st.ok()) return StatusToHttp(st, {{"body", "invalid", st.message()}});
  Result<std::string> yaml = Member(body, "yaml");
  if (!yaml.ok()) return BadParameter("yaml", yaml.status().message());
  if (yaml->empty()) return BadParameter("yaml", "请填写推送配置（YAML）");
  requests::RequestDeliveries uc(service);
  Result<std::string> path = uc.Save(*ctx.store, ActorOf(ctx), **who, *id, *yaml);
  if (!path.ok()) return DraftProblems(path.status());
  JsonWriter w;
  w.StartObject().Key("path").String(*path).EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 201;
  return response;
}

HttpResponse HandleDecline(const RequestContext& ctx, const ServiceContext& service) {
  ReviewStart s;
  HttpResponse error;
  if (!StartReviewStep(ctx, service, &s, &error, std::nullopt)) return error;
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"reason"});
  if (!st.ok()) return StatusToHttp(st, {{"body", "invalid", st.message()}});
  Result<std::string> reason = Member(body, "reason");
  if (!reason.ok()) return BadParameter("reason", reason.status().message());
  TableRequests uc(service);
  Result<TableRequestRecord> record =
      uc.Decline(*ctx.store, ActorOf(ctx), *s.who, s.id, s.version, *reason);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kInvalidArgument) {
      return BadParameter("reason", record.status().message());
    }
    return StatusToHttp(record.status());
  }
  return OneRequest(service, ctx, *s.who, *record, 200);
}

}  // namespace

Status RegisterRequestRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/requests",
      RouteDoc("部门提交新表申请（附空白模板），立即生成映射草稿", {},
               "{title, purpose, legal_basis, as_of, scope, frequency, contact, template_name, "
               "template_base64}"),
      [s](const RequestContext& ctx) { return HandleFile(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/requests",
                              RouteDoc("新表申请列表（新的在前；部门只看到自己的）",
                                       {{"before", "integer", "只列编号小于此值的申请", false},
                                        {"limit", "integer", "条数（1–200，默认 50）", false}}),
                              [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/requests/{id}",
                              RouteDoc("一项新表申请：状态、草稿各列如何填写、录入节省"),
                              [s](const RequestContext& ctx) { return HandleGet(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/requests/{id}/review",
                              RouteDoc("管理员开始审核新表申请（需 If-Match）"),
                              [s](const RequestContext& ctx) { return HandleReview(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "PUT", "/api/v1/requests/{id}/draft",
      RouteDoc("管理员保存修改后的映射草稿（校验通过才保存；需 If-Match）", {}, "映射的 YAML 文本"),
      [s](const RequestContext& ctx) { return HandleDraft(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/requests/{id}/approve",
      RouteDoc("管理员通过申请：发布映射（只含保留的列与批准的范围），授权待安全管理员确认（需 "
               "If-Match）",
               {}, "{columns: [保留的列标题], unmasked: [完整显示的列], scope: [社区代码], note}"),
      [s](const RequestContext& ctx) { return HandleApprove(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/requests/{id}/grant",
                              RouteDoc("安全管理员确认通过的申请所需的授权（需 If-Match）"),
                              [s](const RequestContext& ctx) { return HandleGrant(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/requests/{id}/delivery",
                  RouteDoc("按报送频次（每月 / 数据变化时）生成的推送草稿（YAML）"),
                  [s](const RequestContext& ctx) { return HandleDeliveryDraft(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("POST", "/api/v1/requests/{id}/delivery",
                  RouteDoc("把推送草稿保存到推送目录（与 onetable check 同样检查；只接受文件目标）",
                           {}, "{yaml}"),
                  [s](const RequestContext& ctx) { return HandleDeliverySave(ctx, *s); }));
  return router->Add(
      "POST", "/api/v1/requests/{id}/decline",
      RouteDoc("退回申请并说明原因：审核中的由管理员、待授权的由安全管理员（需 If-Match）", {},
               "{reason}"),
      [s](const RequestContext& ctx) { return HandleDecline(ctx, *s); });
}

}  // namespace onetable
