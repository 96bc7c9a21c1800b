// Engine-neutral SQL implementation of the audit store.
#pragma once

#include "storage/audit_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlAuditRepo final : public AuditRepo {
 public:
  SqlAuditRepo(Connection& c, bool enabled) : c_(c), enabled_(enabled) {}
  bool enabled() const override { return enabled_; }
  std::pair<std::int64_t, std::string> head() override;
  void insert(const audit::Entry& e) override;
  std::vector<audit::Entry> query(const AuditQuery& q) override;
  std::int64_t scan(std::int64_t after_seq, std::int64_t up_to_seq, int limit,
                    const std::function<void(const audit::EntryView&)>& fn) override;
  std::vector<WrittenObject> written_objects(std::int64_t after_seq, std::int64_t up_to_seq,
                                             const std::string& object_type_prefix, int limit) override;
  void insert_checkpoint(const audit::Checkpoint& c) override;
  std::vector<audit::Checkpoint> checkpoints() override;
  std::optional<audit::Checkpoint> last_checkpoint() override;

 private:
  Connection& c_;
  bool enabled_;
};

}  // namespace darwaza::storage::sql
