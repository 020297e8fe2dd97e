// JsonWriter: builds one JSON response body with RapidJSON's streaming writer, so handlers write
// straight into the output buffer instead of building a DOM first. Strings are written as UTF-8;
// bytes that are not valid UTF-8 (a stray GBK value that slipped past an import) are replaced by
// U+FFFD rather than producing a body that clients cannot parse.
//
// Calls must nest correctly (RapidJSON asserts otherwise): Key() only inside an object, each Key()
// followed by exactly one value. Take() the body once, after the outermost End*.
//
// ErrorBody() writes the one error shape of the API:
//   {"error": {"code": "not_found", "message": "<Chinese>", "details": [{"field", "code",
//   "message"}, ...]}}
// Which StatusCode gives which code and HTTP status is decided in router.h (StatusToHttp), not
// here.
//
// Thread-safety: a JsonWriter is used by one thread; the free functions are thread-safe.
#ifndef ONETABLE_HTTP_JSON_WRITER_H_
#define ONETABLE_HTTP_JSON_WRITER_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/problem.h"

namespace onetable {

class JsonWriter {
 public:
  JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& StartObject();
  JsonWriter& EndObject();
  JsonWriter& StartArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  // null when `value` is nullptr (the shape of Row::Get for a NULL column).
  JsonWriter& StringOrNull(const std::string* value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // The finished document. Leaves the writer empty.
  std::string Take();

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};


// The API's error body (see above). `code` is the stable English error code, `message` is for
// people, in Chinese.
std::string ErrorBody(std::string_view code, std::string_view message,
                      const std::vector<ErrorDetail>& details = {});

// `text` with every invalid UTF-8 sequence replaced by U+FFFD (returns it unchanged when valid).
std::string SanitizeUtf8(std::string_view text);

}  // namespace onetable

#endif  // ONETABLE_HTTP_JSON_WRITER_H_
