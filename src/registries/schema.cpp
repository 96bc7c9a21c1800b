// Registry schema files: parse_schema (strict, every problem with its JSON pointer), to_json, and
// the directory checker that also reads the seed files the schemas name.
#include "registries/schema.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "catalog/definition_reader.hpp"

namespace darwaza::registries {
namespace {

using catalog::at;
using catalog::FieldType;
using catalog::Reader;
using nlohmann::json;

bool integer_field(const Schema& s, const std::string& name) {
  const SchemaField* f = s.field(name);
  return f && f->field.type == FieldType::integer;
}

void parse_fields(Reader& r, const json& j, Schema& s) {
  const json* fields = r.array(j, "fields", "", true);
  if (!fields) return;
  if (fields->empty()) r.problem("/fields", "needs at least one field");
  if (fields->size() > kMaxSchemaFields)
    r.problem("/fields", "has more than " + std::to_string(kMaxSchemaFields) + " fields");
  std::set<std::string> names;
  for (std::size_t i = 0; i < fields->size(); ++i) {
    const std::string path = at("/fields", i);
    json field = (*fields)[i];
    SchemaField sf;
    if (field.is_object() && field.contains("public")) {
      sf.is_public = r.boolean(field, "public", path);
      field.erase("public");
    }
    sf.field = catalog::parse_field(r, field, path);
    if (sf.is_public && personal_type(sf.field.type))
      r.problem(at(path, "public"), "CNIC, email and phone fields are never public");
    if (sf.field.type == FieldType::document) r.problem(at(path, "type"), "registries do not hold documents");
    if (!sf.field.name.empty() && !names.insert(sf.field.name).second)
      r.problem(at(path, "name"), "duplicate field name \"" + sf.field.name + "\"");
    s.fields.push_back(std::move(sf));
  }
}

void parse_unique(Reader& r, const json& j, Schema& s) {
  const json* keys = r.array(j, "unique", "", false);
  if (!keys) return;
  if (keys->size() > kMaxUniqueKeys) r.problem("/unique", "has more than " + std::to_string(kMaxUniqueKeys) + " keys");
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const std::string path = at("/unique", i);
    const json& k = (*keys)[i];
    if (!k.is_array() || k.empty()) {
      r.problem(path, "must be a non-empty array of field names");
      continue;
    }
    std::vector<std::string> key;
    for (std::size_t n = 0; n < k.size(); ++n) {
      if (!k[n].is_string() || !s.field(k[n].get<std::string>())) r.problem(at(path, n), "names no field");
      else key.push_back(k[n].get<std::string>());
    }
    s.unique.push_back(std::move(key));
  }
}

void parse_capacity(Reader& r, const json& j, Schema& s) {
  if (const json* c = r.member(j, "capacity", "", false)) {
    Capacity cap;
    if (r.object(*c, "/capacity", {"field"})) {
      cap.field = r.name(*c, "field", "/capacity");
      if (!cap.field.empty() && !integer_field(s, cap.field))
        r.problem("/capacity/field", "must name an integer field");
    }
    s.capacity = cap;
  }
  if (const json* a = r.member(j, "allocates", "", false)) {
    Allocation al;
    const std::string path = "/allocates";
    if (r.object(*a, path, {"ref_field", "amount_field", "per"})) {
      al.ref_field = r.name(*a, "ref_field", path);
      const SchemaField* ref = s.field(al.ref_field);
      if (!al.ref_field.empty() && (!ref || ref->field.type != FieldType::registry_ref))
        r.problem(at(path, "ref_field"), "must name a registry_ref field");
      if (auto amount = r.string(*a, "amount_field", path, false)) {
        al.amount_field = *amount;
        if (!integer_field(s, al.amount_field)) r.problem(at(path, "amount_field"), "must name an integer field");
      }
      al.per = r.strings(*a, "per", path, false);
      for (std::size_t i = 0; i < al.per.size(); ++i)
        if (!s.field(al.per[i])) r.problem(at(at(path, "per"), i), "names no field");
    }
    s.allocates = al;
  }
}

}  // namespace

