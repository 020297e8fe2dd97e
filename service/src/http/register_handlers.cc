#include "http/register_handlers.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/visible_rows.h"
#include "audit/audit_log.h"
#include "http/json_body.h"
#include "http/household_head.h"
#include "http/household_summary.h"
#include "http/person_duplicates.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "model/catalog_keys.h"
#include "model/date.h"
#include "model/validation.h"
#include "register/place_code.h"
#include "register/register_write.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr EntityKind kKinds[] = {EntityKind::kCommunity, EntityKind::kGrid, EntityKind::kBuilding,
                                 EntityKind::kHousehold, EntityKind::kPerson};

constexpr int64_t kMaxId = 999999999999999999;

bool IsPersonStatus(const std::string& s) {
  return s == kStatusActive || s == kStatusMovedAway || s == kStatusDeceased;
}

// ?status= of a list: active by default, "all" for any.
bool ReadStatusFilter(const HttpRequest& request, EntityKind kind, std::string* status,
                      HttpResponse* error) {
  auto it = request.query.find("status");
  if (it == request.query.end()) {
    *status = kStatusActive;
    return true;
  }
  if (it->second == "all") {
    status->clear();
    return true;
  }
  if (kind == EntityKind::kPerson ? IsPersonStatus(it->second) : it->second == kStatusActive) {
    *status = it->second;
    return true;
  }
  *error = BadParameter("status", kind == EntityKind::kPerson
                                      ? "查询参数 status 应为 active、moved_away、deceased 或 all"
                                      : "查询参数 status 应为 active 或 all");
  return false;
}

// The "status" member of a write: persons only, one of the person statuses.
bool ReadWriteStatus(const rapidjson::Value& body, EntityKind kind, std::string* status,
                     HttpResponse* error) {
  Result<std::optional<std::string>> value = OptionalString(body, "status");
  if (!value.ok()) {
    *error = BadParameter("status", value.status().message());
    return false;
  }
  if (!value->has_value()) return true;
  if (kind != EntityKind::kPerson) {
    if (**value == kStatusActive) return true;
    *error = BadParameter("status", std::string(EntityLabel(kind)) + "的状态只能是 active");
    return false;
  }
  if (!IsPersonStatus(**value)) {
    *error = BadParameter("status", "status 应为 active、moved_away 或 deceased");
    return false;
  }
  *status = **value;
  return true;
}

// The "fields" member: required on create, optional on update.
bool ReadFields(const ServiceContext& service, const rapidjson::Value& body, EntityKind kind,
                bool required, FieldInput* input, HttpResponse* error) {
  auto it = body.FindMember("fields");
  if (it == body.MemberEnd()) {
    if (!required) return true;
    *error = BadParameter("fields", "缺少字段 fields（字段 → 值）");
    return false;
  }
  const Catalog& catalog = service.catalog;
  return ReadFieldValues(
      it->value, [&](const std::string& key) { return catalog.Find(kind, key); }, input, error);
}

std::string ObjectOf(EntityKind kind, int64_t id) {
  return std::string(EntityName(kind)) + "/" + std::to_string(id);
}

// The response for a code the place may not take: a malformed one is a field that fails
// validation (422, like every other field); a taken one or one outside the account's prefix keeps
// its own status (409, 403).
HttpResponse CodeRefused(const Status& st) {
  const ErrorDetail detail{keys::kCode, "invalid_code", st.message()};
  if (st.code() == StatusCode::kInvalidArgument) return ValidationFailed({detail});
  return StatusToHttp(st, {detail});
}

// The response for a failed write: 422, 412 with the current row, or the store's error.
HttpResponse WriteFailure(const ServiceContext& service, const Principal& who, EntityKind kind,
                          const WriteOutcome& outcome) {
  if (!outcome.issues.empty()) return ValidationFailed(outcome.issues);
  if (outcome.status.code() == StatusCode::kConflict && outcome.row.id != 0) {
    return StaleResponse(service, who, kind, outcome.row);
  }
  if (outcome.status.code() == StatusCode::kAlreadyExists && kind == EntityKind::kPerson) {
    return StatusToHttp(outcome.status,
                        {ErrorDetail{keys::kIdNumber, "duplicate", outcome.status.message()}});
  }
  return StatusToHttp(outcome.status);
}

