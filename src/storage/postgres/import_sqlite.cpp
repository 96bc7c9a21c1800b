#include "storage/postgres/import_sqlite.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "storage/database.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_database.hpp"
#include "storage/sql/catalog_repo.hpp"
#include "storage/sql/registry_repo.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace darwaza::storage::postgres {
namespace {

constexpr std::int64_t kProgressEveryRows = 1000;

constexpr const char* kSqliteTables =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%\\_fts%' ESCAPE '\\' "
    "AND name <> 'schema_migrations' ORDER BY name";
constexpr const char* kAuditHead = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr const char* kSchemaVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";
// Columns PostgreSQL fills itself (service_current.rowid): not copied.
constexpr const char* kGeneratedColumns =
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = ? AND is_identity = 'YES' AND identity_generation = 'ALWAYS'";
constexpr const char* kIdentityColumns =
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT' ORDER BY table_name";
constexpr const char* kRegistryFtsStage = "CREATE TEMP TABLE registry_fts_import (rowid BIGINT, text TEXT) ON COMMIT DROP";
constexpr const char* kRegistryFtsSource = "SELECT rowid, text FROM registry_fts";

std::int64_t count_rows(sql::Connection& c, const std::string& table) {
  std::string q = "SELECT count(*) FROM " + table;  // table names come from the source's catalogue
  std::int64_t n = 0;
  // Counting statements are built per table, so they bypass the statement cache.
  if (c.dialect() == sql::Dialect::sqlite) {
    auto& s = static_cast<sqlite::Connection&>(c);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(s.handle(), q.c_str(), -1, &st, nullptr) != SQLITE_OK) s.fail("count");
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  }
  auto& p = static_cast<PgConnection&>(c);
  PGresult* r = PQexec(p.handle(), q.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) p.fail("count", r);
  n = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
  PQclear(r);
  return n;
}

// Tables in an order where every table comes after the tables its foreign keys name.
std::vector<std::string> copy_order(sqlite::Connection& src) {
  std::vector<std::string> tables;
  {
    auto q = src.query(kSqliteTables);
    while (q.step()) tables.push_back(q.text(0));
  }
  std::map<std::string, std::set<std::string>> needs;
  for (const auto& t : tables) {
    std::string pragma = "PRAGMA foreign_key_list(" + t + ")";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(src.handle(), pragma.c_str(), -1, &st, nullptr) != SQLITE_OK) src.fail("foreign keys");
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string parent = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
      if (parent != t) needs[t].insert(parent);
    }
    sqlite3_finalize(st);
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  while (order.size() < tables.size()) {
    bool progressed = false;
    for (const auto& t : tables) {
      if (placed.count(t)) continue;
      const auto& n = needs[t];
      if (std::all_of(n.begin(), n.end(), [&](const std::string& p) { return placed.count(p) > 0; })) {
        order.push_back(t);
        placed.insert(t);
        progressed = true;
      }
    }
    if (!progressed) throw StorageError("foreign keys form a cycle; cannot order the copy");
  }
  return order;
}

std::vector<std::string> source_columns(sqlite::Connection& src, const std::string& table) {
  std::vector<std::string> cols;
  std::string pragma = "PRAGMA table_info(" + table + ")";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(src.handle(), pragma.c_str(), -1, &st, nullptr) != SQLITE_OK) src.fail("columns");
  while (sqlite3_step(st) == SQLITE_ROW) cols.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
  sqlite3_finalize(st);
  return cols;
}

// One value in COPY's text format.
void append_copy_value(std::string& line, sqlite3_stmt* st, int col) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
      line += "\\N";
      return;
    case SQLITE_INTEGER:
      line += std::to_string(sqlite3_column_int64(st, col));
      return;
    case SQLITE_FLOAT:
      line += fmt::format("{}", sqlite3_column_double(st, col));  // shortest exact form
      return;
    default:
      break;
  }
  const char* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  append_copy_text(line, std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st, col))));
}

