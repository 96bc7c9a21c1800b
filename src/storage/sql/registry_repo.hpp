// Engine-neutral SQL implementation of the registry store.
#pragma once

#include "storage/registry_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlRegistryRepo final : public RegistryRepo {
 public:
  explicit SqlRegistryRepo(Connection& c) : c_(c) {}
  std::optional<StoredRegistry> registry(const std::string& name) override;
  std::vector<StoredRegistry> registries() override;
  void put_registry(const StoredRegistry& r) override;
  void insert(const registries::Record& r, const std::string& public_text) override;
  void update(const registries::Record& r, const std::string& public_text) override;
  std::optional<registries::Record> by_id(const std::string& id) override;
  std::optional<registries::Record> by_number(const std::string& number) override;
  std::vector<registries::Record> of_subject(const std::string& user_id, const std::string& org_id,
                                             const std::string& registry) override;
  RecordPage search(const RecordQuery& q) override;
  std::vector<registries::Record> matches_after(const RecordQuery& q, std::int64_t after_seq) override;
  std::int64_t count_matches(const RecordQuery& q, std::int64_t cap) override;
  std::int64_t scan(const std::string& registry, std::int64_t after_seq, int limit,
                    const std::function<void(const registries::Record&)>& fn) override;
  std::int64_t count(const std::string& registry) override;
  bool claim_key(const std::string& registry, const std::string& key, const std::string& value,
                 const std::string& record_id) override;
  std::optional<std::string> key_holder(const std::string& registry, const std::string& key,
                                        const std::string& value) override;
  void release_keys(const std::string& record_id) override;
  std::int64_t next_number(const std::string& registry, int year) override;
  void add_event(const registries::RecordEvent& e) override;
  std::vector<registries::RecordEvent> events(const std::string& record_id) override;
  void ensure_pool(const std::string& pool_record_id, const std::string& qualifier, std::int64_t total) override;
  bool allocate(const std::string& pool_record_id, const std::string& qualifier, std::int64_t amount,
                const std::string& record_id) override;
  void release(const std::string& record_id) override;
  std::vector<registries::CapacityUse> pool_use(const std::string& pool_record_id) override;

 private:
  void index_text(std::int64_t seq, const std::string& registry, const std::string& public_text);
  // A listing's records (no words): q.limit of them after `after_seq`, skipping `offset`.
  std::vector<registries::Record> browse(const RecordQuery& q, std::int64_t after_seq, std::int64_t offset);
  Connection& c_;
};

// PostgreSQL: fills registry_fts from the staged (rowid, text) rows of registry_fts_import
// (migrate-data), indexing the text as every insert does.
extern const char* const kRebuildRegistryFtsPg;

}  // namespace darwaza::storage::sql
