#include "http/tag_handlers.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/json_body.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "model/date.h"
#include "model/validation.h"
#include "register/register_write.h"
#include "store/store.h"

namespace onetable {
namespace {

// The start of every tag route: the caller, the person in scope.
struct TagCall {
  const Principal* who = nullptr;
  int64_t person_id = 0;
  int64_t tag_id = 0;    // routes with {tag_id}
  int64_t expected = 0;  // routes with If-Match
};

bool Start(const RequestContext& ctx, const ServiceContext& service, Permission permission,
           bool with_tag, bool with_version, TagCall* call, HttpResponse* error) {
  Result<const Principal*> who = Authorize(service, ctx, permission);
  if (!who.ok()) {
    *error = StatusToHttp(who.status());
    return false;
  }
  call->who = *who;
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) {
    *error = BadParameter("id", id.status().message());
    return false;
  }
  call->person_id = *id;
  if (with_tag) {
    Result<int64_t> tag = IdParam(ctx.params, "tag_id");
    if (!tag.ok()) {
      *error = BadParameter("tag_id", tag.status().message());
      return false;
    }
    call->tag_id = *tag;
  }
  if (with_version && !ReadIfMatch(ctx.request, &call->expected, error)) return false;
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

bool Visible(const ServiceContext& service, const Principal& who, const std::string& key) {
  const TagDef* def = service.catalog.FindTag(key);
  return def != nullptr && service.policy.SeesTag(who, *def);
}

// The tag `tag_id` of the person, if the caller may see it; 404 otherwise.
Result<TagAssignment> FindTag(Store& store, const ServiceContext& service, const TagCall& call) {
  ASSIGN_OR_RETURN(std::vector<TagAssignment> tags, store.ListTags(call.person_id));
  for (TagAssignment& tag : tags) {
    if (tag.id == call.tag_id && Visible(service, *call.who, tag.tag)) return std::move(tag);
  }
  return Status::NotFound("未找到 id 为 " + std::to_string(call.tag_id) + " 的标签");
}

FieldDef DateField(const char* key, const char* label) {
  FieldDef f;
  f.key = key;
  f.label = label;
  f.type = FieldType::kDate;
  return f;
}

// Applies the body's attrs, valid_from and valid_to to `tag` and validates the result; one
// detail per problem in `issues`. False with `error` for a malformed body.
bool ApplyBody(const ServiceContext& service, const rapidjson::Value& body, const TagDef& def,
               bool creating, TagAssignment* tag, std::vector<ErrorDetail>* issues,
               HttpResponse* error) {
  const Validator validator(service.catalog, service.divisions);
  auto attrs = body.FindMember("attrs");
  if (attrs != body.MemberEnd()) {
    FieldInput input;
    if (!ReadFieldValues(
            attrs->value, [&](const std::string& key) { return def.FindAttribute(key); }, &input,
            error)) {
      return false;
    }
    for (auto& [key, value] : input.set) {
      const FieldDef* attr = def.FindAttribute(key);
      if (attr == nullptr) {
        issues->push_back({"attrs." + key, "unknown_field",
                           "属性“" + key + "”：不是“" + def.label + "”标签的属性"});
        continue;
      }
      std::string v = value;
      if (std::optional<Problem> p = validator.NormalizeField(*attr, &v)) {
        issues->push_back({"attrs." + key, p->code, attr->label + "：" + p->message});
      } else if (v.empty()) {
        tag->attrs.erase(key);
      } else {
        tag->attrs[key] = v;
      }
    }
    for (const std::string& key : input.cleared) {
      if (def.FindAttribute(key) == nullptr) {
        issues->push_back({"attrs." + key, "unknown_field",
                           "属性“" + key + "”：不是“" + def.label + "”标签的属性"});
      }
      tag->attrs.erase(key);
    }
  }
  static const FieldDef kFrom = DateField("valid_from", "起始日期");
  static const FieldDef kTo = DateField("valid_to", "终止日期");
  for (const FieldDef* f : {&kFrom, &kTo}) {
    auto it = body.FindMember(f->key.c_str());
    if (it == body.MemberEnd()) continue;
    std::string* target = f == &kFrom ? &tag->valid_from : &tag->valid_to;
    if (it->value.IsNull()) {
      target->clear();
      continue;
    }
    if (!it->value.IsString()) {
      issues->push_back({f->key, "wrong_type", f->label + "：应为日期字符串 YYYY-MM-DD"});
      continue;
    }
    std::string v(it->value.GetString(), it->value.GetStringLength());
    if (std::optional<Problem> p = validator.NormalizeField(*f, &v)) {
      issues->push_back({f->key, p->code, f->label + "：" + p->message});
    } else {
      *target = v;
    }
  }
  if (!tag->valid_from.empty() && !tag->valid_to.empty() && tag->valid_to < tag->valid_from) {
    issues->push_back({"valid_to", "date_order", "终止日期：早于起始日期"});
  }
  if (creating) {
    for (const FieldDef& attr : def.attributes) {
      if (attr.required && tag->attrs.count(attr.key) == 0) {
        issues->push_back({"attrs." + attr.key, "required", attr.label + "：必填，不能为空"});
      }
    }
  }
  return true;
}

std::string TagObject(int64_t id) { return "tag/" + std::to_string(id); }

bool AuditTag(const RequestContext& ctx, int64_t id, const std::string& detail, bool ok,
              HttpResponse* error) {
  Status st =
      Audit(ctx, kAuditWrite, id > 0 ? TagObject(id) : "tag", ok ? kAuditOk : kAuditFailed, detail);
  if (st.ok()) return true;
  *error = StatusToHttp(st);
  return false;
}

HttpResponse StaleTag(const TagAssignment& current, const TagDef* def) {
  JsonWriter w;
  w.StartObject();
  w.Key("error").StartObject();
  w.Key("code").String("conflict");
  w.Key("message").String("标签 " + std::to_string(current.id) + " 已被他人修改（当前版本 " +
                          std::to_string(current.version) + "），请查看最新内容后再改");
  w.Key("details").StartArray().EndArray();
  w.Key("current_version").Int(current.version);
  w.EndObject();
  w.Key("current");
  WriteTag(w, current, def);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 412;
  response.headers["ETag"] = ETagOf(current.version);
  return response;
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  TagCall call;
  HttpResponse error;
  if (!Start(ctx, service, Permission::kReadRegister, false, false, &call, &error)) return error;
  Page page;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  Result<std::vector<TagAssignment>> tags = ctx.store->ListTags(call.person_id);
  if (!tags.ok()) return StatusToHttp(tags.status());
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  int written = 0;
  bool more = false;
  int64_t last = 0;
  for (const TagAssignment& tag : *tags) {
    if (tag.id <= page.after || !Visible(service, *call.who, tag.tag)) continue;
    if (written == page.limit) {
      more = true;
      break;
    }
    WriteTag(w, tag, service.catalog.FindTag(tag.tag));
    last = tag.id;
    ++written;
  }
  w.EndArray();
  WriteNextAfter(w, last, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleAdd(const RequestContext& ctx, const ServiceContext& service) {
  TagCall call;
  HttpResponse error;
  if (!Start(ctx, service, Permission::kWriteRegister, false, false, &call, &error)) return error;
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  Status keys = CheckKeys(body, {"tag", "attrs", "valid_from", "valid_to"});
  if (!keys.ok()) return StatusToHttp(keys);
  Result<std::string> key = RequiredString(body, "tag");
  if (!key.ok()) return BadParameter("tag", key.status().message());
  const TagDef* def = service.catalog.FindTag(*key);
  if (def == nullptr) {
    return ValidationFailed(
        {ErrorDetail{"tag", "unknown_tag", "标签“" + key->substr(0, 64) + "”不在字段目录中"}});
  }
  if (!service.policy.SeesTag(*call.who, *def)) {
    return StatusToHttp(Status::Denied("未获授权查看“" + def->label + "”标签，不能添加"));
  }
  TagAssignment tag;
  tag.person_id = call.person_id;
  tag.tag = def->key;
  tag.source = std::string("manual:") + call.who->user;
  std::vector<ErrorDetail> issues;
  if (!ApplyBody(service, body, *def, /*creating=*/true, &tag, &issues, &error)) return error;
  if (!issues.empty()) return ValidationFailed(issues);

  Store& store = *ctx.store;
  Result<int64_t> id = Status::Internal("not run");
  // The outcome is in `id` (RetryDeadlocks returns its status, already kept there).
  RetryDeadlocks([&]() {
    id = store.AddTag(tag);
    return id.status();
  }).IgnoreError();
  if (!id.ok()) {
    HttpResponse failure = StatusToHttp(id.status());
    if (!AuditTag(ctx, 0, "add failed: " + std::to_string(failure.status), false, &error)) {
      return error;
    }
    return failure;
  }
  TagCall added = call;
  added.tag_id = *id;
  Result<TagAssignment> stored = FindTag(store, service, added);
  if (!stored.ok()) return StatusToHttp(stored.status());
  if (!AuditTag(ctx, *id, "add person=" + std::to_string(call.person_id), true, &error)) {
    return error;
  }
  HttpResponse response = TagResponse(*stored, def, 201);
  response.headers["Location"] =
      "/api/v1/persons/" + std::to_string(call.person_id) + "/tags/" + std::to_string(*id);
  return response;
}

HttpResponse HandleUpdate(const RequestContext& ctx, const ServiceContext& service) {
  TagCall call;
  HttpResponse error;
  if (!Start(ctx, service, Permission::kWriteRegister, true, true, &call, &error)) return error;
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  Status keys = CheckKeys(body, {"attrs", "valid_from", "valid_to"});
  if (!keys.ok()) return StatusToHttp(keys);
  Store& store = *ctx.store;
  Result<TagAssignment> current = FindTag(store, service, call);
  if (!current.ok()) return StatusToHttp(current.status());
  const TagDef* def = service.catalog.FindTag(current->tag);
  if (current->version != call.expected) return StaleTag(*current, def);
  TagAssignment tag = *current;
  std::vector<ErrorDetail> issues;
  if (!ApplyBody(service, body, *def, /*creating=*/false, &tag, &issues, &error)) return error;
  if (!issues.empty()) return ValidationFailed(issues);
  tag.version = call.expected;
  tag.source = std::string("manual:") + call.who->user;  // the worker now vouches for it
  Status st = RetryDeadlocks([&]() {
    TagAssignment attempt = tag;
    Status updated = store.UpdateTag(&attempt);
    if (updated.ok()) tag = attempt;
    return updated;
  });
  if (!st.ok()) {
    HttpResponse failure;
    Result<TagAssignment> now = FindTag(store, service, call);
    failure =
        st.code() == StatusCode::kConflict && now.ok() ? StaleTag(*now, def) : StatusToHttp(st);
    if (!AuditTag(ctx, call.tag_id, "update failed: " + std::to_string(failure.status), false,
                  &error)) {
      return error;
    }
    return failure;
  }
  if (!AuditTag(ctx, call.tag_id, "update", true, &error)) return error;
  Result<TagAssignment> stored = FindTag(store, service, call);
  if (!stored.ok()) return StatusToHttp(stored.status());
  return TagResponse(*stored, def);
}

HttpResponse HandleDelete(const RequestContext& ctx, const ServiceContext& service) {
  TagCall call;
  HttpResponse error;
  if (!Start(ctx, service, Permission::kWriteRegister, true, true, &call, &error)) return error;
  Store& store = *ctx.store;
  Result<TagAssignment> current = FindTag(store, service, call);
  if (!current.ok()) return StatusToHttp(current.status());
  const TagDef* def = service.catalog.FindTag(current->tag);
  if (current->version != call.expected) return StaleTag(*current, def);
  Status st = RetryDeadlocks([&]() { return store.DeleteTag(call.tag_id, call.expected); });
  if (!st.ok()) {
    Result<TagAssignment> now = FindTag(store, service, call);
    HttpResponse failure =
        st.code() == StatusCode::kConflict && now.ok() ? StaleTag(*now, def) : StatusToHttp(st);
    if (!AuditTag(ctx, call.tag_id, "delete failed: " + std::to_string(failure.status), false,
                  &error)) {
      return error;
    }
    return failure;
  }
  if (!AuditTag(ctx, call.tag_id, "delete", true, &error)) return error;
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace

Status RegisterTagRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  const std::string base = "/api/v1/persons/{id}/tags";
  RETURN_IF_ERROR(router->Add("GET", base,
                              RouteDoc("人员的特殊人群标签（仅有权查看的）",
                                       {{"after", "integer", "翻页：上一页的 next_after", false},
                                        {"limit", "integer", "每页条数，1–500，默认 50", false}}),
                              [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "POST", base,
      RouteDoc("为人员添加标签（属性按字段目录校验）", {},
               "{\"tag\": 标签键, \"attrs\": {属性: 值}, \"valid_from\"?, \"valid_to\"?}"),
      [s](const RequestContext& ctx) { return HandleAdd(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("PUT", base + "/{tag_id}",
                  RouteDoc("修改标签属性与有效期（需 If-Match）", {},
                           "{\"attrs\": {属性: 值或 null}, \"valid_from\"?, \"valid_to\"?}"),
                  [s](const RequestContext& ctx) { return HandleUpdate(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("DELETE", base + "/{tag_id}", RouteDoc("删除标签（需 If-Match）"),
                              [s](const RequestContext& ctx) { return HandleDelete(ctx, *s); }));
  return Status::Ok();
}

}  // namespace onetable
