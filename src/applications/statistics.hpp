// Officers' decisions on applications counted per period: the figures of the GovStack
// Registration statistics API (docs/govstack.md), from the applications' own timelines.
// A decision is a workflow move by an officer or agency admin into an approved or rejected
// state, or one that sends the application back to the applicant for changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::applications {

enum class Timeframe { none, day, week, month, year };

struct StatisticsQuery {
  std::optional<UnixMs> from_ms, to_ms;  // [from, to); open ends when unset
  std::string service_id;                // empty: every service
  std::string actor_user_id;             // empty: every officer
  std::string actor_role;                // "officer", "agency_admin" or empty
  Timeframe timeframe = Timeframe::none;
};

struct DecisionCounts {
  std::string first_day, last_day;  // YYYY-MM-DD (PKT), the period counted; empty when open
  std::int64_t approved = 0, sent_back = 0, rejected = 0;
  std::int64_t processed() const { return approved + sent_back + rejected; }
};

// Without a timeframe: one entry for the whole range (zeros when nothing was decided). With
// one: an entry per day, week (Monday to Sunday), month or year that has decisions, oldest
// first, each clipped to the range. Days are PKT days.
Result<std::vector<DecisionCounts>> decision_statistics(storage::Database& db, catalog::Catalog& catalog,
                                                        const StatisticsQuery& q);

}  // namespace darwaza::applications
