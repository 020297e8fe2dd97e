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
// (another account's token is 404). Both routes need Permission::kRunTables; neither reads
// personal data.
//
// Several instances over one store (issue 18): the progress is a row of the store
// (store/progress_store.h), written by the instance that runs the download on a connection of
// its own — when it starts, at its first row, then at most every kProgressReportRows rows or
// kProgressReportEvery, and when it ends — so any instance answers for it. A cancel sets the
// row's flag (and this instance's entry at once); the running instance reads the flag with
// each progress write, so a cancel given to another instance stops the download within that
// many rows or that time.
// Rows are forgotten half an hour after their last write. Without a store factory
// (ServiceContext::open_store) the progress is this instance's only.
//
// Thread-safety: the registry is locked; a download updates its entry and row from its own
// thread.
#ifndef ONETABLE_HTTP_TABLE_PROGRESS_H_
#define ONETABLE_HTTP_TABLE_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "http/router.h"
#include "http/service_context.h"
#include "mapping/table_sink.h"
#include "store/store.h"

namespace onetable {

struct TableProgressEntry {
  std::atomic<int64_t> rows{0};
  std::atomic<bool> cancelled{false};
  std::atomic<bool> done{false};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<int64_t> ended_ms{0};  // since started; 0 while running
};

inline constexpr int64_t kProgressReportRows = 1000;
inline constexpr std::chrono::milliseconds kProgressReportEvery{1000};

// One download's progress as its sink reports it: this instance's entry, and the store row.
struct TableProgress {
  std::string user;
  std::string token;
  std::shared_ptr<TableProgressEntry> entry;
  std::unique_ptr<Store> board;  // the row's own connection; null: this instance's entry only
  int64_t started_ms = 0;        // Unix milliseconds, as the row has it
};

// Whether `token` is a well-formed progress token.
bool IsProgressToken(const std::string& token);

// Registers a download of `user` under `token` (replacing an earlier one of the same token):
// here, and as a row of the store when service.open_store opens one (else, or when writing it
// fails, this instance's entry only: the download goes on without shared progress).
std::shared_ptr<TableProgress> StartTableProgress(const ServiceContext& service,
                                                  const std::string& user,
                                                  const std::string& token);

// A sink that counts the rows it forwards to `target` into `progress`, fails the next row once
// the download is cancelled ("已取消下载"), and marks it done when the table ends or the sink
// goes. `target` must outlive it.
std::unique_ptr<mapping::TableSink> CountingSink(mapping::TableSink* target,
                                                 std::shared_ptr<TableProgress> progress);

Status RegisterTableProgressRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_TABLE_PROGRESS_H_
