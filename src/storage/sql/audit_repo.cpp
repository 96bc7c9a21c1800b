#include "storage/sql/audit_repo.hpp"

namespace darwaza::storage::sql {
namespace {

constexpr const char* kHead = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr const char* kInsert =
    "INSERT INTO audit_log (seq, at, actor, actor_role, actor_agency, action, subject_user, subject_org, object_type, "
    "object_id, purpose, outcome, request_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// One statement serves every filter: each condition is switched off by its empty parameter.
constexpr const char* kQuery =
    "SELECT seq, at, actor, actor_role, actor_agency, action, subject_user, subject_org, object_type, object_id, "
    "purpose, outcome, request_id, prev_hash, hash FROM audit_log "
    "WHERE (?1 = '' OR subject_user = ?1) AND (?2 = '' OR subject_org = ?2) AND (?3 = '' OR actor = ?3) "
    "AND (?4 = '' OR actor_agency = ?4) AND (?5 = '' OR action = ?5 OR (?5 LIKE '%.' AND action LIKE ?5 || '%')) "
    "AND (?6 = 0 OR at >= ?6) AND (?7 = 0 OR at < ?7) AND (?8 = 0 OR actor <> subject_user) "
    "AND (?9 = 0 OR seq < ?9) AND (?11 = '' OR object_type = ?11) ORDER BY seq DESC LIMIT ?10";
constexpr const char* kScan =
    "SELECT seq, at, actor, actor_role, actor_agency, action, subject_user, subject_org, object_type, object_id, "
    "purpose, outcome, request_id, prev_hash, hash FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
// The prefix is matched with LIKE: callers pass plain names ("registry"), no wildcards.
constexpr const char* kWrittenObjects =
    "SELECT seq, object_type, object_id FROM audit_log WHERE seq > ? AND seq <= ? AND object_type LIKE ? "
    "AND outcome = 'ok' AND action NOT LIKE '%.read' ORDER BY seq LIMIT ?";
constexpr const char* kInsertCheckpoint =
    "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kCheckpoints = "SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq";
constexpr const char* kLastCheckpoint =
    "SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";

// The row as views (kQuery and kScan select the same columns in the same order).
audit::EntryView view_entry(const Query& q) {
  audit::EntryView e;
  e.seq = q.integer(0);
  e.at = q.integer(1);
  for (std::size_t i = 0; i < e.texts.size(); ++i) e.texts[i] = q.text_view(static_cast<int>(i) + 2);
  return e;
}

audit::Checkpoint read_checkpoint(Query& q) {
  return audit::Checkpoint{q.integer(0), q.text(1), q.integer(2), q.text(3), q.text(4)};
}

}  // namespace

std::pair<std::int64_t, std::string> SqlAuditRepo::head() {
  auto q = c_.query(kHead);
  if (!q.step()) return {0, ""};
  return {q.integer(0), q.text(1)};
}

void SqlAuditRepo::insert(const audit::Entry& e) {
  c_.query(kInsert)
      .bind_all(e.seq, e.at, e.actor, e.actor_role, e.actor_agency, e.action, e.subject_user, e.subject_org,
                e.object_type, e.object_id, e.purpose, e.outcome, e.request_id, e.prev_hash, e.hash)
      .exec();
}

std::vector<audit::Entry> SqlAuditRepo::query(const AuditQuery& aq) {
  std::vector<audit::Entry> out;
  auto q = c_.query(kQuery);
  q.bind_all(aq.subject_user, aq.subject_org, aq.actor, aq.actor_agency, aq.action, aq.from, aq.to,
             static_cast<std::int64_t>(aq.others_only), aq.before_seq, aq.limit, aq.object_type);
  while (q.step()) out.push_back(audit::to_entry(view_entry(q)));
  return out;
}

std::int64_t SqlAuditRepo::scan(std::int64_t after_seq, std::int64_t up_to_seq, int limit,
                                const std::function<void(const audit::EntryView&)>& fn) {
  auto q = c_.query(kScan);
  q.bind_all(after_seq, up_to_seq, limit);
  std::int64_t last = 0;
  while (q.step()) {
    const audit::EntryView e = view_entry(q);
    last = e.seq;
    fn(e);
  }
  return last;
}

std::vector<WrittenObject> SqlAuditRepo::written_objects(std::int64_t after_seq, std::int64_t up_to_seq,
                                                         const std::string& object_type_prefix, int limit) {
  std::vector<WrittenObject> out;
  auto q = c_.query(kWrittenObjects);
  q.bind_all(after_seq, up_to_seq, object_type_prefix + "%", limit);
  while (q.step()) out.push_back({q.integer(0), q.text(1), q.text(2)});
  return out;
}

void SqlAuditRepo::insert_checkpoint(const audit::Checkpoint& c) {
  c_.query(kInsertCheckpoint).bind_all(c.seq, c.hash, c.at, c.key_id, c.signature).exec();
}

std::vector<audit::Checkpoint> SqlAuditRepo::checkpoints() {
  std::vector<audit::Checkpoint> out;
  auto q = c_.query(kCheckpoints);
  while (q.step()) out.push_back(read_checkpoint(q));
  return out;
}

std::optional<audit::Checkpoint> SqlAuditRepo::last_checkpoint() {
  auto q = c_.query(kLastCheckpoint);
  if (!q.step()) return std::nullopt;
  return read_checkpoint(q);
}

}  // namespace darwaza::storage::sql
