// The step history of a table request, as the department that filed it may see it: 已提交 →
// 草稿已生成 → 审核中 → 待授权 → 已通过, or 已退回 — each with when, who (role and account name)
// and, on the deciding step, the reason (the decline reason or the approval note).
//
// Derived, not stored twice: 已提交 is the row's created_at; every later step is the audit record
// the step wrote in the same transaction as the new state (table_requests.h: request_file,
// request_review, request_approve, request_grant, request_decline on object "request/<id>").
// Only those records of this one request are read, and only their time, account and role leave
// here (never their detail, address or request id). When the records no longer say how the
// request reached its current status (a retention purge removed them), the last step is the
// current status at the row's updated_at, so the history never ends before the status shown.
//
// The caller decides who may see the request (TableRequests::Get); this reads no access policy.
//
// Thread-safety: stateless over the store given.
#ifndef ONETABLE_REQUESTS_REQUEST_STEPS_H_
#define ONETABLE_REQUESTS_REQUEST_STEPS_H_

#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable::requests {

struct RequestStep {
  std::string status;      // request_form.h: submitted, drafted, in_review, ...
  std::string at;          // UTC
  std::string role;        // access.h role name of who took the step ("" when unknown)
  std::string role_label;  // its Chinese label
  std::string by;          // the account name
  std::string reason;      // the deciding step's reason or note; "" otherwise
};

// Oldest first; repeats of one status (several draft saves during review) are one step, the
// first. Store errors as they are.
Result<std::vector<RequestStep>> StepsOf(Store& store, const TableRequestRecord& record);

}  // namespace onetable::requests

#endif  // ONETABLE_REQUESTS_REQUEST_STEPS_H_
