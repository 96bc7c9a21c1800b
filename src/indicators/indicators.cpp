#include "indicators/indicators.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/validation.hpp"
#include "indicators/errors.hpp"

namespace darwaza::indicators {
namespace {

int units_per_year(Frequency f) {
  switch (f) {
    case Frequency::monthly: return 12;
    case Frequency::quarterly: return 4;
    case Frequency::annual: return 1;
  }
  return 1;
}

Result<SeriesDetail> load_detail(storage::Tx& tx, const std::string& id) {
  auto s = tx.indicators().series(id);
  if (!s) return error(Errc::series_not_found);
  return SeriesDetail{*s, tx.indicators().observations(id), tx.indicators().quotes(id)};
}

std::vector<QuotedChange> quotes_for(const SeriesDetail& d, const PeriodTotal& current, const PeriodTotal& base) {
  std::vector<QuotedChange> out;
  for (const auto& q : d.quoted)
    if (q.period == current.period && q.compared_with == base.period) out.push_back(q);
  return out;
}

// The figure for months first..last of a monthly flow series: the monthly figures added up when
// every month has one, otherwise a stored total for exactly that range.
Result<PeriodTotal> months_total(const SeriesDetail& d, int first, int last) {
  std::map<std::string, double> by_period;
  for (const auto& o : d.observations) by_period[o.period] = o.value;
  PeriodTotal t;
  t.period = Period{Frequency::monthly, first, last}.str();
  double sum = 0;
  int have = 0;
  for (int m = first; m <= last; ++m) {
    if (auto it = by_period.find(unit_str(Frequency::monthly, m)); it != by_period.end()) {
      sum += it->second;
      ++have;
    }
  }
  auto range = first == last ? by_period.end() : by_period.find(t.period);
  if (have == last - first + 1) {
    t.value = sum;
    t.basis = first == last ? "observation" : "monthly-sum";
    t.months = have;
    if (range != by_period.end()) t.range_total = range->second;
    return t;
  }
  if (range != by_period.end()) {
    t.value = range->second;
    t.basis = "range-total";
    return t;
  }
  return error(Errc::observation_missing,
               fmt::format("{} has neither a figure for every month of {} nor a total for that range.", d.series.id,
                           t.period));
}

}  // namespace

std::optional<double> percent_change(double current, double base) {
  if (base == 0) return std::nullopt;
  return std::round((current - base) / base * 1000.0) / 10.0;
}

Result<std::vector<SeriesDetail>> Indicators::list() {
  return storage::read_value<std::vector<SeriesDetail>>(db_, [](storage::Tx& tx) -> Result<std::vector<SeriesDetail>> {
    std::vector<SeriesDetail> out;
    for (auto& s : tx.indicators().all_series()) {
      auto obs = tx.indicators().observations(s.id);
      auto quoted = tx.indicators().quotes(s.id);
      out.push_back(SeriesDetail{std::move(s), std::move(obs), std::move(quoted)});
    }
    return out;
  });
}

Result<SeriesDetail> Indicators::get(const std::string& id) {
  return storage::read_value<SeriesDetail>(db_, [&](storage::Tx& tx) { return load_detail(tx, id); });
}

Result<Change> Indicators::year_over_year(const std::string& id, const std::string& period, const std::string& lang) {
  auto d = get(id);
  if (!d.ok()) return d.take_error();
  const Frequency f = d->series.frequency;
  auto p = parse_period(period, f);
  if (!p || p->is_range()) {
    FieldErrors errs(lang);
    if (period.empty()) errs.add("/period", "required");
    else errs.add("/period", "period", unit_str(f, 2024 * units_per_year(f)));
    return errs.to_error();
  }
  Period base{f, p->first - units_per_year(f), p->first - units_per_year(f)};
  auto find = [&](const Period& want) -> Result<PeriodTotal> {
    for (const auto& o : d->observations)
      if (o.period == want.str()) return PeriodTotal{o.period, o.value, "observation", 0, std::nullopt};
    return error(Errc::observation_missing, fmt::format("{} has no figure for {}.", id, want.str()));
  };
  auto cur = find(*p);
  if (!cur.ok()) return cur.take_error();
  auto prev = find(base);
  if (!prev.ok()) return prev.take_error();
  Change c{d->series, *cur, *prev, percent_change(cur->value, prev->value), {}, {}, {}};
  c.quoted = quotes_for(*d, c.current, c.base);
  return c;
}

Result<Change> Indicators::fiscal_year_to_date(const std::string& id, const std::string& fiscal_year,
                                               const std::string& through, const std::string& lang) {
  FieldErrors errs(lang);
  auto start = parse_fiscal_year(fiscal_year);
  if (!start) errs.add("/fy", fiscal_year.empty() ? "required" : "fiscal_year");
  std::optional<Period> end;
  if (start && !through.empty()) {
    end = parse_period(through, Frequency::monthly);
    if (!end || end->is_range() || end->first < *start || end->first > *start + 11)
      errs.add("/through", "one_of", fmt::format("a month from {} to {}", unit_str(Frequency::monthly, *start),
                                                 unit_str(Frequency::monthly, *start + 11)));
  }
  if (!errs.empty()) return errs.to_error();
  auto d = get(id);
  if (!d.ok()) return d.take_error();
  if (d->series.frequency != Frequency::monthly) return error(Errc::not_monthly);
  if (d->series.aggregation != Aggregation::sum) return error(Errc::not_additive);
  int last = -1;
  if (end) {
    last = end->first;
  } else {
    // The latest month this fiscal year's figures reach: a month, or a range from July.
    for (const auto& o : d->observations) {
      auto p = parse_period(o.period, Frequency::monthly);
      if (p && p->first >= *start && p->last <= *start + 11 && (!p->is_range() || p->first == *start))
        last = std::max(last, p->last);
    }
    if (last < 0)
      return error(Errc::observation_missing, fmt::format("{} has no figures for fiscal year {}.", id, fiscal_year));
  }
  auto cur = months_total(*d, *start, last);
  if (!cur.ok()) return cur.take_error();
  auto prev = months_total(*d, *start - 12, last - 12);
  if (!prev.ok()) return prev.take_error();
  Change c{d->series, *cur, *prev, percent_change(cur->value, prev->value), {}, fiscal_year,
           fiscal_year_of_month(*start - 12)};
  c.quoted = quotes_for(*d, c.current, c.base);
  return c;
}

Result<std::vector<LiveFigure>> Indicators::live() {
  UnixMs now = clock_.now_ms();
  return storage::read_value<std::vector<LiveFigure>>(db_, [&](storage::Tx& tx) -> Result<std::vector<LiveFigure>> {
    std::vector<LiveFigure> out;
    for (const auto& source : live_) {
      auto f = source->compute(tx, now);
      if (!f.ok()) return f.take_error();
      out.push_back(std::move(f).value());
    }
    return out;
  });
}

}  // namespace darwaza::indicators
