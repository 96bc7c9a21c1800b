// The records an approval writes: the application's data mapped onto the registry's fields and
// validated against its schema, the subject rules, references, unique keys, capacity and the
// record number; renewals of existing records; and changes of a record's fields by its owning
// agency (Registries::update). All inside the caller's transaction.
#include <algorithm>

#include "applications/form_validation.hpp"
#include "applications/types.hpp"
#include "core/crypto.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "audit/audit.hpp"
#include "registries/errors.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {
namespace {

using catalog::FieldType;
using nlohmann::json;

int year_of(const std::string& ymd) { return ymd.size() >= 4 ? std::stoi(ymd.substr(0, 4)) : 1970; }

// The value of one mapped source ("form.x", "holder.name", ...), or null.
json source_value(storage::Tx& tx, const std::string& source, const json& form, const applications::Application& a) {
  if (source.rfind("form.", 0) == 0) {
    auto it = form.find(source.substr(5));
    return it == form.end() ? json() : *it;
  }
  if (source == "application.tracking_number") return a.tracking_number;
  if (source.rfind("org.", 0) == 0 || (source == "holder.name" && !a.org_id.empty())) {
    if (a.org_id.empty()) return json();
    auto org = tx.organisations().by_id(a.org_id);
    if (!org) return json();
    if (source == "org.ntn") return org->ntn.empty() ? json() : json(org->ntn);
    if (source == "org.secp_number") return org->secp_number.empty() ? json() : json(org->secp_number);
    return org->name;
  }
  if (source == "holder.name" || source == "applicant.name") {
    auto u = tx.users().by_id(a.applicant_user_id);
    return u ? json(u->name) : json();
  }
  return json();
}

// A unique key's value: its fields' values, case-folded (ASCII) so "ACME" and "acme" collide.
std::string key_value(const std::vector<std::string>& fields, const json& data) {
  std::string out;
  for (const auto& f : fields) {
    auto it = data.find(f);
    std::string v = it == data.end() ? "" : (it->is_string() ? it->get<std::string>() : it->dump());
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    out += (out.empty() ? "" : "\x1f") + v;
  }
  return out;
}

std::string key_name(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : "+") + f;
  return out;
}

}  // namespace

std::optional<Record> Registries::usable_reference(storage::Tx& tx, const std::string& registry,
                                                   const std::string& number, const std::string& today) {
  auto r = tx.registries().by_number(number);
  if (!r) r = tx.registries().by_id(number);
  if (!r || r->registry != registry || shown_status(*r, today) != "active") return std::nullopt;
  return r;
}

Status Registries::check_references(storage::Tx& tx, const catalog::ServiceDefinition& def, const json& data,
                                    const applications::Application& a, const std::string& lang) {
  const std::string today = pkt_date(clock_.now_ms());
  FieldErrors errs(lang);
  for (const auto& f : def.form) {
    if (f.type != FieldType::registry_ref) continue;
    auto it = data.find(f.name);
    if (it == data.end() || !it->is_string()) continue;
    if (!usable_reference(tx, f.registry, it->get<std::string>(), today)) errs.add("/" + f.name, "registry_ref");
  }
  if (def.registry && def.registry->action == catalog::RegistryAction::renew) {
    auto it = data.find(def.registry->record_field);
    if (it != data.end() && it->is_string()) {
      auto r = tx.registries().by_number(it->get<std::string>());
      bool mine = r && (a.org_id.empty() ? r->subject_user_id == a.applicant_user_id : r->subject_org_id == a.org_id);
      auto s = r ? schema(r->registry) : Result<SchemaPtr>(error(Errc::record_not_found));
      bool renewable = mine && s.ok() && (*s)->agency == def.agency && r->status == RecordStatus::active;
      if (!renewable) errs.add("/" + def.registry->record_field, "registry_ref");
    }
  }
  if (!errs.empty()) return errs.to_error();
  return ok_status();
}

