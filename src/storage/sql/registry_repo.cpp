#include "storage/sql/registry_repo.hpp"

#include "storage/sql/catalog_repo.hpp"

namespace darwaza::storage::sql {
namespace {
using registries::Record;

constexpr const char* kRegistryByName =
    "SELECT name, version, agency_id, document, checksum, loaded_at FROM registries WHERE name = ?";
constexpr const char* kAllRegistries =
    "SELECT name, version, agency_id, document, checksum, loaded_at FROM registries ORDER BY name";
constexpr const char* kUpsertRegistry =
    "INSERT INTO registries (name, version, agency_id, document, checksum, loaded_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET version = excluded.version, agency_id = excluded.agency_id, "
    "document = excluded.document, checksum = excluded.checksum, loaded_at = excluded.loaded_at";

#define DZ_RECORD_COLUMNS                                                                                   \
  "seq, id, registry, registry_version, number, coalesce(subject_user_id, ''), coalesce(subject_org_id, ''), " \
  "coalesce(application_id, ''), status, valid_from, coalesce(valid_until, ''), data, created_at, updated_at"
constexpr const char* kInsertRecord =
    "INSERT INTO registry_records (id, registry, registry_version, number, subject_user_id, subject_org_id, "
    "application_id, status, valid_from, valid_until, data, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq";
constexpr const char* kUpdateRecord =
    "UPDATE registry_records SET registry_version = ?2, status = ?3, valid_from = ?4, valid_until = ?5, data = ?6, "
    "updated_at = ?7 WHERE id = ?1";
constexpr const char* kRecordSeq = "SELECT seq FROM registry_records WHERE id = ?";
constexpr const char* kRecordById = "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE id = ?";
constexpr const char* kRecordByNumber = "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE number = ?";
constexpr const char* kRecordsOfUser =
    "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE subject_user_id = ?1 AND (?2 = '' OR registry = ?2) "
    "ORDER BY seq DESC LIMIT 1000";
constexpr const char* kRecordsOfOrg =
    "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE subject_org_id = ?1 AND (?2 = '' OR registry = ?2) "
    "ORDER BY seq DESC LIMIT 1000";
// A listing (no words): a registry's records in registration order after a record (?2, 0: from
// the first), paged by OFFSET up to registries::kMaxCountedRecords only (a deeper page goes on
// from the previous page's last record). One status: the index (registry, status, seq) of
// migration V015 holds the listing's order, so the page and the count read that status's records
// only; every status: the index (registry, seq).
constexpr const char* kBrowseRecords =
    "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE registry = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3 OFFSET ?4";
constexpr const char* kBrowseRecordsOfStatus =
    "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE registry = ?1 AND status = ?2 AND seq > ?3 "
    "ORDER BY seq LIMIT ?4 OFFSET ?5";
constexpr const char* kCountBrowse =
    "SELECT count(*) FROM (SELECT 1 FROM registry_records WHERE registry = ?1 LIMIT ?2) c";
constexpr const char* kCountBrowseOfStatus =
    "SELECT count(*) FROM (SELECT 1 FROM registry_records WHERE registry = ?1 AND status = ?2 LIMIT ?3) c";
// A text search takes at most ?6 matches (the inner query stops there), ranks them and pages
// through them best first, each row carrying how many were taken (the count, so the matches are
// read once): its cost is bounded whatever the words match. SQLite: CROSS JOIN keeps the text
// index as the outer loop (its planner otherwise walks every record of the registry and runs the
// MATCH once for each), so matches come in registration order, and ranks them shortest text
// first: every match holds every word, so when each occurs once that is the order bm25 gives
// (its length normalisation), without bm25's count of each word's records over the whole index
// (11 ms for a word in 100,000 records, on every query). PostgreSQL: the matches in the order the
// index's bitmap returns them (table order, close to registration order), ranked by ts_rank of
// the words after the limit, so that only those are ranked; its normalisation 1 (divided by 1 +
// the log of the length) ranks shorter records first, as SQLite does.
// SQLite: a registry's token in the text index, 'r' and its name in hexadecimal (one word; as
// migration V014 wrote it).
#define DZ_REGISTRY_TOKEN(name) "('r' || lower(hex(" name ")))"
#define DZ_RECORD_COLUMNS_OF_R                                                                          \
  "r.seq, r.id, r.registry, r.registry_version, r.number, coalesce(r.subject_user_id, ''), "          \
  "coalesce(r.subject_org_id, ''), coalesce(r.application_id, ''), r.status, r.valid_from, "           \
  "coalesce(r.valid_until, ''), r.data, r.created_at, r.updated_at"
// The text index holds each record's registry (migration V014), so a search reads only the matches
// of the registry searched: SQLite's column `registry` holds the token DZ_REGISTRY_TOKEN, and the
// words are matched in the column `text` only; PostgreSQL's tsvector holds the lexeme '#NAME',
// which no word of a text or a search can match (they split on punctuation), and words that
// leave no lexeme match nothing (an empty side of && would leave the registry's lexeme alone).
// ?2 is a registry's name, a slug the domain has found among the schemas (Registries::schema),
// never a caller's text: it is safe inside the token and the tsquery literal. The filter on
// r.registry stays as a guard.
#define DZ_MATCH_FILTER " AND r.registry = ?2 AND (?3 = '' OR r.status = ?3) "
#define DZ_MATCH_SQLITE                                                                                \
  "FROM registry_fts f CROSS JOIN registry_records r WHERE registry_fts MATCH ('registry : ' || "   \
  DZ_REGISTRY_TOKEN("?2") " || ' AND text : (' || ?1 || ')') AND r.seq = f.rowid" DZ_MATCH_FILTER
#define DZ_MATCH_PG                                                                                        \
  "FROM registry_fts f JOIN registry_records r ON r.seq = f.rowid WHERE f.doc @@ (to_tsquery('simple', ?1) " \
  "&& ('''#' || ?2 || '''')::tsquery) AND numnode(to_tsquery('simple', ?1)) > 0" DZ_MATCH_FILTER
constexpr const char* kSearchRecords =
    "SELECT " DZ_RECORD_COLUMNS_OF_R ", count(*) OVER () FROM (SELECT f.rowid AS seq, length(f.text) AS score "
    DZ_MATCH_SQLITE "LIMIT ?6) h CROSS JOIN registry_records r WHERE r.seq = h.seq ORDER BY h.score, r.seq "
    "LIMIT ?4 OFFSET ?5";
constexpr const char* kSearchRecordsPg =
    "SELECT " DZ_RECORD_COLUMNS_OF_R ", count(*) OVER () FROM (SELECT f.rowid AS seq, f.doc " DZ_MATCH_PG "LIMIT ?6) h "
    "JOIN registry_records r ON r.seq = h.seq ORDER BY ts_rank(h.doc, to_tsquery('simple', ?1), 1) DESC, r.seq "
    "LIMIT ?4 OFFSET ?5";
constexpr const char* kCountMatches = "SELECT count(*) FROM (SELECT 1 " DZ_MATCH_SQLITE "LIMIT ?4) c";
constexpr const char* kCountMatchesPg = "SELECT count(*) FROM (SELECT 1 " DZ_MATCH_PG "LIMIT ?4) c";
constexpr const char* kMatchesAfter =
    "SELECT " DZ_RECORD_COLUMNS_OF_R " " DZ_MATCH_SQLITE "AND f.rowid > ?4 ORDER BY f.rowid LIMIT ?5";
constexpr const char* kMatchesAfterPg =
    "SELECT " DZ_RECORD_COLUMNS_OF_R " " DZ_MATCH_PG "AND f.rowid > ?4 ORDER BY f.rowid LIMIT ?5";
#undef DZ_MATCH_PG
#undef DZ_MATCH_SQLITE
#undef DZ_MATCH_FILTER
#undef DZ_RECORD_COLUMNS_OF_R
constexpr int kRecordColumns = 14;  // DZ_RECORD_COLUMNS; a further column follows them
constexpr const char* kScanRecords =
    "SELECT " DZ_RECORD_COLUMNS " FROM registry_records WHERE registry = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
constexpr const char* kCountRecords = "SELECT count(*) FROM registry_records WHERE registry = ?";
#undef DZ_RECORD_COLUMNS

constexpr const char* kDeleteFts = "DELETE FROM registry_fts WHERE rowid = ?";
constexpr const char* kInsertFts =
    "INSERT INTO registry_fts (rowid, text, registry) VALUES (?1, ?2, " DZ_REGISTRY_TOKEN("?3") ")";
#undef DZ_REGISTRY_TOKEN
// PostgreSQL's parser reads "GSP-2026-000042" as 'gsp', '-2026', '-000042' (signed numbers), so
// ASCII punctuation becomes spaces first, as the query side (fts_query) splits on it too. The
// registry's lexeme is added by the table's trigger (migration V014), from the record's row.
#define DZ_REGISTRY_DOC(text) "to_tsvector('simple', regexp_replace(" text ", '[[:punct:]]+', ' ', 'g'))"
constexpr const char* kInsertFtsPg = "INSERT INTO registry_fts (rowid, doc) VALUES (?, " DZ_REGISTRY_DOC("?") ")";

constexpr const char* kClaimKey =
    "INSERT INTO registry_keys (registry, key_name, key_value, record_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
constexpr const char* kKeyHolder =
    "SELECT record_id FROM registry_keys WHERE registry = ? AND key_name = ? AND key_value = ?";
constexpr const char* kReleaseKeys = "DELETE FROM registry_keys WHERE record_id = ?";
constexpr const char* kNextNumber =
    "INSERT INTO registry_counters (registry, year, last) VALUES (?, ?, 1) "
    "ON CONFLICT (registry, year) DO UPDATE SET last = registry_counters.last + 1 RETURNING last";

constexpr const char* kInsertEvent =
    "INSERT INTO registry_record_events (record_id, at, actor, action, from_status, to_status, reason, application_id, "
    "changed_fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kEvents =
    "SELECT seq, record_id, at, actor, action, from_status, to_status, reason, coalesce(application_id, ''), "
    "changed_fields FROM registry_record_events WHERE record_id = ? ORDER BY seq";

constexpr const char* kEnsurePool =
    "INSERT INTO registry_capacity (pool_record_id, qualifier, total) VALUES (?, ?, ?) "
    "ON CONFLICT (pool_record_id, qualifier) DO UPDATE SET total = excluded.total";
constexpr const char* kAllocate =
    "UPDATE registry_capacity SET allocated = allocated + ?3 "
    "WHERE pool_record_id = ?1 AND qualifier = ?2 AND allocated + ?3 <= total";
constexpr const char* kInsertAllocation =
    "INSERT INTO registry_allocations (record_id, pool_record_id, qualifier, amount) VALUES (?, ?, ?, ?)";
constexpr const char* kAllocationOf =
    "SELECT pool_record_id, qualifier, amount FROM registry_allocations WHERE record_id = ?";
constexpr const char* kGiveBack =
    "UPDATE registry_capacity SET allocated = allocated - ?3 WHERE pool_record_id = ?1 AND qualifier = ?2";
constexpr const char* kDeleteAllocation = "DELETE FROM registry_allocations WHERE record_id = ?";
constexpr const char* kPoolUse =
    "SELECT pool_record_id, qualifier, total, allocated FROM registry_capacity WHERE pool_record_id = ? "
    "ORDER BY qualifier LIMIT 1000";

StoredRegistry read_registry(Query& q) {
  return StoredRegistry{q.text(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3), q.text(4), q.integer(5)};
}

Record read_record(Query& q) {
  Record r;
  r.seq = q.integer(0);
  r.id = q.text(1);
  r.registry = q.text(2);
  r.registry_version = static_cast<int>(q.integer(3));
  r.number = q.text(4);
  r.subject_user_id = q.text(5);
  r.subject_org_id = q.text(6);
  r.application_id = q.text(7);
  registries::parse_status(q.text(8), r.status);
  r.valid_from = q.text(9);
  r.valid_until = q.text(10);
  r.data = q.text(11);
  r.created_at = q.integer(12);
  r.updated_at = q.integer(13);
  return r;
}

// An event's changed fields as stored: names joined by commas (field names never hold one).
std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t comma = text.find(',', at);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

std::vector<Record> read_records(Query& q) {
  std::vector<Record> out;
  while (q.step()) out.push_back(read_record(q));
  return out;
}

}  // namespace

const char* const kRebuildRegistryFtsPg =
    "INSERT INTO registry_fts (rowid, doc) SELECT rowid, " DZ_REGISTRY_DOC("text") " FROM registry_fts_import";
#undef DZ_REGISTRY_DOC

std::optional<StoredRegistry> SqlRegistryRepo::registry(const std::string& name) {
  auto q = c_.query(kRegistryByName);
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return read_registry(q);
}

std::vector<StoredRegistry> SqlRegistryRepo::registries() {
  std::vector<StoredRegistry> out;
  auto q = c_.query(kAllRegistries);
  while (q.step()) out.push_back(read_registry(q));
  return out;
}

void SqlRegistryRepo::put_registry(const StoredRegistry& r) {
  c_.query(kUpsertRegistry).bind_all(r.name, r.version, r.agency, r.document, r.checksum, r.loaded_at).exec();
}

void SqlRegistryRepo::index_text(std::int64_t seq, const std::string& registry, const std::string& public_text) {
  c_.query(kDeleteFts).bind_all(seq).exec();
  if (c_.dialect() == Dialect::postgresql)
    c_.query(kInsertFtsPg).bind_all(seq, public_text).exec();
  else
    c_.query(kInsertFts).bind_all(seq, public_text, registry).exec();
}

void SqlRegistryRepo::insert(const Record& r, const std::string& public_text) {
  auto q = c_.query(kInsertRecord);
  q.bind_all(r.id, r.registry, r.registry_version, r.number);
  q.bind_or_null(5, r.subject_user_id).bind_or_null(6, r.subject_org_id).bind_or_null(7, r.application_id);
  q.bind(8, registries::to_string(r.status)).bind(9, r.valid_from).bind_or_null(10, r.valid_until);
  q.bind(11, r.data).bind(12, r.created_at).bind(13, r.updated_at);
  if (!q.step()) c_.fail("registry record insert");
  std::int64_t seq = q.integer(0);
  while (q.step()) {
  }
  index_text(seq, r.registry, public_text);
}

void SqlRegistryRepo::update(const Record& r, const std::string& public_text) {
  auto q = c_.query(kUpdateRecord);
  q.bind_all(r.id, r.registry_version, std::string(registries::to_string(r.status)), r.valid_from);
  q.bind_or_null(5, r.valid_until).bind(6, r.data).bind(7, r.updated_at);
  q.exec();
  auto s = c_.query(kRecordSeq);
  s.bind(1, r.id);
  if (!s.step()) c_.fail("registry record seq");
  index_text(s.integer(0), r.registry, public_text);
}

std::optional<Record> SqlRegistryRepo::by_id(const std::string& id) {
  auto q = c_.query(kRecordById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_record(q);
}

std::optional<Record> SqlRegistryRepo::by_number(const std::string& number) {
  auto q = c_.query(kRecordByNumber);
  q.bind(1, number);
  if (!q.step()) return std::nullopt;
  return read_record(q);
}

std::vector<Record> SqlRegistryRepo::of_subject(const std::string& user_id, const std::string& org_id,
                                                   const std::string& registry) {
  auto q = c_.query(org_id.empty() ? kRecordsOfUser : kRecordsOfOrg);
  q.bind_all(org_id.empty() ? user_id : org_id, registry);
  return read_records(q);
}

RecordPage SqlRegistryRepo::search(const RecordQuery& rq) {
  RecordPage page;
  if (!rq.text.empty()) {
    std::string match = fts_query(rq.text, c_.dialect());
    if (match.empty()) return page;
    auto q = c_.query(c_.pick(kSearchRecords, kSearchRecordsPg));
    q.bind_all(match, rq.registry, rq.status, rq.limit, rq.offset, rq.max_counted + 1);
    while (q.step()) {
      page.items.push_back(read_record(q));
      page.total = q.integer(kRecordColumns);
    }
    if (page.items.empty() && rq.offset > 0) page.total = count_matches(rq, rq.max_counted + 1);  // past the last page
    return page;
  }
  page.items = browse(rq, rq.after_seq, rq.offset);
  auto n = c_.query(rq.status.empty() ? kCountBrowse : kCountBrowseOfStatus);
  if (rq.status.empty()) n.bind_all(rq.registry, rq.max_counted + 1);
  else n.bind_all(rq.registry, rq.status, rq.max_counted + 1);
  if (n.step()) page.total = n.integer(0);
  return page;
}

std::vector<Record> SqlRegistryRepo::browse(const RecordQuery& rq, std::int64_t after_seq, std::int64_t offset) {
  auto q = c_.query(rq.status.empty() ? kBrowseRecords : kBrowseRecordsOfStatus);
  if (rq.status.empty()) q.bind_all(rq.registry, after_seq, rq.limit, offset);
  else q.bind_all(rq.registry, rq.status, after_seq, rq.limit, offset);
  return read_records(q);
}

std::vector<Record> SqlRegistryRepo::matches_after(const RecordQuery& rq, std::int64_t after_seq) {
  if (rq.text.empty()) return browse(rq, after_seq, 0);
  std::string match = fts_query(rq.text, c_.dialect());
  if (match.empty()) return {};
  auto q = c_.query(c_.pick(kMatchesAfter, kMatchesAfterPg));
  q.bind_all(match, rq.registry, rq.status, after_seq, rq.limit);
  return read_records(q);
}

std::int64_t SqlRegistryRepo::count_matches(const RecordQuery& rq, std::int64_t cap) {
  std::string match = fts_query(rq.text, c_.dialect());
  if (match.empty()) return 0;
  auto n = c_.query(c_.pick(kCountMatches, kCountMatchesPg));
  n.bind_all(match, rq.registry, rq.status, cap);
  return n.step() ? n.integer(0) : 0;
}

std::int64_t SqlRegistryRepo::scan(const std::string& registry, std::int64_t after_seq, int limit,
                                      const std::function<void(const Record&)>& fn) {
  auto q = c_.query(kScanRecords);
  q.bind_all(registry, after_seq, limit);
  std::int64_t last = 0;
  while (q.step()) {
    last = q.integer(0);
    fn(read_record(q));
  }
  return last;
}

std::int64_t SqlRegistryRepo::count(const std::string& registry) {
  auto q = c_.query(kCountRecords);
  q.bind(1, registry);
  return q.step() ? q.integer(0) : 0;
}

bool SqlRegistryRepo::claim_key(const std::string& registry, const std::string& key, const std::string& value,
                                   const std::string& record_id) {
  return c_.query(kClaimKey).bind_all(registry, key, value, record_id).exec() == 1;
}

std::optional<std::string> SqlRegistryRepo::key_holder(const std::string& registry, const std::string& key,
                                                          const std::string& value) {
  auto q = c_.query(kKeyHolder);
  q.bind_all(registry, key, value);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

void SqlRegistryRepo::release_keys(const std::string& record_id) {
  c_.query(kReleaseKeys).bind_all(record_id).exec();
}

std::int64_t SqlRegistryRepo::next_number(const std::string& registry, int year) {
  auto q = c_.query(kNextNumber);
  q.bind_all(registry, year);
  if (!q.step()) c_.fail("registry counter");
  return q.integer(0);
}

void SqlRegistryRepo::add_event(const registries::RecordEvent& e) {
  auto q = c_.query(kInsertEvent);
  q.bind_all(e.record_id, e.at, e.actor, e.action, e.from_status, e.to_status, e.reason);
  q.bind_or_null(8, e.application_id);
  q.bind(9, join_names(e.fields));
  q.exec();
}

std::vector<registries::RecordEvent> SqlRegistryRepo::events(const std::string& record_id) {
  std::vector<registries::RecordEvent> out;
  auto q = c_.query(kEvents);
  q.bind(1, record_id);
  while (q.step())
    out.push_back({q.integer(0), q.text(1), q.integer(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7),
                   q.text(8), split_names(q.text(9))});
  return out;
}

void SqlRegistryRepo::ensure_pool(const std::string& pool_record_id, const std::string& qualifier,
                                     std::int64_t total) {
  c_.query(kEnsurePool).bind_all(pool_record_id, qualifier, total).exec();
}

bool SqlRegistryRepo::allocate(const std::string& pool_record_id, const std::string& qualifier,
                                  std::int64_t amount, const std::string& record_id) {
  if (c_.query(kAllocate).bind_all(pool_record_id, qualifier, amount).exec() != 1) return false;
  c_.query(kInsertAllocation).bind_all(record_id, pool_record_id, qualifier, amount).exec();
  return true;
}

void SqlRegistryRepo::release(const std::string& record_id) {
  std::string pool, qualifier;
  std::int64_t amount = 0;
  {
    auto q = c_.query(kAllocationOf);
    q.bind(1, record_id);
    if (!q.step()) return;
    pool = q.text(0);
    qualifier = q.text(1);
    amount = q.integer(2);
  }
  c_.query(kGiveBack).bind_all(pool, qualifier, amount).exec();
  c_.query(kDeleteAllocation).bind_all(record_id).exec();
}

std::vector<registries::CapacityUse> SqlRegistryRepo::pool_use(const std::string& pool_record_id) {
  std::vector<registries::CapacityUse> out;
  auto q = c_.query(kPoolUse);
  q.bind(1, pool_record_id);
  while (q.step()) out.push_back({q.text(0), q.text(1), q.integer(2), q.integer(3)});
  return out;
}

}  // namespace darwaza::storage::sql