// The relationship code `input` sets, normalized as the write will store it (a label or padding
// becomes the code), so the 户主 rule compares codes.
FieldInput WithNormalizedRelationship(const ServiceContext& service, FieldInput input) {
  auto rel = input.set.find(keys::kRelationship);
  const FieldDef* field = service.catalog.Find(EntityKind::kPerson, keys::kRelationship);
  if (rel == input.set.end() || field == nullptr) return input;
  const Validator validator(service.catalog, service.divisions);
  std::string code = rel->second;
  if (!validator.NormalizeField(*field, &code).has_value()) rel->second = code;
  return input;
}

// The 户主 rule (household_head.h) for a person write; on a break fills `error` with the 422.
bool CheckHead(const ServiceContext& service, Store& store, int64_t person_id,
               int64_t household_id, const FieldInput& input, HeadChoice* choice,
               HttpResponse* error) {
  Result<std::optional<ErrorDetail>> issue =
      CheckHeadRule(store, person_id, household_id, WithNormalizedRelationship(service, input),
                    choice);
  if (!issue.ok()) {
    *error = StatusToHttp(issue.status());
    return false;
  }
  if (issue->has_value()) {
    *error = ValidationFailed({**issue});
    return false;
  }
  return true;
}

// WriteFailure, except that an ID number already registered says where that person is
// (person_duplicates.h).
HttpResponse DuplicateOrFailure(const ServiceContext& service, const Principal& who, Store& store,
                                EntityKind kind, const FieldInput& input,
                                const WriteOutcome& outcome) {
  auto id = input.set.find(keys::kIdNumber);
  if (kind == EntityKind::kPerson && outcome.issues.empty() &&
      outcome.status.code() == StatusCode::kAlreadyExists && id != input.set.end()) {
    return DuplicateIdResponse(service, who, store, id->second, outcome.status);
  }
  return WriteFailure(service, who, kind, outcome);
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service, EntityKind kind) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  RowFilter filter;
  if (!ReadStatusFilter(ctx.request, kind, &filter.status, &error)) return error;
  Result<int64_t> parent = IntQueryParam(ctx.request, "parent_id", 0, 1, kMaxId);
  if (!parent.ok()) return BadParameter("parent_id", parent.status().message());
  filter.parent_id = *parent;
  if (auto summary = ctx.request.query.find("summary");
      summary != ctx.request.query.end() && summary->second == "1") {
    if (kind != EntityKind::kHousehold) {
      return BadParameter("summary", "summary=1 只用于户的列表");
    }
    return HouseholdSummaryList(ctx, service, **who, filter, page);
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  bool more = false;
  Result<std::vector<Row>> rows =
      ListVisible(service.policy, **who, *ctx.store, kind, filter, page, &more);
  if (!rows.ok()) return StatusToHttp(rows.status());
  if (kind == EntityKind::kPerson) {
    {
      const Status audited = Audit(ctx, kAuditSearch, "persons", kAuditOk,
                                   "list parent_id=" + std::to_string(filter.parent_id) +
                                       " rows=" + std::to_string(rows->size()));
      if (!audited.ok()) return StatusToHttp(audited);
    }
  }
  return RowListResponse(service, **who, kind, *rows, more);
}

