// Indicators::import: the rules across rows and against the store. Every bad row is reported;
// nothing is stored if any row is bad unless the caller asked to skip bad rows.
#include <algorithm>
#include "audit/audit.hpp"
#include <map>
#include <set>

#include <fmt/format.h>

#include "indicators/indicators.hpp"

namespace darwaza::indicators {
namespace {

std::string where(const std::string& file, int line) { return fmt::format("{}:{}", file, line); }

const char* period_shapes(Frequency f) {
  switch (f) {
    case Frequency::monthly: return "YYYY-MM, or a range YYYY-MM..YYYY-MM";
    case Frequency::quarterly: return "YYYY-Qn, or a range YYYY-Qn..YYYY-Qn";
    case Frequency::annual: return "YYYY, or a range YYYY..YYYY";
  }
  return "";
}

struct PendingObservation {
  Observation obs;
  int first = -1, last = -1;
};

// One import's state while rows are checked inside the transaction.
class Checker {
 public:
  Checker(storage::IndicatorRepo& repo, const ImportOptions& options, ImportReport& report, std::size_t total)
      : repo_(repo), options_(options), report_(report), total_(total) {}

  void series(const SeriesRow& row) {
    tick();
    const Series& s = row.series;
    if (auto first = defined_at_.find(s.id); first != defined_at_.end())
      return bad(row.file, row.line, fmt::format("series {} is defined twice (first at {})", s.id, first->second));
    defined_at_[s.id] = where(row.file, row.line);
    auto stored = repo_.series(s.id);
    if (stored && (stored->unit != s.unit || stored->frequency != s.frequency || stored->aggregation != s.aggregation)) {
      bad_series_.insert(s.id);
      return bad(row.file, row.line,
                 fmt::format("series {} is stored with unit \"{}\", {}, {}; unit, frequency and aggregation never change",
                             s.id, stored->unit, to_string(stored->frequency), to_string(stored->aggregation)));
    }
    known_[s.id] = s;
    if (!stored) {
      series_added_.push_back(s);
    } else if (stored->title != s.title || stored->source != s.source || stored->source_url != s.source_url ||
               stored->notes != s.notes) {
      series_updated_.push_back(s);
    } else {
      ++report_.series_unchanged;
    }
  }

  void observation(const ObservationRow& row) {
    tick();
    const Series* s = lookup(row.obs.series_id, row.file, row.line);
    if (!s) return;
    if (row.unit != s->unit)
      return bad(row.file, row.line, fmt::format("unit mismatch: series {} is in \"{}\", this row says \"{}\"",
                                                 s->id, s->unit, row.unit));
    PendingObservation p{row.obs};
    if (!p.obs.period.empty()) {
      auto period = parse_period(p.obs.period, s->frequency);
      if (!period)
        return bad(row.file, row.line, fmt::format("period \"{}\" is not a {} period ({})", p.obs.period,
                                                   to_string(s->frequency), period_shapes(s->frequency)));
      if (period->is_range() && s->aggregation != Aggregation::sum)
        return bad(row.file, row.line, fmt::format("series {} measures a level; only series that add up take "
                                                   "period-range totals", s->id));
      p.obs.period = period->str();
      p.first = period->first;
      p.last = period->last;
    }
    if (p.obs.source.empty()) {
      p.obs.source = s->source;
      if (p.obs.source_url.empty()) p.obs.source_url = s->source_url;
    }
    std::string shown = p.obs.period.empty() ? "the undated figure" : p.obs.period;
    if (!first_seen(s->id + "\n" + p.obs.period, row.file, row.line, fmt::format("duplicate period: {} of {}", shown, s->id)))
      return;
    if (auto stored = repo_.observation(s->id, p.obs.period)) {
      if (stored->value == p.obs.value) return void(++report_.observations_unchanged);
      return differs(row.file, row.line, fmt::format("{} of {} is stored as {}; this row says {}", shown, s->id,
                                                     stored->value, p.obs.value));
    }
    observations_.push_back(std::move(p));
  }

