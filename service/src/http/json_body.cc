#include "http/json_body.h"

#include <rapidjson/error/en.h>

#include <string_view>

#include "onetable/json_depth.h"

namespace onetable {
namespace {

const char* TypeLabel(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "布尔值";
    case rapidjson::kObjectType:
      return "对象";
    case rapidjson::kArrayType:
      return "数组";
    case rapidjson::kStringType:
      return "字符串";
    case rapidjson::kNumberType:
      return "数字";
  }
  return "未知类型";
}

Status WrongType(const char* key, const char* wanted, const rapidjson::Value& v) {
  return Status::Invalid(std::string("字段 ") + key + " 应为" + wanted + "，实际为" + TypeLabel(v));
}

bool IsBlank(const std::string& body) {
  for (char c : body) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

}  // namespace

Status ParseJsonBody(const HttpRequest& request, rapidjson::Document* doc, int max_depth) {
  if (IsBlank(request.body)) return Status::Invalid("请求体为空：需要一个 JSON 对象");
  if (request.body.find('\0') != std::string::npos) {
    return Status::Invalid("请求体不是有效的 JSON：含有空字符");
  }
  const json::LimitedParse parsed =
      json::ParseWithDepthLimit<rapidjson::kParseStopWhenDoneFlag>(request.body, max_depth, doc);
  if (parsed.too_deep) {
    return Status::Invalid("请求体嵌套层数超过上限 " + std::to_string(max_depth));
  }
  if (parsed.result.IsError()) {
    const rapidjson::ParseErrorCode code = parsed.result.Code();
    if (code == rapidjson::kParseErrorStringInvalidEncoding) {
      return Status::Invalid("请求体不是有效的 UTF-8 编码（第 " +
                             std::to_string(parsed.result.Offset()) + " 字节）");
    }
    return Status::Invalid("请求体不是有效的 JSON（第 " + std::to_string(parsed.result.Offset()) +
                           " 字节）：" + rapidjson::GetParseError_En(code));
  }
  // kParseStopWhenDoneFlag stops after the first value; anything but blanks after it is an error.
  if (!IsBlank(request.body.substr(parsed.consumed))) {
    return Status::Invalid("请求体不是有效的 JSON（第 " + std::to_string(parsed.consumed) +
                           " 字节）：多余的内容");
  }
  if (!doc->IsObject()) return Status::Invalid("请求体必须是 JSON 对象");
  return Status::Ok();
}

Status CheckKeys(const rapidjson::Value& object, std::initializer_list<const char*> allowed) {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) return Status::Invalid("未知字段 " + std::string(key.substr(0, 64)));
  }
  return Status::Ok();
}

Result<std::optional<std::string>> OptionalString(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return std::optional<std::string>();
  if (!it->value.IsString()) return WrongType(key, "字符串", it->value);
  return std::optional<std::string>(
      std::string(it->value.GetString(), it->value.GetStringLength()));
}

Result<std::optional<bool>> OptionalBool(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return std::optional<bool>();
  if (!it->value.IsBool()) return WrongType(key, "布尔值", it->value);
  return std::optional<bool>(it->value.GetBool());
}

Result<std::optional<int64_t>> OptionalInt(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return std::optional<int64_t>();
  if (!it->value.IsInt64()) return WrongType(key, "整数", it->value);
  return std::optional<int64_t>(it->value.GetInt64());
}

Result<std::optional<std::vector<std::string>>> OptionalStrings(const rapidjson::Value& object,
                                                                const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return std::optional<std::vector<std::string>>();
  if (!it->value.IsArray()) return WrongType(key, "字符串数组", it->value);
  std::vector<std::string> out;
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString()) return WrongType(key, "字符串数组", item);
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::string> RequiredString(const rapidjson::Value& object, const char* key) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(object, key));
  if (!value.has_value()) return Status::Invalid(std::string("缺少字段 ") + key);
  if (value->empty()) return Status::Invalid(std::string("字段 ") + key + " 不能为空");
  return *value;
}

}  // namespace onetable
