// Whether this node's clock agrees with its database server's. Nodes over one PostgreSQL write
// times from their own clocks (sessions' expiry, outbox leases, rate-limit cells, every created_at),
// so a node whose clock is off hands out leases and expiries the others read wrongly. /readyz
// answers 503 `clock-skewed` while the difference is over the bound, so the balancer takes the
// node out, and serve samples it for /metrics (darwaza_clock_offset_ms).
#pragma once

#include <optional>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::api {

constexpr double kDefaultMaxClockSkewMs = 1'000;  // serve --max-clock-skew-ms
constexpr int kClockSampleMs = 10'000;             // how often serve samples the offset for /metrics

struct ClockOffset {
  double offset_ms = 0;       // the database server's clock minus this node's
  double uncertainty_ms = 0;  // half the round trip it was read in: the offset is known within this
};

// The offset read around one round trip to the database (not the wait for a free connection
// before it); nullopt when the engine has no server clock of its own (SQLite: one machine) or the
// database does not answer.
std::optional<ClockOffset> measure_clock_offset(storage::Database& db, const Clock& clock);

// 503 clock-skewed (with the offset) when the node's clock is surely more than max_ms off the
// database's, whatever the round trip added; ok otherwise, unknown included (/readyz checks the
// database's answer on its own). max_ms 0: not checked.
Status check_clock(const std::optional<ClockOffset>& offset, double max_ms);

}  // namespace darwaza::api
