#include "identity/sessions.hpp"
#include "audit/audit.hpp"

#include <algorithm>
#include <cmath>

#include "core/crypto.hpp"
#include "identity/errors.hpp"
#include "identity/validate.hpp"

namespace darwaza::identity {
namespace {

constexpr std::size_t kTokenBytes = 32;  // 256-bit session and client tokens
constexpr std::size_t kMaxTokenChars = 128;

std::string account_key(const std::string& identifier) {
  std::string id = identifier;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  return "acct:" + crypto::sha256_hex(trim(id));
}

Error throttled(UnixMs wait_ms) {
  Error e = error(Errc::login_throttled);
  e.retry_after_s = static_cast<int>(std::max<UnixMs>(1, (wait_ms + 999) / 1000));
  return e;
}

}  // namespace

std::string Sessions::hash_token(std::string_view token) { return crypto::sha256_hex(token); }

Throttle Sessions::next_failure(const std::optional<Throttle>& prev, const std::string& key, int threshold,
                                UnixMs now) const {
  Throttle t{key, 1, 0, now};
  if (prev && now - prev->last_failure <= config_.window_ms) t.failures = prev->failures + 1;
  if (t.failures >= threshold) {
    int doublings = std::min(t.failures - threshold, 20);
    t.locked_until = now + std::min(config_.max_lock_ms, config_.base_lock_ms << doublings);
  }
  return t;
}

Result<LoginResult> Sessions::login(const Principal& caller, const std::string& identifier,
                                    const std::string& password, const std::string& client_addr) {
  const UnixMs now = clock_.now_ms();
  const std::string acct = account_key(identifier);
  const std::string addr = "addr:" + client_addr;

  struct Found {
    std::optional<User> user;
    UnixMs locked_until = 0;
  };
  auto found = storage::read_value<Found>(db_, [&](storage::Tx& tx) -> Result<Found> {
    Found f;
    for (const auto& key : {acct, addr})
      if (auto t = tx.sessions().throttle(key)) f.locked_until = std::max(f.locked_until, t->locked_until);
    if (valid_cnic(identifier)) f.user = tx.users().by_cnic(identifier);
    else if (auto e = normalise_email(identifier)) f.user = tx.users().by_email(*e);
    return f;
  });
  if (!found.ok()) return found.take_error();
  if (found->locked_until > now) return throttled(found->locked_until - now);

  bool good = false;
  if (password.size() <= kMaxPasswordBytes) {
    if (found->user) good = hasher_.verify(found->user->password_hash, password);
    else hasher_.verify_dummy(password);  // same time whether or not the account exists
  }

  if (!good) {
    Status s = db_.write([&](storage::Tx& tx) -> Status {
      tx.sessions().put_throttle(next_failure(tx.sessions().throttle(acct), acct, config_.account_threshold, now));
      tx.sessions().put_throttle(next_failure(tx.sessions().throttle(addr), addr, config_.address_threshold, now));
      // Whoever typed the password is not known (a token sent along proves nothing about it): the
      // actor is anonymous; the request id ties the entry to the access log's line (address).
      Principal nobody;
      nobody.request_id = caller.request_id;
      audit::record(tx, nobody, now,
                    {"session.login_failed", "user", "", found->user ? found->user->id : "", "", "", "denied"});
      return ok_status();
    });
    if (!s.ok()) return s.take_error();
    return error(Errc::bad_credentials);
  }

  LoginResult out;
  out.token = crypto::random_token(kTokenBytes);
  out.expires_at = now + config_.session_ttl_ms;
  out.user = std::move(*found->user);
  Session session{hash_token(out.token), SessionKind::user, out.user.id, now, out.expires_at, std::nullopt};
  Status s = db_.write([&](storage::Tx& tx) -> Status {
    tx.sessions().clear_throttle(acct);
    tx.sessions().insert(session);
    audit::record_self(tx, caller, session.subject_id, now, {"session.login", "user", session.subject_id, session.subject_id, "", "", "ok"});
    return ok_status();
  });
  if (!s.ok()) return s.take_error();
  return out;
}

Status Sessions::logout(const Principal& who) {
  UnixMs now = clock_.now_ms();
  return db_.write([&](storage::Tx& tx) -> Status {
    auto session = tx.sessions().by_hash(who.session_id);
    tx.sessions().revoke(who.session_id, now);
    if (session) audit::record_self(tx, who, session->subject_id, now, {"session.logout", "session", "", session->subject_id, "", "", "ok"});
    return ok_status();
  });
}

Result<Principal> Sessions::authenticate(std::string_view token, bool with_person) {
  if (token.empty() || token.size() > kMaxTokenChars) return error(Errc::invalid_token);
  const std::string h = hash_token(token);
  const UnixMs now = clock_.now_ms();
  // One statement for a person's session; an API client's record is a separate fact.
  return storage::read_value<Principal>(db_, [&](storage::Tx& tx) -> Result<Principal> {
    auto found = with_person ? tx.sessions().with_roles_and_person(h) : tx.sessions().with_roles(h);
    if (!found) return error(Errc::invalid_token);
    const Session* s = &found->session;
    if (s->revoked_at || s->expires_at <= now) return error(Errc::invalid_token);
    Principal p;
    p.session_id = h;
    if (s->kind == SessionKind::user) {
      p.kind = Principal::Kind::user;
      p.user_id = s->subject_id;
      p.roles = std::move(found->roles);
      if (with_person) {
        if (!found->person) return error(Errc::invalid_token);
        p.person = std::make_shared<const User>(std::move(*found->person));  // without its password hash
      }
    } else {
      auto c = tx.agencies().client(s->subject_id);
      if (!c || c->revoked_at) return error(Errc::invalid_token);
      p.kind = Principal::Kind::api_client;
      p.client_id = c->client_id;
      p.agency_id = c->agency_id;
    }
    return p;
  }, storage::ReadMode::per_statement);
}

Result<Principal> Sessions::member_client(const std::string& agency_id, const std::string& client_id) {
  return storage::read_value<Principal>(db_, [&](storage::Tx& tx) -> Result<Principal> {
    auto c = tx.agencies().client(client_id);
    if (!c || c->revoked_at || c->agency_id != agency_id) return error(Errc::invalid_client);
    Principal p;
    p.kind = Principal::Kind::api_client;
    p.client_id = c->client_id;
    p.agency_id = c->agency_id;
    return p;
  });
}

Result<ClientToken> Sessions::client_token(const Principal& caller, const std::string& client_id,
                                           const std::string& secret) {
  const UnixMs now = clock_.now_ms();
  auto client = storage::read_value<ApiClient>(db_, [&](storage::Tx& tx) -> Result<ApiClient> {
    auto c = tx.agencies().client(client_id);
    if (!c || c->revoked_at) return error(Errc::invalid_client);
    return std::move(*c);
  });
  if (!client.ok()) return client.take_error();
  if (!crypto::constant_time_equal(client->secret_hash, crypto::sha256_hex(secret))) return error(Errc::invalid_client);
  ClientToken out{crypto::random_token(kTokenBytes), config_.client_token_ttl_ms, client->agency_id};
  Session session{hash_token(out.token), SessionKind::client, client_id, now, now + out.expires_in_ms, std::nullopt};
  Status s = db_.write([&](storage::Tx& tx) -> Status {
    tx.sessions().insert(session);
    Principal client;
    client.kind = Principal::Kind::api_client;
    client.client_id = client_id;
    client.agency_id = out.agency_id;
    client.request_id = caller.request_id;
    audit::record(tx, client, now, {"session.client_token", "api_client", client_id, "", "", "", "ok"});
    return ok_status();
  });
  if (!s.ok()) return s.take_error();
  return out;
}

Result<std::int64_t> Sessions::purge_expired() {
  UnixMs now = clock_.now_ms();
  return storage::write_value<std::int64_t>(db_, [&](storage::Tx& tx) -> Result<std::int64_t> {
    auto n = tx.sessions().delete_expired(now);
    audit::record(tx, audit::system_actor(), now, {"session.purge", "session", std::to_string(n), "", "", "", "ok"});
    return n;
  });
}

}  // namespace darwaza::identity
