// libFuzzer target: a JSON request body read by JsonInput (and by string_array_member, which must
// agree with the JSON library's tree) and an application's data checked by validate_form against the
// shipped services' forms (every field type is among them).
#include <filesystem>

#include "api/json_input.hpp"
#include "applications/form_validation.hpp"
#include "catalog/definition.hpp"

namespace {

std::vector<darwaza::catalog::ServiceDefinition> load_forms() {
  std::vector<darwaza::catalog::ServiceDefinition> defs;
  darwaza::catalog::check_directory(DARWAZA_SOURCE_DIR "/data/services", &defs);
  std::vector<darwaza::catalog::ServiceDefinition> fixtures;
  darwaza::catalog::check_directory(DARWAZA_SOURCE_DIR "/tests/fixtures/services", &fixtures);
  defs.insert(defs.end(), fixtures.begin(), fixtures.end());
  if (defs.empty()) std::abort();
  return defs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto defs = load_forms();
  if (size == 0) return 0;
  // First byte: which service's form and which mode; the rest is the body.
  const auto& def = defs[data[0] % defs.size()];
  auto mode = data[0] & 0x80 ? darwaza::applications::FormMode::submit : darwaza::applications::FormMode::draft;
  darwaza::http::Request req;
  req.raw.body().assign(reinterpret_cast<const char*>(data + 1), size - 1);
  // Whatever body the simdjson reader takes, the JSON library's tree reads the same way.
  if (auto plain = darwaza::api::string_array_member(req.raw.body(), "addresses")) {
    auto j = nlohmann::json::parse(req.raw.body(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.size() != 1 || !j["addresses"].is_array() ||
        j["addresses"].size() != plain->size())
      std::abort();
    for (std::size_t i = 0; i < plain->size(); ++i)
      if (!j["addresses"][i].is_string() || j["addresses"][i].get_ref<const std::string&>() != (*plain)[i]) std::abort();
  }
  req.raw.set(darwaza::http::bhttp::field::content_type, "application/json");
  auto in = darwaza::api::JsonInput::from(req, {"service_id", "data", "draft", "on_behalf_of"});
  if (!in.ok()) return 0;
  (void)in->str("service_id");
  (void)in->boolean("draft");
  auto form_data = in->object("data");
  (void)in->finish();
  if (!form_data) return 0;
  for (const char* lang : {"en", "ur"}) {
    auto r = darwaza::applications::validate_form(def.form, *form_data, lang, mode);
    if (r.ok()) (void)r->dump();
  }
  return 0;
}
