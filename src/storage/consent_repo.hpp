// Store interface for consents given to agencies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "consent/types.hpp"

namespace darwaza::storage {

class ConsentRepo {
 public:
  virtual ~ConsentRepo() = default;
  virtual void insert(const consent::Consent& c) = 0;
  virtual std::optional<consent::Consent> by_id(const std::string& id) = 0;
  virtual void revoke(const std::string& id, UnixMs at, const std::string& by) = 0;
  // Consents about a citizen (user_id) or an organisation (org_id), newest first, revoked included.
  virtual std::vector<consent::Consent> of_subject(const std::string& user_id, const std::string& org_id) = 0;
  // Unrevoked consents about the subject for one agency and registry (expiry is the caller's rule).
  virtual std::vector<consent::Consent> unrevoked_for(const std::string& user_id, const std::string& org_id,
                                                      const std::string& agency_id, const std::string& registry) = 0;
};

}  // namespace darwaza::storage
