// Serves the web UI's static files (service/web/) at "/", beside the API.
//
//   GET /                    index.html
//   GET /js/main.js          the file under the web directory, with its content type
//   GET /residents/12        index.html: a path that names no file and has no extension is a
//                            page of the single-page UI, so deep links and reloads work
//   GET /missing.css         404 (a missing asset is an error, not the UI's HTML)
//   GET /api/..., /healthz   never answered from here: 404 JSON like the router's own
//
// Only regular files inside the web directory are served: a path with an empty, "." or ".."
// segment, a backslash or a NUL is refused (404) before the file system is touched, and the
// resolved real path must still lie under the directory's real path (no escape by symlink).
// Dot-files are not served. Every answer carries an ETag (size and modification time) and
// "Cache-Control: no-cache", so browsers revalidate and get 304 while a file is unchanged; files
// are read on each request (they are small), so an edited UI is served without a restart.
// Security headers (nosniff, a same-origin Content-Security-Policy, no framing, no referrer) are
// set on every answer.
//
// Thread-safety: stateless apart from the immutable directory path; safe from any thread.
#ifndef ONETABLE_HTTP_STATIC_FILES_H_
#define ONETABLE_HTTP_STATIC_FILES_H_

#include <string>

#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

// The content type sent for a file name, by its extension ("application/octet-stream" when
// unknown).
const char* ContentTypeFor(const std::string& file_name);

// Answers one GET for `web_dir` as described above.
HttpResponse ServeStaticFile(const HttpRequest& request, const std::string& web_dir);

// Routes GET "/" and GET paths of 1 to 8 segments to ServeStaticFile. API routes stay more
// specific (literal first segments win in the Router), so register these in any order.
// kInvalidArgument when `web_dir` has no index.html.
Status RegisterStaticRoutes(Router* router, const std::string& web_dir);

}  // namespace onetable

#endif  // ONETABLE_HTTP_STATIC_FILES_H_
