// Request plumbing shared by the register's resource handlers (register_handlers.h and the
// person, tag, review, connector, mapping and table handlers): paging parameters, versions as
// ETag / If-Match, and the "fields" object of a write (JSON bodies themselves: json_body.h).
//
// Each reader either succeeds or fills an HttpResponse to send as it is (400 naming the
// parameter, 428 without If-Match, 422 for values of the wrong JSON type), so a handler's early
// exits stay one line.
//
// Versions: every entity answer carries ETag: "<row version>" (a strong tag, the row's version
// counter). Writes need If-Match with that tag: missing → 428 precondition_required; a tag that
// is not a version → 400; "*" is refused like a missing one, since it would turn off the
// compare-and-set that prevents lost updates. W/"3" and a bare 3 are accepted as 3.
//
// Thread-safety: plain functions.
#ifndef ONETABLE_HTTP_REGISTER_REQUEST_H_
#define ONETABLE_HTTP_REGISTER_REQUEST_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "access/visible_rows.h"
#include "http/router.h"
#include "mapping/table_access.h"
#include "model/catalog.h"
#include "register/register_write.h"

namespace onetable {

// ?after=ID&limit=N (limit 1..500, default 50).
bool ReadPage(const HttpRequest& request, Page* page, HttpResponse* error);
// The same with a text cursor (lists keyed by a string id: connectors, mappings).
struct TextPage {
  std::string after;
  int limit = kPageDefault;
};
bool ReadTextPage(const HttpRequest& request, TextPage* page, HttpResponse* error);

// The ETag header value of a version: "\"3\"".
std::string ETagOf(int64_t version);
// The version If-Match asks for (see the top of this file).
bool ReadIfMatch(const HttpRequest& request, int64_t* version, HttpResponse* error);

// Reads a "fields" object: strings as they are; numbers as their decimal text and true/false as
// "1"/"0" for fields of numeric, reference and boolean type; null clears. Any other JSON type
// (objects, arrays, or a number for a text field) is a 422 wrong_type detail naming the field.
// Keys are not checked against the catalog here (the validator reports unknown ones); `lookup`
// gives the field's type when it knows it (nullptr: unknown, strings only).
bool ReadFieldValues(const rapidjson::Value& fields,
                     const std::function<const FieldDef*(const std::string&)>& lookup,
                     FieldInput* out, HttpResponse* error);

// 422 validation_failed, "数据校验未通过", one detail per bad field.
HttpResponse ValidationFailed(const std::vector<ErrorDetail>& details);

// The ?scope= and ?as_of= of a table request (both optional).
TableParams ReadTableParams(const HttpRequest& request);

// 400 with one detail naming the parameter (query, path or body member).
HttpResponse BadParameter(const std::string& name, const std::string& message);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REGISTER_REQUEST_H_
