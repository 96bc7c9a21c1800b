// The engagements service: the public record of foreign technology engagements and the
// follow-through of their commitments. Anyone may read; MoITT officers and platform admins
// record engagements, commitments and stage changes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "engagements/stages.hpp"
#include "engagements/types.hpp"
#include "storage/database.hpp"

namespace darwaza::engagements {

constexpr const char* kEditorAgency = "moitt";
constexpr std::size_t kMaxTextChars = 4000;   // summary, descriptions, notes
constexpr std::size_t kMaxNameChars = 300;    // titles, organisations, topics, source names
constexpr std::size_t kMaxListItems = 50;     // topics, sources, commitments per request
constexpr std::size_t kMaxUrlChars = 500;

struct ListFilter {
  std::string country;  // ISO alpha-2 of the counterpart
  std::string status;   // engagements with at least one commitment now at this stage
  std::string year;     // engagements dated in this year
};

class Engagements {
 public:
  Engagements(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Adds the seeded engagements whose id is not yet stored; never changes a stored one, so
  // officers' later records survive restarts. Returns how many were added.
  Result<int> seed(const std::vector<Engagement>& list);

  Result<std::vector<Engagement>> list(const ListFilter& filter, const std::string& lang);
  Result<Engagement> get(const std::string& id);
  Result<FollowThrough> summary(const ListFilter& filter, const std::string& lang);

  // Bodies are JSON objects as documented in openapi.yaml; every field error is reported at once.
  Result<Engagement> create(const Principal& actor, const nlohmann::json& body, const std::string& lang);
  Result<Engagement> update(const Principal& actor, const std::string& id, const nlohmann::json& body,
                            const std::string& lang);
  Result<Commitment> add_commitment(const Principal& actor, const std::string& engagement_id,
                                    const nlohmann::json& body, const std::string& lang);
  Result<Commitment> change_stage(const Principal& actor, const std::string& engagement_id,
                                  const std::string& commitment_id, const nlohmann::json& body,
                                  const std::string& lang);

 private:
  storage::Database& db_;
  const Clock& clock_;
};

// Reads data/engagements.json (see the file's shape in docs/transparency.md).
Result<std::vector<Engagement>> load_engagements_file(const std::string& path);

}  // namespace darwaza::engagements
