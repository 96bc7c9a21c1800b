// The reader half of the definition format: parse_definition, strict, collecting every problem with
// its JSON pointer. The writer half (to_json) is in definition_json.cpp, files and directories in
// definition_files.cpp, synthetic definitions in definition_synth.cpp.
#include "catalog/definition.hpp"
#include "core/validation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "catalog/definition_reader.hpp"

namespace darwaza::catalog {
namespace {


Option parse_option(Reader& r, const json& j, const std::string& path) {
  Option o;
  if (!r.object(j, path, {"value", "label"})) return o;
  if (auto v = r.string(j, "value", path, true)) {
    o.value = *v;
    if (!valid_option_value(o.value)) r.problem(at(path, "value"), "must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  }
  o.label = r.i18n(j, "label", path, true);
  return o;
}

}  // namespace

FormField parse_field(Reader& r, const json& j, const std::string& path) {
  FormField f;
  if (!r.object(j, path, {"name", "type", "label", "help", "required", "min", "max", "pattern", "min_items",
                          "max_items", "options", "currency", "registry"}))
    return f;
  f.name = r.name(j, "name", path);
  bool typed = false;
  if (auto t = r.string(j, "type", path, true)) {
    typed = parse_field_type(*t, f.type);
    if (!typed)
      r.problem(at(path, "type"),
                "must be one of text, long_text, integer, decimal, money, date, enum, boolean, cnic, ntn, email, "
                "phone, ip_list, country, document, registry_ref, list");
  }
  f.label = r.i18n(j, "label", path, true);
  f.help = r.i18n(j, "help", path, false);
  f.required = r.boolean(j, "required", path);

  // Each type-specific key is refused on other types, so that a misplaced constraint is not
  // silently ignored. Without a known type only the key's own shape is checked.
  auto allowed_on = [&](const char* key, bool allowed, const char* types) {
    if (typed && !allowed && j.contains(key) && !j[key].is_null())
      r.problem(at(path, key), std::string("is only allowed on ") + types);
  };
  f.min = r.number(j, "min", path);
  f.max = r.number(j, "max", path);
  // On text, long_text and list (each item) min/max bound a length in characters.
  bool length = text_type(f.type) || f.type == FieldType::list;
  const char* bounded = "text, long_text, list, integer, decimal and money fields";
  allowed_on("min", length || number_type(f.type), bounded);
  allowed_on("max", length || number_type(f.type), bounded);
  bool whole = typed && (length || f.type == FieldType::integer);
  for (auto [key, v] : {std::pair<const char*, std::optional<double>*>{"min", &f.min}, {"max", &f.max}}) {
    if (!*v) continue;
    if (whole && **v != std::floor(**v)) r.problem(at(path, key), "must be a whole number for this type");
    if (typed && length && **v < 0) r.problem(at(path, key), "a length cannot be negative");
  }
  if (f.min && f.max && *f.min > *f.max) r.problem(at(path, "min"), "must not be greater than max");

  if (auto p = r.string(j, "pattern", path, false)) {
    f.pattern = *p;
    allowed_on("pattern", text_type(f.type) || f.type == FieldType::list, "text, long_text and list fields");
    if (p->size() > kMaxPatternChars) {
      r.problem(at(path, "pattern"), "is longer than " + std::to_string(kMaxPatternChars) + " characters");
    } else {
      try {
        std::regex re(*p, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        r.problem(at(path, "pattern"), std::string("is not a valid ECMAScript regular expression: ") + e.what());
      }
    }
  }

  f.min_items = r.integer(j, "min_items", path, false, 0, kMaxItemsBound);
  f.max_items = r.integer(j, "max_items", path, false, 0, kMaxItemsBound);
  allowed_on("min_items", list_type(f.type), "ip_list, list and document fields");
  allowed_on("max_items", list_type(f.type), "ip_list, list and document fields");
  if (f.min_items && f.max_items && *f.min_items > *f.max_items)
    r.problem(at(path, "min_items"), "must not be greater than max_items");

  bool is_enum = typed && f.type == FieldType::enumeration;
  allowed_on("options", is_enum, "enum fields");
  if (const json* opts = r.array(j, "options", path, is_enum)) {
    std::string p = at(path, "options");
    if (opts->empty() && is_enum) r.problem(p, "needs at least one option");
    if (opts->size() > kMaxEnumOptions) r.problem(p, "has more than " + std::to_string(kMaxEnumOptions) + " options");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < opts->size(); ++i) {
      Option o = parse_option(r, (*opts)[i], at(p, i));
      if (!o.value.empty() && !seen.insert(o.value).second)
        r.problem(at(at(p, i), "value"), "duplicate option value \"" + o.value + "\"");
      f.options.push_back(std::move(o));
    }
  }

  bool is_money = typed && f.type == FieldType::money;
  allowed_on("currency", is_money, "money fields");
  if (auto c = r.string(j, "currency", path, is_money)) {
    f.currency = *c;
    if (f.currency != "PKR" && f.currency != "USD") r.problem(at(path, "currency"), "must be PKR or USD");
  }

  bool is_ref = typed && f.type == FieldType::registry_ref;
  allowed_on("registry", is_ref, "registry_ref fields");
  if (auto reg = r.string(j, "registry", path, is_ref)) {
    f.registry = *reg;
    if (!valid_slug(f.registry)) r.problem(at(path, "registry"), kSlugRule);
  }
  return f;
}

namespace {

State parse_state(Reader& r, const json& j, const std::string& path) {
  State s;
  if (!r.object(j, path, {"id", "label", "sla_working_days", "outcome", "awaiting_applicant"})) return s;
  s.id = r.name(j, "id", path);
  s.label = r.i18n(j, "label", path, true);
  s.sla_working_days = r.integer(j, "sla_working_days", path, false, 1, kMaxSlaWorkingDays);
  if (auto o = r.string(j, "outcome", path, false)) {
    if (!parse_outcome(*o, s.outcome)) r.problem(at(path, "outcome"), "must be none, approved, rejected or withdrawn");
  }
  s.awaiting_applicant = r.boolean(j, "awaiting_applicant", path);
  if (s.awaiting_applicant && s.terminal())
    r.problem(at(path, "awaiting_applicant"), "a terminal state cannot await the applicant");
  return s;
}

Transition parse_transition(Reader& r, const json& j, const std::string& path) {
  Transition t;
  if (!r.object(j, path, {"id", "from", "to", "roles", "comment_required", "requires_payment", "applicant_edits",
                          "label"}))
    return t;
  t.id = r.name(j, "id", path);
  t.from = r.strings(j, "from", path, true);
  if (j.contains("from") && j["from"].is_array() && j["from"].empty())
    r.problem(at(path, "from"), "needs at least one state");
  if (auto to = r.string(j, "to", path, true)) t.to = *to;
  t.roles = r.strings(j, "roles", path, true);
  if (j.contains("roles") && j["roles"].is_array() && j["roles"].empty())
    r.problem(at(path, "roles"), "needs at least one role");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < t.roles.size(); ++i) {
    const auto& role = t.roles[i];
    if (role != "officer" && role != "agency_admin" && role != "applicant")
      r.problem(at(at(path, "roles"), i), "must be officer, agency_admin or applicant");
    else if (!seen.insert(role).second)
      r.problem(at(at(path, "roles"), i), "duplicate role");
  }
  t.comment_required = r.boolean(j, "comment_required", path);
  t.requires_payment = r.boolean(j, "requires_payment", path);
  t.applicant_edits = r.boolean(j, "applicant_edits", path);
  t.label = r.i18n(j, "label", path, true);
  return t;
}

// The graph rules: references resolve, no way out of a terminal state, every non-terminal state
// reachable, every state able to finish, at least one approving state.
void check_graph(Reader& r, const json& j, const Workflow& w, const std::string& path) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < w.states.size(); ++i) {
    const auto& id = w.states[i].id;
    if (id.empty()) continue;
    if (!index.emplace(id, i).second) r.problem(at(at(at(path, "states"), i), "id"), "duplicate state id \"" + id + "\"");
  }
  bool initial_ok = false;
  if (j.contains("initial") && j["initial"].is_string()) {
    initial_ok = index.count(w.initial) > 0;
    if (!initial_ok) r.problem(at(path, "initial"), "names no state: \"" + w.initial + "\"");
  }
  std::vector<std::vector<std::size_t>> next(w.states.size()), prev(w.states.size());
  std::set<std::string> transition_ids;
  bool graph_ok = initial_ok;
  for (std::size_t t = 0; t < w.transitions.size(); ++t) {
    const auto& tr = w.transitions[t];
    std::string tp = at(at(path, "transitions"), t);
    if (!tr.id.empty() && !transition_ids.insert(tr.id).second)
      r.problem(at(tp, "id"), "duplicate transition id \"" + tr.id + "\"");
    auto to = index.find(tr.to);
    if (to == index.end()) {
      if (!tr.to.empty()) r.problem(at(tp, "to"), "names no state: \"" + tr.to + "\"");
      graph_ok = false;
    }
    for (std::size_t f = 0; f < tr.from.size(); ++f) {
      auto from = index.find(tr.from[f]);
      if (from == index.end()) {
        r.problem(at(at(tp, "from"), f), "names no state: \"" + tr.from[f] + "\"");
        graph_ok = false;
        continue;
      }
      if (w.states[from->second].terminal())
        r.problem(at(at(tp, "from"), f), "\"" + tr.from[f] + "\" is a terminal state; nothing leaves it");
      if (to != index.end()) {
        next[from->second].push_back(to->second);
        prev[to->second].push_back(from->second);
      }
    }
  }
  bool approves = std::any_of(w.states.begin(), w.states.end(),
                              [](const State& s) { return s.outcome == Outcome::approved; });
  if (!approves) r.problem(at(path, "states"), "no state has outcome approved");
  // With a broken reference the reachability findings would only repeat it.
  if (!graph_ok || index.size() != w.states.size()) return;

