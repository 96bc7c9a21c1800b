// Identity's expected failures. http/problem.cpp maps their kinds to statuses.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::identity {

enum class Errc {
  duplicate_cnic,
  duplicate_email,
  bad_credentials,
  login_throttled,
  invalid_token,
  user_not_found,
  agency_not_found,
  client_not_found,
  invalid_client,
  unsupported_grant,
  org_not_found,
  not_org_member,
  not_org_owner,
  duplicate_ntn,
  duplicate_secp,
  last_owner,
  too_many_organisations,
  not_permitted,
  wrong_password,
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::identity
