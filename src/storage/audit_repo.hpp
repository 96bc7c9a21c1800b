// Store interface for the audit chain and its signed checkpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/types.hpp"

namespace darwaza::storage {

struct AuditQuery {
  std::string subject_user;
  std::string subject_org;
  std::string actor;
  std::string actor_agency;
  std::string action;          // exact action, or a prefix ending in '.' ("application.")
  UnixMs from = 0;             // inclusive; 0: no bound
  UnixMs to = 0;               // exclusive; 0: no bound
  bool others_only = false;    // with subject_user: leave out the subject's own acts
  std::int64_t before_seq = 0; // paging: entries older than this; 0: newest first
  int limit = 50;
  std::string object_type;     // exact object type ("registry_record"); empty: any
};

// An object an audited act wrote: the change feed other nodes follow.
struct WrittenObject {
  std::int64_t seq = 0;
  std::string object_type;
  std::string object_id;
};

class AuditRepo {
 public:
  virtual ~AuditRepo() = default;
  // False only in the unaudited benchmark mode (DatabaseOptions::audit).
  virtual bool enabled() const = 0;
  // The last entry's seq and hash (0 and "" when the log is empty).
  virtual std::pair<std::int64_t, std::string> head() = 0;
  virtual void insert(const audit::Entry& e) = 0;
  virtual std::vector<audit::Entry> query(const AuditQuery& q) = 0;
  // Entries with after_seq < seq <= up_to_seq in order, at most limit, as views valid only during
  // the call (no copies: the verifier hashes straight from the row); returns the last seq seen (0: none).
  virtual std::int64_t scan(std::int64_t after_seq, std::int64_t up_to_seq, int limit,
                            const std::function<void(const audit::EntryView&)>& fn) = 0;
  // Objects whose type starts with `object_type_prefix`, written (successful acts other than
  // "*.read") by entries after_seq < seq <= up_to_seq, in seq order, at most limit.
  virtual std::vector<WrittenObject> written_objects(std::int64_t after_seq, std::int64_t up_to_seq,
                                                     const std::string& object_type_prefix, int limit) = 0;
  virtual void insert_checkpoint(const audit::Checkpoint& c) = 0;
  virtual std::vector<audit::Checkpoint> checkpoints() = 0;
  virtual std::optional<audit::Checkpoint> last_checkpoint() = 0;
};

}  // namespace darwaza::storage