  auto walk = [&](std::vector<std::size_t> start, const std::vector<std::vector<std::size_t>>& edges) {
    std::vector<bool> seen(w.states.size(), false);
    std::deque<std::size_t> queue(start.begin(), start.end());
    for (auto s : start) seen[s] = true;
    while (!queue.empty()) {
      auto s = queue.front();
      queue.pop_front();
      for (auto n : edges[s]) {
        if (!seen[n]) {
          seen[n] = true;
          queue.push_back(n);
        }
      }
    }
    return seen;
  };
  auto reached = walk({index[w.initial]}, next);
  std::vector<std::size_t> terminals;
  for (std::size_t i = 0; i < w.states.size(); ++i)
    if (w.states[i].terminal()) terminals.push_back(i);
  auto finishes = walk(terminals, prev);
  for (std::size_t i = 0; i < w.states.size(); ++i) {
    const auto& s = w.states[i];
    std::string sp = at(at(path, "states"), i);
    if (!s.terminal() && !reached[i]) r.problem(sp, "state \"" + s.id + "\" is unreachable from \"" + w.initial + "\"");
    if (!finishes[i]) r.problem(sp, "state \"" + s.id + "\" is a dead end: no path to a terminal state");
  }
}

// In a fee-bearing service every way to an approval passes a payment step: no approving state is
// reachable from the initial one through transitions that do not require the fee paid.
void check_fee_before_approval(Reader& r, const Workflow& w) {
  std::set<std::string> reached{w.initial};
  std::set<std::size_t> reported;
  std::vector<std::string> todo{w.initial};
  while (!todo.empty()) {
    const std::string from = todo.back();
    todo.pop_back();
    for (std::size_t i = 0; i < w.transitions.size(); ++i) {
      const Transition& t = w.transitions[i];
      if (t.requires_payment || std::find(t.from.begin(), t.from.end(), from) == t.from.end()) continue;
      const State* to = w.state(t.to);
      if (to && to->outcome == Outcome::approved) {
        if (reported.insert(i).second)
          r.problem(at(at("/workflow/transitions", i), "requires_payment"),
                    "leads to the approval \"" + t.to + "\" with the fee unpaid: in a service that charges a fee, "
                    "every way to an approval must pass a transition with requires_payment");
        continue;
      }
      if (reached.insert(t.to).second) todo.push_back(t.to);
    }
  }
}

Workflow parse_workflow(Reader& r, const json& j, const std::string& path) {
  Workflow w;
  if (!r.object(j, path, {"initial", "states", "transitions"})) return w;
  if (auto i = r.string(j, "initial", path, true)) w.initial = *i;
  if (const json* states = r.array(j, "states", path, true)) {
    if (states->size() > kMaxStates) r.problem(at(path, "states"), "has more than " + std::to_string(kMaxStates) + " states");
    for (std::size_t i = 0; i < states->size(); ++i)
      w.states.push_back(parse_state(r, (*states)[i], at(at(path, "states"), i)));
  }
  if (const json* ts = r.array(j, "transitions", path, true)) {
    if (ts->size() > kMaxTransitions)
      r.problem(at(path, "transitions"), "has more than " + std::to_string(kMaxTransitions) + " transitions");
    for (std::size_t i = 0; i < ts->size(); ++i)
      w.transitions.push_back(parse_transition(r, (*ts)[i], at(at(path, "transitions"), i)));
  }
  check_graph(r, j, w, path);
  return w;
}

Fee parse_fee(Reader& r, const json& j, const std::string& path) {
  Fee fee;
  if (!r.object(j, path, {"amount_pkr"})) return fee;
  auto amount = r.number(j, "amount_pkr", path);
  if (!amount) {
    if (!j.contains("amount_pkr")) r.problem(at(path, "amount_pkr"), "is required");
    return fee;
  }
  std::string p = at(path, "amount_pkr");
  if (*amount < 0) {
    r.problem(p, "cannot be negative");
  } else if (*amount > static_cast<double>(kMaxFeePkr)) {
    r.problem(p, "exceeds " + std::to_string(kMaxFeePkr) + " rupees");
  } else {
    double paisa = *amount * 100.0;
    double rounded = std::round(paisa);
    // Binary floating point holds 19.99 as 19.98999…; anything beyond that slack has a third decimal.
    if (std::fabs(paisa - rounded) > 1e-6 * std::max(1.0, paisa)) r.problem(p, "has more than 2 decimals");
    else fee.amount_paisa = static_cast<std::int64_t>(rounded);
  }
  return fee;
}

CertificateOutput parse_certificate(Reader& r, const json& j, const std::string& path) {
  CertificateOutput c;
  if (!r.object(j, path, {"type", "validity_days", "title"})) return c;
  c.type = r.slug(j, "type", path);
  c.validity_days = r.integer(j, "validity_days", path, false, 0, kMaxValidityDays).value_or(0);
  c.title = r.i18n(j, "title", path, true);
  return c;
}

// Where a registry field's value may come from, besides "form.<field>".
constexpr const char* kRegistrySources[] = {"holder.name", "org.name", "org.ntn", "org.secp_number", "applicant.name",
                                            "application.tracking_number"};

RegistryOutput parse_registry_output(Reader& r, const json& j, const ServiceDefinition& d) {
  RegistryOutput out;
  const std::string path = "/registry";
  if (!r.object(j, path, {"registry", "action", "record_field", "map"})) return out;
  out.registry = r.slug(j, "registry", path);
  if (auto a = r.string(j, "action", path, false)) {
    if (!parse_registry_action(*a, out.action)) r.problem(at(path, "action"), "must be create or renew");
  }
  bool renew = out.action == RegistryAction::renew;
  if (auto f = r.string(j, "record_field", path, renew)) {
    out.record_field = *f;
    if (!renew) r.problem(at(path, "record_field"), "is only allowed with action renew");
    else if (!d.field(*f)) r.problem(at(path, "record_field"), "names no form field");
  }
  if (const json* m = r.member(j, "map", path, false)) {
    if (!m->is_object()) {
      r.problem(at(path, "map"), "must be an object");
      return out;
    }
    for (const auto& [field, source] : m->items()) {
      std::string p = at(at(path, "map"), field);
      if (!valid_name(field)) r.problem(p, kNameRule);
      if (!source.is_string()) {
        r.problem(p, "must be a string");
        continue;
      }
      std::string src = source.get<std::string>();
      bool known = std::any_of(std::begin(kRegistrySources), std::end(kRegistrySources),
                               [&](const char* k) { return src == k; }) ||
                   (src.rfind("form.", 0) == 0 && d.field(src.substr(5)));
      if (!known) r.problem(p, "must be form.<a form field> or one of holder.name, org.name, org.ntn, org.secp_number, "
                               "applicant.name, application.tracking_number");
      out.map[field] = src;
    }
  }
  return out;
}

}  // namespace

