// Engine-neutral SQL implementation of the engagement store.
#pragma once

#include "storage/engagement_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlEngagementRepo final : public EngagementRepo {
 public:
  explicit SqlEngagementRepo(Connection& c) : c_(c) {}
  std::vector<engagements::Engagement> all() override;
  std::optional<engagements::Engagement> by_id(const std::string& id) override;
  void insert(const engagements::Engagement& e) override;
  void update(const engagements::Engagement& e) override;
  void insert_commitment(const engagements::Commitment& c, int position, UnixMs at) override;
  void append_stages(const std::string& commitment_id, const std::vector<engagements::StageChange>& changes,
                     UnixMs at) override;

 private:
  // Loads commitments and history for the given engagements (all when `only` is empty).
  void attach_commitments(std::vector<engagements::Engagement>& list, const std::string& only);
  Connection& c_;
};

}  // namespace darwaza::storage::sql
