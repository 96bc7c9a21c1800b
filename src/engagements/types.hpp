// Engagements: foreign technology engagements (delegations, meetings, MoUs, agreements) and the
// commitments made in them, each moving announced → agreed → pilot → operational (or stalled,
// dropped) with every stage dated and sourced, so follow-through can be counted and timed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace darwaza::engagements {

enum class Kind { delegation, meeting, mou, agreement };
enum class Stage { announced, agreed, pilot, operational, stalled, dropped };

const char* to_string(Kind k);
const char* to_string(Stage s);
bool parse_kind(std::string_view s, Kind& out);
bool parse_stage(std::string_view s, Stage& out);
// Position on the main line announced(0) → operational(3); -1 for stalled and dropped.
int main_line_index(Stage s);

struct SourceRef {
  std::string name;
  std::string url;  // may be empty for seeded records whose source has no link
};

struct StageChange {
  Stage stage = Stage::announced;
  std::string date;       // "YYYY", "YYYY-MM" or "YYYY-MM-DD"; empty when not known
  std::string date_note;  // why the date is missing or imprecise
  std::string source;
  std::string source_url;
  std::string note;
  std::string recorded_by;  // actor, or "seed"
  UnixMs recorded_at = 0;
};

struct Commitment {
  std::string id;
  std::string engagement_id;
  std::string description;
  Stage status = Stage::announced;
  std::vector<StageChange> history;  // oldest first; the last entry's stage is `status`
};

struct Engagement {
  std::string id;
  std::string date;       // as precise as known, or empty
  std::string date_note;
  std::string country;    // ISO 3166-1 alpha-2 of the foreign counterpart, or empty if unknown
  std::string organisation;
  std::string pakistani_side;
  Kind kind = Kind::meeting;
  std::string title;
  std::string summary;
  std::vector<std::string> topics;
  std::vector<SourceRef> sources;
  std::vector<Commitment> commitments;
  std::string created_by;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

}  // namespace darwaza::engagements
