#include "storage/sql/indicator_repo.hpp"

namespace darwaza::storage::sql {
namespace {

using indicators::Observation;
using indicators::QuotedChange;
using indicators::Series;

constexpr const char* kSeriesById =
    "SELECT id, title, unit, frequency, aggregation, source, source_url, notes FROM indicator_series WHERE id = ?";
constexpr const char* kAllSeries =
    "SELECT id, title, unit, frequency, aggregation, source, source_url, notes FROM indicator_series ORDER BY id";
constexpr const char* kUpsertSeries =
    "INSERT INTO indicator_series (id, title, unit, frequency, aggregation, source, source_url, notes, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
    "source = excluded.source, source_url = excluded.source_url, notes = excluded.notes, "
    "updated_at = excluded.updated_at";
constexpr const char* kObservations =
    "SELECT series_id, period, value, source, source_url, notes FROM indicator_observations WHERE series_id = ? "
    "ORDER BY first_unit, last_unit";
constexpr const char* kObservation =
    "SELECT series_id, period, value, source, source_url, notes FROM indicator_observations "
    "WHERE series_id = ? AND period = ?";
constexpr const char* kInsertObservation =
    "INSERT INTO indicator_observations (series_id, period, first_unit, last_unit, value, source, source_url, notes, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kQuotes =
    "SELECT series_id, period, compared_with, change_pct, source, source_url, notes FROM indicator_quotes "
    "WHERE series_id = ? ORDER BY period, compared_with, source";
constexpr const char* kQuote =
    "SELECT series_id, period, compared_with, change_pct, source, source_url, notes FROM indicator_quotes "
    "WHERE series_id = ? AND period = ? AND compared_with = ? AND source = ?";
constexpr const char* kInsertQuote =
    "INSERT INTO indicator_quotes (series_id, period, compared_with, change_pct, source, source_url, notes, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

Series read_series(Query& q) {
  Series s{q.text(0), q.text(1), q.text(2), {}, {}, q.text(5), q.text(6), q.text(7)};
  indicators::parse_frequency(q.text(3), s.frequency);
  indicators::parse_aggregation(q.text(4), s.aggregation);
  return s;
}

Observation read_observation(Query& q) {
  return Observation{q.text(0), q.text(1), q.real(2), q.text(3), q.text(4), q.text(5)};
}

QuotedChange read_quote(Query& q) {
  return QuotedChange{q.text(0), q.text(1), q.text(2), q.real(3), q.text(4), q.text(5), q.text(6)};
}

}  // namespace

std::optional<Series> SqlIndicatorRepo::series(const std::string& id) {
  auto q = c_.query(kSeriesById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_series(q);
}

std::vector<Series> SqlIndicatorRepo::all_series() {
  std::vector<Series> out;
  auto q = c_.query(kAllSeries);
  while (q.step()) out.push_back(read_series(q));
  return out;
}

void SqlIndicatorRepo::upsert_series(const Series& s, UnixMs at) {
  c_.query(kUpsertSeries)
      .bind_all(s.id, s.title, s.unit, to_string(s.frequency), to_string(s.aggregation), s.source, s.source_url,
                s.notes, at)
      .exec();
}

std::vector<Observation> SqlIndicatorRepo::observations(const std::string& series_id) {
  std::vector<Observation> out;
  auto q = c_.query(kObservations);
  q.bind(1, series_id);
  while (q.step()) out.push_back(read_observation(q));
  return out;
}

std::optional<Observation> SqlIndicatorRepo::observation(const std::string& series_id, const std::string& period) {
  auto q = c_.query(kObservation);
  q.bind_all(series_id, period);
  if (!q.step()) return std::nullopt;
  return read_observation(q);
}

void SqlIndicatorRepo::insert_observation(const Observation& o, int first, int last, UnixMs at) {
  c_.query(kInsertObservation)
      .bind_all(o.series_id, o.period, first, last, o.value, o.source, o.source_url, o.notes, at)
      .exec();
}

std::vector<QuotedChange> SqlIndicatorRepo::quotes(const std::string& series_id) {
  std::vector<QuotedChange> out;
  auto q = c_.query(kQuotes);
  q.bind(1, series_id);
  while (q.step()) out.push_back(read_quote(q));
  return out;
}

std::optional<QuotedChange> SqlIndicatorRepo::quote(const std::string& series_id, const std::string& period,
                                                       const std::string& compared_with, const std::string& source) {
  auto q = c_.query(kQuote);
  q.bind_all(series_id, period, compared_with, source);
  if (!q.step()) return std::nullopt;
  return read_quote(q);
}

void SqlIndicatorRepo::insert_quote(const QuotedChange& q, UnixMs at) {
  c_.query(kInsertQuote)
      .bind_all(q.series_id, q.period, q.compared_with, q.change_pct, q.source, q.source_url, q.notes, at)
      .exec();
}

}  // namespace darwaza::storage::sql