// GET /persons/{id}?reveal=1: "show in full" — ID numbers and phones unmasked, audited as its
// own action; a child under 14 only for an account with the minor grant (access.h).
HttpResponse HandleGetPerson(const RequestContext& ctx, const ServiceContext& service,
                             const Principal& who, const Row& row) {
  auto reveal_param = ctx.request.query.find("reveal");
  const bool reveal = reveal_param != ctx.request.query.end() && reveal_param->second == "1";
  const std::string object = "person/" + std::to_string(row.id);
  const std::string* birth = row.Get(keys::kBirthDate);
  const bool minor = birth != nullptr && IsUnder14(*birth, Today().ToString());
  if (!reveal) {
    {
      const Status audited = Audit(ctx, kAuditRead, object, kAuditOk);
      if (!audited.ok()) return StatusToHttp(audited);
    }
    return RowResponse(service, who, EntityKind::kPerson, row);
  }
  if (!service.policy.MayReveal(who, minor)) {
    Audit(ctx, kAuditReveal, object, kAuditRefused, "minor").IgnoreError();
    return StatusToHttp(Status::Denied(
        "未满十四周岁的未成年人信息属敏感个人信息：当前账号未获授权（sensitive:minor）查看完整的"
        "身份证号和电话"));
  }
  std::string fields;
  for (const FieldDef* field : service.catalog.StoredFields(EntityKind::kPerson)) {
    if (IsIdentifier(*field) && row.Get(field->key) != nullptr &&
        service.policy.SeesField(who, *field)) {
      fields += (fields.empty() ? "" : ",") + field->key;
    }
  }
  {
    const Status audited =
        Audit(ctx, kAuditReveal, object, kAuditOk, "fields: " + fields + (minor ? " minor" : ""));
    if (!audited.ok()) return StatusToHttp(audited);
  }
  return RowResponse(service, who, EntityKind::kPerson, row, 200, /*reveal=*/true);
}

HttpResponse HandleGet(const RequestContext& ctx, const ServiceContext& service, EntityKind kind) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) return BadParameter("id", id.status().message());
  if (ctx.store == nullptr) return NoStoreResponse();
  Status allowed = service.policy.RequireRow(**who, *ctx.store, kind, *id);
  if (!allowed.ok()) return StatusToHttp(allowed);
  Result<Row> row = ctx.store->Get(kind, *id);
  if (!row.ok()) return StatusToHttp(row.status());
  if (kind == EntityKind::kPerson) return HandleGetPerson(ctx, service, **who, *row);
  return RowResponse(service, **who, kind, *row);
}

HttpResponse HandleCreate(const RequestContext& ctx, const ServiceContext& service,
                          EntityKind kind) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kWriteRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  Status keys = CheckKeys(body, {"parent_id", "status", "fields"});
  if (!keys.ok()) return StatusToHttp(keys);
  Result<std::optional<int64_t>> parent = OptionalInt(body, "parent_id");
  if (!parent.ok()) return BadParameter("parent_id", parent.status().message());
  const int64_t parent_id = parent->value_or(0);
  if (parent_id < 0) return BadParameter("parent_id", "parent_id 应为正整数");
  HttpResponse error;
  std::string status;
  if (!ReadWriteStatus(body, kind, &status, &error)) return error;
  FieldInput input;
  if (!ReadFields(service, body, kind, /*required=*/true, &input, &error)) return error;
  if (!CheckWritableFields(service, **who, kind, input, &error)) return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  Status allowed = service.policy.RequireParent(**who, store, kind, parent_id);
  if (!allowed.ok()) return StatusToHttp(allowed);
  if (auto code = input.set.find(keys::kCode); code != input.set.end()) {
    Status checked = CheckPlaceCode(store, kind, 0, parent_id, code->second);
    if (!checked.ok()) {
      return CodeRefused(checked);
    }
  }
  // A household with no value at all is nobody's: a blank form is refused, not saved as "户 N".
  if (kind == EntityKind::kHousehold && input.set.empty()) {
    return ValidationFailed({ErrorDetail{"fields", "empty_household",
                                         "新增户至少要填写一项户信息（如户号、房号或家庭地址）"}});
  }
  HeadChoice head;
  if (kind == EntityKind::kPerson &&
      !CheckHead(service, store, 0, parent_id, input, &head, &error)) {
    HttpResponse refused = error;
    if (!AuditWrite(ctx, kind, 0, "create refused: head", false, &error)) return error;
    return refused;
  }

  const Validator validator(service.catalog, service.divisions);
  WriteOutcome outcome =
      CreateRecord(store, validator, kind, parent_id, status, input, (*who)->user);
  int reviews = 0;
  if (outcome.status.ok() && outcome.issues.empty()) {
    Status named = ApplyHeadChoice(store, head, outcome.row.id, (*who)->user);
    if (named.ok() && kind == EntityKind::kPerson) {
      named = OpenNameBirthReviews(store, outcome.row, (*who)->user, &reviews);
    }
    if (!named.ok()) outcome.status = named;
  }
  const bool ok = outcome.status.ok() && outcome.issues.empty();
  if (!ok) {
    HttpResponse failure = DuplicateOrFailure(service, **who, store, kind, input, outcome);
    if (!AuditWrite(ctx, kind, 0, "create failed: " + std::to_string(failure.status), false,
                    &error)) {
      return error;
    }
    return failure;
  }
  std::string detail = "create " + ChangedFieldsDetail(outcome.changed);
  if (reviews > 0) detail += " reviews=" + std::to_string(reviews);
  if (!AuditWrite(ctx, kind, outcome.row.id, detail, true, &error)) {
    return error;
  }
  HttpResponse response = RowResponse(service, **who, kind, outcome.row, 201);
  response.headers["Location"] =
      std::string("/api/v1/") + PluralOf(kind) + "/" + std::to_string(outcome.row.id);
  return response;
}

