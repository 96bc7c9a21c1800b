// Engine-neutral SQL implementation of the consent store.
#pragma once

#include "storage/consent_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlConsentRepo final : public ConsentRepo {
 public:
  explicit SqlConsentRepo(Connection& c) : c_(c) {}
  void insert(const consent::Consent& c) override;
  std::optional<consent::Consent> by_id(const std::string& id) override;
  void revoke(const std::string& id, UnixMs at, const std::string& by) override;
  std::vector<consent::Consent> of_subject(const std::string& user_id, const std::string& org_id) override;
  std::vector<consent::Consent> unrevoked_for(const std::string& user_id, const std::string& org_id,
                                              const std::string& agency_id, const std::string& registry) override;

 private:
  Connection& c_;
};

}  // namespace darwaza::storage::sql
