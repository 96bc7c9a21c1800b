// Following other nodes' registry changes. Each server keeps its IP indexes in memory and applies
// its own writes at once (committed()); writes made on other nodes, or by `darwaza registry
// import` and other command-line tools, reach it here. The audit chain is the change feed: every
// record write is an audited act, and entries are numbered in one order across the cluster
// without gaps, so "every entry after seq N" is exactly what this node has not seen yet.
#include <algorithm>
#include <set>

#include "core/log.hpp"
#include "storage/database.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {
namespace {

constexpr std::size_t kRecordsPerRead = 500;  // records re-read per transaction
constexpr const char* kRecordObject = "registry_record";

}  // namespace

void Registries::apply_to_index(const Record& r) {
  auto s = schema(r.registry);
  LiveIpIndex* index = index_of(r.registry);
  if (!s.ok() || !index) return;
  if (r.status == RecordStatus::active) index->put(r.id, ip_entries(**s, r));
  else index->remove(r.id);
}

Result<std::int64_t> Registries::follow_changes() {
  if (!address_indexes_) return std::int64_t{0};
  std::lock_guard follow(follow_mu_);
  // What was written after the last entry applied: registries (schema loads) and their records.
  std::int64_t head = 0;
  std::vector<storage::WrittenObject> written;
  Status st = db_.read([&](storage::Tx& tx) -> Status {
    head = tx.audit().head().first;
    if (head > followed_seq_)
      written = tx.audit().written_objects(followed_seq_, head, "registry", static_cast<int>(kFollowMaxRecords) + 1);
    return ok_status();
  });
  if (!st.ok()) return st.take_error();
  bool rebuild = written.size() > kFollowMaxRecords;
  std::set<std::string> records;
  for (const auto& w : written) {
    if (w.object_type == kRecordObject) records.insert(w.object_id);
    else rebuild = true;  // a schema load, perhaps of a new indexed registry
  }
  if (rebuild) {
    // Everything read below is at least as new as `head`.
    auto schemas = read_schemas();
    if (!schemas.ok()) return schemas.take_error();
    auto n = fill_indexes(*schemas);
    if (!n.ok()) return n.take_error();
    followed_seq_ = head;
    logging::app().info("registries: rebuilt the address indexes after other writers' changes ({} records)", *n);
    return n;
  }
  std::vector<std::string> ids(records.begin(), records.end());
  for (std::size_t i = 0; i < ids.size(); i += kRecordsPerRead) {
    // Read and apply under apply_mu_: a write this node commits meanwhile is applied after the
    // state read here, never before it.
    std::lock_guard apply(apply_mu_);
    Status rs = db_.read([&](storage::Tx& tx) -> Status {
      for (std::size_t j = i; j < std::min(ids.size(), i + kRecordsPerRead); ++j)
        if (auto r = tx.registries().by_id(ids[j])) apply_to_index(*r);
      return ok_status();
    });
    if (!rs.ok()) return rs.take_error();
  }
  followed_seq_ = head;
  return static_cast<std::int64_t>(ids.size());
}

}  // namespace darwaza::registries
