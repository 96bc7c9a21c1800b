// Engine-neutral SQL implementation of the catalog store, with full-text search (SQLite FTS5,
// PostgreSQL tsvector with the 'simple' configuration, which keeps Urdu words whole).
#pragma once

#include "storage/catalog_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlCatalogRepo final : public CatalogRepo {
 public:
  explicit SqlCatalogRepo(Connection& c) : c_(c) {}
  std::optional<StoredService> current(const std::string& id) override;
  std::optional<int> current_version(const std::string& id) override;
  std::optional<StoredService> version(const std::string& id, int version) override;
  void insert_version(const StoredService& s, UnixMs at) override;
  ServicePage search(const CatalogQuery& q) override;
  std::vector<CategoryCount> categories(const std::string& agency) override;
  std::int64_t count_current() override;
  std::vector<IndexedService> all_current() override;
  CatalogGeneration generation() override;

 private:
  Connection& c_;
};

// Turns free text into a safe full-text query for the engine: each word becomes a prefix term,
// all ANDed (FTS5: "word"* "word"*; PostgreSQL to_tsquery: 'word':* & 'word':*).
// Returns "" when no word is left.
std::string fts_query(std::string_view text, Dialect dialect = Dialect::sqlite);

// PostgreSQL: fills service_fts from service_current and services (migrate-data's rebuild), with
// the same weights as each catalog insert.
extern const char* const kRebuildServiceFtsPg;

}  // namespace darwaza::storage::sql
