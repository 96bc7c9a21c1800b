#include "audit/audit.hpp"

#include <future>

#include <fmt/format.h>

#include "certificates/signing.hpp"
#include "core/crypto.hpp"

namespace darwaza::audit {
namespace {

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out.append(field);
  out += '\n';
}

Error forbidden_query() {
  return make_error(ErrorKind::forbidden, "forbidden", "Not allowed", "Only auditors and platform admins may query the log.");
}

}  // namespace

std::string canonical(const Entry& e) {
  std::string out;
  out.reserve(256);
  put(out, "darwaza-audit-v1");
  put(out, std::to_string(e.seq));
  put(out, std::to_string(e.at));
  for (const std::string* f : {&e.actor, &e.actor_role, &e.actor_agency, &e.action, &e.subject_user, &e.subject_org,
                               &e.object_type, &e.object_id, &e.purpose, &e.outcome, &e.request_id, &e.prev_hash})
    put(out, *f);
  return out;
}

std::string compute_hash(const Entry& e) { return crypto::blake2b256_hex(canonical(e)); }

std::string checkpoint_payload(const Checkpoint& c) {
  return fmt::format("darwaza-audit-checkpoint-v1\n{}\n{}\n{}\n{}\n", c.seq, c.hash, c.at, c.key_id);
}

std::string role_of(const Principal& who) {
  if (who.is_client()) return "api_client";
  if (!who.is_user()) return who.user_id.empty() ? "anonymous" : "system";
  for (Role r : {Role::platform_admin, Role::auditor, Role::agency_admin, Role::officer})
    if (who.has_role(r)) return to_string(r);
  return "citizen";
}

void record(storage::Tx& tx, const Principal& who, UnixMs at, const Act& act) {
  if (!tx.audit().enabled()) return;
  auto [seq, prev] = tx.audit().head();
  Entry e;
  e.seq = seq + 1;
  e.at = at;
  e.actor = who.is_client() ? who.client_id : who.user_id.empty() ? "anonymous" : who.user_id;
  e.actor_role = role_of(who);
  if (who.is_client()) e.actor_agency = who.agency_id;
  else
    for (const auto& g : who.roles)
      if (!g.agency_id.empty()) {
        e.actor_agency = g.agency_id;
        break;
      }
  e.action = act.action;
  e.subject_user = act.subject_user;
  e.subject_org = act.subject_org;
  e.object_type = act.object_type;
  e.object_id = act.object_id;
  e.purpose = act.purpose;
  e.outcome = act.outcome;
  e.request_id = who.request_id;
  e.prev_hash = std::move(prev);
  e.hash = compute_hash(e);
  tx.audit().insert(e);
}

void record_self(storage::Tx& tx, const std::string& user_id, UnixMs at, const Act& act) {
  Principal self;
  self.kind = Principal::Kind::user;
  self.user_id = user_id;
  record(tx, self, at, act);
}

Result<std::vector<Entry>> Audit::about_me(const Principal& who, std::int64_t before_seq, int limit) {
  if (limit < 1 || limit > kMaxPageSize) limit = 50;
  return storage::read_value<std::vector<Entry>>(db_, [&](storage::Tx& tx) -> Result<std::vector<Entry>> {
    storage::AuditQuery q;
    q.subject_user = who.user_id;
    q.others_only = true;
    q.before_seq = before_seq;
    q.limit = limit;
    return tx.audit().query(q);
  });
}

Result<std::vector<Entry>> Audit::query(const Principal& who, storage::AuditQuery q) {
  if (!who.has_role(Role::auditor) && !who.has_role(Role::platform_admin)) return forbidden_query();
  if (q.limit < 1 || q.limit > kMaxPageSize) q.limit = 50;
  const UnixMs now = clock_.now_ms();
  // The query itself is an act on the log: recorded, like every read of personal data.
  return storage::write_value<std::vector<Entry>>(db_, [&](storage::Tx& tx) -> Result<std::vector<Entry>> {
    auto out = tx.audit().query(q);
    record(tx, who, now, {"audit.query", "audit_log", "", q.subject_user, q.subject_org, "", "ok"});
    return out;
  });
}

