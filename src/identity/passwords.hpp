// Password hashing with a cap on concurrent argon2id runs: each takes mem_limit_bytes of RAM,
// so the cap (default: cores) bounds memory however many logins arrive at once.
#pragma once

#include <semaphore>
#include <string>
#include <string_view>

#include "core/crypto.hpp"

namespace darwaza::identity {

class PasswordHasher {
 public:
  explicit PasswordHasher(crypto::PasswordParams params, int max_concurrent = 0);
  std::string hash(std::string_view password);
  bool verify(std::string_view encoded, std::string_view password);
  // Spends the same time as verify() for a login with no such account.
  void verify_dummy(std::string_view password);
  const crypto::PasswordParams& params() const { return params_; }

 private:
  crypto::PasswordParams params_;
  std::counting_semaphore<1024> slots_;
  std::string dummy_hash_;
};

}  // namespace darwaza::identity
