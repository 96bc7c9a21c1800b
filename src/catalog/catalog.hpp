// The catalog service: loads versioned definitions (all or nothing), searches and serves them.
// Definitions are immutable per version, so parsed ones are cached in memory.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/search_index.hpp"
#include "catalog/types.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::catalog {

constexpr int kMaxPageSize = 100;
constexpr int kMaxPage = 100'000;  // deepest page searched: (page - 1) * page_size stays far inside an int
constexpr int kDefaultPageSize = 20;
constexpr std::size_t kMaxQueryChars = 200;

struct LoadReport {
  int added = 0;      // new services
  int updated = 0;    // new versions of existing services
  int unchanged = 0;  // identical to the current version
};

using DefinitionPtr = std::shared_ptr<const ServiceDefinition>;

// Where searches and browsing run: each node's in-memory index (the default), or the database's
// full-text search (SQLite FTS5, PostgreSQL tsvector) on every request.
enum class SearchEngine { memory, database };
std::optional<SearchEngine> parse_search_engine(std::string_view name);

// How often a node asks the store whether another node (or `darwaza catalog load`) changed the
// catalog (serve calls Catalog::refresh_index); its own loads refresh the index at once.
constexpr UnixMs kIndexRecheckMs = 1000;

class Catalog {
 public:
  Catalog(storage::Database& db, const Clock& clock, SearchEngine engine = SearchEngine::memory)
      : db_(db), clock_(clock), engine_(engine) {}

  SearchEngine engine() const { return engine_; }
  Result<LoadReport> load(const std::vector<ServiceDefinition>& defs);
  // page is 1-based.
  Result<storage::ServicePage> search(const std::string& text, const std::string& agency, const std::string& category,
                                      int page, int page_size, const std::string& lang);
  Result<std::vector<storage::CategoryCount>> categories(const std::string& agency);
  Result<DefinitionPtr> current(const std::string& id);
  Result<DefinitionPtr> at_version(const std::string& id, int version);
  // The current search index (memory engine). It asks the store only when there is none yet or
  // this node loaded definitions since it was built, so a search answers from memory without
  // waiting on the database; other nodes' changes come in through refresh_index.
  Result<std::shared_ptr<const SearchIndex>> search_index();
  // Asks the store for the catalog's generation and rebuilds the index if another writer changed
  // it (serve calls it every kIndexRecheckMs).
  Status refresh_index();

 private:
  Result<DefinitionPtr> parse_stored(const storage::StoredService& s);
  // A definition this node has parsed already (nullptr if none).
  DefinitionPtr cached_definition(const std::string& id, int version);
  // Rebuilds the index if the store's catalog generation moved; with `only_if_stale`, returns the
  // index at once when another thread brought it up to date with this node's loads meanwhile.
  Result<std::shared_ptr<const SearchIndex>> rebuild_index(bool only_if_stale);

  storage::Database& db_;
  const Clock& clock_;
  const SearchEngine engine_;
  std::mutex index_mu_;  // guards the three below
  std::shared_ptr<const SearchIndex> index_;
  std::uint64_t loads_ = 0;          // this node's catalog loads ...
  std::uint64_t indexed_loads_ = 0;  // ... and how many of them index_ includes
  std::mutex rebuild_mu_;            // one rebuild at a time
  std::mutex cache_mu_;
  std::map<std::pair<std::string, int>, DefinitionPtr> cache_;
};

Error service_not_found();

}  // namespace darwaza::catalog
