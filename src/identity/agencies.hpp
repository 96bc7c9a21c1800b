// Agencies, their staff (officers, agency admins), platform-wide roles and API clients.
#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "identity/types.hpp"
#include "storage/database.hpp"

namespace darwaza::identity {

struct NewClient {
  ApiClient client;
  std::string secret;  // shown once, never stored
};

class Agencies {
 public:
  Agencies(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Upserts agencies from data/agencies.json (run on every start; idempotent).
  Status seed(const std::vector<Agency>& agencies);
  Result<std::vector<Agency>> list();
  Result<Agency> get(const std::string& id);

  Result<std::vector<StaffMember>> staff(const std::string& agency_id);
  // `person` is a CNIC or an email address. Agency admins manage their own agency's staff;
  // the platform admin manages any.
  Result<StaffMember> add_staff(const Principal& actor, const std::string& agency_id, const std::string& person,
                                const std::string& role, const std::string& lang);
  Status remove_staff(const Principal& actor, const std::string& agency_id, const std::string& user_id);

  // Platform-wide roles (platform_admin, auditor) and any agency role, by the platform admin.
  Status grant_role(const Principal& actor, const std::string& person, const std::string& role,
                    const std::string& agency_id, const std::string& lang);
  Status revoke_role(const Principal& actor, const std::string& user_id, const std::string& role,
                     const std::string& agency_id);

  Result<NewClient> create_client(const Principal& actor, const std::string& agency_id, const std::string& name,
                                  const std::string& lang);
  Result<std::vector<ApiClient>> clients(const std::string& agency_id);
  Status revoke_client(const Principal& actor, const std::string& agency_id, const std::string& client_id);

 private:
  storage::Database& db_;
  const Clock& clock_;
};

// Reads data/agencies.json: [{"id", "name_en", "name_ur", "kind", "parent_id"?, "website"?}].
Result<std::vector<Agency>> load_agencies_file(const std::string& path);

}  // namespace darwaza::identity
