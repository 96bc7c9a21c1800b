#include "applications/statistics.hpp"

#include <limits>
#include <map>

#include "applications/steps.hpp"
#include "core/working_days.hpp"

namespace darwaza::applications {
namespace {

std::string date_of_day(std::int64_t day) { return pkt_date(day * kDayMs - kPktOffsetMs); }

// The first and last date of the period holding `day`.
std::pair<std::string, std::string> period_of(std::int64_t day, Timeframe tf) {
  const std::string date = date_of_day(day);
  switch (tf) {
    case Timeframe::day: return {date, date};
    case Timeframe::week: {
      // 1970-01-01 was a Thursday: (day + 3) % 7 counts days since Monday.
      std::int64_t monday = day - ((day % 7 + 7 + 3) % 7);
      return {date_of_day(monday), date_of_day(monday + 6)};
    }
    case Timeframe::month: {
      std::string first = date.substr(0, 7) + "-01";
      std::string next = date_plus_days(first, 31).substr(0, 7) + "-01";
      return {first, date_plus_days(next, -1)};
    }
    case Timeframe::year: return {date.substr(0, 4) + "-01-01", date.substr(0, 4) + "-12-31"};
    case Timeframe::none: break;
  }
  return {"", ""};
}

}  // namespace

Result<std::vector<DecisionCounts>> decision_statistics(storage::Database& db, catalog::Catalog& catalog,
                                                        const StatisticsQuery& q) {
  storage::ApplicationRepo::MoveFilter f;
  f.from_ms = q.from_ms.value_or(0);
  f.to_ms = q.to_ms.value_or(std::numeric_limits<UnixMs>::max());
  f.day_offset_ms = kPktOffsetMs;
  f.service_id = q.service_id;
  f.actor_user_id = q.actor_user_id;
  f.actor_role = q.actor_role;
  auto moves = storage::read_value<std::vector<storage::ApplicationRepo::MoveCount>>(
      db, [&](storage::Tx& tx) -> Result<std::vector<storage::ApplicationRepo::MoveCount>> {
        return tx.applications().officer_moves(f);
      });
  if (!moves.ok()) return moves.take_error();

  const std::string first = q.from_ms ? pkt_date(*q.from_ms) : "";
  const std::string last = q.to_ms ? pkt_date(*q.to_ms - 1) : "";
  std::map<std::string, DecisionCounts> periods;  // by first day: YYYY-MM-DD sorts by date
  if (q.timeframe == Timeframe::none) periods[first] = {first, last};
  for (const auto& m : *moves) {
    auto def = catalog.at_version(m.service_id, m.service_version);
    if (!def.ok()) return def.take_error();
    const catalog::State* st = (*def)->workflow.state(m.to_state);
    if (!st) continue;  // a state the definition no longer names cannot be classified
    const bool approved = st->outcome == catalog::Outcome::approved;
    const bool rejected = st->outcome == catalog::Outcome::rejected;
    const bool sent_back = sends_back(**def, *st);
    if (!approved && !rejected && !sent_back) continue;
    DecisionCounts* c = &periods.begin()->second;
    if (q.timeframe != Timeframe::none) {
      auto [from, to] = period_of(m.day, q.timeframe);
      if (!first.empty() && from < first) from = first;
      if (!last.empty() && to > last) to = last;
      c = &periods.try_emplace(from, DecisionCounts{from, to}).first->second;
    }
    (approved ? c->approved : rejected ? c->rejected : c->sent_back) += m.count;
  }
  std::vector<DecisionCounts> out;
  for (auto& [_, c] : periods) out.push_back(std::move(c));
  return out;
}

}  // namespace darwaza::applications
