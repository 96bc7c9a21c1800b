// Indicators: published time series about the IT sector (unit, frequency, source), their
// observations (one period or a period-range total) and growth figures quoted by sources, kept
// beside the values Darwaza computes and never merged with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace darwaza::indicators {

enum class Frequency { monthly, quarterly, annual };
// How periods combine: flows (remittances) add up over a range; levels (subscribers) do not.
enum class Aggregation { sum, level };

const char* to_string(Frequency f);
const char* to_string(Aggregation a);
bool parse_frequency(std::string_view s, Frequency& out);
bool parse_aggregation(std::string_view s, Aggregation& out);

struct Series {
  std::string id;  // slug, e.g. "ict-export-remittances"
  std::string title;
  std::string unit;  // e.g. "USD million"; every observation states it and must match
  Frequency frequency = Frequency::monthly;
  Aggregation aggregation = Aggregation::sum;
  std::string source;  // who publishes the figures
  std::string source_url;
  std::string notes;
};

// One figure. `period` is canonical: "2024-04", "2024-Q2", "2024", a range total
// "2024-07..2024-11", or "" for a figure its source quotes without a date.
struct Observation {
  std::string series_id;
  std::string period;
  double value = 0;
  std::string source;
  std::string source_url;
  std::string notes;
};

// A change a source states in words ("up 32.7 %"), for `period` against `compared_with`. Several
// sources may quote one comparison; each is kept as it was quoted.
struct QuotedChange {
  std::string series_id;
  std::string period;
  std::string compared_with;
  double change_pct = 0;
  std::string source;
  std::string source_url;
  std::string notes;
};

struct SeriesSummary {
  Series series;
  std::int64_t observations = 0;
  std::optional<Observation> latest;  // the dated observation with the latest end
};

}  // namespace darwaza::indicators
