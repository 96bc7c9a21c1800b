#include "identity/passwords.hpp"

#include <algorithm>
#include <thread>

namespace darwaza::identity {

PasswordHasher::PasswordHasher(crypto::PasswordParams params, int max_concurrent)
    : params_(params),
      slots_(std::clamp(max_concurrent > 0 ? max_concurrent : static_cast<int>(std::thread::hardware_concurrency()), 1,
                        1024)) {
  dummy_hash_ = crypto::hash_password(crypto::random_token(16), params_);
}

std::string PasswordHasher::hash(std::string_view password) {
  slots_.acquire();
  struct Release {
    std::counting_semaphore<1024>& s;
    ~Release() { s.release(); }
  } release{slots_};
  return crypto::hash_password(password, params_);
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) {
  slots_.acquire();
  struct Release {
    std::counting_semaphore<1024>& s;
    ~Release() { s.release(); }
  } release{slots_};
  return crypto::verify_password(encoded, password);
}

void PasswordHasher::verify_dummy(std::string_view password) { (void)verify(dummy_hash_, password); }

}  // namespace darwaza::identity