Status Registries::allocate(storage::Tx& tx, const Schema& s, const Record& r, const json& data) {
  const Allocation& al = *s.allocates;
  const std::string today = pkt_date(r.created_at);
  auto ref = data.find(al.ref_field);
  const SchemaField* ref_field = s.field(al.ref_field);
  if (ref == data.end() || !ref->is_string() || !ref_field) return ok_status();  // optional reference not given
  auto pool = usable_reference(tx, ref_field->field.registry, ref->get<std::string>(), today);
  if (!pool) return error(Errc::reference_invalid, "/" + al.ref_field + " names no active record.");
  auto pool_schema = schema(pool->registry);
  if (!pool_schema.ok() || !(*pool_schema)->capacity)
    return internal_error("registry " + pool->registry + " has no capacity field");
  json pool_data = json::parse(pool->data);
  const std::int64_t total = pool_data.value((*pool_schema)->capacity->field, std::int64_t{0});
  std::string qualifier;
  for (const auto& p : al.per) {
    auto it = data.find(p);
    qualifier += (qualifier.empty() ? "" : "|") + (it == data.end() ? std::string() : it->is_string() ? it->get<std::string>() : it->dump());
  }
  std::int64_t amount = 1;
  if (!al.amount_field.empty()) amount = data.value(al.amount_field, std::int64_t{0});
  if (amount <= 0) return error(Errc::record_invalid, "/" + al.amount_field + " must be positive.");
  tx.registries().ensure_pool(pool->id, qualifier, total);
  if (!tx.registries().allocate(pool->id, qualifier, amount, r.id)) {
    std::int64_t used = 0;
    for (const auto& u : tx.registries().pool_use(pool->id))
      if (u.qualifier == qualifier) used = u.allocated;
    json pub = public_fields(**pool_schema, *pool);
    std::string what = pub.value("name", pool->number);
    Error e = error(Errc::capacity_exhausted, "Asked for " + std::to_string(amount) + "; " +
                                                  std::to_string(std::max<std::int64_t>(0, total - used)) + " of " +
                                                  std::to_string(total) + " remain in " + what +
                                                  (qualifier.empty() ? "" : " (" + qualifier + ")") + ".");
    e.extensions["requested"] = amount;
    e.extensions["available"] = std::max<std::int64_t>(0, total - used);
    e.extensions["total"] = total;
    return e;
  }
  return ok_status();
}

Status Registries::claim_keys(storage::Tx& tx, const Schema& s, const Record& r, const json& data) {
  for (const auto& key : s.unique) {
    const std::string name = key_name(key), value = key_value(key, data);
    if (!tx.registries().claim_key(s.name, name, value, r.id)) {
      auto holder = tx.registries().key_holder(s.name, name, value);
      auto other = holder ? tx.registries().by_id(*holder) : std::nullopt;
      return error(Errc::duplicate_record, "Another record (" + (other ? other->number : std::string("?")) +
                                               ") already has the same " + name + ".");
    }
  }
  return ok_status();
}

Result<Record> Registries::create_record(storage::Tx& tx, const Schema& s, json data, const std::string& number,
                                         const std::string& user_id, const std::string& org_id,
                                         const std::string& application_id, const Principal& who, UnixMs now) {
  Record r;
  r.id = crypto::random_id("rec");
  r.registry = s.name;
  r.registry_version = s.version;
  r.subject_user_id = user_id;
  r.subject_org_id = org_id;
  r.application_id = application_id;
  r.valid_from = pkt_date(now);
  r.valid_until = s.validity_days > 0 ? pkt_date_plus_days(now, s.validity_days) : "";
  r.created_at = r.updated_at = now;
  r.number = number;
  if (r.number.empty() && !s.number_prefix.empty())
    r.number = record_number(s.number_prefix, year_of(r.valid_from), tx.registries().next_number(s.name, year_of(r.valid_from)));
  r.data = data.dump();
  if (r.number.empty()) return internal_error("registry record without a number");
  if (tx.registries().by_number(r.number)) return error(Errc::duplicate_record, "Number " + r.number + " is taken.");

  if (s.refuse_revoked_subject && (!user_id.empty() || !org_id.empty())) {
    for (const auto& prior : tx.registries().of_subject(org_id.empty() ? user_id : "", org_id, s.name))
      if (prior.status == RecordStatus::revoked)
        return error(Errc::subject_revoked, "Record " + prior.number + " in this registry was revoked.");
  }
  const std::string today = r.valid_from;
  for (const auto& f : s.fields) {
    if (f.field.type != FieldType::registry_ref || (s.allocates && s.allocates->ref_field == f.field.name)) continue;
    auto it = data.find(f.field.name);
    if (it != data.end() && it->is_string() && !usable_reference(tx, f.field.registry, it->get<std::string>(), today))
      return error(Errc::reference_invalid, "/" + f.field.name + " names no active record.");
  }
  tx.registries().insert(r, public_text(s, r));
  if (Status st = claim_keys(tx, s, r, data); !st.ok()) return st.take_error();
  if (s.allocates) {
    if (Status st = allocate(tx, s, r, data); !st.ok()) return st.take_error();
  }
  tx.registries().add_event({0, r.id, now, who.actor(), "created", "", "active", "", application_id});
  audit::record(tx, who, now, {"registry.record.create", "registry_record", r.id, user_id, org_id, application_id, "ok"});
  return r;
}

