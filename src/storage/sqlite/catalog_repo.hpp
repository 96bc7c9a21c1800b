// SQLite implementation of the catalog store, with FTS5 search.
#pragma once

#include "storage/catalog_repo.hpp"
#include "storage/sqlite/connection.hpp"

namespace darwaza::storage::sqlite {

class SqliteCatalogRepo final : public CatalogRepo {
 public:
  explicit SqliteCatalogRepo(Connection& c) : c_(c) {}
  std::optional<StoredService> current(const std::string& id) override;
  std::optional<StoredService> version(const std::string& id, int version) override;
  void insert_version(const StoredService& s, UnixMs at) override;
  ServicePage search(const CatalogQuery& q) override;
  std::vector<CategoryCount> categories(const std::string& agency) override;
  std::int64_t count_current() override;

 private:
  Connection& c_;
};

// Turns free text into a safe FTS5 query: each word becomes a quoted prefix term, all ANDed.
// Returns "" when no word is left.
std::string fts_query(std::string_view text);

}  // namespace darwaza::storage::sqlite
