#include "http/metrics.h"

#include <cstdio>

namespace onetable {
namespace {

// A label value with \, " and newline escaped as the text format requires.
std::string Label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

}  // namespace

constexpr std::array<double, 12> Metrics::kBuckets;

void Metrics::ObserveRequest(const std::string& method, const std::string& route, int status,
                             double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{method, route, status}];
  Histogram& h = latency_[{method, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountImportRun(const std::string& source, const std::string& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++import_runs_[{source, status}];
}

void Metrics::CountImportRows(const std::string& source, const std::string& outcome, int64_t rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  import_rows_[{source, outcome}] += rows;
}

void Metrics::CountImport(const ImportRun& run) {
  CountImportRun(run.source, run.status);
  const std::pair<const char*, int64_t> outcomes[] = {
      {"new", run.created},   {"updated", run.updated}, {"unchanged", run.unchanged},
      {"linked", run.linked}, {"review", run.review},   {"rejected", run.rejected}};
  for (const auto& [outcome, rows] : outcomes) CountImportRows(run.source, outcome, rows);
}

void Metrics::CountDelivery(const std::string& delivery, const std::string& status,
                            int64_t batches, int64_t upserts, int64_t deletes, int64_t attempts,
                            int64_t refused) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++delivery_runs_[{delivery, status}];
  std::array<int64_t, 5>& c = delivery_counts_[delivery];
  c[0] += batches;
  c[1] += upserts;
  c[2] += deletes;
  c[3] += attempts;
  c[4] += refused;
}

void Metrics::CountSchedulerTick() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++scheduler_ticks_;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  out += "# HELP onetable_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE onetable_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "onetable_http_requests_total{method=\"" + Label(method) + "\",route=\"" + Label(route) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP onetable_http_request_duration_seconds Time to handle a request.\n";
  out += "# TYPE onetable_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    const std::string labels =
        "method=\"" + Label(key.first) + "\",route=\"" + Label(key.second) + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "onetable_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
             Number(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "onetable_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "onetable_http_request_duration_seconds_sum{" + labels + "} " + Number(h.sum) + "\n";
    out += "onetable_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(h.count) + "\n";
  }
  out += "# HELP onetable_import_runs_total Connector runs, by source and final status.\n";
  out += "# TYPE onetable_import_runs_total counter\n";
  for (const auto& [key, n] : import_runs_) {
    out += "onetable_import_runs_total{source=\"" + Label(key.first) + "\",status=\"" +
           Label(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP onetable_import_rows_total Source rows imported, by source and outcome.\n";
  out += "# TYPE onetable_import_rows_total counter\n";
  for (const auto& [key, n] : import_rows_) {
    out += "onetable_import_rows_total{source=\"" + Label(key.first) + "\",outcome=\"" +
           Label(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP onetable_delivery_runs_total Delivery runs, by delivery and status.\n";
  out += "# TYPE onetable_delivery_runs_total counter\n";
  for (const auto& [key, n] : delivery_runs_) {
    out += "onetable_delivery_runs_total{delivery=\"" + Label(key.first) + "\",status=\"" +
           Label(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  const char* series[][2] = {
      {"onetable_delivery_batches_total", "Batches the delivery's target acknowledged."},
      {"onetable_delivery_changes_total", "Acknowledged changes, by delivery and op."},
      {"onetable_delivery_attempts_total", "Batch sends, retries included."},
      {"onetable_delivery_refused_batches_total", "Batches the target refused for good."}};
  for (int i = 0; i < 4; ++i) {
    out += std::string("# HELP ") + series[i][0] + " " + series[i][1] + "\n";
    out += std::string("# TYPE ") + series[i][0] + " counter\n";
    for (const auto& [delivery, c] : delivery_counts_) {
      const std::string label = "delivery=\"" + Label(delivery) + "\"";
      if (i == 1) {
        out += std::string(series[i][0]) + "{" + label + ",op=\"upsert\"} " +
               std::to_string(c[1]) + "\n";
        out += std::string(series[i][0]) + "{" + label + ",op=\"delete\"} " +
               std::to_string(c[2]) + "\n";
      } else {
        out += std::string(series[i][0]) + "{" + label + "} " +
               std::to_string(c[i == 0 ? 0 : i == 2 ? 3 : 4]) + "\n";
      }
    }
  }
  out += "# HELP onetable_delivery_scheduler_ticks_total Looks for due deliveries by this server.\n";
  out += "# TYPE onetable_delivery_scheduler_ticks_total counter\n";
  out += "onetable_delivery_scheduler_ticks_total " + std::to_string(scheduler_ticks_) + "\n";
  return out;
}

Status RegisterMetricsRoute(Router* router, Metrics* metrics) {
  RouteDoc doc;
  doc.summary = "Prometheus 指标（请求数、延迟、导入计数）";
  doc.is_public = true;
  return router->Add("GET", "/metrics", doc, [metrics](const RequestContext&) {
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics->Render();
    return response;
  });
}

}  // namespace onetable