Result<Effect> Registries::change_record(storage::Tx& tx, const Schema& s, Record& r, const RecordChange& change,
                                         const Principal& who, UnixMs now) {
  if (!change.number.empty() && change.number != r.number)
    return error(Errc::number_unchangeable, "This record's number is " + r.number + ".");
  // The stored values of the current schema's fields, each given field replacing its own; a
  // field an older version of the schema had is dropped (the record is rewritten to this one).
  const json before = json::parse(r.data);
  json merged = json::object();
  for (const auto& f : s.fields)
    if (auto it = before.find(f.field.name); it != before.end()) merged[f.field.name] = *it;
  for (const auto& [k, v] : change.fields.items()) merged[k] = v;  // null: not given
  auto valid = applications::validate_form(s.form(), merged, "en", applications::FormMode::submit);
  if (!valid.ok()) return valid.take_error();
  const json after = std::move(valid).value();
  std::vector<std::string> changed;
  for (const auto& [k, v] : before.items())
    if (!after.contains(k) || after[k] != v) changed.push_back(k);
  for (const auto& [k, v] : after.items())
    if (!before.contains(k)) changed.push_back(k);
  std::sort(changed.begin(), changed.end());
  auto touched = [&](const std::string& field) { return std::binary_search(changed.begin(), changed.end(), field); };

  if (!changed.empty() || r.registry_version != s.version) {
    const std::string today = pkt_date(now);
    for (const auto& f : s.fields) {
      if (f.field.type != FieldType::registry_ref || !touched(f.field.name) ||
          (s.allocates && s.allocates->ref_field == f.field.name))
        continue;
      auto it = after.find(f.field.name);
      if (it != after.end() && it->is_string() && !usable_reference(tx, f.field.registry, it->get<std::string>(), today))
        return error(Errc::reference_invalid, "/" + f.field.name + " names no active record.");
    }
    r.data = after.dump();
    r.registry_version = s.version;
    r.updated_at = now;
    tx.registries().update(r, public_text(s, r));
    // Keys are claimed again with the new values (the record's own old values released first).
    tx.registries().release_keys(r.id);
    if (Status st = claim_keys(tx, s, r, after); !st.ok()) return st.take_error();
    if (s.allocates) {
      const Allocation& al = *s.allocates;
      bool moved = touched(al.ref_field) || (!al.amount_field.empty() && touched(al.amount_field));
      for (const auto& p : al.per) moved = moved || touched(p);
      if (moved) {
        tx.registries().release(r.id);  // what it took goes back, then it takes the new amount
        if (Status st = allocate(tx, s, r, after); !st.ok()) return st.take_error();
      }
    }
    if (s.capacity && touched(s.capacity->field)) {
      const std::int64_t total = after.value(s.capacity->field, std::int64_t{0});
      for (const auto& use : tx.registries().pool_use(r.id)) {
        if (use.allocated > total)
          return error(Errc::capacity_exhausted, std::to_string(use.allocated) + " is already allocated" +
                                                     (use.qualifier.empty() ? "" : " (" + use.qualifier + ")") +
                                                     "; the total cannot be less.");
        tx.registries().ensure_pool(r.id, use.qualifier, total);
      }
    }
  }
  if (!changed.empty())
    tx.registries().add_event({0, r.id, now, who.actor(), "updated", to_string(r.status), to_string(r.status),
                               change.reason, "", changed});
  audit::record(tx, who, now, {"registry.record.update", "registry_record", r.id, r.subject_user_id, r.subject_org_id,
                               change.reason, "ok"});
  const bool active = r.status == RecordStatus::active;
  return Effect{s.name, r.id, active ? ip_entries(s, r) : std::vector<IpEntry>{}, !active};
}