// A community's or grid's code is what scopes name: only the system administrator changes it,
// and only to a code that fits under its parent and is not taken (register/place_code.h).
Status CheckCodeChange(Store& store, const Principal& who, EntityKind kind, int64_t id,
                       const FieldInput& input) {
  if (kind != EntityKind::kCommunity && kind != EntityKind::kGrid) return Status::Ok();
  auto set = input.set.find(keys::kCode);
  const bool cleared = input.cleared.count(keys::kCode) > 0;
  if (set == input.set.end() && !cleared) return Status::Ok();
  ASSIGN_OR_RETURN(Row current, store.Get(kind, id));
  const std::string* now = current.Get(keys::kCode);
  if (set != input.set.end() && now != nullptr && *now == set->second) return Status::Ok();
  if (who.role != Role::kAdmin) {
    return Status::Denied(std::string("只有系统管理员可以修改") + EntityLabel(kind) +
                          "的代码（按代码授权的账号会随之失去管辖范围）");
  }
  if (cleared) return Status::Invalid(std::string(EntityLabel(kind)) + "的代码不能为空");
  return CheckPlaceCode(store, kind, id, current.parent_id, set->second);
}

HttpResponse HandleUpdate(const RequestContext& ctx, const ServiceContext& service,
                          EntityKind kind) {
  RowWrite write;
  HttpResponse error;
  if (!StartRowWrite(ctx, service, &write, &error)) return error;
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  if (body.HasMember("parent_id")) {
    return BadParameter("parent_id", kind == EntityKind::kPerson
                                         ? "更换所在户请用 POST /api/v1/persons/{id}/move"
                                         : "上级不能在此修改");
  }
  Status keys = CheckKeys(body, {"status", "fields"});
  if (!keys.ok()) return StatusToHttp(keys);
  std::string status;
  if (!ReadWriteStatus(body, kind, &status, &error)) return error;
  FieldInput input;
  if (!ReadFields(service, body, kind, /*required=*/false, &input, &error)) return error;
  if (!CheckWritableFields(service, *write.who, kind, input, &error)) return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  Status allowed = service.policy.RequireRow(*write.who, store, kind, write.id);
  if (!allowed.ok()) return StatusToHttp(allowed);
  Status code_ok = CheckCodeChange(store, *write.who, kind, write.id, input);
  if (!code_ok.ok()) {
    const HttpResponse refused = CodeRefused(code_ok);
    if (!AuditWrite(ctx, kind, write.id, "update refused: code", false, &error)) return error;
    return refused;
  }
  HeadChoice head;
  if (kind == EntityKind::kPerson) {
    Result<Row> person = store.Get(kind, write.id);
    if (!person.ok()) return StatusToHttp(person.status());
    if (person->status == kStatusActive &&
        !CheckHead(service, store, write.id, person->parent_id, input, &head, &error)) {
      HttpResponse refused = error;
      if (!AuditWrite(ctx, kind, write.id, "update refused: head", false, &error)) return error;
      return refused;
    }
  }

  const Validator validator(service.catalog, service.divisions);
  WriteOutcome outcome = UpdateRecord(store, validator, kind, write.id, write.expected, input,
                                      status, write.who->user);
  if (outcome.status.ok() && outcome.issues.empty()) {
    Status named = ApplyHeadChoice(store, head, write.id, write.who->user);
    if (!named.ok()) outcome.status = named;
  }
  const bool ok = outcome.status.ok() && outcome.issues.empty();
  if (!ok) {
    HttpResponse failure = DuplicateOrFailure(service, *write.who, store, kind, input, outcome);
    if (!AuditWrite(ctx, kind, write.id, "update failed: " + std::to_string(failure.status), false,
                    &error)) {
      return error;
    }
    return failure;
  }
  std::string detail = "update " + ChangedFieldsDetail(outcome.changed);
  if (!status.empty()) detail += " status=" + status;
  if (!AuditWrite(ctx, kind, write.id, detail, true, &error)) return error;
  return RowResponse(service, *write.who, kind, outcome.row);
}

