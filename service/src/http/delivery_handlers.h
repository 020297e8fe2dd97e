// Deliveries (service/src/delivery/), for admins: their state, receipts, and what an admin does.
//
//   GET  /api/v1/deliveries                     every delivery file, by id: {"items": [{"id",
//        "title", "mapping", "target", "schedule", "valid", "problems", "paused", "running",
//        "last_run_at", "last_success_at", "last_error", "pending_batches", "pending_changes",
//        "failed_batches", "failed_changes", "acked_batches"}]} (times "YYYY-MM-DD HH:MM:SS" UTC
//        or null)
//   GET  /api/v1/deliveries/{id}/batches?after=SEQ&limit=   receipts, oldest first: {"seq",
//        "status", "upserts", "deletes", "attempts", "last_status", "response_code",
//        "created_at", "acked_at", "idempotency_key"} — never the rows themselves
//   POST /api/v1/deliveries/{id}/run            starts a run in the background: 202; 409 while
//        another run holds the delivery's lease, or while it is paused
//   POST /api/v1/deliveries/{id}/pause | resume | retry   (retry: refused batches go again on
//        the next run, which it starts) — answer the delivery's state
//
// Access: kManageConnectors (admins: the departments' systems are theirs to wire). Runs are
// audited as delivery_run, the others as delivery_change; runs are counted in /metrics.
//
// Thread-safety: handlers are stateless; runs use a store of their own on a background job.
#ifndef ONETABLE_HTTP_DELIVERY_HANDLERS_H_
#define ONETABLE_HTTP_DELIVERY_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterDeliveryRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_DELIVERY_HANDLERS_H_
