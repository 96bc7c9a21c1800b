#include "registries/service_links.hpp"

#include <algorithm>

namespace darwaza::registries {
namespace {

constexpr const char* kHowToLoad = "(registries are loaded from --registry-dir or by `darwaza registry load`)";

bool is_form_source(const std::string& source) { return source.rfind("form.", 0) == 0; }

}  // namespace

std::vector<std::string> registries_named(const catalog::ServiceDefinition& d) {
  std::vector<std::string> names;
  if (d.registry) names.push_back(d.registry->registry);
  for (const auto& f : d.form)
    if (f.type == catalog::FieldType::registry_ref && std::find(names.begin(), names.end(), f.registry) == names.end())
      names.push_back(f.registry);
  return names;
}

std::vector<catalog::DefinitionProblem> check_service_links(const catalog::ServiceDefinition& d, const std::string& file,
                                                            const SchemaLookup& schema_of, MissingRegistry missing) {
  std::vector<catalog::DefinitionProblem> out;
  auto problem = [&](std::string path, std::string message) { out.push_back({file, std::move(path), std::move(message)}); };
  auto absent = [&](std::string path, const std::string& name) {
    if (missing == MissingRegistry::problem) problem(std::move(path), "no registry \"" + name + "\" " + kHowToLoad);
  };
  for (std::size_t i = 0; i < d.form.size(); ++i) {
    const catalog::FormField& f = d.form[i];
    if (f.type == catalog::FieldType::registry_ref && !schema_of(f.registry))
      absent("/form/" + std::to_string(i) + "/registry", f.registry);
  }
  if (!d.registry) return out;
  const catalog::RegistryOutput& r = *d.registry;
  const Schema* s = schema_of(r.registry);
  if (!s) {
    absent("/registry/registry", r.registry);
    return out;
  }
  if (r.action != catalog::RegistryAction::create) return out;
  // Whose record an approval makes: the registry's subjects must include every kind of applicant.
  if (s->subject == Subject::organisation && d.applicant != catalog::Applicant::organisation)
    problem("/applicant", "registry \"" + r.registry + "\" holds organisations' records: the service must be for "
                          "organisations only");
  if (s->subject == Subject::citizen && d.applicant != catalog::Applicant::citizen)
    problem("/applicant", "registry \"" + r.registry + "\" holds citizens' records: the service must be for citizens "
                          "only");
  for (const auto& [field, source] : r.map) {
    if (!s->field(field)) problem("/registry/map/" + field, "registry \"" + r.registry + "\" has no field \"" + field + "\"");
  }
  // Every field the registry requires must be filled: from its mapping, or from the form field of
  // the same name, which must then be required too.
  for (const auto& sf : s->fields) {
    if (!sf.field.required) continue;
    auto m = r.map.find(sf.field.name);
    const std::string source = m != r.map.end() ? m->second : "form." + sf.field.name;
    if (!is_form_source(source)) continue;
    const catalog::FormField* f = d.field(source.substr(5));
    const std::string path = m != r.map.end() ? "/registry/map/" + sf.field.name : "/registry";
    if (!f)
      problem(path, "registry field \"" + sf.field.name + "\" is required, and the form has no field \"" +
                        source.substr(5) + "\" to fill it");
    else if (!f->required)
      problem(path, "registry field \"" + sf.field.name + "\" is required, but the form field \"" + f->name +
                        "\" that fills it is optional");
  }
  return out;
}

}  // namespace darwaza::registries
