// The indicators service: imports figures (all or nothing, never overwriting a stored one),
// serves series, and computes year-over-year and fiscal-year-to-date changes next to the
// changes sources quote, labelled apart. Pakistan's fiscal year runs July to June.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "indicators/import_files.hpp"
#include "indicators/live.hpp"
#include "indicators/period.hpp"
#include "indicators/types.hpp"
#include "storage/database.hpp"

namespace darwaza::indicators {

struct ImportOptions {
  bool skip_bad = false;       // import the good rows and report the bad ones
  bool keep_existing = false;  // a row differing from a stored figure is left out, not an error (seeding)
  bool dry_run = false;        // validate only
  std::function<void(std::size_t done, std::size_t total)> progress;  // called per row checked
};

struct ImportReport {
  int series_added = 0, series_updated = 0, series_unchanged = 0;
  int observations_added = 0, observations_unchanged = 0;
  int quotes_added = 0, quotes_unchanged = 0;
  std::vector<RowProblem> problems;  // bad rows; nothing was stored if any and not skip_bad
  std::vector<RowProblem> kept;      // keep_existing: rows that differ from what is stored
  bool stored = false;               // whether this import wrote anything
};

struct SeriesDetail {
  Series series;
  std::vector<Observation> observations;
  std::vector<QuotedChange> quoted;
};

// A figure over a period, and how Darwaza got it.
struct PeriodTotal {
  std::string period;  // canonical, e.g. "2024-07..2024-11"
  double value = 0;
  std::string basis;   // "observation", "monthly-sum" or "range-total"
  int months = 0;      // monthly-sum: how many monthly figures were added
  std::optional<double> range_total;  // monthly-sum: a stored range total too, for comparison
};

struct Change {
  Series series;
  PeriodTotal current, base;
  std::optional<double> computed_pct;  // (current - base) / base × 100, rounded to 0.1; none when base is 0
  std::vector<QuotedChange> quoted;  // what sources say for the same comparison, unmodified
  std::string fiscal_year, base_fiscal_year;  // fiscal-year-to-date only
};

// Percentage change rounded to one decimal, as sources print it.
std::optional<double> percent_change(double current, double base);

class Indicators {
 public:
  Indicators(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<ImportReport> import(const ImportBatch& batch, const ImportOptions& options);

  Result<std::vector<SeriesDetail>> list();
  Result<SeriesDetail> get(const std::string& id);
  // The period against the same period a year earlier (month, quarter or year).
  Result<Change> year_over_year(const std::string& id, const std::string& period, const std::string& lang);
  // July of `fiscal_year` ("2024-25") through `through` ("2024-11"; default: the last month with
  // data), against the same months a year earlier: monthly figures summed when every month has
  // one, else a stored range total for exactly those months.
  Result<Change> fiscal_year_to_date(const std::string& id, const std::string& fiscal_year,
                                     const std::string& through, const std::string& lang);

  // Live figures (see live.hpp); empty until registries supply sources.
  void add_live_source(std::unique_ptr<LiveSource> source) { live_.push_back(std::move(source)); }
  Result<std::vector<LiveFigure>> live();

 private:
  storage::Database& db_;
  const Clock& clock_;
  std::vector<std::unique_ptr<LiveSource>> live_;
};

}  // namespace darwaza::indicators
