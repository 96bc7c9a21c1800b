#include "storage/sql/catalog_repo.hpp"

namespace darwaza::storage::sql {
namespace {

constexpr int kMaxQueryTerms = 12;  // bounds the cost of one search

constexpr const char* kServiceByVersion =
    "SELECT id, version, agency_id, category, title_en, title_ur, description_en, description_ur, applicant, "
    "fee_paisa, definition, checksum, keywords FROM services WHERE id = ? AND version = ?";
constexpr const char* kCurrentService =
    "SELECT s.id, s.version, s.agency_id, s.category, s.title_en, s.title_ur, s.description_en, s.description_ur, "
    "s.applicant, s.fee_paisa, s.definition, s.checksum, s.keywords FROM service_current c "
    "JOIN services s ON s.id = c.id AND s.version = c.version WHERE c.id = ?";
constexpr const char* kCurrentVersion = "SELECT version FROM service_current WHERE id = ?";
constexpr const char* kInsertService =
    "INSERT INTO services (id, version, agency_id, category, title_en, title_ur, description_en, description_ur, "
    "applicant, fee_paisa, keywords, definition, checksum, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpsertCurrent =
    "INSERT INTO service_current (id, version, agency_id, category, title_en, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, agency_id = excluded.agency_id, "
    "category = excluded.category, title_en = excluded.title_en, updated_at = excluded.updated_at";
constexpr const char* kCurrentRowid = "SELECT rowid FROM service_current WHERE id = ?";
constexpr const char* kDeleteFts = "DELETE FROM service_fts WHERE rowid = ?";
constexpr const char* kInsertFts =
    "INSERT INTO service_fts (rowid, title_en, title_ur, description_en, description_ur, keywords) "
    "VALUES (?, ?, ?, ?, ?, ?)";
// The weights follow FTS5's bm25 column weights above: titles, then keywords, then descriptions.
#define DZ_SERVICE_DOC(title_en, title_ur, description_en, description_ur, keywords)                        \
  "setweight(to_tsvector('simple', " title_en "), 'A') || setweight(to_tsvector('simple', " title_ur "), 'A') || " \
  "setweight(to_tsvector('simple', " keywords "), 'B') || "                                                     \
  "setweight(to_tsvector('simple', " description_en "), 'C') || setweight(to_tsvector('simple', " description_ur "), 'C')"
constexpr const char* kInsertFtsPg =
    "INSERT INTO service_fts (rowid, doc) VALUES (?1, " DZ_SERVICE_DOC("?2", "?3", "?4", "?5", "?6") ")";
constexpr const char* kSearch =
    "SELECT s.id, s.version, s.agency_id, s.category, s.title_en, s.title_ur, s.description_en, s.description_ur, "
    "s.applicant, s.fee_paisa FROM service_fts f JOIN service_current c ON c.rowid = f.rowid "
    "JOIN services s ON s.id = c.id AND s.version = c.version "
    "WHERE service_fts MATCH ?1 AND (?2 = '' OR c.agency_id = ?2) AND (?3 = '' OR c.category = ?3) "
    "ORDER BY bm25(service_fts, 10.0, 10.0, 2.0, 2.0, 5.0), c.title_en LIMIT ?4 OFFSET ?5";
constexpr const char* kSearchCount =
    "SELECT count(*) FROM service_fts f JOIN service_current c ON c.rowid = f.rowid "
    "WHERE service_fts MATCH ?1 AND (?2 = '' OR c.agency_id = ?2) AND (?3 = '' OR c.category = ?3)";
constexpr const char* kSearchPg =
    "SELECT s.id, s.version, s.agency_id, s.category, s.title_en, s.title_ur, s.description_en, s.description_ur, "
    "s.applicant, s.fee_paisa FROM service_fts f JOIN service_current c ON c.rowid = f.rowid "
    "JOIN services s ON s.id = c.id AND s.version = c.version "
    "WHERE f.doc @@ to_tsquery('simple', ?1) AND (?2 = '' OR c.agency_id = ?2) AND (?3 = '' OR c.category = ?3) "
    "ORDER BY ts_rank(f.doc, to_tsquery('simple', ?1)) DESC, c.title_en LIMIT ?4 OFFSET ?5";
constexpr const char* kSearchCountPg =
    "SELECT count(*) FROM service_fts f JOIN service_current c ON c.rowid = f.rowid "
    "WHERE f.doc @@ to_tsquery('simple', ?1) AND (?2 = '' OR c.agency_id = ?2) AND (?3 = '' OR c.category = ?3)";
constexpr const char* kBrowse =
    "SELECT s.id, s.version, s.agency_id, s.category, s.title_en, s.title_ur, s.description_en, s.description_ur, "
    "s.applicant, s.fee_paisa FROM service_current c JOIN services s ON s.id = c.id AND s.version = c.version "
    "WHERE (?1 = '' OR c.agency_id = ?1) AND (?2 = '' OR c.category = ?2) ORDER BY c.title_en, c.id LIMIT ?3 OFFSET ?4";
constexpr const char* kBrowseCount =
    "SELECT count(*) FROM service_current c WHERE (?1 = '' OR c.agency_id = ?1) AND (?2 = '' OR c.category = ?2)";
constexpr const char* kCategories =
    "SELECT category, count(*) FROM service_current WHERE (?1 = '' OR agency_id = ?1) GROUP BY category ORDER BY category";
constexpr const char* kCountCurrent = "SELECT count(*) FROM service_current";
constexpr const char* kAllCurrent =
    "SELECT s.id, s.version, s.agency_id, s.category, s.title_en, s.title_ur, s.description_en, s.description_ur, "
    "s.applicant, s.fee_paisa, s.keywords FROM service_current c JOIN services s ON s.id = c.id AND s.version = c.version";
constexpr const char* kGeneration =
    "SELECT count(*), coalesce(sum(version), 0), coalesce(max(updated_at), 0) FROM service_current";

ServiceSummary read_summary(Query& q) {
  return ServiceSummary{q.text(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3), q.text(4),
                        q.text(5), q.text(6),                      q.text(7), q.text(8), q.integer(9)};
}

StoredService read_stored(Query& q) { return StoredService{read_summary(q), q.text(10), q.text(11), q.text(12)}; }

bool is_separator(unsigned char c) {
  return c < 0x80 && !std::isalnum(c);  // ASCII punctuation and spaces; other scripts stay whole
}

}  // namespace

const char* const kRebuildServiceFtsPg =
    "INSERT INTO service_fts (rowid, doc) SELECT c.rowid, "
    DZ_SERVICE_DOC("s.title_en", "s.title_ur", "s.description_en", "s.description_ur", "s.keywords")
    " FROM service_current c JOIN services s ON s.id = c.id AND s.version = c.version";
#undef DZ_SERVICE_DOC

std::string fts_query(std::string_view text, Dialect dialect) {
  const bool pg = dialect == Dialect::postgresql;
  std::string out;
  int terms = 0;
  std::size_t i = 0;
  while (i < text.size() && terms < kMaxQueryTerms) {
    while (i < text.size() && is_separator(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_separator(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) {
      if (!out.empty()) out += pg ? " & " : " ";
      out += pg ? '\'' : '"';
      out.append(text.substr(start, i - start));  // no quotes can be inside: they are separators
      out += pg ? "':*" : "\"*";
      ++terms;
    }
  }
  return out;
}

std::optional<StoredService> SqlCatalogRepo::current(const std::string& id) {
  auto q = c_.query(kCurrentService);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_stored(q);
}

std::optional<int> SqlCatalogRepo::current_version(const std::string& id) {
  auto q = c_.query(kCurrentVersion);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return static_cast<int>(q.integer(0));
}

std::optional<StoredService> SqlCatalogRepo::version(const std::string& id, int version) {
  auto q = c_.query(kServiceByVersion);
  q.bind_all(id, version);
  if (!q.step()) return std::nullopt;
  return read_stored(q);
}

void SqlCatalogRepo::insert_version(const StoredService& s, UnixMs at) {
  const auto& m = s.summary;
  c_.query(kInsertService)
      .bind_all(m.id, m.version, m.agency, m.category, m.title_en, m.title_ur, m.description_en, m.description_ur,
                m.applicant, m.fee_paisa, s.keywords, s.definition_json, s.checksum, at)
      .exec();
  c_.query(kUpsertCurrent).bind_all(m.id, m.version, m.agency, m.category, m.title_en, at).exec();
  std::int64_t rowid = 0;
  {
    auto q = c_.query(kCurrentRowid);
    q.bind(1, m.id);
    if (!q.step()) c_.fail("service_current rowid");
    rowid = q.integer(0);
  }
  c_.query(kDeleteFts).bind_all(rowid).exec();
  c_.query(c_.pick(kInsertFts, kInsertFtsPg)).bind_all(rowid, m.title_en, m.title_ur, m.description_en, m.description_ur, s.keywords).exec();
}

ServicePage SqlCatalogRepo::search(const CatalogQuery& cq) {
  ServicePage page;
  if (!cq.text.empty()) {
    std::string match = fts_query(cq.text, c_.dialect());
    if (match.empty()) return page;
    {
      auto q = c_.query(c_.pick(kSearch, kSearchPg));
      q.bind_all(match, cq.agency, cq.category, cq.limit, cq.offset);
      while (q.step()) page.items.push_back(read_summary(q));
    }
    auto n = c_.query(c_.pick(kSearchCount, kSearchCountPg));
    n.bind_all(match, cq.agency, cq.category);
    n.step();
    page.total = n.integer(0);
    return page;
  }
  {
    auto q = c_.query(kBrowse);
    q.bind_all(cq.agency, cq.category, cq.limit, cq.offset);
    while (q.step()) page.items.push_back(read_summary(q));
  }
  auto n = c_.query(kBrowseCount);
  n.bind_all(cq.agency, cq.category);
  n.step();
  page.total = n.integer(0);
  return page;
}

std::vector<CategoryCount> SqlCatalogRepo::categories(const std::string& agency) {
  std::vector<CategoryCount> out;
  auto q = c_.query(kCategories);
  q.bind(1, agency);
  while (q.step()) out.push_back(CategoryCount{q.text(0), q.integer(1)});
  return out;
}

std::int64_t SqlCatalogRepo::count_current() {
  auto q = c_.query(kCountCurrent);
  q.step();
  return q.integer(0);
}

std::vector<IndexedService> SqlCatalogRepo::all_current() {
  std::vector<IndexedService> out;
  auto q = c_.query(kAllCurrent);
  while (q.step()) out.push_back(IndexedService{read_summary(q), q.text(10)});
  return out;
}

CatalogGeneration SqlCatalogRepo::generation() {
  auto q = c_.query(kGeneration);
  q.step();
  return CatalogGeneration{q.integer(0), q.integer(1), q.integer(2)};
}

}  // namespace darwaza::storage::sql
