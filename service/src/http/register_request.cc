#include "http/register_request.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <utility>

namespace onetable {
namespace {

constexpr int64_t kMaxAfter = 999999999999999999;

bool IsNumeric(FieldType type) {
  return type == FieldType::kInteger || type == FieldType::kDecimal ||
         type == FieldType::kReference;
}

const char* JsonTypeName(const rapidjson::Value& v) {
  if (v.IsObject()) return "对象";
  if (v.IsArray()) return "数组";
  if (v.IsString()) return "字符串";
  if (v.IsBool()) return "布尔值";
  if (v.IsNumber()) return "数字";
  return "null";
}

}  // namespace

HttpResponse BadParameter(const std::string& name, const std::string& message) {
  return ErrorResponse(400, "invalid_argument", message,
                       {ErrorDetail{name, "invalid_parameter", message}});
}

HttpResponse ValidationFailed(const std::vector<ErrorDetail>& details) {
  return ErrorResponse(422, "validation_failed", "数据校验未通过，请按提示修改", details);
}

bool ReadPage(const HttpRequest& request, Page* page, HttpResponse* error) {
  Result<int64_t> after = IntQueryParam(request, "after", 0, 0, kMaxAfter);
  if (!after.ok()) {
    *error = BadParameter("after", after.status().message());
    return false;
  }
  Result<int64_t> limit = IntQueryParam(request, "limit", kPageDefault, 1, kPageMax);
  if (!limit.ok()) {
    *error = BadParameter("limit", limit.status().message());
    return false;
  }
  page->after = *after;
  page->limit = static_cast<int>(*limit);
  return true;
}

bool ReadTextPage(const HttpRequest& request, TextPage* page, HttpResponse* error) {
  Result<int64_t> limit = IntQueryParam(request, "limit", kPageDefault, 1, kPageMax);
  if (!limit.ok()) {
    *error = BadParameter("limit", limit.status().message());
    return false;
  }
  auto it = request.query.find("after");
  page->after = it == request.query.end() ? "" : it->second;
  page->limit = static_cast<int>(*limit);
  return true;
}

std::string ETagOf(int64_t version) { return "\"" + std::to_string(version) + "\""; }

bool ReadIfMatch(const HttpRequest& request, int64_t* version, HttpResponse* error) {
  auto it = request.headers.find("if-match");
  std::string tag = it == request.headers.end() ? "" : it->second;
  while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.erase(0, 1);
  while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.pop_back();
  if (tag.empty() || tag == "*") {
    *error = ErrorResponse(428, "precondition_required",
                           "修改需要带上 If-Match 请求头（取自读取时的 ETag），以免覆盖他人的修改",
                           {ErrorDetail{"If-Match", "missing", "缺少 If-Match 请求头"}});
    return false;
  }
  if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  int64_t value = 0;
  bool ok = !tag.empty() && tag.size() <= 18;
  // 18 digits at most, checked before any is added up, so that the value cannot overflow.
  for (size_t i = 0; ok && i < tag.size(); ++i) {
    const char c = tag[i];
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (!ok || value <= 0) {
    *error = BadParameter("If-Match", "If-Match 请求头应为读取时得到的 ETag（如 \"3\"）");
    return false;
  }
  *version = value;
  return true;
}

bool ReadFieldValues(const rapidjson::Value& fields,
                     const std::function<const FieldDef*(const std::string&)>& lookup,
                     FieldInput* out, HttpResponse* error) {
  if (!fields.IsObject()) {
    *error = BadParameter(
        "fields", std::string("“fields”应为对象（字段 → 值），收到的是") + JsonTypeName(fields));
    return false;
  }
  std::vector<ErrorDetail> details;
  for (auto m = fields.MemberBegin(); m != fields.MemberEnd(); ++m) {
    std::string key(m->name.GetString(), m->name.GetStringLength());
    const rapidjson::Value& v = m->value;
    const FieldDef* field = lookup(key);
    const std::string label = field != nullptr ? field->label : key;
    const FieldType type = field != nullptr ? field->type : FieldType::kString;
    if (v.IsNull()) {
      out->cleared.insert(key);
    } else if (v.IsString()) {
      out->set[key].assign(v.GetString(), v.GetStringLength());
    } else if (v.IsNumber() && IsNumeric(type)) {
      if (v.IsInt64()) {
        out->set[key] = std::to_string(v.GetInt64());
      } else {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        v.Accept(writer);
        out->set[key] = buffer.GetString();
      }
    } else if (v.IsBool() && type == FieldType::kBoolean) {
      out->set[key] = v.GetBool() ? "1" : "0";
    } else {
      details.push_back({key, "wrong_type",
                         label + "：值应为字符串" +
                             (IsNumeric(type)               ? std::string("或数字")
                              : type == FieldType::kBoolean ? std::string("或 true/false")
                                                            : std::string()) +
                             "，收到的是" + JsonTypeName(v)});
    }
  }
  if (details.empty()) return true;
  *error = ValidationFailed(details);
  return false;
}

TableParams ReadTableParams(const HttpRequest& request) {
  TableParams params;
  if (auto it = request.query.find("scope"); it != request.query.end()) params.scope = it->second;
  if (auto it = request.query.find("as_of"); it != request.query.end()) params.as_of = it->second;
  if (auto it = request.query.find("changes_since"); it != request.query.end()) {
    params.changes_since = it->second;
  }
  return params;
}

}  // namespace onetable