  void quote(const QuoteRow& row) {
    tick();
    const Series* s = lookup(row.quote.series_id, row.file, row.line);
    if (!s) return;
    QuotedChange q = row.quote;
    for (std::string* text : {&q.period, &q.compared_with}) {
      auto period = parse_period(*text, s->frequency);
      if (!period)
        return bad(row.file, row.line, fmt::format("period \"{}\" is not a {} period ({})", *text,
                                                   to_string(s->frequency), period_shapes(s->frequency)));
      *text = period->str();
    }
    if (!first_seen(s->id + "\n" + q.period + "\n" + q.compared_with + "\n" + q.source, row.file, row.line,
                    fmt::format("duplicate quoted change: {} against {} of {} from {}", q.period, q.compared_with,
                                s->id, q.source)))
      return;
    if (auto stored = repo_.quote(s->id, q.period, q.compared_with, q.source)) {
      if (stored->change_pct == q.change_pct) return void(++report_.quotes_unchanged);
      return differs(row.file, row.line, fmt::format("the change {} against {} of {} quoted by {} is stored as "
                                                     "{} %; this row says {} %", q.period, q.compared_with, s->id,
                                                     q.source, stored->change_pct, q.change_pct));
    }
    quotes_.push_back(std::move(q));
  }

  void store(UnixMs now) {
    for (const auto& s : series_added_) repo_.upsert_series(s, now);
    for (const auto& s : series_updated_) repo_.upsert_series(s, now);
    for (const auto& p : observations_) repo_.insert_observation(p.obs, p.first, p.last, now);
    for (const auto& q : quotes_) repo_.insert_quote(q, now);
    report_.series_added = static_cast<int>(series_added_.size());
    report_.series_updated = static_cast<int>(series_updated_.size());
    report_.observations_added = static_cast<int>(observations_.size());
    report_.quotes_added = static_cast<int>(quotes_.size());
    report_.stored = !series_added_.empty() || !series_updated_.empty() || !observations_.empty() || !quotes_.empty();
  }

 private:
  void tick() {
    ++done_;
    if (options_.progress) options_.progress(done_, total_);
  }
  void bad(const std::string& file, int line, std::string message) {
    report_.problems.push_back({file, line, std::move(message)});
  }
  // A row that contradicts a stored figure: an error, or (seeding) left out and noted.
  void differs(const std::string& file, int line, std::string message) {
    if (options_.keep_existing) {
      report_.kept.push_back({file, line, message + "; the stored figure is kept"});
    } else {
      bad(file, line, message + "; a stored figure is never overwritten");
    }
  }
  bool first_seen(const std::string& key, const std::string& file, int line, const std::string& message) {
    auto [it, inserted] = seen_.emplace(key, where(file, line));
    if (!inserted) bad(file, line, fmt::format("{} (also at {})", message, it->second));
    return inserted;
  }
  const Series* lookup(const std::string& id, const std::string& file, int line) {
    if (auto it = known_.find(id); it != known_.end()) return &it->second;
    if (bad_series_.count(id)) {
      bad(file, line, fmt::format("series {} is defined by a bad row ({})", id, defined_at_[id]));
      return nullptr;
    }
    if (auto stored = repo_.series(id)) return &(known_[id] = *stored);
    bad(file, line, fmt::format("unknown series \"{}\" (define it under \"series\" in a JSON file)", id));
    return nullptr;
  }

  storage::IndicatorRepo& repo_;
  const ImportOptions& options_;
  ImportReport& report_;
  std::size_t total_, done_ = 0;
  std::map<std::string, Series> known_;
  std::map<std::string, std::string> defined_at_, seen_;
  std::set<std::string> bad_series_;
  std::vector<Series> series_added_, series_updated_;
  std::vector<PendingObservation> observations_;
  std::vector<QuotedChange> quotes_;
};

}  // namespace

Result<ImportReport> Indicators::import(const ImportBatch& batch, const ImportOptions& options) {
  ImportReport report;
  UnixMs now = clock_.now_ms();
  auto run = [&](storage::Tx& tx) -> Status {
    report = ImportReport{};
    report.problems = batch.problems;
    Checker check(tx.indicators(), options, report, batch.rows());
    for (const auto& r : batch.series) check.series(r);
    for (const auto& r : batch.observations) check.observation(r);
    for (const auto& r : batch.quotes) check.quote(r);
    if ((report.problems.empty() || options.skip_bad) && !options.dry_run) {
      check.store(now);
      audit::record(tx, audit::cli_actor(), now, {"indicators.import", "indicator_batch", "", "", "", "", "ok"});
    }
    return ok_status();
  };
  Status s = options.dry_run ? db_.read(run) : db_.write(run);
  if (!s.ok()) return s.take_error();
  auto by_place = [](const RowProblem& a, const RowProblem& b) { return std::tie(a.file, a.line) < std::tie(b.file, b.line); };
  std::stable_sort(report.problems.begin(), report.problems.end(), by_place);
  std::stable_sort(report.kept.begin(), report.kept.end(), by_place);
  return report;
}

}  // namespace darwaza::indicators
