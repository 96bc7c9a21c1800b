#include "audit/audit.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <future>
#include <limits>
#include <span>
#include <thread>

#include <fmt/format.h>

#include "certificates/signing.hpp"
#include "core/crypto.hpp"

namespace darwaza::audit {
namespace {

void put(std::string& out, std::string_view field) {
  char len[24];
  auto end = std::to_chars(len, len + sizeof len, field.size()).ptr;
  out.append(len, end);
  out += ':';
  out.append(field);
  out += '\n';
}

void put_number(std::string& out, std::int64_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  put(out, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

Error forbidden_query() {
  return make_error(ErrorKind::forbidden, "forbidden", "Not allowed", "Only auditors and platform admins may query the log.");
}

}  // namespace

EntryView view_of(const Entry& e) {
  return {e.seq, e.at, {e.actor, e.actor_role, e.actor_agency, e.action, e.subject_user, e.subject_org, e.object_type,
                        e.object_id, e.purpose, e.outcome, e.request_id, e.prev_hash, e.hash}};
}

Entry to_entry(const EntryView& v) {
  const auto& t = v.texts;
  return {v.seq,         v.at,         std::string(t[0]), std::string(t[1]),  std::string(t[2]),
          std::string(t[3]), std::string(t[4]), std::string(t[5]), std::string(t[6]), std::string(t[7]),
          std::string(t[8]), std::string(t[9]), std::string(t[10]), std::string(t[11]), std::string(t[12])};
}

void canonical_into(std::string& out, const EntryView& e) {
  out.clear();
  put(out, "darwaza-audit-v1");
  put_number(out, e.seq);
  put_number(out, e.at);
  for (std::size_t i = 0; i + 1 < e.texts.size(); ++i) put(out, e.texts[i]);  // every field but the hash
}

std::string canonical(const Entry& e) {
  std::string out;
  out.reserve(512);
  canonical_into(out, view_of(e));
  return out;
}

std::string compute_hash(const Entry& e) { return crypto::blake2b256_hex(canonical(e)); }

bool hash_matches(const EntryView& e, std::string& scratch) {
  canonical_into(scratch, e);
  return crypto::blake2b256_hex_equals(scratch, e.hash());
}

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

void record_self(storage::Tx& tx, const Principal& caller, const std::string& user_id, UnixMs at, const Act& act) {
  Principal self;
  self.kind = Principal::Kind::user;
  self.user_id = user_id;
  self.request_id = caller.request_id;
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

namespace {

// What one worker found in its part of the chain.
struct RangeReport {
  bool ok = true;
  std::int64_t broken_at = 0;
  std::string problem;
};

// Entries lo..hi checked exactly as a walk from the start would check them, given the stored hash
// of entry lo-1 (which the part before checks). Pages of `page_entries`, each in its own read
// transaction, hashed straight from the rows; `done` counts the entries checked, for progress.
RangeReport verify_range(storage::Database& db, int page_entries, std::int64_t lo, std::int64_t hi,
                         std::span<const Checkpoint> cps, std::atomic<std::int64_t>& done) {
  RangeReport r;
  auto fail = [&](std::int64_t at, std::string why) {
    if (!r.ok) return;
    r.ok = false;
    r.broken_at = at;
    r.problem = std::move(why);
  };
  std::string prev, scratch;
  scratch.reserve(1024);
  std::int64_t expected = lo;
  std::size_t next_cp = 0;
  auto read = [&db](auto&& body) {
    Status s = db.read([&](storage::Tx& tx) -> Status {
      body(tx.audit());
      return ok_status();
    });
    if (!s.ok()) throw storage::StorageError(s.error().detail);
  };
  if (lo > 1) read([&](storage::AuditRepo& log) {
    log.scan(lo - 2, lo - 1, 1, [&](const EntryView& e) { prev.assign(e.hash()); });
  });
  while (r.ok && expected <= hi) {
    const std::int64_t before = expected;
    read([&](storage::AuditRepo& log) {
      log.scan(expected - 1, hi, page_entries, [&](const EntryView& e) {
        if (!r.ok) return;
        if (e.seq != expected) {
          fail(expected, e.seq > expected ? fmt::format("entries {}..{} are missing", expected, e.seq - 1)
                                          : fmt::format("entry {} appears out of order", e.seq));
          return;
        }
        if (e.prev_hash() != prev) fail(e.seq, "does not link to the entry before it (deleted, inserted or reordered)");
        else if (!hash_matches(e, scratch)) fail(e.seq, "its content does not match its hash (edited)");
        while (r.ok && next_cp < cps.size() && cps[next_cp].seq == e.seq) {
          if (cps[next_cp].hash != e.hash()) fail(e.seq, "differs from the signed checkpoint at this position");
          ++next_cp;
        }
        if (!r.ok) return;
        prev.assign(e.hash());
        ++expected;
      });
    });
    done.fetch_add(expected - before, std::memory_order_relaxed);
    if (r.ok && expected == before) {
      // Nothing left up to hi: the entries from `expected` on are gone up to the next one present.
      std::int64_t next = 0;
      read([&](storage::AuditRepo& log) {
        next = log.scan(expected - 1, std::numeric_limits<std::int64_t>::max(), 1, [](const EntryView&) {});
      });
      fail(expected, fmt::format("entries {}..{} are missing", expected, next > 0 ? next - 1 : hi));
    }
  }
  return r;
}

}  // namespace

VerifyReport verify(storage::Database& db, const std::string& public_key,
                    const std::function<void(std::int64_t, std::int64_t)>& progress, VerifyOptions opt) {
  VerifyReport rep;
  opt.page_entries = std::max(1, opt.page_entries);
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
  // The chain is cut into one part per core; each part is checked on its own (the link across a
  // cut is checked by the later part against the stored hash before it), and the first broken
  // link of the whole chain is the earliest any part reports.
  const std::int64_t cores = std::min<std::int64_t>(std::thread::hardware_concurrency(), kVerifyMaxThreads);
  const std::int64_t parts = std::clamp<std::int64_t>(opt.parts > 0 ? opt.parts : cores, 1,
                                                      std::max<std::int64_t>(1, total / opt.page_entries));
  std::atomic<std::int64_t> done{0};
  std::vector<std::future<RangeReport>> workers;
  std::int64_t lo = 1;
  for (std::int64_t p = 0; p < parts && lo <= total; ++p) {
    const std::int64_t hi = p + 1 == parts ? total : lo + total / parts - 1;
    auto first = std::lower_bound(checkpoints.begin(), checkpoints.end(), lo,
                                  [](const Checkpoint& c, std::int64_t s) { return c.seq < s; });
    auto last = std::upper_bound(first, checkpoints.end(), hi, [](std::int64_t s, const Checkpoint& c) { return s < c.seq; });
    workers.push_back(std::async(std::launch::async, verify_range, std::ref(db), opt.page_entries, lo, hi,
                                 std::span<const Checkpoint>(first, last), std::ref(done)));
    lo = hi + 1;
  }
  std::vector<RangeReport> reports;
  for (auto& w : workers) {
    while (w.wait_for(std::chrono::milliseconds(kVerifyProgressMs)) != std::future_status::ready)
      if (progress) progress(done.load(std::memory_order_relaxed), total);
    try {
      reports.push_back(w.get());
    } catch (const std::exception& e) {
      reports.push_back({false, 0, std::string("cannot read the log: ") + e.what()});
    }
  }
  for (const RangeReport& r : reports) {  // in chain order: the first failing part has the first break
    if (r.ok) continue;
    fail(r.broken_at, r.problem);
    break;
  }
  rep.entries = rep.ok ? total : std::max<std::int64_t>(0, rep.broken_at - 1);
  if (progress) progress(rep.entries, total);
  auto beyond = std::upper_bound(checkpoints.begin(), checkpoints.end(), total,
                                 [](std::int64_t s, const Checkpoint& c) { return s < c.seq; });
  if (rep.ok && beyond != checkpoints.end())
    fail(beyond->seq, fmt::format("a signed checkpoint covers entry {}, but the log ends at {} (entries removed "
                                  "from the end)", beyond->seq, total));
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
