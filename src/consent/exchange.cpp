#include "consent/exchange.hpp"

#include <algorithm>

#include "applications/types.hpp"
#include "audit/audit.hpp"
#include "consent/audited_write.hpp"
#include "consent/errors.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"

namespace darwaza::consent {

namespace {

constexpr const char* kAction = "exchange.query";
constexpr int kMaxApplications = 100;  // a citizen's applications answered by one query

// A record the request names, with the agency that owns it and its shown status.
struct Found {
  registries::Record record;
  std::string owner;
  std::string status;
};

// An application as the exchange shows it: a record of "applications" owned by the handling agency.
Found as_found(const applications::Application& a) {
  registries::Record r;
  r.id = a.id;
  r.registry = kApplications;
  r.number = a.tracking_number;
  r.subject_user_id = a.org_id.empty() ? a.applicant_user_id : "";
  r.subject_org_id = a.org_id;
  auto data = nlohmann::json::parse(a.data, nullptr, false);
  r.data = nlohmann::json{{"tracking_number", a.tracking_number},
                          {"service_id", a.service_id},
                          {"state", a.state},
                          {"submitted_at", a.submitted_at ? nlohmann::json(format_rfc3339(*a.submitted_at)) : nlohmann::json()},
                          {"decided_at", a.decided_at ? nlohmann::json(format_rfc3339(*a.decided_at)) : nlohmann::json()},
                          {"data", data.is_discarded() ? nlohmann::json() : data}}
               .dump();
  return {std::move(r), a.agency_id, a.state};
}

// The records the request names: one by id or number, or the subject's records in the registry
// (for "applications": the citizen's own submitted applications).
Result<std::vector<Found>> records_of(storage::Tx& tx, const ExchangeRequest& rq, const std::string& owner,
                                      const std::string& today) {
  const bool apps = rq.registry == kApplications;
  std::vector<Found> out;
  auto add = [&](registries::Record r) {
    std::string status = registries::shown_status(r, today);
    out.push_back({std::move(r), owner, std::move(status)});
  };
  if (!rq.record.empty()) {
    if (apps) {
      auto a = tx.applications().by_id(rq.record);
      if (!a) a = tx.applications().by_tracking(rq.record);
      if (a && a->state != applications::kDraftState) out.push_back(as_found(*a));
    } else {
      auto r = tx.registries().by_id(rq.record);
      if (!r) r = tx.registries().by_number(rq.record);
      if (r && r->registry == rq.registry) add(std::move(*r));
    }
    if (out.empty()) return error(Errc::record_not_found);
    return out;
  }
  std::string user_id, org_id;
  if (!rq.cnic.empty()) {
    auto u = tx.users().by_cnic(rq.cnic);
    if (!u) return error(Errc::subject_not_found);
    user_id = u->id;
  } else {
    auto o = tx.organisations().by_ntn(rq.ntn);
    if (!o) return error(Errc::subject_not_found);
    org_id = o->id;
  }
  if (apps) {
    // A citizen's own applications (a firm's are reached by tracking number).
    if (!user_id.empty()) {
      applications::MineFilter f;
      f.user_id = user_id;
      f.with_organisations = false;
      f.limit = kMaxApplications;
      f.max_counted = 0;  // no total is shown
      const auto own = tx.applications().for_user(f);
      for (const auto& a : own.items)
        if (a.state != applications::kDraftState && a.org_id.empty()) out.push_back(as_found(a));
    }
  } else {
    for (auto& r : tx.registries().of_subject(user_id, org_id, rq.registry)) add(std::move(r));
  }
  if (out.empty()) return error(Errc::record_not_found);
  return out;
}

nlohmann::json picked(const registries::Record& r, const std::vector<std::string>& fields) {
  auto data = nlohmann::json::parse(r.data, nullptr, false);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : fields)
    out[f] = data.is_object() && data.contains(f) ? data[f] : nlohmann::json(nullptr);
  return out;
}

std::string basis_text(const std::string& purpose, const std::string& basis) {
  return purpose + " [" + basis + "]";
}

}  // namespace

std::string agency_of(const Principal& who) {
  if (who.is_client()) return who.agency_id;
  for (const auto& g : who.roles)
    if ((g.role == Role::officer || g.role == Role::agency_admin) && !g.agency_id.empty()) return g.agency_id;
  return {};
}

