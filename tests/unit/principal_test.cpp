#include <gtest/gtest.h>

#include "core/principal.hpp"

using namespace darwaza;

namespace {

Principal client_of(const std::string& agency) {
  Principal p;
  p.kind = Principal::Kind::api_client;
  p.client_id = "cli_1";
  p.agency_id = agency;
  return p;
}

Principal user_with(std::vector<RoleGrant> roles) {
  Principal p;
  p.kind = Principal::Kind::user;
  p.user_id = "usr_1";
  p.roles = std::move(roles);
  return p;
}

}  // namespace

TEST(Principal, ActsForItsOwnAgencyOnly) {
  EXPECT_TRUE(client_of("pta").acts_for("pta"));
  EXPECT_FALSE(client_of("pta").acts_for("pseb"));
  EXPECT_TRUE(user_with({{Role::officer, "pta"}}).acts_for("pta"));
  EXPECT_FALSE(user_with({{Role::officer, "pta"}}).acts_for("pseb"));
  EXPECT_TRUE(user_with({{Role::agency_admin, "pseb"}}).acts_for("pseb"));
  EXPECT_TRUE(user_with({{Role::platform_admin, ""}}).acts_for("pta"));

  // A user's agency_id is not a client's: only API clients act through it. Auditors read, never act.
  Principal citizen = user_with({});
  citizen.agency_id = "pta";
  EXPECT_FALSE(citizen.acts_for("pta"));
  EXPECT_FALSE(user_with({{Role::auditor, ""}}).acts_for("pta"));
  EXPECT_FALSE(Principal{}.acts_for("pta"));
}
