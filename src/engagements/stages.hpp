// The rules of a commitment's stages, and the follow-through summary over many commitments.
// Pure functions over the types: no store, no clock (callers pass today's date).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "engagements/types.hpp"

namespace darwaza::engagements {

// "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real date; `full_only` accepts only the last.
bool valid_date(std::string_view s, bool full_only);
// Days since 1970-01-01 of a full date; std::nullopt for a partial or invalid one.
std::optional<long> day_number(std::string_view full_date);

// A requested stage change, as given (validated by plan_stage_change).
struct StageMove {
  std::string stage;
  std::string date;        // YYYY-MM-DD
  std::string source_url;  // the public record of the change
  std::string note;
  std::map<std::string, std::string> stage_dates;  // skipped stage → YYYY-MM-DD it was reached
};

// The history entries a move appends (the skipped stages, then the target), or why not.
// A commitment moves forward on the main line, possibly skipping stages when the date each
// skipped stage was reached is given; it may stall and resume, or be dropped; operational and
// dropped are final. Every entry is dated (not after `today`, not before the entry it follows)
// and carries the move's source link.
Result<std::vector<StageChange>> plan_stage_change(const Commitment& c, const StageMove& move,
                                                   std::string_view today, const std::string& lang);

struct StageStats {
  Stage stage = Stage::agreed;
  int reached = 0;   // commitments that reached this stage
  int measured = 0;  // of those, how many have day-precise dates to time it
  std::optional<double> median_days;
  std::optional<long> min_days, max_days;
};

struct FollowThrough {
  int engagements = 0;
  int commitments = 0;
  std::vector<std::pair<Stage, int>> by_status;  // every stage, in order, with its count
  std::vector<StageStats> reached;               // agreed, pilot, operational
};

// Time to a stage runs from the commitment's first day-precise entry to the day it reached the
// stage; commitments whose dates are missing or only month-precise are counted but not timed.
FollowThrough follow_through(const std::vector<Engagement>& engagements);

}  // namespace darwaza::engagements
