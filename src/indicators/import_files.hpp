// Reading indicator files for import: CSV (observations) and JSON (series, observations and
// quoted changes). Checks each row's own fields and remembers its line, so that every bad row
// can be reported as FILE:LINE; rules across rows and against the store are in Indicators::import.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "indicators/types.hpp"

namespace darwaza::indicators {

constexpr std::size_t kMaxImportFileBytes = 20u * 1024 * 1024;  // one file; larger is refused
constexpr std::size_t kMaxImportRows = 200000;                   // per import, all files together
constexpr std::size_t kMaxFieldChars = 2000;                     // any one text field
constexpr std::size_t kMaxUrlChars = 500;

struct RowProblem {
  std::string file;
  int line = 0;  // 1-based; 0 when about the whole file
  std::string message;
};

struct SeriesRow {
  std::string file;
  int line = 0;
  Series series;
};

struct ObservationRow {
  std::string file;
  int line = 0;
  Observation obs;   // obs.period is the text as given ("" = undated)
  std::string unit;  // as stated by the row; must equal the series' unit
};

struct QuoteRow {
  std::string file;
  int line = 0;
  QuotedChange quote;
};

// Rows whose own fields are valid, and a problem for every row (or file) that is not.
struct ImportBatch {
  std::vector<SeriesRow> series;
  std::vector<ObservationRow> observations;
  std::vector<QuoteRow> quotes;
  std::vector<RowProblem> problems;

  std::size_t rows() const { return series.size() + observations.size() + quotes.size(); }
};

// CSV with a header row naming its columns: series, period, value, unit (required) and
// source, source_url, notes (optional). Period "undated" marks a figure quoted without a date.
void read_csv(const std::string& file, std::string_view text, ImportBatch& out);
// {"series": [...], "observations": [...], "quoted": [...]}, each member optional.
void read_json(const std::string& file, std::string_view text, ImportBatch& out);
// By extension (.csv or .json); an unreadable or unknown file becomes a problem.
void read_file(const std::string& path, ImportBatch& out);
// Every *.csv and *.json in `dir`, in name order.
void read_directory(const std::string& dir, ImportBatch& out);

}  // namespace darwaza::indicators