Result<bool> Audit::checkpoint() {
  const UnixMs now = clock_.now_ms();
  return storage::write_value<bool>(db_, [&](storage::Tx& tx) -> Result<bool> {
    auto [seq, hash] = tx.audit().head();
    auto last = tx.audit().last_checkpoint();
    if (seq == 0 || (last && last->seq == seq)) return false;
    Checkpoint c{seq, hash, now, key_.key_id(), ""};
    c.signature = key_.sign(checkpoint_payload(c));
    tx.audit().insert_checkpoint(c);
    return true;
  });
}

VerifyReport verify(storage::Database& db, const std::string& public_key,
                    const std::function<void(std::int64_t, std::int64_t)>& progress) {
  VerifyReport rep;
  std::vector<Checkpoint> checkpoints;
  std::int64_t total = 0;
  (void)db.read([&](storage::Tx& tx) -> Status {
    checkpoints = tx.audit().checkpoints();
    total = tx.audit().head().first;
    return ok_status();
  });
  auto fail = [&](std::int64_t at, std::string why) {
    if (!rep.ok) return;
    rep.ok = false;
    rep.broken_at = at;
    rep.problem = std::move(why);
  };
  std::size_t next_cp = 0;  // checkpoints are in seq order
  std::int64_t expected = 1;
  std::string prev;
  // Two stages: the next page is read from the database while this one is hashed and checked.
  auto read_page = [&db](std::int64_t after) {
    std::vector<Entry> page;
    page.reserve(kVerifyPageEntries);
    Status s = db.read([&](storage::Tx& tx) -> Status {
      tx.audit().scan(after, kVerifyPageEntries, [&](const Entry& e) { page.push_back(e); });
      return ok_status();
    });
    if (!s.ok()) throw storage::StorageError(s.error().detail);
    return page;
  };
  try {
    std::vector<Entry> page = read_page(0);
    while (rep.ok && !page.empty()) {
      auto next = std::async(std::launch::async, read_page, page.back().seq);
      for (const Entry& e : page) {
        if (e.seq != expected) {
          fail(expected, e.seq > expected ? fmt::format("entries {}..{} are missing", expected, e.seq - 1)
                                          : fmt::format("entry {} appears out of order", e.seq));
          break;
        }
        if (e.prev_hash != prev) fail(e.seq, "does not link to the entry before it (deleted, inserted or reordered)");
        else if (compute_hash(e) != e.hash) fail(e.seq, "its content does not match its hash (edited)");
        while (rep.ok && next_cp < checkpoints.size() && checkpoints[next_cp].seq == e.seq) {
          if (checkpoints[next_cp].hash != e.hash) fail(e.seq, "differs from the signed checkpoint at this position");
          ++next_cp;
        }
        if (!rep.ok) break;
        prev = e.hash;
        ++expected;
        ++rep.entries;
      }
      if (progress) progress(rep.entries, std::max(total, rep.entries));
      page = next.get();
    }
  } catch (const std::exception& e) {
    fail(expected, std::string("cannot read the log: ") + e.what());
  }
  if (rep.ok && next_cp < checkpoints.size())
    fail(checkpoints[next_cp].seq, fmt::format("a signed checkpoint covers entry {}, but the log ends at {} (entries removed "
                                               "from the end)", checkpoints[next_cp].seq, expected - 1));
  for (const auto& c : checkpoints) {
    if (!certificates::verify_signature(public_key, checkpoint_payload(c), c.signature)) {
      fail(c.seq, "the checkpoint's signature does not verify");
      break;
    }
  }
  rep.checkpoints = static_cast<std::int64_t>(checkpoints.size());
  return rep;
}

}  // namespace darwaza::audit
