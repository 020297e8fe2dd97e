#include "requests/request_steps.h"

#include <optional>

#include "access/access.h"
#include "audit/audit_log.h"
#include "requests/request_form.h"

namespace onetable::requests {
namespace {

// The status an audit record of the request moved it to; "" for records that are no step.
std::string StatusOf(const AuditEntry& e) {
  if (e.result != kAuditOk) return "";
  if (e.action == kAuditRequestFile) return kDrafted;
  if (e.action == kAuditRequestReview) return kInReview;
  if (e.action == kAuditRequestApprove) {
    // The approver held manage_users and granted at once, or it awaits the security admin.
    return e.detail.find(" granted=") != std::string::npos ? kApproved : kAwaitingGrant;
  }
  if (e.action == kAuditRequestGrant) return kApproved;
  if (e.action == kAuditRequestDecline) return kDeclined;
  return "";
}

RequestStep StepOf(const std::string& status, const std::string& at, const std::string& role,
                   const std::string& by) {
  RequestStep step;
  step.status = status;
  step.at = at;
  step.role = role;
  const std::optional<Role> parsed = ParseRole(role);
  step.role_label = parsed.has_value() ? RoleLabel(*parsed) : "";
  step.by = by;
  return step;
}

}  // namespace

Result<std::vector<RequestStep>> StepsOf(Store& store, const TableRequestRecord& record) {
  std::vector<RequestStep> steps;
  steps.push_back(StepOf(kSubmitted, record.created_at, RoleName(Role::kDepartment),
                         record.requester));
  AuditQuery q;
  q.object = "request/" + std::to_string(record.id);
  // The indexed time column narrows the scan to the request's lifetime; from the start of its
  // day, so that another instance's clock running a little behind loses no step.
  q.since = record.created_at.substr(0, 10);
  q.limit = 500;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditEntry> page, store.ListAudit(q));
    for (const AuditEntry& e : page) {
      const std::string status = StatusOf(e);
      if (status.empty() || status == steps.back().status) continue;
      steps.push_back(StepOf(status, e.at, e.role, e.user));
    }
    if (static_cast<int>(page.size()) < q.limit) break;
    q.after_id = page.back().id;
  }
  if (steps.back().status != record.status) {
    const std::string& by = record.status == kApproved || record.status == kAwaitingGrant ||
                                    record.status == kDeclined
                                ? (record.granter.empty() ? record.reviewer : record.granter)
                                : record.reviewer;
    steps.push_back(StepOf(record.status, record.updated_at, "", by));
  }
  // The reason belongs to the step that decided (the row keeps the latest: a decline's reason,
  // else the approval note, written when the request was approved — 待授权, or 已通过 at once).
  if (record.status == kDeclined) {
    steps.back().reason = record.reason;
  } else if (record.status == kApproved || record.status == kAwaitingGrant) {
    RequestStep* approval = nullptr;
    for (RequestStep& step : steps) {
      if (step.status == kAwaitingGrant || (step.status == kApproved && approval == nullptr)) {
        approval = &step;
      }
    }
    if (approval != nullptr) approval->reason = record.reason;
  }
  return steps;
}

}  // namespace onetable::requests
