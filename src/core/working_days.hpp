// Service-level deadlines in working days: Monday to Friday in Pakistan Standard Time (UTC+5),
// less the public holidays the platform is given (they vary by year and notification: see
// data/holidays.json and serve --holidays).
#pragma once

#include <set>
#include <string>

#include "core/clock.hpp"

namespace darwaza {

constexpr UnixMs kPktOffsetMs = 5LL * 3600 * 1000;

// Public holidays, as YYYY-MM-DD dates in Pakistan.
using Holidays = std::set<std::string>;

// The moment `days` working days after `from` (same time of day): weekends and `holidays` do not count.
UnixMs add_working_days(UnixMs from, int days, const Holidays& holidays = {});
// Whether `ymd` is a calendar date written YYYY-MM-DD.
bool is_iso_date(const std::string& ymd);
// YYYY-MM-DD of a moment, in Pakistan Standard Time.
std::string pkt_date(UnixMs t);
// YYYY-MM-DD `days` calendar days after the PKT date of `t`.
std::string pkt_date_plus_days(UnixMs t, int days);
// The calendar date `days` after a YYYY-MM-DD date (empty when `ymd` is not one).
std::string date_plus_days(const std::string& ymd, int days);

}  // namespace darwaza
