// `onetable serve`: builds the service (catalog, access policy, authenticator, metrics, routes)
// over the configured store and runs the HTTP server until SIGINT/SIGTERM. The process entry
// (main.cc) hands it the `serve` verb; it returns an exit code (app/exit_codes.h).
#ifndef ONETABLE_HTTP_SERVE_H_
#define ONETABLE_HTTP_SERVE_H_

#include <string>
#include <vector>

#include "app/config.h"

namespace onetable {

// Arguments: [--listen HOST:PORT] (default: the configuration's listen address).
int RunServe(const Config& config, const std::vector<std::string>& args);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SERVE_H_
