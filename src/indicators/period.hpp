// Periods of a series: months ("2024-04"), quarters ("2024-Q2") or years ("2024"), single or as
// an inclusive range ("2024-07..2024-11"), and Pakistan's fiscal year (July to June).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "indicators/types.hpp"

namespace darwaza::indicators {

// Both ends as a count of the frequency's units since year 0 (months: y*12+m-1, quarters:
// y*4+q-1, years: y). A single period has first == last.
struct Period {
  Frequency frequency = Frequency::monthly;
  int first = 0;
  int last = 0;

  bool is_range() const { return first != last; }
  std::string str() const;  // canonical text
};

// Parses text in the series' frequency; std::nullopt for anything else (wrong shape, month 13,
// range ending before it starts, years outside kMinYear..kMaxYear).
std::optional<Period> parse_period(std::string_view text, Frequency f);
std::string unit_str(Frequency f, int unit);

constexpr int kMinYear = 1947;
constexpr int kMaxYear = 2100;

// A fiscal year "2024-25" runs July 2024 to June 2025: returns the month index of July.
std::optional<int> parse_fiscal_year(std::string_view text);
std::string fiscal_year_of_month(int month);  // month index → "2024-25"

}  // namespace darwaza::indicators
