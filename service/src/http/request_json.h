// The JSON of a table request (requests/table_requests.h), as the request routes answer it
// (request_handlers.h lists the fields).
//
// Thread-safety: pure.
#ifndef ONETABLE_HTTP_REQUEST_JSON_H_
#define ONETABLE_HTTP_REQUEST_JSON_H_

#include "http/json_writer.h"
#include "requests/table_requests.h"

namespace onetable {

// Writes the fields of `view` into the object `w` is in. `full`: also the columns and, for
// `reviewer`, the draft's YAML and its problems.
void WriteRequestFields(JsonWriter& w, const requests::RequestView& view, bool full, bool reviewer);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REQUEST_JSON_H_
