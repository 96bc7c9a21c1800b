// The writer half of the definition format: to_json, the inverse of parse_definition
// (definition.cpp). The catalog stores and checksums this form, so any change here gives every
// service a new checksum and, on the next load, a new version.
#include <cmath>

#include "catalog/definition.hpp"

namespace darwaza::catalog {
namespace {

using nlohmann::json;

// Whole numbers are written without a fraction, as a person would write them.
json number_json(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
  return v;
}

}  // namespace

json i18n_json(const I18n& t) { return {{"en", t.en}, {"ur", t.ur}}; }

json to_json(const FormField& f) {
  json jf{{"name", f.name}, {"type", to_string(f.type)}, {"label", i18n_json(f.label)}, {"required", f.required}};
  if (!f.help.en.empty() || !f.help.ur.empty()) jf["help"] = i18n_json(f.help);
  if (f.min) jf["min"] = number_json(*f.min);
  if (f.max) jf["max"] = number_json(*f.max);
  if (f.pattern) jf["pattern"] = *f.pattern;
  if (f.min_items) jf["min_items"] = *f.min_items;
  if (f.max_items) jf["max_items"] = *f.max_items;
  if (f.type == FieldType::enumeration || !f.options.empty()) {
    json opts = json::array();
    for (const auto& o : f.options) opts.push_back({{"value", o.value}, {"label", i18n_json(o.label)}});
    jf["options"] = std::move(opts);
  }
  if (!f.currency.empty()) jf["currency"] = f.currency;
  if (!f.registry.empty()) jf["registry"] = f.registry;
  return jf;
}

json to_json(const ServiceDefinition& d) {
  json j;
  j["id"] = d.id;
  j["version"] = d.version;
  j["agency"] = d.agency;
  j["category"] = d.category;
  j["title"] = i18n_json(d.title);
  j["description"] = i18n_json(d.description);
  j["applicant"] = to_string(d.applicant);
  j["keywords"] = d.keywords;
  json form = json::array();
  for (const auto& f : d.form) form.push_back(to_json(f));
  j["form"] = std::move(form);
  json states = json::array();
  for (const auto& s : d.workflow.states) {
    json js{{"id", s.id}, {"label", i18n_json(s.label)}, {"outcome", to_string(s.outcome)}};
    if (s.sla_working_days) js["sla_working_days"] = *s.sla_working_days;
    if (s.awaiting_applicant) js["awaiting_applicant"] = true;
    states.push_back(std::move(js));
  }
  json transitions = json::array();
  for (const auto& t : d.workflow.transitions) {
    json jt{{"id", t.id}, {"from", t.from}, {"to", t.to}, {"roles", t.roles}, {"label", i18n_json(t.label)}};
    if (t.comment_required) jt["comment_required"] = true;
    if (t.requires_payment) jt["requires_payment"] = true;
    if (t.applicant_edits) jt["applicant_edits"] = true;
    transitions.push_back(std::move(jt));
  }
  j["workflow"] = {{"initial", d.workflow.initial}, {"states", std::move(states)}, {"transitions", std::move(transitions)}};
  if (d.fee.amount_paisa % 100 == 0) j["fee"] = {{"amount_pkr", d.fee.amount_paisa / 100}};
  else j["fee"] = {{"amount_pkr", static_cast<double>(d.fee.amount_paisa) / 100.0}};
  if (!d.fee.required()) j["fee"] = nullptr;
  if (d.certificate)
    j["certificate"] = {{"type", d.certificate->type},
                        {"validity_days", d.certificate->validity_days},
                        {"title", i18n_json(d.certificate->title)}};
  if (d.registry) {
    json r{{"registry", d.registry->registry}};
    // Defaults are left out so that definitions written before these keys keep their checksum.
    if (d.registry->action != RegistryAction::create) r["action"] = to_string(d.registry->action);
    if (!d.registry->record_field.empty()) r["record_field"] = d.registry->record_field;
    if (!d.registry->map.empty()) r["map"] = d.registry->map;
    j["registry"] = std::move(r);
  }
  return j;
}

}  // namespace darwaza::catalog
