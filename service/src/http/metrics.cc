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
