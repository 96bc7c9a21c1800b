// Prometheus metrics kept in fixed arrays of atomics: no locks on the request path.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace darwaza::http {

// Fixed-bucket latency histogram (seconds). The platform's latency goals are bounds of their own
// (2 ms for a look-up, 5 ms for a catalog search: bench/RESULTS.md), so the share of requests that
// met a goal is read exactly, not interpolated.
class Histogram {
 public:
  static constexpr std::array<double, 15> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,   1.0,    2.5};
  void observe(double seconds);
  // Appends Prometheus lines for `name{labels}`.
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

class Metrics {
 public:
  // route_names[i] names route index i; one extra slot counts unmatched requests.
  explicit Metrics(std::vector<std::string> route_names);

  void record_request(std::size_t route_index, unsigned status, double seconds);
  std::size_t unmatched_index() const { return route_names_.size(); }
  Histogram& db_commit_latency() { return db_commit_; }
  Histogram& db_sync_latency() { return db_sync_; }
  std::atomic<std::int64_t>& open_connections() { return open_connections_; }
  std::atomic<std::int64_t>& in_flight() { return in_flight_; }
  std::atomic<std::uint64_t>& rejected_overload() { return rejected_overload_; }
  std::atomic<std::uint64_t>& rejected_costly_read() { return rejected_costly_read_; }
  std::atomic<std::uint64_t>& rejected_rate_limit() { return rejected_rate_limit_; }
  // Expensive requests admitted unchecked because the shared rate limiter's database did not answer.
  std::atomic<std::uint64_t>& rate_limit_fail_open() { return rate_limit_fail_open_; }
  // A read-only node's replica lag in seconds, as last sampled (NaN: the replica receives nothing
  // or could not be asked); shown from the first sample on, so only by read-only nodes.
  void set_replica_lag(double seconds);
  // The database server's clock minus this node's (NaN: not known), sampled by serve.
  void set_clock_offset(double ms);

  std::string render() const;

 private:
  static constexpr unsigned kMinStatus = 100, kMaxStatus = 599;
  struct RouteStats {
    std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
    Histogram latency;
  };
  std::vector<std::string> route_names_;
  std::unique_ptr<RouteStats[]> stats_;
  Histogram db_commit_;
  Histogram db_sync_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::uint64_t> rejected_overload_{0};
  std::atomic<std::uint64_t> rejected_costly_read_{0};
  std::atomic<std::uint64_t> rejected_rate_limit_{0};
  std::atomic<std::uint64_t> rate_limit_fail_open_{0};
  // A gauge serve samples on a thread of its own: shown from its first sample on, NaN when the
  // sample could not be taken.
  struct SampledGauge {
    std::atomic<double> value{0};
    std::atomic<bool> sampled{false};
    void set(double v);
    void render(std::string& out, std::string_view name, std::string_view help, int decimals) const;
  };
  SampledGauge replica_lag_;
  SampledGauge clock_offset_;
};

}  // namespace darwaza::http
