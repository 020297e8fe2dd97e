// Metrics: counters and a latency histogram for GET /metrics, in the Prometheus text format
// (version 0.0.4). Series:
//
//   onetable_http_requests_total{method, route, status}      requests answered
//   onetable_http_request_duration_seconds{method, route}     histogram of handling time
//   onetable_import_runs_total{source, status}                connector runs started through
//                                                             the API (POST /connectors/{id}/run;
//                                                             a CLI import is another process)
//   onetable_import_rows_total{source, outcome}               rows by outcome: new, updated,
//                                                             unchanged, linked, review, rejected
//   onetable_delivery_runs_total{delivery, status}            delivery runs of this server
//                                                             (schedule and API; done | failed)
//   onetable_delivery_batches_total{delivery}                 batches the targets acknowledged
//   onetable_delivery_changes_total{delivery, op}             acknowledged upserts and deletes
//   onetable_delivery_attempts_total{delivery}                sends (retries included)
//   onetable_delivery_refused_batches_total{delivery}         batches a target refused (4xx)
//   onetable_delivery_scheduler_ticks_total                   times this server's scheduler
//                                                             looked for due deliveries
//
// `route` is the matched pattern ("/api/v1/grids/{id}/buildings"), never the path, so series
// stay few and no id or personal value becomes a label; unmatched requests are "(unmatched)".
//
// Thread-safety: all methods are safe from any thread (one mutex; the work under it is small).
#ifndef ONETABLE_HTTP_METRICS_H_
#define ONETABLE_HTTP_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "http/router.h"
#include "onetable/status.h"
#include "store/store.h"


namespace onetable {

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void ObserveRequest(const std::string& method, const std::string& route, int status,
                      double seconds);
  void CountImportRun(const std::string& source, const std::string& status);
  void CountImportRows(const std::string& source, const std::string& outcome, int64_t rows);
  // Both for one finished (or failed) run.
  void CountImport(const ImportRun& run);
  // One delivery run that ran (delivery/delivery_run.h DeliveryOutcome's counts).
  void CountDelivery(const std::string& delivery, const std::string& status, int64_t batches,
                     int64_t upserts, int64_t deletes, int64_t attempts, int64_t refused);

  void CountSchedulerTick();

  // The exposition text.
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,   1,    2.5,   5,    10};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // cumulative at render time, not here
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::map<std::pair<std::string, std::string>, uint64_t> import_runs_;
  std::map<std::pair<std::string, std::string>, int64_t> import_rows_;
  std::map<std::pair<std::string, std::string>, uint64_t> delivery_runs_;
  // Per delivery: batches, upserts, deletes, attempts, refused.
  std::map<std::string, std::array<int64_t, 5>> delivery_counts_;
  uint64_t scheduler_ticks_ = 0;
};

// GET /metrics (public: counts only, no personal data; bind the server to a trusted network).
Status RegisterMetricsRoute(Router* router, Metrics* metrics);

}  // namespace onetable

#endif  // ONETABLE_HTTP_METRICS_H_