Result<Record> Registries::renew_record(storage::Tx& tx, const catalog::ServiceDefinition& def,
                                        const applications::Application& a, const Principal& who, UnixMs now) {
  json form = json::parse(a.data);
  std::string number = form.value(def.registry->record_field, "");
  auto r = tx.registries().by_number(number);
  bool mine = r && (a.org_id.empty() ? r->subject_user_id == a.applicant_user_id : r->subject_org_id == a.org_id);
  if (!mine) return error(Errc::renewal_invalid, "No record " + number + " of yours.");
  auto s = schema(r->registry);
  if (!s.ok() || (*s)->agency != def.agency) return error(Errc::renewal_invalid, "Record " + number + " is another agency's.");
  if (r->status != RecordStatus::active) return error(Errc::renewal_invalid, std::string("Record ") + number + " is " + to_string(r->status) + ".");
  if ((*s)->validity_days <= 0) return error(Errc::renewal_invalid, "Records of this registry do not expire.");
  const std::string today = pkt_date(now);
  const std::string base = !r->valid_until.empty() && r->valid_until >= today ? r->valid_until : today;
  const std::string old_until = r->valid_until;
  r->valid_until = date_plus_days(base, (*s)->validity_days);
  r->updated_at = now;
  tx.registries().update(*r, public_text(**s, *r));
  tx.registries().add_event({0, r->id, now, who.actor(), "renewed", "active", "active",
                             "valid until " + old_until + " → " + r->valid_until, a.id});
  audit::record(tx, who, now, {"registry.record.renew", "registry_record", r->id, r->subject_user_id, r->subject_org_id, a.id, "ok"});
  return std::move(*r);
}

Result<Effect> Registries::on_approval(storage::Tx& tx, const catalog::ServiceDefinition& def,
                                       const applications::Application& a, const Principal& who, UnixMs now) {
  Effect none;
  if (!def.registry) return none;
  if (def.registry->action == catalog::RegistryAction::renew) {
    auto r = renew_record(tx, def, a, who, now);
    if (!r.ok()) return r.take_error();
    auto s = schema(r->registry);
    if (!s.ok()) return s.take_error();
    return Effect{r->registry, r->id, ip_entries(**s, *r), false, r->number, r->valid_until, public_fields(**s, *r)};
  }
  auto s = schema(def.registry->registry);
  if (!s.ok()) return internal_error("service " + def.id + " writes to unknown registry " + def.registry->registry);
  const Schema& schema_ = **s;
  if (schema_.subject == Subject::organisation && a.org_id.empty())
    return error(Errc::record_invalid, "Records of this registry belong to organisations.");
  if (schema_.subject == Subject::citizen && !a.org_id.empty())
    return error(Errc::record_invalid, "Records of this registry belong to citizens.");

  json form = json::parse(a.data);
  json data = json::object();
  for (const auto& f : schema_.fields) {
    auto m = def.registry->map.find(f.field.name);
    std::string source = m != def.registry->map.end() ? m->second : "form." + f.field.name;
    json v = source_value(tx, source, form, a);
    if (!v.is_null()) data[f.field.name] = std::move(v);
  }
  auto valid = applications::validate_form(schema_.form(), data, "en", applications::FormMode::submit);
  if (!valid.ok()) {
    Error e = valid.take_error();
    Error out = error(Errc::record_invalid, e.fields.empty() ? e.detail : "Registry field " + e.fields[0].path + ": " + e.fields[0].message);
    out.fields = e.fields;
    return out;
  }
  auto r = create_record(tx, schema_, std::move(valid).value(), "", a.org_id.empty() ? a.applicant_user_id : "",
                         a.org_id, a.id, who, now);
  if (!r.ok()) return r.take_error();
  return Effect{schema_.name, r->id, ip_entries(schema_, *r), false, r->number, r->valid_until,
                public_fields(schema_, *r)};
}

}  // namespace darwaza::registries
