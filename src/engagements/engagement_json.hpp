// Reading engagements from JSON: request bodies (strict: full dates and source links on every
// stage) and the seed file data/engagements.json (dates as precise as the sources allow).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/validation.hpp"
#include "engagements/stages.hpp"
#include "engagements/types.hpp"

namespace darwaza::engagements {

// The descriptive members of an engagement. `partial` (PATCH): only members present change.
void read_engagement_fields(const nlohmann::json& body, Engagement& e, bool partial, FieldErrors& errs);
// A commitment as recorded by an officer: {description, stage?, date, source_url, note?}; the
// first stage is announced (default) or agreed.
std::optional<Commitment> read_new_commitment(const nlohmann::json& j, const std::string& path, std::string_view today,
                                              FieldErrors& errs);
StageMove read_stage_move(const nlohmann::json& body, FieldErrors& errs);
// One engagement of the seed file, ids and history included.
std::optional<Engagement> read_seed_engagement(const nlohmann::json& j, const std::string& path, FieldErrors& errs);

}  // namespace darwaza::engagements
