// Progress of table downloads (GET /api/v1/tables/...&progress=TOKEN), for the page that waits
// for a large table: the rows generated so far, and cancelling it.
//
//   GET  /api/v1/table-progress/{token}          {"rows": N, "done": bool, "cancelled": bool,
//                                                 "elapsed_ms": N}; 404 for an unknown token
//   POST /api/v1/table-progress/{token}/cancel   the download stops at its next row (the
//                                                 connection is cut, like any failed download;
//                                                 the table run records the failure); 202
//
// A token is the caller's own: 8–64 characters of [A-Za-z0-9_-] they choose, kept per account
// (another account's token is 404). Entries are forgotten a few minutes after their download
// ends. Both routes need Permission::kRunTables; neither reads personal data.
//
// Thread-safety: the registry is locked; a download updates its entry from its own thread.
#ifndef ONETABLE_HTTP_TABLE_PROGRESS_H_
#define ONETABLE_HTTP_TABLE_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "http/router.h"
#include "http/service_context.h"
#include "mapping/table_sink.h"

namespace onetable {

struct TableProgressEntry {
  std::atomic<int64_t> rows{0};
  std::atomic<bool> cancelled{false};
  std::atomic<bool> done{false};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<int64_t> ended_ms{0};  // since started; 0 while running
};

// Whether `token` is a well-formed progress token.
bool IsProgressToken(const std::string& token);

// Registers a download of `user` under `token` (replacing an earlier one of the same token).
std::shared_ptr<TableProgressEntry> StartTableProgress(const std::string& user,
                                                       const std::string& token);

// A sink that counts the rows it forwards to `target` into `entry`, fails the next row once the
// entry is cancelled ("已取消下载"), and marks the entry done when the table ends or the sink
// goes. `target` must outlive it.
std::unique_ptr<mapping::TableSink> CountingSink(mapping::TableSink* target,
                                                 std::shared_ptr<TableProgressEntry> entry);

Status RegisterTableProgressRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_TABLE_PROGRESS_H_
