// The audit service: appends entries to the chain inside the caller's transaction (no act without
// its entry, no entry without its act), answers "who looked at my data" and auditors' queries,
// signs checkpoints of the chain head, and verifies the whole chain.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/types.hpp"
#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::certificates {
class SigningKey;
}

namespace darwaza::audit {

constexpr int kMaxPageSize = 200;
constexpr int kVerifyPageEntries = 10'000;  // entries read per transaction while verifying
constexpr int kVerifyMaxThreads = 8;         // parts of the chain verified at once (at most one per core)
constexpr int kVerifyProgressMs = 200;       // how often verify reports progress

// What an act touched: whose data, which object, for what purpose.
struct Act {
  std::string action;
  std::string object_type;
  std::string object_id;
  std::string subject_user;
  std::string subject_org;
  std::string purpose;
  std::string outcome = "ok";
};

// Appends one entry for `who` doing `act` at `at`, chained to the current head.
void record(storage::Tx& tx, const Principal& who, UnixMs at, const Act& act);
// The same for the person `user_id` acting for themselves in `caller`'s request: their own
// account, sessions and firms (sign-up and login, before the request knows them). The entry names
// that person as a citizen, whatever staff roles they hold, and carries the request's id.
void record_self(storage::Tx& tx, const Principal& caller, const std::string& user_id, UnixMs at, const Act& act);
// The platform itself (start-up seeding, background work) as an actor.
inline Principal system_actor() {
  Principal p;
  p.user_id = "system";
  return p;
}
// An administrator at the command line (`darwaza user create`, imports) as an actor.
inline Principal cli_actor() {
  Principal p;
  p.user_id = "cli";
  return p;
}
// The platform or an administrator at the command line, rather than a person or a client.
inline bool is_platform_actor(const Principal& p) { return p.kind == Principal::Kind::anonymous && !p.user_id.empty(); }
// The role an entry names for a principal.
std::string role_of(const Principal& who);

// Staff, auditors, admins and API clients: their reads of personal data are recorded. A person
// reading their own data is not.
inline bool audited_reader(const Principal& who) { return who.is_client() || !who.roles.empty(); }

// A read that returns personal data. For audited readers it runs in a write transaction that
// also records act_of(value), so the entry exists exactly when the data was read; for everyone
// else it is a plain read (in `mode`).
template <class T, class F, class A>
Result<T> read_personal(storage::Database& db, const Principal& who, UnixMs now, F&& fn, A&& act_of,
                        storage::ReadMode mode = storage::ReadMode::snapshot) {
  if (!audited_reader(who)) return storage::read_value<T>(db, fn, mode);
  return storage::write_value<T>(db, [&](storage::Tx& tx) -> Result<T> {
    Result<T> r = fn(tx);
    if (r.ok()) {
      Act act = act_of(r.value());
      if (!act.action.empty()) record(tx, who, now, act);
    }
    return r;
  });
}

struct VerifyReport {
  bool ok = true;
  std::int64_t entries = 0;
  std::int64_t checkpoints = 0;
  std::int64_t broken_at = 0;   // position (seq) of the first broken link
  std::string problem;          // what is wrong there
};

struct VerifyOptions {
  int page_entries = kVerifyPageEntries;
  int parts = 0;  // parts of the chain checked at once; 0: one per core (at most kVerifyMaxThreads)
};

// Walks the chain and the checkpoints. `public_key` (base64url Ed25519) checks the signatures.
// The chain is checked in parts at once, one per core; the report is the same as one walk's.
VerifyReport verify(storage::Database& db, const std::string& public_key,
                    const std::function<void(std::int64_t, std::int64_t)>& progress = {}, VerifyOptions opt = {});

class Audit {
 public:
  Audit(storage::Database& db, const Clock& clock, const certificates::SigningKey& key)
      : db_(db), clock_(clock), key_(key) {}

  // Entries about the caller's own data made by others (agency, role, purpose, time), newest first.
  Result<std::vector<Entry>> about_me(const Principal& who, std::int64_t before_seq, int limit);
  // Auditors and platform admins: the log by subject, actor, agency, action and time range.
  Result<std::vector<Entry>> query(const Principal& who, storage::AuditQuery q);
  // Signs the head if it moved since the last checkpoint; returns whether one was written.
  Result<bool> checkpoint();

 private:
  storage::Database& db_;
  const Clock& clock_;
  const certificates::SigningKey& key_;
};

}  // namespace darwaza::audit