HttpResponse HandleDelete(const RequestContext& ctx, const ServiceContext& service,
                          EntityKind kind) {
  RowWrite write;
  HttpResponse error;
  if (!StartRowWrite(ctx, service, &write, &error)) return error;
  std::string status;
  if (kind == EntityKind::kPerson) {
    auto it = ctx.request.query.find("status");
    if (it == ctx.request.query.end() ||
        (it->second != kStatusMovedAway && it->second != kStatusDeceased)) {
      return BadParameter("status",
                          "人员记录不删除：请用 ?status=moved_away（迁出）或 deceased（死亡）标记");
    }
    status = it->second;
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  Status allowed = service.policy.RequireRow(*write.who, store, kind, write.id);
  if (!allowed.ok()) return StatusToHttp(allowed);

  if (kind == EntityKind::kPerson) {
    const Validator validator(service.catalog, service.divisions);
    WriteOutcome outcome = UpdateRecord(store, validator, kind, write.id, write.expected,
                                        FieldInput{}, status, write.who->user);
    if (!outcome.status.ok() || !outcome.issues.empty()) {
      HttpResponse failure = WriteFailure(service, *write.who, kind, outcome);
      if (!AuditWrite(ctx, kind, write.id, "status failed: " + std::to_string(failure.status),
                      false, &error)) {
        return error;
      }
      return failure;
    }
    if (!AuditWrite(ctx, kind, write.id, "status=" + status, true, &error)) return error;
    return RowResponse(service, *write.who, kind, outcome.row);
  }

  Status deleted = RetryDeadlocks([&]() { return store.Delete(kind, write.id, write.expected); });
  if (!deleted.ok()) {
    HttpResponse failure;
    Result<Row> current = store.Get(kind, write.id);
    if (deleted.code() == StatusCode::kConflict && current.ok()) {
      failure = StaleResponse(service, *write.who, kind, *current);
    } else {
      failure = StatusToHttp(deleted);
    }
    if (!AuditWrite(ctx, kind, write.id, "delete failed: " + std::to_string(failure.status), false,
                    &error)) {
      return error;
    }
    return failure;
  }
  if (!AuditWrite(ctx, kind, write.id, "delete", true, &error)) return error;
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace

const char* PluralOf(EntityKind kind) {
  switch (kind) {
    case EntityKind::kCommunity:
      return "communities";
    case EntityKind::kGrid:
      return "grids";
    case EntityKind::kBuilding:
      return "buildings";
    case EntityKind::kHousehold:
      return "households";
    case EntityKind::kPerson:
      return "persons";
    default:
      return nullptr;
  }
}

HttpResponse NoStoreResponse() {
  return StatusToHttp(Status::Internal("handler called without a store"));
}

bool StartRowWrite(const RequestContext& ctx, const ServiceContext& service, RowWrite* out,
                   HttpResponse* error) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kWriteRegister);
  if (!who.ok()) {
    *error = StatusToHttp(who.status());
    return false;
  }
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) {
    *error = BadParameter("id", id.status().message());
    return false;
  }
  out->who = *who;
  out->id = *id;
  return ReadIfMatch(ctx.request, &out->expected, error);
}