bool personal_type(FieldType t) {
  return t == FieldType::cnic || t == FieldType::email || t == FieldType::phone;
}

Result<Schema> parse_schema(const json& j, const std::string& file, std::vector<DefinitionProblem>& problems) {
  std::size_t before = problems.size();
  Reader r(file, problems);
  Schema s;
  if (r.object(j, "", {"name", "version", "agency", "title", "description", "subject", "number_prefix",
                       "validity_days", "fields", "unique", "capacity", "allocates", "ip_index",
                       "refuse_revoked_subject", "seed"})) {
    s.name = r.slug(j, "name", "");
    s.version = r.integer(j, "version", "", true, 1, 1'000'000).value_or(1);
    s.agency = r.slug(j, "agency", "");
    s.title = r.i18n(j, "title", "", true);
    s.description = r.i18n(j, "description", "", false);
    if (auto sub = r.string(j, "subject", "", true)) {
      if (!parse_subject(*sub, s.subject)) r.problem("/subject", "must be citizen, organisation, both or none");
    }
    if (auto p = r.string(j, "number_prefix", "", false)) {
      s.number_prefix = *p;
      bool ok = !p->empty() && p->size() <= 20 && std::all_of(p->begin(), p->end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      });
      if (!ok) r.problem("/number_prefix", "must be 1 to 20 of A-Z, 0-9 and -");
    }
    s.validity_days = r.integer(j, "validity_days", "", false, 0, kMaxValidityDays).value_or(0);
    parse_fields(r, j, s);
    parse_unique(r, j, s);
    parse_capacity(r, j, s);
    if (auto ip = r.string(j, "ip_index", "", false)) {
      s.ip_index = *ip;
      const SchemaField* f = s.field(*ip);
      if (!f || f->field.type != FieldType::ip_list) r.problem("/ip_index", "must name an ip_list field");
    }
    s.refuse_revoked_subject = r.boolean(j, "refuse_revoked_subject", "");
    if (s.refuse_revoked_subject && s.subject == Subject::none)
      r.problem("/refuse_revoked_subject", "needs a registry with subjects");
    if (s.number_prefix.empty() && s.subject != Subject::none)
      r.problem("/number_prefix", "is required for registries whose records come from applications");
    if (auto seed = r.string(j, "seed", "", false)) s.seed = *seed;
  }
  if (problems.size() == before) return s;
  Error e = make_error(ErrorKind::validation, "invalid-registry-schema", "Invalid registry schema",
                       std::to_string(problems.size() - before) + " problem(s) in the registry schema");
  for (std::size_t i = before; i < problems.size(); ++i)
    e.fields.push_back({problems[i].path, "definition", problems[i].message});
  return e;
}

json to_json(const Schema& s) {
  json j{{"name", s.name},
         {"version", s.version},
         {"agency", s.agency},
         {"title", catalog::i18n_json(s.title)},
         {"subject", to_string(s.subject)},
         {"validity_days", s.validity_days}};
  if (!s.description.en.empty()) j["description"] = catalog::i18n_json(s.description);
  if (!s.number_prefix.empty()) j["number_prefix"] = s.number_prefix;
  json fields = json::array();
  for (const auto& f : s.fields) {
    json jf = catalog::to_json(f.field);
    jf["public"] = f.is_public;
    fields.push_back(std::move(jf));
  }
  j["fields"] = std::move(fields);
  if (!s.unique.empty()) j["unique"] = s.unique;
  if (s.capacity) j["capacity"] = {{"field", s.capacity->field}};
  if (s.allocates) {
    json a{{"ref_field", s.allocates->ref_field}};
    if (!s.allocates->amount_field.empty()) a["amount_field"] = s.allocates->amount_field;
    if (!s.allocates->per.empty()) a["per"] = s.allocates->per;
    j["allocates"] = std::move(a);
  }
  if (!s.ip_index.empty()) j["ip_index"] = s.ip_index;
  if (s.refuse_revoked_subject) j["refuse_revoked_subject"] = true;
  if (!s.seed.empty()) j["seed"] = s.seed;
  return j;
}

