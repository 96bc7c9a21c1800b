// Handlers for consents given to agencies, the legal bases shown to citizens, and the data
// exchange's query.
#include "api/consent_handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"
#include "core/clock.hpp"
#include "core/working_days.hpp"

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;

// A JSON array of names; other members become "" for the domain to refuse as unknown fields.
std::vector<std::string> names_of(const std::optional<json>& arr) {
  std::vector<std::string> out;
  if (!arr) return out;
  for (const auto& v : *arr) out.push_back(v.is_string() ? v.get<std::string>() : std::string());
  return out;
}

json consent_json(const consent::Consent& c, const std::string& today) {
  json j{{"id", c.id},
         {"agency", c.agency_id},
         {"registry", c.registry},
         {"fields", c.fields},
         {"purpose", c.purpose},
         {"valid_until", c.valid_until},
         {"status", c.revoked_at ? "revoked" : consent::active(c, today) ? "active" : "expired"},
         {"granted_by", c.grantor_user_id},
         {"created_at", format_rfc3339(c.created_at)},
         {"revoked_at", c.revoked_at ? json(format_rfc3339(c.revoked_at)) : json(nullptr)}};
  if (!c.subject_org_id.empty()) j["on_behalf_of"] = c.subject_org_id;
  else j["on_behalf_of"] = nullptr;
  return j;
}

json basis_json(const consent::LegalBasis& b, const std::string& lang) {
  return {{"id", b.id},
          {"agency", b.agency},
          {"registry", b.registry},
          {"fields", b.fields},
          {"purpose", b.purpose},
          {"law", b.law},
          {"title", b.title.in(lang)},
          {"title_en", b.title.en},
          {"title_ur", b.title.ur}};
}

json item_json(const consent::ExchangeItem& i) {
  const auto& r = i.record;
  return {{"id", r.id},
          {"registry", r.registry},
          {"number", r.number},
          {"status", i.status},
          {"valid_until", or_null(r.valid_until)},
          {"fields", i.fields},
          {"basis", i.basis}};
}

}  // namespace

http::HandlerResult grant_consent(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"agency", "registry", "fields", "purpose", "valid_until", "on_behalf_of"});
  if (!in.ok()) return in.take_error();
  consent::ConsentRequest c;
  c.agency = in->str_or_empty("agency");
  c.registry = in->str_or_empty("registry");
  c.fields = names_of(in->array("fields"));
  c.purpose = in->str_or_empty("purpose");
  c.valid_until = in->str_or_empty("valid_until");
  c.on_behalf_of = in->str_or_empty("on_behalf_of");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto r = app.consents.grant(req.principal, c, req.lang);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(201, consent_json(*r, pkt_date(app.clock.now_ms())));
}

http::HandlerResult my_consents(App& app, http::Request& req) {
  auto r = app.consents.mine(req.principal);
  if (!r.ok()) return r.take_error();
  const std::string today = pkt_date(app.clock.now_ms());
  json items = json::array();
  for (const auto& c : *r) items.push_back(consent_json(c, today));
  return http::Reply::json(200, {{"items", items}});
}

http::HandlerResult revoke_consent(App& app, http::Request& req) {
  auto r = app.consents.revoke(req.principal, req.param("id"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, consent_json(*r, pkt_date(app.clock.now_ms())));
}

http::HandlerResult list_legal_bases(App& app, http::Request& req) {
  json items = json::array();
  for (const auto& b : app.consents.legal_bases()) items.push_back(basis_json(b, req.lang));
  return http::Reply::json(200, {{"items", items}});
}

http::HandlerResult exchange_query(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"record", "subject", "fields", "purpose", "legal_basis"});
  if (!in.ok()) return in.take_error();
  consent::ExchangeRequest q;
  q.registry = req.param("name");
  q.record = in->str_or_empty("record");
  if (auto subject = in->object("subject")) {
    // A non-string identifier matches no one, so the domain answers "no such subject".
    auto id = [&](const char* k) {
      auto it = subject->find(k);
      if (it == subject->end() || it->is_null()) return std::string();
      return it->is_string() ? it->get<std::string>() : std::string("?");
    };
    q.cnic = id("cnic");
    q.ntn = id("ntn");
  }
  q.fields = names_of(in->array("fields"));
  q.purpose = in->str_or_empty("purpose");
  q.legal_basis = in->str_or_empty("legal_basis");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto r = app.exchange.query(req.principal, q, req.lang);
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& i : *r) items.push_back(item_json(i));
  return http::Reply::json(200, {{"items", items}});
}

json applicant_checks_json(const std::vector<consent::ApplicantCheck>& checks) {
  json out = json::array();
  for (const auto& c : checks) {
    json records = json::array();
    for (const auto& i : c.records) records.push_back(item_json(i));
    out.push_back({{"legal_basis", c.basis.id},
                   {"registry", c.basis.registry},
                   {"title", c.basis.title.en},
                   {"registered", !c.records.empty()},
                   {"records", std::move(records)}});
  }
  return out;
}

}  // namespace darwaza::api::handlers