// Streams `select` (run on the source) into `copy` (COPY ... FROM STDIN) on the target.
std::int64_t copy_rows(sqlite::Connection& src, PgConnection& dst, const std::string& select, const std::string& copy,
                       const std::function<void(std::int64_t)>& on_rows) {
  PGresult* r = PQexec(dst.handle(), copy.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) dst.fail_copy(r);
  PQclear(r);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(src.handle(), select.c_str(), -1, &st, nullptr) != SQLITE_OK) src.fail("select");
  const int cols = sqlite3_column_count(st);
  std::int64_t rows = 0;
  std::string line;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    line.clear();
    for (int c = 0; c < cols; ++c) {
      if (c) line += '\t';
      append_copy_value(line, st, c);
    }
    line += '\n';
    if (PQputCopyData(dst.handle(), line.data(), static_cast<int>(line.size())) != 1) dst.fail("copy data");
    if (++rows % kProgressEveryRows == 0) on_rows(kProgressEveryRows);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) src.fail("read");
  on_rows(rows % kProgressEveryRows);
  if (PQputCopyEnd(dst.handle(), nullptr) != 1) dst.fail("copy end");
  r = PQgetResult(dst.handle());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) dst.fail_copy(r);
  PQclear(r);
  while ((r = PQgetResult(dst.handle())) != nullptr) PQclear(r);
  return rows;
}

std::string joined(const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + c;
  return out;
}

AuditHead audit_head(sql::Connection& c) {
  auto q = c.query(kAuditHead);
  if (!q.step()) return {};
  return AuditHead{q.integer(0), q.text(1)};
}

// The source's read transaction: every statement of the copy sees one snapshot of the pilot, which
// may keep writing (WAL mode); ended however the copy ends.
class Snapshot {
 public:
  explicit Snapshot(sqlite::Connection& c) : c_(c) { c_.exec_script("BEGIN"); }
  ~Snapshot() {
    try {
      c_.exec_script("COMMIT");
    } catch (...) {
    }
  }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  sqlite::Connection& c_;
};

std::int64_t schema_version(sql::Connection& c) {
  auto q = c.query(kSchemaVersion);
  q.step();
  return q.integer(0);
}

}  // namespace

ImportReport import_sqlite(const std::string& sqlite_path, const std::string& postgresql_url,
                           const std::function<void(std::int64_t, std::int64_t)>& progress) {
  {
    DatabaseOptions o;
    o.url = postgresql_url;
    PgDatabase migrated(postgresql_url, o);  // creates and migrates the schema, then closes
  }
  sqlite::Connection src(sqlite_path, true);
  Snapshot snapshot(src);
  PgConnection dst(postgresql_url);
  if (schema_version(src) != schema_version(dst))
    throw StorageError(fmt::format("schema versions differ (SQLite {}, PostgreSQL {}): run `darwaza migrate` on the "
                                   "SQLite file with this binary first", schema_version(src), schema_version(dst)));
  const auto order = copy_order(src);
  ImportReport report;
  auto& counts = report.tables;
  std::int64_t total = 0, done = 0;
  for (const auto& t : order) {
    if (count_rows(dst, t) != 0) throw StorageError("the target database is not empty (table " + t + ")");
    counts.push_back({t, count_rows(src, t), 0});
    total += counts.back().source;
  }
  report.source_head = audit_head(src);
  auto on_rows = [&](std::int64_t n) {
    done += n;
    if (progress) progress(done, total);
  };

  dst.exec_script("BEGIN");
  try {
    for (const auto& t : order) {
      std::set<std::string> generated;
      {
        auto q = dst.query(kGeneratedColumns);
        q.bind(1, t);
        while (q.step()) generated.insert(q.text(0));
      }
      std::vector<std::string> cols;
      for (auto& c : source_columns(src, t))
        if (!generated.count(c)) cols.push_back(c);
      copy_rows(src, dst, "SELECT " + joined(cols) + " FROM " + t, "COPY " + t + " (" + joined(cols) + ") FROM STDIN",
                on_rows);
    }
    // Full-text indexes: the catalog's from its tables, the registries' from the public text
    // SQLite indexed (it is not kept elsewhere).
    dst.exec_script(sql::kRebuildServiceFtsPg);
    dst.exec_script(kRegistryFtsStage);
    copy_rows(src, dst, kRegistryFtsSource, "COPY registry_fts_import (rowid, text) FROM STDIN", [](std::int64_t) {});
    dst.exec_script(sql::kRebuildRegistryFtsPg);
    std::vector<std::pair<std::string, std::string>> identities;
    {
      auto q = dst.query(kIdentityColumns);
      while (q.step()) identities.emplace_back(q.text(0), q.text(1));
    }
    for (const auto& [table, column] : identities) {
      std::string setval = fmt::format(
          "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), coalesce((SELECT max({1}) FROM {0}), 0) + 1, false)",
          table, column);
      dst.exec_script(setval.c_str());
    }
    for (auto& c : counts) c.target = count_rows(dst, c.table);
    report.target_head = audit_head(dst);
    dst.exec_script("COMMIT");
  } catch (...) {
    try {
      dst.exec_script("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  return report;
}

}  // namespace darwaza::storage::postgres
