// Store interface for the catalog: versioned service definitions and their search index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace darwaza::storage {

struct ServiceSummary {
  std::string id;
  int version = 0;
  std::string agency;
  std::string category;
  std::string title_en, title_ur;
  std::string description_en, description_ur;
  std::string applicant;
  std::int64_t fee_paisa = 0;
};

struct StoredService {
  ServiceSummary summary;
  std::string definition_json;  // the definition as loaded (catalog::to_json)
  std::string checksum;         // SHA-256 of the definition without its version
  std::string keywords;         // extra search terms, space separated
};

// A current service as the in-memory search index needs it (catalog/search_index.hpp).
struct IndexedService {
  ServiceSummary summary;
  std::string keywords;
};

// Changes whenever a service is added or gets a new version: nodes compare it to know when
// their search index is stale.
struct CatalogGeneration {
  std::int64_t services = 0;
  std::int64_t version_sum = 0;
  UnixMs last_update = 0;
  bool operator==(const CatalogGeneration&) const = default;
};

struct CatalogQuery {
  std::string text;      // words in English or Urdu; empty = browse
  std::string agency;    // filter; empty = any
  std::string category;  // filter; empty = any
  int offset = 0;
  int limit = 20;
};

struct ServicePage {
  std::vector<ServiceSummary> items;
  std::int64_t total = 0;
};

struct CategoryCount {
  std::string category;
  std::int64_t services = 0;
};

class CatalogRepo {
 public:
  virtual ~CatalogRepo() = default;
  virtual std::optional<StoredService> current(const std::string& id) = 0;
  // The current version's number alone (a submission checks it against the parsed definitions it
  // keeps, and reads the definition only for a version it has not parsed yet).
  virtual std::optional<int> current_version(const std::string& id) = 0;
  virtual std::optional<StoredService> version(const std::string& id, int version) = 0;
  // Adds a version and makes it current (search index included).
  virtual void insert_version(const StoredService& s, UnixMs at) = 0;
  virtual ServicePage search(const CatalogQuery& q) = 0;
  virtual std::vector<CategoryCount> categories(const std::string& agency) = 0;
  virtual std::int64_t count_current() = 0;
  // Every current service with its search text, and the generation they make up.
  virtual std::vector<IndexedService> all_current() = 0;
  virtual CatalogGeneration generation() = 0;
};

}  // namespace darwaza::storage
