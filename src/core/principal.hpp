// Who is calling: an anonymous visitor, a signed-in person (with staff roles, if any), or an
// agency's API client. Resolved by identity, checked by http's access policy and by domains.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace darwaza {

enum class Role { officer, agency_admin, platform_admin, auditor };

struct RoleGrant {
  Role role;
  std::string agency_id;  // empty for platform-wide roles
};

struct Principal {
  enum class Kind { anonymous, user, api_client };
  Kind kind = Kind::anonymous;
  std::string user_id;     // Kind::user
  std::string client_id;   // Kind::api_client
  std::string agency_id;   // Kind::api_client: the client's agency
  std::string session_id;  // hash of the presented token, for logout
  std::string request_id;  // the HTTP request acting (audit entries carry it); empty outside HTTP
  std::vector<RoleGrant> roles;
  // Kind::user, on routes that show the person their own record: that record (without its
  // password hash) as read in the same snapshot as the session, so the request needs no second
  // read. Opaque here (core knows no domain types); identity::person_of reads it.
  std::shared_ptr<const void> person;

  bool is_user() const { return kind == Kind::user; }
  bool is_client() const { return kind == Kind::api_client; }
  bool has_role(Role r) const;
  // officer or agency_admin of that agency
  bool is_staff_of(std::string_view agency) const;
  bool is_admin_of(std::string_view agency) const;
  // Acts for that agency: one of its API clients, its officers or admins, or a platform admin
  // (who owns a registry's records and may write them).
  bool acts_for(std::string_view agency) const;
  // What the access log and audit record call this principal.
  std::string actor() const;
};

const char* to_string(Role r);
bool parse_role(std::string_view s, Role& out);

}  // namespace darwaza
