#include "engagements/stages.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/validation.hpp"
#include "engagements/errors.hpp"

namespace darwaza::engagements {
namespace {

std::optional<int> number(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Howard Hinnant's days_from_civil.
long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

// The first day a partial date can mean ("2022-02" → "2022-02-01"), for ordering.
std::string earliest_day(const std::string& date) {
  if (date.size() == 4) return date + "-01-01";
  if (date.size() == 7) return date + "-01";
  return date;
}

}  // namespace

bool valid_date(std::string_view s, bool full_only) {
  if (s.size() != 10 && (full_only || (s.size() != 4 && s.size() != 7))) return false;
  auto y = number(s.substr(0, 4));
  if (!y || *y < 1947 || *y > 2100 || s[0] == '+' || s[0] == '-') return false;
  if (s.size() == 4) return true;
  if (s[4] != '-') return false;
  auto m = number(s.substr(5, 2));
  if (!m || *m < 1 || *m > 12 || s[5] == '+') return false;
  if (s.size() == 7) return true;
  if (s[7] != '-') return false;
  auto d = number(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  return d && s[8] != '+' && *d >= 1 && *d <= kDays[*m - 1] + (*m == 2 && leap ? 1 : 0);
}

std::optional<long> day_number(std::string_view s) {
  if (!valid_date(s, true)) return std::nullopt;
  return days_from_civil(*number(s.substr(0, 4)), static_cast<unsigned>(*number(s.substr(5, 2))),
                         static_cast<unsigned>(*number(s.substr(8, 2))));
}

Result<std::vector<StageChange>> plan_stage_change(const Commitment& c, const StageMove& move,
                                                   std::string_view today, const std::string& lang) {
  FieldErrors errs(lang);
  Stage to{};
  if (move.stage.empty()) errs.add("/stage", "required");
  else if (!parse_stage(move.stage, to)) errs.add("/stage", "one_of", "announced, agreed, pilot, operational, stalled, dropped");
  if (move.date.empty()) errs.add("/date", "required");
  else if (!valid_date(move.date, true)) errs.add("/date", "date");
  else if (move.date > today) errs.add("/date", "max", today);
  if (move.source_url.empty()) errs.add("/source_url", "required");
  else if (!move.source_url.starts_with("https://") && !move.source_url.starts_with("http://")) errs.add("/source_url", "url");
  for (const auto& [name, date] : move.stage_dates) {
    Stage s{};
    std::string path = pointer_child("/stage_dates", name);
    if (!parse_stage(name, s) || main_line_index(s) < 0) errs.add(path, "one_of", "agreed, pilot");
    else if (!valid_date(date, true)) errs.add(path, "date");
    else if (date > today) errs.add(path, "max", today);
  }
  if (!errs.empty()) return errs.to_error();

  if (c.status == Stage::operational || c.status == Stage::dropped) return error(Errc::commitment_closed);
  if (to == c.status)
    return error(Errc::stage_not_allowed, fmt::format("The commitment is already {}.", to_string(to)));
  int reached = main_line_index(c.status);
  for (const auto& h : c.history) reached = std::max(reached, main_line_index(h.stage));
  std::vector<StageChange> plan;
  const int target = main_line_index(to);
  if (target >= 0) {
    // Forward only; a stalled commitment may resume at the stage it had reached.
    if (target < reached || (target == reached && c.status != Stage::stalled))
      return error(Errc::stage_not_allowed, fmt::format("A commitment that reached {} cannot move to {}.",
                                                        to_string(static_cast<Stage>(reached)), to_string(to)));
    std::vector<std::string> missing;
    for (int i = reached + 1; i < target; ++i) {
      Stage skipped = static_cast<Stage>(i);
      auto it = move.stage_dates.find(to_string(skipped));
      if (it == move.stage_dates.end()) missing.push_back(to_string(skipped));
      else plan.push_back({skipped, it->second, "", "", move.source_url, "", "", 0});
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      return error(Errc::stage_dates_required,
                   fmt::format("Moving from {} to {} skips {}: give the date each was reached in stage_dates.",
                               to_string(c.status), to_string(to), list));
    }
    for (const auto& [name, date] : move.stage_dates) {
      Stage s{};
      parse_stage(name, s);
      if (main_line_index(s) <= reached || main_line_index(s) >= target)
        return error(Errc::stage_not_allowed, fmt::format("stage_dates names {}, which this change does not skip.", name));
    }
  }
  plan.push_back({to, move.date, "", "", move.source_url, move.note, "", 0});

  // Dates never go backwards: each entry on or after the latest dated one before it.
  std::string floor;
  for (const auto& h : c.history)
    if (!h.date.empty()) floor = std::max(floor, earliest_day(h.date));
  for (const auto& p : plan) {
    if (p.date < floor)
      return error(Errc::stage_date_order,
                   fmt::format("{} is dated {}, before {} recorded earlier.", to_string(p.stage), p.date, floor));
    floor = p.date;
  }
  return plan;
}

FollowThrough follow_through(const std::vector<Engagement>& engagements) {
  FollowThrough out;
  const Stage kAll[] = {Stage::announced, Stage::agreed, Stage::pilot, Stage::operational, Stage::stalled, Stage::dropped};
  for (Stage s : kAll) out.by_status.push_back({s, 0});
  std::vector<std::vector<long>> days(4);
  for (Stage s : {Stage::agreed, Stage::pilot, Stage::operational}) {
    StageStats stats;
    stats.stage = s;
    out.reached.push_back(stats);
  }
  for (const auto& e : engagements) {
    ++out.engagements;
    for (const auto& c : e.commitments) {
      ++out.commitments;
      ++out.by_status[static_cast<std::size_t>(c.status)].second;
      int reached = main_line_index(c.status);
      for (const auto& h : c.history) reached = std::max(reached, main_line_index(h.stage));
      std::optional<long> start;
      const StageChange* first_dated = nullptr;
      for (const auto& h : c.history) {
        if ((start = day_number(h.date))) { first_dated = &h; break; }
      }
      for (auto& stats : out.reached) {
        if (reached < main_line_index(stats.stage)) continue;
        ++stats.reached;
        auto at = std::find_if(c.history.begin(), c.history.end(), [&](const StageChange& h) { return h.stage == stats.stage; });
        if (!start || at == c.history.end() || &*at == first_dated) continue;
        if (auto end = day_number(at->date)) {
          ++stats.measured;
          days[main_line_index(stats.stage)].push_back(*end - *start);
        }
      }
    }
  }
  for (auto& stats : out.reached) {
    auto& d = days[main_line_index(stats.stage)];
    if (d.empty()) continue;
    std::sort(d.begin(), d.end());
    std::size_t n = d.size();
    stats.median_days = n % 2 ? static_cast<double>(d[n / 2]) : (d[n / 2 - 1] + d[n / 2]) / 2.0;
    stats.min_days = d.front();
    stats.max_days = d.back();
  }
  return out;
}

}  // namespace darwaza::engagements
