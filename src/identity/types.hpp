// Identity: people (citizens and staff), their sessions, agencies with their staff and API
// clients, and organisations (firms) with their members. Plain types, no storage or HTTP.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/principal.hpp"

namespace darwaza::identity {

struct User {
  std::string id;
  std::string cnic;    // 12345-1234567-1
  std::string name;
  std::string email;   // lower-cased
  std::string mobile;  // +923001234567
  std::string password_hash;
  std::string preferred_lang = "en";
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

enum class SessionKind { user, client };

struct Session {
  std::string token_hash;  // SHA-256 of the token; the token itself is never stored
  SessionKind kind = SessionKind::user;
  std::string subject_id;  // user id or client id
  UnixMs created_at = 0;
  UnixMs expires_at = 0;
  std::optional<UnixMs> revoked_at;
};

struct Agency {
  std::string id;  // short slug, e.g. "stza"
  std::string name_en;
  std::string name_ur;
  std::string kind;  // ministry, authority, board, programme, ...
  std::string parent_id;
  std::string website;
};

struct StaffMember {
  std::string user_id;
  std::string name;
  std::string email;
  Role role;
  UnixMs granted_at = 0;
};

struct ApiClient {
  std::string client_id;
  std::string agency_id;
  std::string name;
  std::string secret_hash;  // SHA-256 of a 256-bit random secret
  std::string created_by;
  UnixMs created_at = 0;
  std::optional<UnixMs> revoked_at;
};

struct Organisation {
  std::string id;
  std::string name;
  std::string ntn;          // National Tax Number, 1234567-8 (or empty)
  std::string secp_number;  // SECP corporate unique identification number (or empty)
  std::string created_by;
  UnixMs created_at = 0;
};

enum class OrgRole { owner, member };
const char* to_string(OrgRole r);

struct Membership {
  std::string org_id;
  std::string user_id;
  std::string user_name;
  OrgRole role = OrgRole::member;
  UnixMs added_at = 0;
};

struct Throttle {
  std::string key;
  int failures = 0;
  UnixMs locked_until = 0;
  UnixMs last_failure = 0;
};

// The person's own record that authentication read with the session (Principal::person, set
// only by Sessions::authenticate and only to a User), or null.
inline const User* person_of(const Principal& p) { return static_cast<const User*>(p.person.get()); }

}  // namespace darwaza::identity
