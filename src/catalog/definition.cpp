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

namespace darwaza::catalog {
namespace {

using nlohmann::json;

// A service id, agency, category, certificate type or registry name: 2 to 80 characters.
bool valid_slug(const std::string& s) {
  if (s.size() < 2 || s.size() > 80) return false;
  auto lower_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_digit(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return lower_digit(c) || c == '-'; });
}
constexpr const char* kSlugRule = "must match [a-z0-9][a-z0-9-]{1,79}";

// A form field name, state id or transition id: 1 to 64 characters.
bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}
constexpr const char* kNameRule = "must match [a-z][a-z0-9_]{0,63}";

// An enum option value: stable, short, no spaces.
bool valid_option_value(const std::string& s) {
  if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}


std::string at(const std::string& base, const std::string& key) { return pointer_child(base, key); }
std::string at(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

bool text_type(FieldType t) { return t == FieldType::text || t == FieldType::long_text; }
bool number_type(FieldType t) {
  return t == FieldType::integer || t == FieldType::decimal || t == FieldType::money;
}
bool list_type(FieldType t) {
  return t == FieldType::ip_list || t == FieldType::list || t == FieldType::document;
}

// Reads a definition, recording a problem for each thing wrong and carrying on.
class Reader {
 public:
  Reader(const std::string& file, std::vector<DefinitionProblem>& problems) : file_(file), problems_(problems) {}

  void problem(const std::string& path, std::string message) {
    problems_.push_back({file_, path, std::move(message)});
  }

  // True when `j` is an object; reports its keys not in `allowed`.
  bool object(const json& j, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!j.is_object()) {
      problem(path, "must be an object");
      return false;
    }
    for (const auto& [key, value] : j.items()) {
      bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
      if (!known) problem(at(path, key), "unknown key");
    }
    return true;
  }

  // The member, or nullptr when absent or null (null means absent everywhere).
  const json* member(const json& obj, const char* key, const std::string& path, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) problem(at(path, key), "is required");
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> string(const json& obj, const char* key, const std::string& path, bool required) {
    const json* v = member(obj, key, path, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      problem(at(path, key), "must be a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  std::string slug(const json& obj, const char* key, const std::string& path) {
    auto s = string(obj, key, path, true);
    if (!s) return {};
    if (!valid_slug(*s)) problem(at(path, key), kSlugRule);
    return *s;
  }

  std::string name(const json& obj, const char* key, const std::string& path) {
    auto s = string(obj, key, path, true);
    if (!s) return {};
    if (!valid_name(*s)) problem(at(path, key), kNameRule);
    return *s;
  }

  bool boolean(const json& obj, const char* key, const std::string& path) {
    const json* v = member(obj, key, path, false);
    if (!v) return false;
    if (!v->is_boolean()) {
      problem(at(path, key), "must be true or false");
      return false;
    }
    return v->get<bool>();
  }

  std::optional<double> number(const json& obj, const char* key, const std::string& path) {
    const json* v = member(obj, key, path, false);
    if (!v) return std::nullopt;
    if (!v->is_number() || !std::isfinite(v->get<double>())) {
      problem(at(path, key), "must be a number");
      return std::nullopt;
    }
    return v->get<double>();
  }

  std::optional<int> integer(const json& obj, const char* key, const std::string& path, bool required, int lo,
                             int hi) {
    const json* v = member(obj, key, path, required);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      problem(at(path, key), "must be a whole number");
      return std::nullopt;
    }
    auto n = v->get<std::int64_t>();
    if (n < lo || n > hi) {
      problem(at(path, key), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return std::nullopt;
    }
    return static_cast<int>(n);
  }

  // {"en": "...", "ur": "..."}, both present and not blank.
  I18n i18n(const json& obj, const char* key, const std::string& path, bool required) {
    I18n out;
    const json* v = member(obj, key, path, required);
    if (!v) return out;
    std::string p = at(path, key);
    if (!object(*v, p, {"en", "ur"})) return out;
    for (auto [lang, dest] : {std::pair<const char*, std::string*>{"en", &out.en}, {"ur", &out.ur}}) {
      auto s = string(*v, lang, p, true);
      if (!s) continue;
      if (blank(*s)) problem(at(p, lang), std::string(lang) == "en" ? "English text is empty" : "Urdu text is empty");
      *dest = *s;
    }
    return out;
  }

  // The array, or nullptr (reported) when present but not an array.
  const json* array(const json& obj, const char* key, const std::string& path, bool required) {
    const json* v = member(obj, key, path, required);
    if (!v) return nullptr;
    if (!v->is_array()) {
      problem(at(path, key), "must be an array");
      return nullptr;
    }
    return v;
  }

  std::vector<std::string> strings(const json& obj, const char* key, const std::string& path, bool required) {
    std::vector<std::string> out;
    const json* a = array(obj, key, path, required);
    if (!a) return out;
    std::string p = at(path, key);
    for (std::size_t i = 0; i < a->size(); ++i) {
      const json& e = (*a)[i];
      if (!e.is_string()) problem(at(p, i), "must be a string");
      else out.push_back(e.get<std::string>());
    }
    return out;
  }

 private:
  const std::string& file_;
  std::vector<DefinitionProblem>& problems_;
};

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
    if (!d.fee.required() && payment_step) {
      for (std::size_t i = 0; i < d.workflow.transitions.size(); ++i)
        if (d.workflow.transitions[i].requires_payment)
          r.problem(at(at("/workflow/transitions", i), "requires_payment"), "the service charges no fee");
    }
    if (const json* c = r.member(j, "certificate", "", false)) d.certificate = parse_certificate(r, *c, "/certificate");
    if (const json* reg = r.member(j, "registry", "", false)) {
      RegistryOutput out;
      if (r.object(*reg, "/registry", {"registry"})) out.registry = r.slug(*reg, "registry", "/registry");
      d.registry = out;
    }
  }
  if (problems.size() == before) return d;
  Error e = make_error(ErrorKind::validation, "invalid-service-definition", "Invalid service definition",
                       std::to_string(problems.size() - before) + " problem(s) in the service definition");
  for (std::size_t i = before; i < problems.size(); ++i)
    e.fields.push_back({problems[i].path, "definition", problems[i].message});
  return e;
}

}  // namespace darwaza::catalog
