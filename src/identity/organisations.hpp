// Organisations (firms): created by a citizen who becomes owner; owners add members.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "identity/types.hpp"
#include "storage/database.hpp"

namespace darwaza::identity {

// The most organisations one person may belong to (create or be added to): a person's own list of
// applications reads each of their organisations' (storage: for_user), so this bounds what one
// page view reads. A consultant acting for many firms stays well under it.
constexpr int kMaxOrganisationsPerPerson = 100;

struct OrganisationInput {
  std::optional<std::string> name, ntn, secp_number;
};

class Organisations {
 public:
  Organisations(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The writes take the acting principal: its audit entries name the request.
  Result<Organisation> create(const Principal& who, const OrganisationInput& in, const std::string& lang);
  Result<std::vector<Organisation>> of_user(const std::string& user_id);
  // Members only; others get org_not_found (no leak of which ids exist).
  Result<Organisation> get(const std::string& user_id, const std::string& org_id);
  Result<std::vector<Membership>> members(const std::string& user_id, const std::string& org_id);
  // Owners only. `person` is a CNIC or an email; role "member" or "owner".
  Result<Membership> add_member(const Principal& who, const std::string& org_id, const std::string& person,
                                const std::string& role, const std::string& lang);
  Status remove_member(const Principal& who, const std::string& org_id, const std::string& member_id);
  // Is the user a member (any role)? Used by other domains acting on behalf of a firm.
  Result<bool> is_member(const std::string& user_id, const std::string& org_id);

 private:
  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace darwaza::identity
