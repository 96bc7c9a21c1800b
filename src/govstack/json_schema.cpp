#include "govstack/json_schema.hpp"

namespace darwaza::govstack {

using catalog::FieldType;
using nlohmann::json;

json json_schema(const catalog::FormField& f) {
  json j = json::object();
  switch (f.type) {
    case FieldType::integer: j["type"] = "integer"; break;
    case FieldType::decimal: j["type"] = "number"; break;
    case FieldType::boolean: j["type"] = "boolean"; break;
    case FieldType::money:
      j["type"] = "object";
      j["properties"] = {{"amount", {{"type", "string"}}}, {"currency", {{"type", "string"}, {"enum", {f.currency}}}}};
      break;
    case FieldType::ip_list:
    case FieldType::list: j["type"] = "array"; j["items"] = {{"type", "string"}}; break;
    case FieldType::date: j["type"] = "string"; j["format"] = "date"; break;
    case FieldType::email: j["type"] = "string"; j["format"] = "email"; break;
    default: j["type"] = "string"; break;
  }
  j["title"] = f.label.en;
  j["x-darwaza-type"] = catalog::to_string(f.type);
  if (!f.help.en.empty()) j["description"] = f.help.en;
  if (f.pattern) j["pattern"] = *f.pattern;
  const bool text = j["type"] == "string";
  auto number = [&](double v) { return j["type"] == "number" ? json(v) : json(static_cast<std::int64_t>(v)); };
  if (f.min) j[text ? "minLength" : "minimum"] = number(*f.min);
  if (f.max) j[text ? "maxLength" : "maximum"] = number(*f.max);
  if (f.min_items) j["minItems"] = *f.min_items;
  if (f.max_items) j["maxItems"] = *f.max_items;
  if (!f.options.empty()) {
    json values = json::array();
    for (const auto& o : f.options) values.push_back(o.value);
    j["enum"] = std::move(values);
  }
  if (!f.registry.empty()) j["x-darwaza-registry"] = f.registry;
  return j;
}

json json_schema(const std::vector<catalog::FormField>& fields) {
  json props = json::object(), required = json::array();
  for (const auto& f : fields) {
    props[f.name] = json_schema(f);
    if (f.required) required.push_back(f.name);
  }
  return {{"type", "object"}, {"properties", std::move(props)}, {"required", std::move(required)}};
}

}  // namespace darwaza::govstack
