#include "catalog/types.hpp"

#include <array>
#include <utility>

namespace darwaza::catalog {
namespace {

// The spelling of each FieldType in definition files, in enum order.
constexpr std::array<std::pair<FieldType, const char*>, 17> kFieldTypeNames{{
    {FieldType::text, "text"},
    {FieldType::long_text, "long_text"},
    {FieldType::integer, "integer"},
    {FieldType::decimal, "decimal"},
    {FieldType::money, "money"},
    {FieldType::date, "date"},
    {FieldType::enumeration, "enum"},
    {FieldType::boolean, "boolean"},
    {FieldType::cnic, "cnic"},
    {FieldType::ntn, "ntn"},
    {FieldType::email, "email"},
    {FieldType::phone, "phone"},
    {FieldType::ip_list, "ip_list"},
    {FieldType::country, "country"},
    {FieldType::document, "document"},
    {FieldType::registry_ref, "registry_ref"},
    {FieldType::list, "list"},
}};

}  // namespace

const char* to_string(FieldType t) {
  for (const auto& [type, name] : kFieldTypeNames)
    if (type == t) return name;
  return "text";
}

bool parse_field_type(const std::string& s, FieldType& out) {
  for (const auto& [type, name] : kFieldTypeNames) {
    if (s == name) {
      out = type;
      return true;
    }
  }
  return false;
}

const char* to_string(Applicant a) {
  switch (a) {
    case Applicant::citizen: return "citizen";
    case Applicant::organisation: return "organisation";
    case Applicant::both: return "both";
  }
  return "both";
}

bool parse_applicant(const std::string& s, Applicant& out) {
  if (s == "citizen") out = Applicant::citizen;
  else if (s == "organisation") out = Applicant::organisation;
  else if (s == "both") out = Applicant::both;
  else return false;
  return true;
}

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::none: return "none";
    case Outcome::approved: return "approved";
    case Outcome::rejected: return "rejected";
    case Outcome::withdrawn: return "withdrawn";
  }
  return "none";
}

bool parse_outcome(const std::string& s, Outcome& out) {
  if (s == "none") out = Outcome::none;
  else if (s == "approved") out = Outcome::approved;
  else if (s == "rejected") out = Outcome::rejected;
  else if (s == "withdrawn") out = Outcome::withdrawn;
  else return false;
  return true;
}

const char* to_string(RegistryAction a) { return a == RegistryAction::renew ? "renew" : "create"; }

bool parse_registry_action(const std::string& s, RegistryAction& out) {
  if (s == "create") out = RegistryAction::create;
  else if (s == "renew") out = RegistryAction::renew;
  else return false;
  return true;
}

const State* Workflow::state(const std::string& id) const {
  for (const auto& s : states)
    if (s.id == id) return &s;
  return nullptr;
}

const Transition* Workflow::transition(const std::string& id) const {
  for (const auto& t : transitions)
    if (t.id == id) return &t;
  return nullptr;
}

const FormField* ServiceDefinition::field(const std::string& name) const {
  for (const auto& f : form)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace darwaza::catalog
