// Accounts: sign-up, profile, and the roles a person holds.
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "identity/passwords.hpp"
#include "identity/types.hpp"
#include "storage/database.hpp"

namespace darwaza::identity {

struct SignupInput {
  std::optional<std::string> cnic, name, email, mobile, password, preferred_lang;
};

struct ProfilePatch {
  std::optional<std::string> name, email, mobile, preferred_lang, new_password, current_password;
};

struct Profile {
  User user;
  std::vector<RoleGrant> roles;
};

class Accounts {
 public:
  Accounts(storage::Database& db, const Clock& clock, PasswordHasher& hasher)
      : db_(db), clock_(clock), hasher_(hasher) {}

  // `caller`: the anonymous request signing up (its id goes on the audit entry).
  Result<User> signup(const Principal& caller, const SignupInput& in, const std::string& lang);
  Result<Profile> profile(const std::string& user_id);
  // The signed-in person's own record (without the password hash): the copy authentication read
  // with the session when there is one, else read now.
  Result<User> user(const Principal& who);
  Result<Profile> update_profile(const Principal& who, const ProfilePatch& patch, const std::string& lang);
  // Looks a person up by CNIC or email.
  Result<User> find(const std::string& cnic_or_email);
  // Grants a role without an acting principal (the CLI bootstraps the first platform admin).
  Status grant_role_bootstrap(const std::string& user_id, const RoleGrant& grant);

 private:
  storage::Database& db_;
  const Clock& clock_;
  PasswordHasher& hasher_;
};

}  // namespace darwaza::identity
