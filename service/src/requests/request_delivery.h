// A table request's delivery (issue 20 item "how often … can become a delivery"): a request
// filed as monthly or on change, once approved (or awaiting its grant), offers a delivery
// (service/src/delivery/) of its published table for the requesting account, drafted here as
// YAML for an admin to complete and save into the configured `deliveries` directory.
//
// The draft: id "<account>-request-<id>", the mapping and the approved scope's single
// community (several: the mapping's where already narrows, so none), account = the requester
// (so the delivered rows and masks are exactly the department's table), schedule from the
// frequency (monthly → every 30d, on change → every 1h: a delivery sends only new, changed and
// vanished rows, so an hourly check delivers changes soon after they happen), key = the first
// column reading an ID number (else the first column that is not row_number(); the admin
// confirms it), and a file target in drop/<id>/ (xlsx) as the safe default.
//
// Saving through the API accepts only a file target whose dir is relative to the deliveries
// directory without "..", for that request's mapping and requesting account: a delivery runs
// with the department's grants, so sending them to an arbitrary HTTP or MySQL endpoint is not
// something the system administrator can do from the browser; such targets are set by editing
// the file on the server. The file is checked by the same loader as `onetable check`
// (delivery_entries.h LoadDeliveryEntry) before it is renamed into place, never over an
// existing delivery; audited as request_delivery and delivery_change.
//
// Who: kManageConnectors (deliveries are the system administrator's). Errors: kNotFound (no such
// request), kPermissionDenied, kFailedPrecondition (a once request, not approved yet, no
// deliveries directory), kInvalidArgument ("file:line:col: message" lines), kAlreadyExists.
//
// Thread-safety: stateless, apart from a process-wide lock around the no-overwrite rename.
#ifndef ONETABLE_REQUESTS_REQUEST_DELIVERY_H_
#define ONETABLE_REQUESTS_REQUEST_DELIVERY_H_

#include <string>
#include <vector>

#include "access/access.h"
#include "app/context.h"
#include "audit/audit_log.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable::requests {

struct DeliveryDraft {
  std::string id;                  // the delivery id it would be saved under
  std::string yaml;                // the draft
  std::string path;                // where saving puts it
  std::vector<std::string> notes;  // what the admin should check (Chinese), e.g. a masked key
  bool saved = false;              // a delivery with this id exists already
};

class RequestDeliveries {
 public:
  // `app` must outlive this.
  explicit RequestDeliveries(const AppContext& app) : app_(app) {}

  Result<DeliveryDraft> Draft(Store& store, const Principal& who, int64_t request_id) const;
  // Saves `yaml` (see above); returns the delivery's path.
  Result<std::string> Save(Store& store, const Actor& actor, const Principal& who,
                           int64_t request_id, const std::string& yaml) const;

 private:
  Result<TableRequestRecord> Deliverable(Store& store, const Principal& who,
                                         int64_t request_id) const;
  const AppContext& app_;
};

}  // namespace onetable::requests

#endif  // ONETABLE_REQUESTS_REQUEST_DELIVERY_H_
