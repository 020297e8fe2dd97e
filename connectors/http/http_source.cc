#include "http/http_source.h"

#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "onetable/json_depth.h"
#include "onetable/text.h"

namespace onetable::connectors {
namespace {

bool IsNumber(const std::string& s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  return digits > 0 && i == s.size();
}

void Flatten(const rapidjson::Value& object, const std::string& prefix,
             std::vector<std::pair<std::string, std::optional<std::string>>>* out) {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string name = prefix + std::string(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsObject()) {
      Flatten(it->value, name + ".", out);
    } else {
      out->emplace_back(std::move(name), JsonText(it->value));
    }
  }
}

}  // namespace

Status ParseJsonLimited(const std::string& text, int max_depth, rapidjson::Document* doc) {
  if (std::strlen(text.c_str()) != text.size()) {
    return Status::Invalid("响应中含有 NUL 字符，不是 JSON 文本");
  }
  // The limit keeps a hostile response from exhausting memory or the stack of whoever walks the
  // document later.
  const json::LimitedParse parse =
      json::ParseWithDepthLimit<rapidjson::kParseNumbersAsStringsFlag>(text, max_depth, doc);
  if (parse.too_deep) {
    return Status::Invalid("JSON 嵌套超过 " + std::to_string(max_depth) + " 层");
  }
  if (!parse.result.IsError()) return Status::Ok();
  const std::string at = "（第 " + std::to_string(parse.result.Offset()) + " 字节处）";
  switch (parse.result.Code()) {
    case rapidjson::kParseErrorDocumentEmpty:
      return Status::Invalid("响应为空，不是 JSON");
    case rapidjson::kParseErrorStringInvalidEncoding:
      return Status::Invalid("JSON 中含有无效的 UTF-8 字符" + at);
    case rapidjson::kParseErrorDocumentRootNotSingular:
      return Status::Invalid("JSON 值后面还有多余的内容" + at);
    default:
      return Status::Invalid("不是有效的 JSON" + at);
  }
}

Result<std::vector<std::string>> ParseJsonPath(const std::string& text, const std::string& option) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (std::string_view segment : Split(text, '.')) {
    if (segment.empty()) {
      return Status::Invalid("选项 " + option + "（“" + text +
                             "”）应为以点分隔的字段名，如 data.items");
    }
    out.emplace_back(segment);
  }
  return out;
}

const rapidjson::Value* FindJsonPath(const rapidjson::Value& root,
                                     const std::vector<std::string>& path) {
  const rapidjson::Value* at = &root;
  for (const std::string& segment : path) {
    if (at->IsObject()) {
      auto it =
          at->FindMember(rapidjson::Value(rapidjson::StringRef(segment.data(), segment.size())));
      if (it == at->MemberEnd()) return nullptr;
      at = &it->value;
    } else if (at->IsArray() && IsNumber(segment) && segment[0] != '-' && segment[0] != '+' &&
               segment.find('.') == std::string::npos) {
      const unsigned long index = std::strtoul(segment.c_str(), nullptr, 10);
      if (index >= at->Size()) return nullptr;
      at = &(*at)[static_cast<rapidjson::SizeType>(index)];
    } else {
      return nullptr;
    }
  }
  return at;
}

std::optional<std::string> JsonText(const rapidjson::Value& value) {
  if (value.IsNull()) return std::nullopt;
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<std::pair<std::string, std::optional<std::string>>> RecordFields(
    const rapidjson::Value& object) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (object.IsObject()) Flatten(object, "", &out);
  return out;
}

bool IsLater(const std::string& a, const std::string& b) {
  if (a.empty()) return !b.empty();
  if (IsNumber(a) && IsNumber(b))
    return std::strtold(b.c_str(), nullptr) > std::strtold(a.c_str(), nullptr);
  return b > a;
}

std::string EncodeHttpCursor(const HttpCursor& c) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  w.Key("v");
  w.Int(1);
  w.Key("in_run");
  w.Bool(c.in_run);
  str("since", c.since);
  w.Key("page");
  w.Int64(c.page);
  str("token", c.token);
  w.Key("skip");
  w.Int64(c.skip);
  str("max_seen", c.max_seen);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<HttpCursor> DecodeHttpCursor(const std::string& text) {
  rapidjson::Document d;
  if (d.Parse(text.c_str()).HasParseError() || !d.IsObject()) return std::nullopt;
  auto member = [&](const char* key) -> const rapidjson::Value* {
    auto it = d.FindMember(key);
    return it == d.MemberEnd() ? nullptr : &it->value;
  };
  const rapidjson::Value* v = member("v");
  const rapidjson::Value* in_run = member("in_run");
  const rapidjson::Value* since = member("since");
  const rapidjson::Value* page = member("page");
  const rapidjson::Value* token = member("token");
  const rapidjson::Value* skip = member("skip");
  const rapidjson::Value* max_seen = member("max_seen");
  if (!v || !v->IsInt() || v->GetInt() != 1 || !in_run || !in_run->IsBool() || !since ||
      !since->IsString() || !page || !page->IsInt64() || !token || !token->IsString() || !skip ||
      !skip->IsInt64() || skip->GetInt64() < 0 || !max_seen || !max_seen->IsString()) {
    return std::nullopt;
  }
  HttpCursor c;
  c.in_run = in_run->GetBool();
  c.since = std::string(since->GetString(), since->GetStringLength());
  c.page = page->GetInt64();
  c.token = std::string(token->GetString(), token->GetStringLength());
  c.skip = skip->GetInt64();
  c.max_seen = std::string(max_seen->GetString(), max_seen->GetStringLength());
  return c;
}

std::string PercentEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string WithQuery(const std::string& base,
                      const std::vector<std::pair<std::string, std::string>>& params) {
  std::string url = base.substr(0, base.find('#'));
  for (const auto& [k, v] : params) {
    if (url.find('?') == std::string::npos) {
      url += '?';
    } else if (url.back() != '?' && url.back() != '&') {
      url += '&';
    }
    url += PercentEncode(k) + "=" + PercentEncode(v);
  }
  return url;
}

}  // namespace onetable::connectors
