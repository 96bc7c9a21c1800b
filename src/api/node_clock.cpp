#include "api/node_clock.hpp"

#include <cmath>

#include <fmt/format.h>

namespace darwaza::api {

std::optional<ClockOffset> measure_clock_offset(storage::Database& db, const Clock& clock) {
  auto r = db.read_server_clock(clock);
  if (!r) return std::nullopt;
  const double half = static_cast<double>(r->answered_ms - r->sent_ms) / 2;
  return ClockOffset{.offset_ms = r->server_ms - (static_cast<double>(r->sent_ms) + half), .uncertainty_ms = half};
}

Status check_clock(const std::optional<ClockOffset>& offset, double max_ms) {
  if (!offset || max_ms <= 0 || std::abs(offset->offset_ms) - offset->uncertainty_ms <= max_ms) return ok_status();
  Error e = make_error(
      ErrorKind::unavailable, "clock-skewed", "Clock out of step",
      fmt::format("This node's clock is {:.0f} ms {} its database server's (at most {:.0f} ms allowed: "
                  "--max-clock-skew-ms). Keep every node and the database in step with NTP.",
                  std::abs(offset->offset_ms), offset->offset_ms > 0 ? "behind" : "ahead of", max_ms));
  e.extensions["clock_offset_ms"] = std::round(offset->offset_ms);
  return e;
}

}  // namespace darwaza::api