bool AuditWrite(const RequestContext& ctx, EntityKind kind, int64_t id, const std::string& detail,
                bool ok, HttpResponse* error) {
  Status st = Audit(ctx, kAuditWrite, id > 0 ? ObjectOf(kind, id) : EntityName(kind),
                    ok ? kAuditOk : kAuditFailed, detail);
  if (st.ok()) return true;
  *error = StatusToHttp(st);
  return false;
}

Status RegisterRegisterRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  const std::vector<ParamDoc> page = {{"after", "integer", "上一页最后一条的 id（翻页）", false},
                                      {"limit", "integer", "每页条数，1–500，默认 50", false}};
  for (EntityKind kind : kKinds) {
    const std::string base = std::string("/api/v1/") + PluralOf(kind);
    const std::string label = EntityLabel(kind);
    std::vector<ParamDoc> list_params = page;
    list_params.push_back({"parent_id", "integer", "只列出该上级之下的记录", false});
    list_params.push_back({"status", "string",
                           kind == EntityKind::kPerson
                               ? "active（默认）、moved_away、deceased 或 all"
                               : "active（默认）或 all",
                           false});
    RETURN_IF_ERROR(
        router->Add("GET", base, RouteDoc(label + "列表（仅本人可见范围）", list_params),
                    [s, kind](const RequestContext& ctx) { return HandleList(ctx, *s, kind); }));
    RETURN_IF_ERROR(
        router->Add("POST", base,
                    RouteDoc("新建" + label, {},
                             "{\"parent_id\": 上级 id, \"status\"?, \"fields\": {字段: 值}}"),
                    [s, kind](const RequestContext& ctx) { return HandleCreate(ctx, *s, kind); }));
    RETURN_IF_ERROR(
        router->Add("GET", base + "/{id}", RouteDoc("查看" + label + "（带 ETag）"),
                    [s, kind](const RequestContext& ctx) { return HandleGet(ctx, *s, kind); }));
    RETURN_IF_ERROR(
        router->Add("PUT", base + "/{id}",
                    RouteDoc("修改" + label + "（需 If-Match 请求头；只改所给字段，null 清空）", {},
                             "{\"fields\": {字段: 值或 null}, \"status\"?}"),
                    [s, kind](const RequestContext& ctx) { return HandleUpdate(ctx, *s, kind); }));
    std::vector<ParamDoc> delete_params;
    if (kind == EntityKind::kPerson) {
      delete_params.push_back({"status", "string", "moved_away（迁出）或 deceased（死亡）", true});
    }
    RETURN_IF_ERROR(router->Add(
        "DELETE", base + "/{id}",
        RouteDoc(kind == EntityKind::kPerson ? "标记人员迁出或死亡（记录保留；需 If-Match）"
                                             : "删除" + label + "（其下无记录时；需 If-Match）",
                 delete_params),
        [s, kind](const RequestContext& ctx) { return HandleDelete(ctx, *s, kind); }));
  }
  return Status::Ok();
}

}  // namespace onetable
