// RequestStore: departments' requests for new tables (service/src/requests/ is the one use case
// over it). One of the interfaces Store is made of (store/store.h, which lists the status codes).
// A request is a row with a version; changes are compare-and-set on it.
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_REQUEST_STORE_H_
#define ONETABLE_STORE_REQUEST_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable {

struct TableRequestRecord {
  int64_t id = 0;
  int64_t requester_id = 0;  // app_user.id of the department account
  std::string requester;     // its name
  std::string status;        // requests/request_form.h: submitted, drafted, in_review, ...
  std::string title;
  std::string purpose;
  std::string legal_basis;
  std::string as_of_rule;    // "", "2026-06-30" or "{year}-06-30"
  std::string scope_wanted;  // what the department says it needs (free text)
  std::string frequency;     // once | monthly | on_change
  std::string contact;
  std::string template_name;
  int64_t template_size = 0;
  std::string template_sha256;
  std::string draft_yaml;  // the draft mapping (edited by the admin during review)
  std::string mapping_id;  // the id it is (or would be) published under
  int64_t data_rows = 0;   // the entry-savings figure when the draft was last made or saved
  int64_t cells = 0;
  int64_t register_cells = 0;
  std::vector<std::string> approved_columns;  // headers, once approved
  std::string reviewer;                       // the admin who approved or declined
  std::string reason;                         // why declined (or the approval note)
  std::vector<std::string> approved_scope;    // community codes the table covers ({}: the
                                              // account's own scope)
  std::vector<std::string> approved_grants;   // grants the approval gives the requester
  std::string granter;                        // who gave them (a holder of manage_users)
  std::string created_at;                     // UTC; filled by the store
  std::string updated_at;
  int64_t version = 0;
};

class RequestStore {
 public:
  RequestStore() = default;
  RequestStore(const RequestStore&) = delete;
  RequestStore& operator=(const RequestStore&) = delete;
  virtual ~RequestStore() = default;

  // Stores a new request (id, times and version are set by the store); returns its id.
  // kFailedPrecondition when requester_id names no account.
  virtual Result<int64_t> AddTableRequest(const TableRequestRecord& request) = 0;
  // kNotFound for an unknown id.
  virtual Result<TableRequestRecord> GetTableRequest(int64_t id) = 0;
  // Newest first: requests of account `requester_id` (0: every account) with id < before_id
  // (0: from the newest), at most `limit`.
  virtual Result<std::vector<TableRequestRecord>> ListTableRequests(int64_t requester_id,
                                                                    int64_t before_id,
                                                                    int limit) = 0;
  // Replaces the mutable fields (status through reason) if the stored version is
  // request->version; then bumps request->version and updated_at. kNotFound / kConflict.
  virtual Status UpdateTableRequest(TableRequestRecord* request) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_REQUEST_STORE_H_
