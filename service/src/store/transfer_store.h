// TransferStore: requests to move a person registered in another grid into a household of the
// requester's (service/src/http/transfer_handlers.h is the use case over it). One of the
// interfaces Store is made of (store/store.h, which lists the status codes). A request is a row
// with a version; a decision is compare-and-set on it, so of two approvals racing exactly one
// is recorded (and moves the person).
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_TRANSFER_STORE_H_
#define ONETABLE_STORE_TRANSFER_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable {

inline constexpr char kTransferPending[] = "pending";
inline constexpr char kTransferApproved[] = "approved";
inline constexpr char kTransferDeclined[] = "declined";

struct TransferRecord {
  int64_t id = 0;
  int64_t person_id = 0;
  int64_t from_grid_id = 0;     // the grid that held the person when the request was filed
  int64_t to_household_id = 0;  // where the person goes on approval
  int64_t to_grid_id = 0;       // that household's grid
  int64_t requester_id = 0;     // app_user.id
  std::string requester;        // its name
  std::string reason;
  std::string state;            // pending | approved | declined
  std::string decider;          // who approved or declined ("" while pending)
  std::string decision_reason;  // why declined (or the approval note)
  std::string created_at;       // UTC; filled by the store
  std::string decided_at;       // "" while pending
  int64_t version = 0;
};

struct TransferQuery {
  std::string state;         // "" every state
  int64_t requester_id = 0;  // 0 every requester
  int64_t person_id = 0;     // 0 every person
  int64_t before_id = 0;     // 0 from the newest
  int limit = 100;
};

class TransferStore {
 public:
  TransferStore() = default;
  TransferStore(const TransferStore&) = delete;
  TransferStore& operator=(const TransferStore&) = delete;
  virtual ~TransferStore() = default;

  // Stores a new request as pending (id, created_at and version are set by the store).
  virtual Result<int64_t> AddTransfer(const TransferRecord& transfer) = 0;
  // kNotFound for an unknown id.
  virtual Result<TransferRecord> GetTransfer(int64_t id) = 0;
  // Newest first, filtered by the query.
  virtual Result<std::vector<TransferRecord>> ListTransfers(const TransferQuery& query) = 0;
  // Records the decision (state, decider, decision_reason; decided_at is set) if the stored
  // request is pending and at transfer->version; then bumps transfer->version. kNotFound;
  // kConflict when it was decided or changed since.
  virtual Status DecideTransfer(TransferRecord* transfer) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_TRANSFER_STORE_H_
