#include "http/metrics.h"

#include <fmt/format.h>

namespace longnan::http {
namespace {
// Route patterns are ours, but escape anyway so the exposition stays well-formed.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
}  // namespace

void Metrics::record(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method), std::string(route), status}];
  Histogram& histogram = latency_[std::string(route)];
  for (size_t bucket = 0; bucket < kBuckets.size(); ++bucket)
    if (seconds <= kBuckets[bucket]) ++histogram.counts[bucket];
  ++histogram.count;
  histogram.sum += seconds;
}

std::string Metrics::render(const std::string& extra) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP longnan_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE longnan_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format("longnan_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", label(method),
                       label(route), status, count);
  }
  out += "# HELP longnan_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE longnan_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    for (size_t bucket = 0; bucket < kBuckets.size(); ++bucket)
      out += fmt::format("longnan_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label(route),
                         kBuckets[bucket], histogram.counts[bucket]);
    out += fmt::format("longnan_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", label(route),
                       histogram.count);
    out += fmt::format("longnan_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label(route), histogram.sum);
    out += fmt::format("longnan_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label(route),
                       histogram.count);
  }
  out += extra;
  return out;
}

}  // namespace longnan::http