Result<ServiceDefinition> parse_definition(const json& j, const std::string& file,
                                           std::vector<DefinitionProblem>& problems) {
  std::size_t before = problems.size();
  Reader r(file, problems);
  ServiceDefinition d;
  if (r.object(j, "", {"id", "version", "agency", "category", "title", "description", "applicant", "keywords", "form",
                       "workflow", "fee", "certificate", "registry"})) {
    d.id = r.slug(j, "id", "");
    d.version = r.integer(j, "version", "", false, 0, std::numeric_limits<int>::max()).value_or(0);
    d.agency = r.slug(j, "agency", "");
    d.category = r.slug(j, "category", "");
    d.title = r.i18n(j, "title", "", true);
    d.description = r.i18n(j, "description", "", true);
    if (auto a = r.string(j, "applicant", "", true)) {
      if (!parse_applicant(*a, d.applicant)) r.problem("/applicant", "must be citizen, organisation or both");
    }
    d.keywords = r.strings(j, "keywords", "", false);
    if (d.keywords.size() > kMaxKeywords) r.problem("/keywords", "has more than " + std::to_string(kMaxKeywords) + " keywords");
    for (std::size_t i = 0; i < d.keywords.size(); ++i)
      if (blank(d.keywords[i])) r.problem(at("/keywords", i), "is empty");

    if (const json* form = r.array(j, "form", "", true)) {
      if (form->empty()) r.problem("/form", "needs at least one field");
      if (form->size() > kMaxFormFields) r.problem("/form", "has more than " + std::to_string(kMaxFormFields) + " fields");
      std::set<std::string> names;
      for (std::size_t i = 0; i < form->size(); ++i) {
        FormField f = parse_field(r, (*form)[i], at("/form", i));
        if (!f.name.empty() && !names.insert(f.name).second)
          r.problem(at(at("/form", i), "name"), "duplicate field name \"" + f.name + "\"");
        d.form.push_back(std::move(f));
      }
    }
    if (const json* w = r.member(j, "workflow", "", true)) d.workflow = parse_workflow(r, *w, "/workflow");
    if (const json* fee = r.member(j, "fee", "", false)) d.fee = parse_fee(r, *fee, "/fee");
    bool payment_step = std::any_of(d.workflow.transitions.begin(), d.workflow.transitions.end(),
                                    [](const Transition& t) { return t.requires_payment; });
    if (d.fee.required() && !payment_step)
      r.problem("/fee", "the service charges a fee but no transition has requires_payment");
    else if (d.fee.required())
      check_fee_before_approval(r, d.workflow);
    if (!d.fee.required() && payment_step) {
      for (std::size_t i = 0; i < d.workflow.transitions.size(); ++i)
        if (d.workflow.transitions[i].requires_payment)
          r.problem(at(at("/workflow/transitions", i), "requires_payment"), "the service charges no fee");
    }
    if (const json* c = r.member(j, "certificate", "", false)) d.certificate = parse_certificate(r, *c, "/certificate");
    if (const json* reg = r.member(j, "registry", "", false)) d.registry = parse_registry_output(r, *reg, d);
  }
  if (problems.size() == before) return d;
  Error e = make_error(ErrorKind::validation, "invalid-service-definition", "Invalid service definition",
                       std::to_string(problems.size() - before) + " problem(s) in the service definition");
  for (std::size_t i = before; i < problems.size(); ++i)
    e.fields.push_back({problems[i].path, "definition", problems[i].message});
  return e;
}

}  // namespace darwaza::catalog
