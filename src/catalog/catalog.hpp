// The catalog service: loads versioned definitions (all or nothing), searches and serves them.
// Definitions are immutable per version, so parsed ones are cached in memory.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/types.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::catalog {

constexpr int kMaxPageSize = 100;
constexpr int kDefaultPageSize = 20;
constexpr std::size_t kMaxQueryChars = 200;

struct LoadReport {
  int added = 0;      // new services
  int updated = 0;    // new versions of existing services
  int unchanged = 0;  // identical to the current version
};

using DefinitionPtr = std::shared_ptr<const ServiceDefinition>;

class Catalog {
 public:
  Catalog(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<LoadReport> load(const std::vector<ServiceDefinition>& defs);
  // page is 1-based.
  Result<storage::ServicePage> search(const std::string& text, const std::string& agency, const std::string& category,
                                      int page, int page_size, const std::string& lang);
  Result<std::vector<storage::CategoryCount>> categories(const std::string& agency);
  Result<DefinitionPtr> current(const std::string& id);
  Result<DefinitionPtr> at_version(const std::string& id, int version);

 private:
  Result<DefinitionPtr> parse_stored(const storage::StoredService& s);

  storage::Database& db_;
  const Clock& clock_;
  std::mutex cache_mu_;
  std::map<std::pair<std::string, int>, DefinitionPtr> cache_;
};

Error service_not_found();

}  // namespace darwaza::catalog
