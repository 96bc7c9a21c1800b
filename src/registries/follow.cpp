// Following other nodes' registry changes. Each server keeps its IP indexes in memory and applies
// its own writes at once (committed()); writes made on other nodes, or by `darwaza registry
// import` and other command-line tools, reach it here. The audit chain is the change feed: every
// record write is an audited act, and entries are numbered in one order across the cluster
// without gaps, so "every entry after seq N" is exactly what this node has not seen yet.
#include <algorithm>
#include <set>

#include "audit/types.hpp"
#include "core/log.hpp"
#include "storage/database.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {
namespace {

constexpr std::size_t kRecordsPerRead = 500;  // records re-read per transaction

bool writes_record(const audit::Entry& e) {
  return e.object_type == "registry_record" && e.outcome == "ok" && !e.action.ends_with(".read");
}

bool changes_schema(const audit::Entry& e) { return e.object_type == "registry" && e.outcome == "ok"; }

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
  std::set<std::string> records;
  bool rebuild = false;
  std::int64_t seq = followed_seq_;
  while (!rebuild) {
    std::int64_t last = 0;
    Status st = db_.read([&](storage::Tx& tx) -> Status {
      if (!tx.audit().enabled()) return ok_status();  // the unaudited benchmark mode has no feed
      last = tx.audit().scan(seq, kFollowPageEntries, [&](audit::Entry&& e) {
        if (changes_schema(e)) rebuild = true;
        else if (writes_record(e)) records.insert(e.object_id);
      });
      return ok_status();
    });
    if (!st.ok()) return st.take_error();
    if (last == 0) break;
    seq = last;
    if (records.size() > kFollowMaxRecords) rebuild = true;
  }
  if (rebuild) {
    // A new schema (perhaps a new indexed registry) or a large import: start over from the head.
    auto head = storage::read_value<std::int64_t>(db_, [](storage::Tx& tx) -> Result<std::int64_t> {
      return tx.audit().head().first;
    });
    if (!head.ok()) return head.take_error();
    auto schemas = read_schemas();
    if (!schemas.ok()) return schemas.take_error();
    auto n = fill_indexes(*schemas);
    if (!n.ok()) return n.take_error();
    followed_seq_ = *head;
    logging::app().info("registries: rebuilt the address indexes after other nodes' changes ({} records)", *n);
    return n;
  }
  std::vector<std::string> ids(records.begin(), records.end());
  for (std::size_t i = 0; i < ids.size(); i += kRecordsPerRead) {
    // Read and apply under apply_mu_: a write this node commits meanwhile is applied after the
    // state read here, never before it.
    std::lock_guard apply(apply_mu_);
    Status st = db_.read([&](storage::Tx& tx) -> Status {
      for (std::size_t j = i; j < std::min(ids.size(), i + kRecordsPerRead); ++j)
        if (auto r = tx.registries().by_id(ids[j])) apply_to_index(*r);
      return ok_status();
    });
    if (!st.ok()) return st.take_error();
  }
  followed_seq_ = seq;
  return static_cast<std::int64_t>(ids.size());
}

}  // namespace darwaza::registries
