// Sessions: login with throttling, logout, bearer tokens for API clients, and turning a
// presented token into a Principal.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "identity/passwords.hpp"
#include "identity/types.hpp"
#include "storage/database.hpp"

namespace darwaza::identity {

struct SessionConfig {
  UnixMs session_ttl_ms = 12LL * 3600 * 1000;     // a working day
  UnixMs client_token_ttl_ms = 15LL * 60 * 1000;  // short-lived machine tokens
  // Throttling: after `*_threshold` failures within `window_ms`, each further failure doubles
  // the lock-out, starting at base_lock_ms and capped at max_lock_ms.
  int account_threshold = 5;
  int address_threshold = 20;  // higher: many people share one address behind NAT
  UnixMs base_lock_ms = 1000;
  UnixMs max_lock_ms = 15LL * 60 * 1000;
  UnixMs window_ms = 15LL * 60 * 1000;
};

struct LoginResult {
  std::string token;
  UnixMs expires_at = 0;
  User user;
};

struct ClientToken {
  std::string token;
  UnixMs expires_in_ms = 0;
  std::string agency_id;
};

class Sessions {
 public:
  Sessions(storage::Database& db, const Clock& clock, PasswordHasher& hasher, SessionConfig config = {})
      : db_(db), clock_(clock), hasher_(hasher), config_(config) {}

  // identifier: a CNIC or an email address. `caller`: the (anonymous) request logging in; the
  // audit entry of the login, or of the failed attempt, carries its request id.
  Result<LoginResult> login(const Principal& caller, const std::string& identifier, const std::string& password,
                            const std::string& client_addr);
  // Ends the session `who` presented.
  Status logout(const Principal& who);
  // The principal of a session or client token. `with_person`: also the person's own record
  // (Principal::person), read in the same transaction.
  Result<Principal> authenticate(std::string_view token, bool with_person = false);
  // An agency's API client named by a trusted member header (GovStack listeners): the client must
  // exist, belong to that agency and not be revoked.
  Result<Principal> member_client(const std::string& agency_id, const std::string& client_id);
  Result<ClientToken> client_token(const Principal& caller, const std::string& client_id, const std::string& secret);
  // Housekeeping: deletes sessions past their expiry; returns how many.
  Result<std::int64_t> purge_expired();

  static std::string hash_token(std::string_view token);
  const SessionConfig& config() const { return config_; }

 private:
  Throttle next_failure(const std::optional<Throttle>& prev, const std::string& key, int threshold, UnixMs now) const;

  storage::Database& db_;
  const Clock& clock_;
  PasswordHasher& hasher_;
  SessionConfig config_;
};

}  // namespace darwaza::identity
