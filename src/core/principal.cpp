#include "core/principal.hpp"

namespace darwaza {

bool Principal::has_role(Role r) const {
  for (const auto& g : roles)
    if (g.role == r) return true;
  return false;
}

bool Principal::is_staff_of(std::string_view agency) const {
  for (const auto& g : roles)
    if ((g.role == Role::officer || g.role == Role::agency_admin) && g.agency_id == agency) return true;
  return false;
}

bool Principal::is_admin_of(std::string_view agency) const {
  for (const auto& g : roles)
    if (g.role == Role::agency_admin && g.agency_id == agency) return true;
  return false;
}

bool Principal::acts_for(std::string_view agency) const {
  return (is_client() && agency_id == agency) || is_staff_of(agency) || has_role(Role::platform_admin);
}

std::string Principal::actor() const {
  switch (kind) {
    case Kind::user: return "user:" + user_id;
    case Kind::api_client: return "client:" + client_id;
    default: return "anonymous";
  }
}

const char* to_string(Role r) {
  switch (r) {
    case Role::officer: return "officer";
    case Role::agency_admin: return "agency_admin";
    case Role::platform_admin: return "platform_admin";
    case Role::auditor: return "auditor";
  }
  return "unknown";
}

bool parse_role(std::string_view s, Role& out) {
  for (Role r : {Role::officer, Role::agency_admin, Role::platform_admin, Role::auditor}) {
    if (s == to_string(r)) { out = r; return true; }
  }
  return false;
}

}  // namespace darwaza
