#include "consent/consents.hpp"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "consent/audited_write.hpp"
#include "consent/errors.hpp"
#include "core/crypto.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "identity/types.hpp"

namespace darwaza::consent {

namespace {

bool is_date(const std::string& s) { return s.size() == 10 && parse_rfc3339(s).has_value(); }

// The fields `registry` has, for validating a consent or a legal basis; nullopt: no such registry.
std::optional<std::vector<std::string>> fields_of(const registries::Registries& regs, const std::string& registry) {
  if (registry == kApplications) return application_fields();
  auto s = regs.schema(registry);
  if (!s.ok()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& f : (*s)->fields) out.push_back(f.field.name);
  return out;
}

void check_request(storage::Tx& tx, const registries::Registries& regs, const ConsentRequest& in,
                   const std::string& today, const std::string& latest, FieldErrors& errs) {
  if (in.agency.empty()) errs.add("/agency", "required");
  else if (!tx.agencies().by_id(in.agency)) errs.add("/agency", "exists");
  auto known = in.registry.empty() ? std::nullopt : fields_of(regs, in.registry);
  if (in.registry.empty()) errs.add("/registry", "required");
  else if (!known) errs.add("/registry", "exists");
  // The consent must be about records the grantor can have in that registry.
  if (auto s = regs.schema(in.registry); s.ok()) {
    auto subject = (*s)->subject;
    if (subject == registries::Subject::none) errs.add("/registry", "one_of", "registries of personal records");
    else if (subject == registries::Subject::organisation && in.on_behalf_of.empty())
      errs.add("/on_behalf_of", "required");
    else if (subject == registries::Subject::citizen && !in.on_behalf_of.empty())
      errs.add("/on_behalf_of", "unknown_field");
  }
  if (in.fields.empty()) errs.add("/fields", "min_items", "1");
  else if (in.fields.size() > kMaxFields) errs.add("/fields", "max_items", std::to_string(kMaxFields));
  for (std::size_t i = 0; known && i < in.fields.size() && i < kMaxFields; ++i) {
    if (std::find(known->begin(), known->end(), in.fields[i]) == known->end())
      errs.add("/fields/" + std::to_string(i), "one_of", "the registry's fields");
    else if (std::find(in.fields.begin(), in.fields.begin() + i, in.fields[i]) != in.fields.begin() + i)
      errs.add("/fields/" + std::to_string(i), "duplicate");
  }
  if (in.purpose.size() < kMinPurposeChars) errs.add("/purpose", "min_length", std::to_string(kMinPurposeChars));
  else if (in.purpose.size() > kMaxPurposeChars) errs.add("/purpose", "max_length", std::to_string(kMaxPurposeChars));
  if (!is_date(in.valid_until)) errs.add("/valid_until", "date");
  else if (in.valid_until < today) errs.add("/valid_until", "min", today);
  else if (in.valid_until > latest) errs.add("/valid_until", "max", latest);
}

bool owns(storage::Tx& tx, const std::string& org_id, const std::string& user_id) {
  auto m = tx.organisations().membership(org_id, user_id);
  return m && m->role == identity::OrgRole::owner;
}

audit::Act act_of(const char* action, const Consent& c) {
  return {action, "consent", c.id, c.subject_user_id, c.subject_org_id,
          c.agency_id + " " + c.registry + ": " + c.purpose};
}

}  // namespace

const std::vector<std::string>& application_fields() {
  static const std::vector<std::string> kFields{"tracking_number", "service_id", "state", "submitted_at", "decided_at",
                                                "data"};
  return kFields;
}

bool active(const Consent& c, const std::string& today) { return c.revoked_at == 0 && today <= c.valid_until; }

bool covers(const std::vector<std::string>& granted, const std::vector<std::string>& requested) {
  return std::all_of(requested.begin(), requested.end(), [&](const std::string& f) {
    return std::find(granted.begin(), granted.end(), f) != granted.end();
  });
}

Result<Consent> Consents::grant(const Principal& who, const ConsentRequest& in, const std::string& lang) {
  const UnixMs now = clock_.now_ms();
  const std::string today = pkt_date(now), latest = pkt_date_plus_days(now, kMaxValidityDays);
  return write_audited<Consent>(db_, who, now, [&](storage::Tx& tx, audit::Act& denied) -> Result<Consent> {
    Consent c{crypto::random_id("cns_"), who.user_id, who.user_id, "", in.agency, in.registry, in.fields,
              in.purpose, in.valid_until, now, 0, ""};
    if (!in.on_behalf_of.empty()) {
      c.subject_user_id.clear();
      c.subject_org_id = in.on_behalf_of;
      if (!owns(tx, in.on_behalf_of, who.user_id)) {
        denied = act_of("consent.grant", c);
        return error(Errc::not_allowed, "Only the organisation's owner may give consent for it.");
      }
    }
    FieldErrors errs(lang);
    check_request(tx, registries_, in, today, latest, errs);
    if (!errs.empty()) return errs.to_error();
    tx.consents().insert(c);
    audit::record(tx, who, now, act_of("consent.grant", c));
    return c;
  });
}

Result<std::vector<Consent>> Consents::mine(const Principal& who) {
  return storage::read_value<std::vector<Consent>>(db_, [&](storage::Tx& tx) -> Result<std::vector<Consent>> {
    std::vector<Consent> out = tx.consents().of_subject(who.user_id, "");
    for (const auto& org : tx.organisations().of_user(who.user_id)) {
      if (!owns(tx, org.id, who.user_id)) continue;
      auto theirs = tx.consents().of_subject("", org.id);
      out.insert(out.end(), theirs.begin(), theirs.end());
    }
    std::stable_sort(out.begin(), out.end(), [](const Consent& a, const Consent& b) { return a.created_at > b.created_at; });
    return out;
  });
}

Result<Consent> Consents::revoke(const Principal& who, const std::string& id) {
  const UnixMs now = clock_.now_ms();
  return write_audited<Consent>(db_, who, now, [&](storage::Tx& tx, audit::Act& denied) -> Result<Consent> {
    auto c = tx.consents().by_id(id);
    if (!c) return error(Errc::consent_not_found);
    bool allowed = c->grantor_user_id == who.user_id || c->subject_user_id == who.user_id ||
                   (!c->subject_org_id.empty() && owns(tx, c->subject_org_id, who.user_id));
    if (!allowed) {
      denied = act_of("consent.revoke", *c);
      return error(Errc::not_allowed);
    }
    if (c->revoked_at == 0) {
      tx.consents().revoke(id, now, who.user_id);
      c->revoked_at = now;
      c->revoked_by = who.user_id;
      audit::record(tx, who, now, act_of("consent.revoke", *c));
    }
    return *c;
  });
}

std::vector<std::string> Consents::set_legal_bases(std::vector<LegalBasis> bases) {
  std::vector<LegalBasis> usable;
  std::vector<std::string> dropped;
  Status read = db_.read([&](storage::Tx& tx) -> Status {
    for (auto& b : bases) {
      auto known = fields_of(registries_, b.registry);
      if (tx.agencies().by_id(b.agency) && known && covers(*known, b.fields)) usable.push_back(std::move(b));
      else dropped.push_back(b.id);
    }
    return ok_status();
  });
  if (!read.ok()) throw storage::StorageError("reading agencies failed");
  std::lock_guard lock(mu_);
  legal_bases_ = std::move(usable);
  return dropped;
}

std::vector<LegalBasis> Consents::legal_bases() const {
  std::lock_guard lock(mu_);
  return legal_bases_;
}

Result<std::vector<LegalBasis>> load_legal_bases_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return error(Errc::bad_legal_bases, "Cannot read " + path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return error(Errc::bad_legal_bases, path + ": expected a JSON array");
  std::vector<LegalBasis> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    auto str = [&](const nlohmann::json& o, const char* k) {
      return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
    };
    LegalBasis b{str(e, "id"), str(e, "agency"), str(e, "registry"), {}, str(e, "purpose"), str(e, "law"), {}};
    if (e.is_object() && e.contains("title")) b.title = {str(e["title"], "en"), str(e["title"], "ur")};
    if (e.is_object() && e.contains("fields") && e["fields"].is_array())
      for (const auto& f : e["fields"])
        if (f.is_string()) b.fields.push_back(f.get<std::string>());
    if (b.id.empty() || b.agency.empty() || b.registry.empty() || b.fields.empty() || b.purpose.empty() ||
        b.law.empty() || b.title.en.empty() || b.title.ur.empty())
      return error(Errc::bad_legal_bases, path + ": entry " + std::to_string(i) +
                                              " needs id, agency, registry, fields, purpose, law and title en/ur");
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace darwaza::consent
