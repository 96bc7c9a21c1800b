// Service-level deadlines in working days: Monday to Friday in Pakistan Standard Time (UTC+5).
// Public holidays are not yet modelled (they vary by year and notification).
#pragma once

#include "core/clock.hpp"

namespace darwaza {

constexpr UnixMs kPktOffsetMs = 5LL * 3600 * 1000;

// The moment `days` working days after `from` (same time of day).
UnixMs add_working_days(UnixMs from, int days);
// YYYY-MM-DD of a moment, in Pakistan Standard Time.
std::string pkt_date(UnixMs t);
// YYYY-MM-DD `days` calendar days after the PKT date of `t`.
std::string pkt_date_plus_days(UnixMs t, int days);
// The calendar date `days` after a YYYY-MM-DD date (empty when `ymd` is not one).
std::string date_plus_days(const std::string& ymd, int days);

}  // namespace darwaza
