// Reading JSON request bodies safely: one parser entry point with a nesting limit, and small
// typed accessors that reject wrong types and unknown keys with Chinese messages naming the key.
//
// Limits: the body size is capped by the Server before any handler runs (ServerOptions::
// max_body_bytes, 1 MiB: larger bodies get 413 payload_too_large). ParseJsonBody adds the depth
// limit (parsing is iterative, so deep input cannot exhaust the stack) and UTF-8 validation.
// Every failure is kInvalidArgument, i.e. a 400 through StatusToHttp.
//
// Thread-safety: pure functions.
#ifndef ONETABLE_HTTP_JSON_BODY_H_
#define ONETABLE_HTTP_JSON_BODY_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

inline constexpr int kMaxJsonDepth = 32;

// Parses request.body into `doc`, which must then be a JSON object. Errors: empty body
// (请求体为空), malformed JSON (naming the byte offset), invalid UTF-8, nesting deeper than
// `max_depth` arrays/objects, or a top level that is not an object.
Status ParseJsonBody(const HttpRequest& request, rapidjson::Document* doc,
                     int max_depth = kMaxJsonDepth);

// Rejects keys of `object` not in `allowed` (未知字段 X), so a misspelt key is not silently
// ignored.
Status CheckKeys(const rapidjson::Value& object, std::initializer_list<const char*> allowed);

// Typed members of `object`. Absent keys give nullopt; present with another type (null
// included) is an error naming the key and the type wanted.
Result<std::optional<std::string>> OptionalString(const rapidjson::Value& object, const char* key);
Result<std::optional<bool>> OptionalBool(const rapidjson::Value& object, const char* key);
Result<std::optional<int64_t>> OptionalInt(const rapidjson::Value& object, const char* key);
// An array of strings.
Result<std::optional<std::vector<std::string>>> OptionalStrings(const rapidjson::Value& object,
                                                                const char* key);
// A required, non-empty string (缺少字段 X / 字段 X 不能为空).
Result<std::string> RequiredString(const rapidjson::Value& object, const char* key);

}  // namespace onetable

#endif  // ONETABLE_HTTP_JSON_BODY_H_
