#include "http/metrics.hpp"

#include <cmath>

#include <fmt/format.h>

namespace darwaza::http {

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  std::uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (std::size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < kBounds.size() ? fmt::format("{}", kBounds[i]) : "+Inf";
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, le, cumulative);
  }
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces, sum_us_.load() / 1e6);
  out += fmt::format("{}_count{} {}\n", name, braces, count_.load());
}

Metrics::Metrics(std::vector<std::string> route_names)
    : route_names_(std::move(route_names)), stats_(new RouteStats[route_names_.size() + 1]) {}

void Metrics::record_request(std::size_t route_index, unsigned status, double seconds) {
  if (route_index > route_names_.size()) route_index = route_names_.size();
  if (status < kMinStatus || status > kMaxStatus) status = 500;
  auto& s = stats_[route_index];
  s.by_status[status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
  s.latency.observe(seconds);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(16384);
  out += "# HELP darwaza_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE darwaza_http_requests_total counter\n";
  for (std::size_t r = 0; r <= route_names_.size(); ++r) {
    const std::string& name = r < route_names_.size() ? route_names_[r] : std::string("unmatched");
    for (unsigned st = kMinStatus; st <= kMaxStatus; ++st) {
      auto v = stats_[r].by_status[st - kMinStatus].load(std::memory_order_relaxed);
      if (v) out += fmt::format("darwaza_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", name, st, v);
    }
  }
  out += "# HELP darwaza_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE darwaza_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r <= route_names_.size(); ++r) {
    const std::string& name = r < route_names_.size() ? route_names_[r] : std::string("unmatched");
    stats_[r].latency.render(out, "darwaza_http_request_duration_seconds", fmt::format("route=\"{}\"", name));
  }
  out += "# HELP darwaza_db_commit_duration_seconds Database commit latency (one per group commit).\n";
  out += "# TYPE darwaza_db_commit_duration_seconds histogram\n";
  db_commit_.render(out, "darwaza_db_commit_duration_seconds", "");
  out += "# HELP darwaza_db_sync_duration_seconds Log flush latency (SQLite: one flush makes every commit before it durable).\n";
  out += "# TYPE darwaza_db_sync_duration_seconds histogram\n";
  db_sync_.render(out, "darwaza_db_sync_duration_seconds", "");
  out += "# HELP darwaza_http_open_connections Open client connections.\n";
  out += "# TYPE darwaza_http_open_connections gauge\n";
  out += fmt::format("darwaza_http_open_connections {}\n", open_connections_.load());
  out += "# HELP darwaza_http_requests_in_flight Requests being handled.\n";
  out += "# TYPE darwaza_http_requests_in_flight gauge\n";
  out += fmt::format("darwaza_http_requests_in_flight {}\n", in_flight_.load());
  out += "# HELP darwaza_http_rejected_total Requests refused by overload protection.\n";
  out += "# TYPE darwaza_http_rejected_total counter\n";
  out += fmt::format("darwaza_http_rejected_total{{reason=\"overload\"}} {}\n", rejected_overload_.load());
  out += fmt::format("darwaza_http_rejected_total{{reason=\"costly_reads\"}} {}\n", rejected_costly_read_.load());
  out += fmt::format("darwaza_http_rejected_total{{reason=\"rate_limit\"}} {}\n", rejected_rate_limit_.load());
  out += "# HELP darwaza_rate_limit_fail_open_total Expensive requests let through unchecked because the "
         "database of the shared rate limit did not answer.\n";
  out += "# TYPE darwaza_rate_limit_fail_open_total counter\n";
  out += fmt::format("darwaza_rate_limit_fail_open_total {}\n", rate_limit_fail_open_.load());
  replica_lag_.render(out, "darwaza_db_replica_lag_seconds",
                      "How far this read-only node's database replica is behind its primary (NaN: it receives "
                      "nothing from a primary).",
                      3);
  clock_offset_.render(out, "darwaza_clock_offset_ms",
                       "The database server's clock minus this node's, in milliseconds (NaN: the database did not "
                       "answer).",
                       0);
  return out;
}

void Metrics::set_clock_offset(double ms) { clock_offset_.set(ms); }

void Metrics::set_replica_lag(double seconds) { replica_lag_.set(seconds); }

void Metrics::SampledGauge::set(double v) {
  value.store(v, std::memory_order_relaxed);
  sampled.store(true, std::memory_order_release);
}

void Metrics::SampledGauge::render(std::string& out, std::string_view name, std::string_view help,
                                   int decimals) const {
  if (!sampled.load(std::memory_order_acquire)) return;
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  const double v = value.load(std::memory_order_relaxed);
  out += std::isnan(v) ? fmt::format("{} NaN\n", name) : fmt::format("{} {:.{}f}\n", name, v, decimals);
}

}  // namespace darwaza::http
