#include "delivery/delivery_admin.h"

#include "delivery/delivery_run.h"

namespace onetable {

Result<DeliveryState> ReadDeliveryState(Store& store, const std::string& id, int64_t now) {
  DeliveryState s;
  ASSIGN_OR_RETURN(s.control, store.GetDeliveryControl(id));
  ASSIGN_OR_RETURN(s.pending_batches,
                   store.CountDeliveryBatches(id, kBatchPending, &s.pending_changes));
  ASSIGN_OR_RETURN(s.failed_batches,
                   store.CountDeliveryBatches(id, kBatchFailed, &s.failed_changes));
  ASSIGN_OR_RETURN(s.acked_batches, store.CountDeliveryBatches(id, kBatchAcked, nullptr));
  ASSIGN_OR_RETURN(std::optional<Lease> lease, store.GetLease(DeliveryLeaseName(id)));
  if (lease && now < lease->expires_at) {
    s.running = true;
    s.running_holder = lease->holder;
  }
  return s;
}

Result<int64_t> ChangeDelivery(Store& store, const AppContext& app, const Actor& actor,
                               const std::string& id, DeliveryAction action) {
  ASSIGN_OR_RETURN(DeliveryEntry entry, FindDelivery(app, id));
  int64_t moved = 0;
  std::string detail;
  Status st;
  switch (action) {
    case DeliveryAction::kPause:
      st = store.SetDeliveryPaused(entry.id, true);
      detail = "pause";
      break;
    case DeliveryAction::kResume:
      st = store.SetDeliveryPaused(entry.id, false);
      detail = "resume";
      break;
    case DeliveryAction::kRetry: {
      Result<int64_t> n = store.RetryDeliveryBatches(entry.id);
      st = n.status();
      if (n.ok()) moved = *n;
      detail = "retry batches=" + std::to_string(moved);
      break;
    }
  }
  RETURN_IF_ERROR(AppendAudit(store, actor, kAuditDeliveryChange, DeliveryAuditObject(entry.id),
                              st.ok() ? kAuditOk : kAuditFailed, detail));
  RETURN_IF_ERROR(st);
  return moved;
}

}  // namespace onetable
