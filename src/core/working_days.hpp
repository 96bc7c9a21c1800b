// Service-level deadlines in working days: Monday to Friday in Pakistan Standard Time (UTC+5),
// less the public holidays the platform is given (they vary by year and notification: see
// data/holidays.json and serve --holidays).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "core/clock.hpp"

namespace darwaza {

constexpr UnixMs kPktOffsetMs = 5LL * 3600 * 1000;

// Public holidays, as day numbers in Pakistan (pkt_day): counting working days compares numbers,
// with no date formatting on the way (it runs on every submission and transition).
using Holidays = std::set<std::int64_t>;

// The day of a moment in Pakistan Standard Time, counted from 1970-01-01.
std::int64_t pkt_day(UnixMs t);
// The day number of a YYYY-MM-DD date (nothing when `ymd` is not one).
std::optional<std::int64_t> day_of_date(const std::string& ymd);

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
