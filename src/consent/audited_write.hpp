// A write whose refusal is on the audit log too: a refused write rolls back with its entry, so
// the refusal is recorded in a write of its own.
#pragma once

#include "audit/audit.hpp"
#include "storage/database.hpp"

namespace darwaza::consent {

// `fn(tx, denied)` fills `denied` with what it knows of the act before it refuses; a forbidden or
// not-found result then records `denied` with outcome "denied".
template <class T, class F>
Result<T> write_audited(storage::Database& db, const Principal& who, UnixMs now, F&& fn) {
  audit::Act denied;
  Result<T> r = storage::write_value<T>(db, [&](storage::Tx& tx) { return fn(tx, denied); });
  if (!r.ok() && !denied.action.empty() &&
      (r.error().kind == ErrorKind::forbidden || r.error().kind == ErrorKind::not_found)) {
    denied.outcome = "denied";
    if (denied.purpose.empty()) denied.purpose = r.error().type;
    else denied.purpose += " (" + r.error().type + ")";
    Status s = db.write([&](storage::Tx& tx) -> Status {
      audit::record(tx, who, now, denied);
      return ok_status();
    });
    if (!s.ok()) return s.take_error();
  }
  return r;
}

}  // namespace darwaza::consent
