// Store interface for registry schemas, records, their history, unique keys, numbering and capacity.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "registries/types.hpp"

namespace darwaza::storage {

struct StoredRegistry {
  std::string name;
  int version = 1;
  std::string agency;
  std::string document;  // registries::to_json(schema)
  std::string checksum;
  UnixMs loaded_at = 0;
};

struct RecordQuery {
  std::string registry;
  std::string text;         // full-text over public fields; empty: all
  std::string status;       // stored status filter; empty: all
  // Without text: the records after this seq (0: from the first), then q.offset skipped. Unused
  // with text (a search's matches are ranked, and paged by offset within the ranked ones).
  std::int64_t after_seq = 0;
  std::int64_t offset = 0;
  int limit = 20;
  // Records counted, at most. With text, the first max_counted + 1 matches the text index returns
  // (registration order on SQLite, table order on PostgreSQL) are ranked: one more than counted,
  // to know whether more match. Set by the caller.
  std::int64_t max_counted = 0;
};

struct RecordPage {
  std::vector<registries::Record> items;
  // The records (or matches) counted up to max_counted + 1: more than max_counted means more exist.
  std::int64_t total = 0;
};

class RegistryRepo {
 public:
  virtual ~RegistryRepo() = default;
  virtual std::optional<StoredRegistry> registry(const std::string& name) = 0;
  virtual std::vector<StoredRegistry> registries() = 0;
  virtual void put_registry(const StoredRegistry& r) = 0;

  // public_text: what the public search matches (the public fields and the number).
  virtual void insert(const registries::Record& r, const std::string& public_text) = 0;
  virtual void update(const registries::Record& r, const std::string& public_text) = 0;
  virtual std::optional<registries::Record> by_id(const std::string& id) = 0;
  virtual std::optional<registries::Record> by_number(const std::string& number) = 0;
  // Records of a citizen or organisation in one registry (empty registry: all), newest first.
  virtual std::vector<registries::Record> of_subject(const std::string& user_id, const std::string& org_id,
                                                     const std::string& registry) = 0;
  // Without text, the records in registration order after q.after_seq; with text, at most
  // q.max_counted matches, best first. Either way the count (of the whole listing or search, not
  // of what follows after_seq) stops at q.max_counted + 1. OFFSET reads every record it skips:
  // callers keep q.offset small and page on by after_seq.
  virtual RecordPage search(const RecordQuery& q) = 0;
  // Text matches in registration order after `after_seq`, at most q.limit, unranked (q.offset and
  // q.max_counted unused): candidates compared field by field, page after page at one cost per page.
  virtual std::vector<registries::Record> matches_after(const RecordQuery& q, std::int64_t after_seq) = 0;
  // Text matches counted up to `cap` (a query matching more answers cap).
  virtual std::int64_t count_matches(const RecordQuery& q, std::int64_t cap) = 0;
  // Records of a registry in insertion order after `after_seq`, at most `limit`; returns the last
  // seq seen (0 when none), for streaming exports and index loads.
  virtual std::int64_t scan(const std::string& registry, std::int64_t after_seq, int limit,
                            const std::function<void(const registries::Record&)>& fn) = 0;
  virtual std::int64_t count(const std::string& registry) = 0;

  // Unique keys: false when another record already holds the value.
  virtual bool claim_key(const std::string& registry, const std::string& key, const std::string& value,
                         const std::string& record_id) = 0;
  virtual std::optional<std::string> key_holder(const std::string& registry, const std::string& key,
                                                const std::string& value) = 0;
  virtual void release_keys(const std::string& record_id) = 0;
  // The next serial number of a registry in a year (1, 2, ...).
  virtual std::int64_t next_number(const std::string& registry, int year) = 0;

  virtual void add_event(const registries::RecordEvent& e) = 0;
  virtual std::vector<registries::RecordEvent> events(const std::string& record_id) = 0;

  // Capacity: a pool row is created with `total` the first time it is used.
  virtual void ensure_pool(const std::string& pool_record_id, const std::string& qualifier, std::int64_t total) = 0;
  // Adds `amount` to the pool's use only if it stays within the total; false when it would not.
  virtual bool allocate(const std::string& pool_record_id, const std::string& qualifier, std::int64_t amount,
                        const std::string& record_id) = 0;
  // Gives back what a record took (revocation); no-op when it took nothing.
  virtual void release(const std::string& record_id) = 0;
  virtual std::vector<registries::CapacityUse> pool_use(const std::string& pool_record_id) = 0;
};

}  // namespace darwaza::storage
