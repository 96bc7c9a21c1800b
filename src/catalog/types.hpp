// The catalog: service definitions as data (one JSON file per service under data/services/).
// A definition holds the form an applicant fills, the workflow an application moves through,
// the fee, and what an approval produces. docs/service-definition.md documents the schema.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace darwaza::catalog {

// Text in both languages.
struct I18n {
  std::string en;
  std::string ur;
  const std::string& in(const std::string& lang) const { return lang == "ur" && !ur.empty() ? ur : en; }
  bool operator==(const I18n&) const = default;
};

enum class FieldType {
  text,          // one line
  long_text,     // paragraphs
  integer,
  decimal,
  money,         // {amount, currency}; currency fixed by the field (PKR or USD)
  date,          // YYYY-MM-DD
  enumeration,   // "enum" in files: one of options
  boolean,
  cnic,          // 12345-1234567-1
  ntn,           // 1234567-8
  email,
  phone,         // +92...
  ip_list,       // list of IPv4/IPv6 addresses or CIDR ranges
  country,       // ISO 3166-1 alpha-2
  document,      // id of an uploaded document
  registry_ref,  // id of a record in a named registry
  list,          // list of strings (with list bounds); "item_pattern" optional
};

const char* to_string(FieldType t);
bool parse_field_type(const std::string& s, FieldType& out);

struct Option {
  std::string value;
  I18n label;
  bool operator==(const Option&) const = default;
};

struct FormField {
  std::string name;  // key in the application's data; [a-z][a-z0-9_]*
  FieldType type = FieldType::text;
  I18n label;
  I18n help;
  bool required = false;
  std::optional<double> min;            // numbers and money: value bounds; text: min length
  std::optional<double> max;            // numbers and money: value bounds; text: max length
  std::optional<std::string> pattern;   // ECMAScript regex for text
  std::optional<int> min_items;         // lists (ip_list, list, document if multiple)
  std::optional<int> max_items;
  std::vector<Option> options;          // enumeration
  std::string currency;                 // money: "PKR" or "USD"
  std::string registry;                 // registry_ref: registry name
  bool operator==(const FormField&) const = default;
};

enum class Applicant { citizen, organisation, both };
const char* to_string(Applicant a);
bool parse_applicant(const std::string& s, Applicant& out);

// What a state means for the application's outcome.
enum class Outcome { none, approved, rejected, withdrawn };
const char* to_string(Outcome o);
bool parse_outcome(const std::string& s, Outcome& out);

struct State {
  std::string id;
  I18n label;
  std::optional<int> sla_working_days;  // officers should act within this
  Outcome outcome = Outcome::none;      // terminal when not none
  bool awaiting_applicant = false;      // e.g. more information requested
  bool terminal() const { return outcome != Outcome::none; }
  bool operator==(const State&) const = default;
};

struct Transition {
  std::string id;                 // e.g. "approve"
  std::vector<std::string> from;  // state ids
  std::string to;
  std::vector<std::string> roles; // "officer", "agency_admin", "applicant"
  bool comment_required = false;
  bool requires_payment = false;  // refused until a payment is recorded (fee-bearing services)
  bool applicant_edits = false;   // the applicant may resubmit form data with this transition
  I18n label;
  bool operator==(const Transition&) const = default;
};

struct Workflow {
  std::string initial;  // state an application enters when submitted
  std::vector<State> states;
  std::vector<Transition> transitions;

  const State* state(const std::string& id) const;
  const Transition* transition(const std::string& id) const;
  bool operator==(const Workflow&) const = default;
};

struct Fee {
  std::int64_t amount_paisa = 0;  // PKR in paisa (1/100 rupee) to stay exact
  bool required() const { return amount_paisa > 0; }
  bool operator==(const Fee&) const = default;
};

struct CertificateOutput {
  std::string type;       // e.g. "vpn-registration"
  int validity_days = 0;  // 0 = no expiry
  I18n title;
  bool operator==(const CertificateOutput&) const = default;
};

// What an approval writes into a registry.
enum class RegistryAction {
  create,  // a new record from the application's data
  renew,   // extends the validity of the applicant's record whose number is in record_field
};
const char* to_string(RegistryAction a);
bool parse_registry_action(const std::string& s, RegistryAction& out);

struct RegistryOutput {
  std::string registry;   // registry name (data/registries/<name>.json)
  RegistryAction action = RegistryAction::create;
  std::string record_field;  // renew: the form field holding the record's number
  // Registry field → where its value comes from: "form.<field>", "holder.name", "org.name",
  // "org.ntn", "org.secp_number", "applicant.name", "application.tracking_number". A registry
  // field not mapped takes the form field of the same name, if any.
  std::map<std::string, std::string> map;
  bool operator==(const RegistryOutput&) const = default;
};

struct ServiceDefinition {
  std::string id;        // stable slug: [a-z0-9][a-z0-9-]*
  int version = 0;       // assigned by the catalog when loaded
  std::string agency;    // owning agency id
  std::string category;  // slug, e.g. "telecom"
  I18n title;
  I18n description;
  Applicant applicant = Applicant::both;
  std::vector<FormField> form;
  Workflow workflow;
  Fee fee;
  std::optional<CertificateOutput> certificate;
  std::optional<RegistryOutput> registry;
  std::vector<std::string> keywords;  // extra search terms (both languages)

  const FormField* field(const std::string& name) const;
  bool operator==(const ServiceDefinition&) const = default;
};

}  // namespace darwaza::catalog
