// ProgressStore: the progress of table downloads, kept in the store so that every instance of
// `onetable serve` over it answers for a download another instance runs, and a cancel given to
// any of them reaches the one running it (http/table_progress.h). One row per (owner, token).
// One of the interfaces Store is made of (store/store.h). Every call is one statement in
// autocommit (or a short transaction), so another instance sees it at once.
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_PROGRESS_STORE_H_
#define ONETABLE_STORE_PROGRESS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "onetable/status.h"

namespace onetable {

struct ProgressRecord {
  std::string owner;  // the account the download is for
  std::string token;  // chosen by its page
  int64_t rows = 0;
  int64_t started_ms = 0;  // Unix milliseconds
  int64_t updated_ms = 0;
  int64_t ended_ms = 0;    // 0 while running
  bool cancelled = false;
};

class ProgressStore {
 public:
  ProgressStore() = default;
  ProgressStore(const ProgressStore&) = delete;
  ProgressStore& operator=(const ProgressStore&) = delete;
  virtual ~ProgressStore() = default;

  // Stores `record` (replacing one of the same owner and token), and forgets rows that were
  // last updated before `forget_before_ms`.
  virtual Status StartProgress(const ProgressRecord& record, int64_t forget_before_ms) = 0;
  // Sets rows and updated_ms (and ended_ms when it is > 0); answers whether the download was
  // cancelled. kNotFound when the row is gone.
  virtual Result<bool> ReportProgress(const std::string& owner, const std::string& token,
                                      int64_t rows, int64_t now_ms, int64_t ended_ms) = 0;
  // nullopt when there is no such row.
  virtual Result<std::optional<ProgressRecord>> GetProgress(const std::string& owner,
                                                            const std::string& token) = 0;
  // Marks it cancelled; false when there is no such row.
  virtual Result<bool> CancelProgress(const std::string& owner, const std::string& token) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_PROGRESS_STORE_H_