std::vector<DefinitionProblem> check_registry_directory(const std::string& dir, std::vector<SchemaFile>* out) {
  namespace fs = std::filesystem;
  std::vector<DefinitionProblem> problems;
  std::map<std::string, std::string> name_file;
  for (const auto& file : catalog::json_files_in(dir, problems)) {
    auto j = catalog::read_json_file(file, problems, kMaxSchemaFileBytes);
    if (!j) continue;
    std::size_t before = problems.size();
    auto s = parse_schema(*j, file, problems);
    if (!s.ok() || problems.size() != before) continue;
    auto [it, fresh] = name_file.emplace(s->name, file);
    if (!fresh) {
      problems.push_back({file, "/name", "registry \"" + s->name + "\" is also defined in " + it->second});
      continue;
    }
    SchemaFile sf{std::move(s).value(), {}};
    if (!sf.schema.seed.empty() && !sf.schema.number_prefix.empty()) {
      problems.push_back({file, "/seed", "seed records are numbered by their key: a registry with a seed has no number_prefix"});
      continue;
    }
    if (!sf.schema.seed.empty()) {
      const std::string seed_file = (fs::path(file).parent_path() / sf.schema.seed).lexically_normal().string();
      auto seed = catalog::read_json_file(seed_file, problems, kMaxSeedFileBytes);
      if (!seed) continue;
      if (!seed->is_object() || seed->value("registry", "") != sf.schema.name || !(*seed)["records"].is_array()) {
        problems.push_back({seed_file, "", "must be an object with \"registry\": \"" + sf.schema.name +
                                               "\" and an array \"records\""});
        continue;
      }
      std::set<std::string> keys;
      const json& records = (*seed)["records"];
      for (std::size_t i = 0; i < records.size(); ++i) {
        const json& rec = records[i];
        std::string key = rec.is_object() && rec.contains("key") && rec["key"].is_string() ? rec["key"].get<std::string>() : "";
        if (!catalog::valid_slug(key)) problems.push_back({seed_file, at(at("/records", i), "key"), catalog::kSlugRule});
        else if (!keys.insert(key).second) problems.push_back({seed_file, at(at("/records", i), "key"), "duplicate key"});
        sf.seed.push_back(rec);
      }
    }
    if (out) out->push_back(std::move(sf));
  }
  return problems;
}

const char* to_string(Subject s) {
  switch (s) {
    case Subject::citizen: return "citizen";
    case Subject::organisation: return "organisation";
    case Subject::both: return "both";
    case Subject::none: return "none";
  }
  return "none";
}

bool parse_subject(const std::string& s, Subject& out) {
  if (s == "citizen") out = Subject::citizen;
  else if (s == "organisation") out = Subject::organisation;
  else if (s == "both") out = Subject::both;
  else if (s == "none") out = Subject::none;
  else return false;
  return true;
}

const char* to_string(RecordStatus s) {
  switch (s) {
    case RecordStatus::active: return "active";
    case RecordStatus::suspended: return "suspended";
    case RecordStatus::revoked: return "revoked";
  }
  return "active";
}

bool parse_status(const std::string& s, RecordStatus& out) {
  if (s == "active") out = RecordStatus::active;
  else if (s == "suspended") out = RecordStatus::suspended;
  else if (s == "revoked") out = RecordStatus::revoked;
  else return false;
  return true;
}

std::string shown_status(const Record& r, const std::string& today) {
  if (r.status == RecordStatus::active && !r.valid_until.empty() && r.valid_until < today) return "expired";
  return to_string(r.status);
}

const SchemaField* Schema::field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.field.name == name) return &f;
  return nullptr;
}

std::vector<catalog::FormField> Schema::form() const {
  std::vector<catalog::FormField> out;
  out.reserve(fields.size());
  for (const auto& f : fields) out.push_back(f.field);
  return out;
}

}  // namespace darwaza::registries