// Why `agency` may read `fields` of `r`: "owner", "consent:<id>" or "legal_basis:<id>"; or the
// check that failed. A consent or basis that exists but leaves out a field is reported as such.
Result<std::string> Exchange::basis_for(storage::Tx& tx, const std::string& agency, const std::string& owner,
                                        const registries::Record& r, const ExchangeRequest& rq,
                                        const std::string& today) const {
  if (agency == owner) return std::string("owner");
  bool any = false;
  for (const auto& b : consents_.legal_bases()) {
    if (b.agency != agency || b.registry != rq.registry) continue;
    if (!rq.legal_basis.empty() && b.id != rq.legal_basis) continue;
    any = true;
    if (covers(b.fields, rq.fields)) return "legal_basis:" + b.id;
  }
  if (!rq.legal_basis.empty()) {
    if (any) return error(Errc::fields_not_covered, "Legal basis " + rq.legal_basis + " does not cover every requested field.");
    return error(Errc::no_basis, "Legal basis " + rq.legal_basis + " does not let your agency read this registry.");
  }
  if (!r.subject_user_id.empty() || !r.subject_org_id.empty()) {
    for (const auto& c : tx.consents().unrevoked_for(r.subject_user_id, r.subject_org_id, agency, rq.registry)) {
      if (!active(c, today)) continue;
      any = true;
      if (covers(c.fields, rq.fields)) return "consent:" + c.id;
    }
  }
  if (any) return error(Errc::fields_not_covered);
  return error(Errc::no_basis);
}

Result<std::vector<ExchangeItem>> Exchange::query(const Principal& who, const ExchangeRequest& rq,
                                                  const std::string& lang) {
  const std::string agency = agency_of(who);
  if (agency.empty()) return error(Errc::caller_not_agency);
  // What can be asked for and who owns it: a registry's schema, or the applications.
  std::vector<std::string> known = application_fields();
  std::string owner;  // empty for applications: each application's handling agency
  if (rq.registry != kApplications) {
    auto schema = registries_.schema(rq.registry);
    if (!schema.ok()) return error(Errc::registry_not_found);
    known.clear();
    for (const auto& f : (*schema)->fields) known.push_back(f.field.name);
    owner = (*schema)->agency;
  }

  FieldErrors errs(lang);
  int ways = !rq.record.empty() + !rq.cnic.empty() + !rq.ntn.empty();
  if (ways != 1) errs.add("/record", "at_least_one", "record, subject.cnic, subject.ntn");
  if (rq.fields.empty()) errs.add("/fields", "min_items", "1");
  else if (rq.fields.size() > kMaxFields) errs.add("/fields", "max_items", std::to_string(kMaxFields));
  if (rq.purpose.size() < kMinPurposeChars) errs.add("/purpose", "min_length", std::to_string(kMinPurposeChars));
  else if (rq.purpose.size() > kMaxPurposeChars) errs.add("/purpose", "max_length", std::to_string(kMaxPurposeChars));
  if (!errs.empty()) return errs.to_error();
  for (const auto& f : rq.fields)
    if (!covers(known, {f})) return error(Errc::field_unknown, "The registry has no field \"" + f + "\".");

  const UnixMs now = clock_.now_ms();
  const std::string today = pkt_date(now);
  using Items = std::vector<ExchangeItem>;
  return write_audited<Items>(db_, who, now, [&](storage::Tx& tx, audit::Act& denied) -> Result<Items> {
    const char* object_type = rq.registry == kApplications ? "application" : "registry_record";
    denied = {kAction, "registry", rq.registry, "", "", rq.purpose};
    auto found = records_of(tx, rq, owner, today);
    if (!found.ok()) return found.take_error();
    Items out;
    for (auto& [r, record_owner, status] : *found) {
      auto basis = basis_for(tx, agency, record_owner, r, rq, today);
      if (!basis.ok()) {
        denied = {kAction, object_type, r.id, r.subject_user_id, r.subject_org_id, rq.purpose};
        return basis.take_error();
      }
      audit::record(tx, who, now,
                    {kAction, object_type, r.id, r.subject_user_id, r.subject_org_id, basis_text(rq.purpose, *basis)});
      nlohmann::json fields = picked(r, rq.fields);
      out.push_back({std::move(r), std::move(status), std::move(fields), *basis});
    }
    return out;
  });
}

std::vector<ApplicantCheck> Exchange::for_applicant(const Principal& who, const std::string& handling_agency,
                                                    const std::string& applicant_user_id,
                                                    const std::string& application_id) {
  std::vector<ApplicantCheck> out;
  const std::string agency = agency_of(who);
  if (who.is_client() || agency.empty() || agency != handling_agency) return out;
  auto cnic = storage::read_value<std::string>(db_, [&](storage::Tx& tx) -> Result<std::string> {
    auto u = tx.users().by_id(applicant_user_id);
    return u ? u->cnic : std::string();
  });
  if (!cnic.ok() || cnic->empty()) return out;
  for (const auto& b : consents_.legal_bases()) {
    if (b.agency != agency || !registries_.schema(b.registry).ok()) continue;
    std::string purpose = "Reviewing application " + application_id + ": " + b.purpose;
    if (purpose.size() > kMaxPurposeChars) purpose.resize(kMaxPurposeChars);
    auto r = query(who, {b.registry, "", *cnic, "", b.fields, purpose, b.id}, "en");
    ApplicantCheck check{b, {}};
    if (r.ok()) check.records = std::move(r).value();
    out.push_back(std::move(check));
  }
  return out;
}

}  // namespace darwaza::consent
