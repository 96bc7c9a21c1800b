// Store interface for engagements, their commitments and the commitments' stage history.
// Stage history is append-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engagements/types.hpp"

namespace darwaza::storage {

class EngagementRepo {
 public:
  virtual ~EngagementRepo() = default;
  // Whole engagements, commitments and history included; newest dated first, undated last.
  virtual std::vector<engagements::Engagement> all() = 0;
  virtual std::optional<engagements::Engagement> by_id(const std::string& id) = 0;
  // Inserts the engagement with its commitments and their history.
  virtual void insert(const engagements::Engagement& e) = 0;
  // Descriptive fields only; commitments change through the calls below.
  virtual void update(const engagements::Engagement& e) = 0;
  virtual void insert_commitment(const engagements::Commitment& c, int position, UnixMs at) = 0;
  // Appends history entries and sets the commitment's status to the last one's stage.
  virtual void append_stages(const std::string& commitment_id, const std::vector<engagements::StageChange>& changes,
                             UnixMs at) = 0;
};

}  // namespace darwaza::storage
