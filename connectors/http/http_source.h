// The pure parts of the `http` connector: JSON parsing with a depth limit, paths into a
// response ("data.items"), a record's fields as text, the cursor, and page URLs. No I/O here;
// http_plugin.cc fetches what these describe.
//
// Paging: `page` asks for page_param=N (N from first_page up) with size_param=page_size and
// stops at a page with fewer than page_size records; `cursor` asks for cursor_param=<token>,
// the token read from next_cursor_path of the previous response, and stops when it is missing,
// empty, or a page is empty; `none` reads one response.
//
// Incremental reading: with since_param and since_field, each run asks for
// since_param=<the largest since_field value the last finished run saw>; an interrupted run
// resumes at its page (and the records of it already delivered) with the same since value, so
// a crash never skips records. Records the API returns again are skipped by the runtime's
// content hash.
//
// Thread-safety: pure functions over values.
#ifndef ONETABLE_CONNECTORS_HTTP_HTTP_SOURCE_H_
#define ONETABLE_CONNECTORS_HTTP_HTTP_SOURCE_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onetable/status.h"

namespace onetable::connectors {

inline constexpr int kMaxJsonDepth = 64;

// Parses `text` (UTF-8 validated, numbers kept as their text) into `doc`. Nesting deeper than
// `max_depth` is an error, as is anything after the value. Errors say where (byte offset).
Status ParseJsonLimited(const std::string& text, int max_depth, rapidjson::Document* doc);

// "data.items" -> {"data", "items"}; a segment of digits indexes an array ("data.0.items").
// Empty text is the root. An empty segment ("data..items") is an error naming `option`.
Result<std::vector<std::string>> ParseJsonPath(const std::string& text, const std::string& option);
// The value at `path` under `root`, or nullptr.
const rapidjson::Value* FindJsonPath(const rapidjson::Value& root,
                                     const std::vector<std::string>& path);

// A scalar as text: strings and numbers as written, booleans "true"/"false"; nullopt for null.
// Objects and arrays come back as compact JSON.
std::optional<std::string> JsonText(const rapidjson::Value& value);

// A record object's fields as name -> text: nested objects are flattened with dots
// ("address.city"), arrays kept as JSON text, null as nullopt.
std::vector<std::pair<std::string, std::optional<std::string>>> RecordFields(
    const rapidjson::Value& object);

// Which of two watermark values is later: numerically when both are numbers, else as text (ISO
// 8601 timestamps of one format compare correctly as text). True when `b` is later than `a`.
bool IsLater(const std::string& a, const std::string& b);

struct HttpCursor {
  bool in_run = false;   // a run was interrupted: resume at page/token + skip with `since`
  std::string since;     // the incremental value this run asks for ("" on a first run)
  int64_t page = 0;      // page paging: the page being read
  std::string token;     // cursor paging: the token that fetched the page being read ("": first)
  int64_t skip = 0;      // records of that page already delivered
  std::string max_seen;  // largest since_field value delivered in this run

  bool operator==(const HttpCursor& o) const {
    return in_run == o.in_run && since == o.since && page == o.page && token == o.token &&
           skip == o.skip && max_seen == o.max_seen;
  }
};

// A JSON object {"v":1,...}.
std::string EncodeHttpCursor(const HttpCursor& cursor);
// nullopt for text that is not such a cursor ("" included): the run then starts afresh.
std::optional<HttpCursor> DecodeHttpCursor(const std::string& text);

// `base` with `params` appended to its query (percent-encoded, UTF-8).
std::string WithQuery(const std::string& base,
                      const std::vector<std::pair<std::string, std::string>>& params);
std::string PercentEncode(const std::string& text);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_HTTP_HTTP_SOURCE_H_
