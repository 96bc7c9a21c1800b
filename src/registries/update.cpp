// Changes of a record's fields by its owning agency: one record by id or number (the portal's
// PATCH, the GovStack Data API's update by ID). The write itself is change_record (records.cpp);
// updates of matching records are in find.cpp.
#include "audit/audit.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "registries/errors.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {

Status Registries::check_change(const Principal& who, const Schema& s, const RecordChange& change) const {
  // The owning agency's staff, its API clients (the GovStack Data API) and platform admins, as revoke.
  if (!who.acts_for(s.agency)) return error(Errc::not_allowed);
  FieldErrors errs("en");
  if (change.fields.is_null()) errs.add("/fields", "required");
  else if (!change.fields.is_object()) errs.add("/fields", "type", "an object");
  if (change.reason.size() > kMaxReasonChars) errs.add("/reason", "max_length", std::to_string(kMaxReasonChars));
  if (!errs.empty()) return errs.to_error();
  return ok_status();
}

Result<RecordView> Registries::update(const Principal& who, const std::string& name, const std::string& id_or_number,
                                      const RecordChange& change) {
  return update_one(who, name, id_or_number, change, false);
}

Result<RecordView> Registries::update_current(const Principal& who, const std::string& name,
                                              const std::string& id_or_number, const RecordChange& change) {
  return update_one(who, name, id_or_number, change, true);
}

Result<RecordView> Registries::update_one(const Principal& who, const std::string& name,
                                          const std::string& id_or_number, const RecordChange& change,
                                          bool current_only) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (Status st = check_change(who, **s, change); !st.ok()) return st.take_error();
  const UnixMs now = clock_.now_ms();
  const std::string today = pkt_date(now);
  Effect effect;
  auto out = storage::write_value<RecordView>(db_, [&](storage::Tx& tx) -> Result<RecordView> {
    auto r = tx.registries().by_id(id_or_number);
    if (!r) r = tx.registries().by_number(id_or_number);
    if (!r || r->registry != name || (current_only && r->status != RecordStatus::active))
      return error(Errc::record_not_found);
    if (r->status == RecordStatus::revoked) return error(Errc::record_revoked);
    auto e = change_record(tx, **s, *r, change, who, now);
    if (!e.ok()) return e.take_error();
    effect = std::move(e).value();
    return view(tx, **s, std::move(*r), true, today);
  });
  if (out.ok()) committed(effect);
  return out;
}

}  // namespace darwaza::registries
