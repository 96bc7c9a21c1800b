#include "govstack/directory.hpp"

#include "govstack/json_schema.hpp"

namespace darwaza::govstack {
namespace {

constexpr int kCatalogPage = 100;

Error unknown_provider() {
  return make_error(ErrorKind::invalid_request, "unknown-service-provider", "Unknown service provider",
                    "No member or application of this instance has that identifier.");
}

// An OpenAPI requestBody of one JSON schema.
nlohmann::json json_body(nlohmann::json schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

nlohmann::json schema_ref(const std::string& code) { return {{"$ref", "#/components/schemas/" + code}}; }

// The request body of a Data API operation on registry `code` (whose records are the schema `code`).
nlohmann::json data_body(DataBody body, const std::string& code) {
  using nlohmann::json;
  const json content = {{"type", "object"}, {"required", json::array({"content"})}, {"properties", {{"content", schema_ref(code)}}}};
  switch (body) {
    case DataBody::none: return nullptr;
    case DataBody::query:
      return json_body({{"type", "object"}, {"required", json::array({"query"})}, {"properties", {{"query", content}}}});
    case DataBody::write:
      return json_body({{"type", "object"}, {"required", json::array({"write"})}, {"properties", {{"write", content}}}});
    case DataBody::query_and_write:
      return json_body({{"type", "object"},
                        {"required", json::array({"write"})},
                        {"properties", {{"query", content}, {"write", content}}}});
  }
  return nullptr;
}

ProvidedService registry_service(const registries::Schema& s) {
  const std::string base = "/data/" + s.name + "/" + std::to_string(s.version) + ".0";
  std::vector<Endpoint> endpoints;
  for (const auto& op : data_operations())
    endpoints.push_back({std::string(http::bhttp::to_string(op.method)), base + op.path, op.name, op.access,
                         data_body(op.body, s.name)});
  return {s.name, std::to_string(s.version) + ".0", s.title.en, s.agency, endpoints, json_schema(s.form())};
}

// The request body of a Registration operation on service `code` (whose form is the schema `code`).
nlohmann::json registration_body(RegistrationBody body, const std::string& code) {
  using nlohmann::json;
  const json text = {{"type", "string"}};
  switch (body) {
    case RegistrationBody::none: return nullptr;
    case RegistrationBody::application_file:
      return json_body({{"type", "object"},
                        {"required", json::array({"applicantId", "formData"})},
                        {"properties",
                         {{"applicantId", text},
                          {"applicationName", text},
                          {"created", {{"type", "string"}, {"format", "date-time"}}},
                          {"formData",
                           {{"type", "object"},
                            {"required", json::array({"data"})},
                            {"properties", {{"data", schema_ref(code)}, {"eFormId", {{"type", "string"}, {"enum", json::array({code})}}}}}}},
                          {"documentUrls", {{"type", "array"}, {"items", text}}}}}});
    case RegistrationBody::task_completion:
      return json_body({{"type", "object"},
                        {"required", json::array({"data"})},
                        {"additionalProperties", false},
                        {"properties",
                         {{"data",
                           {{"type", "object"},
                            {"required", json::array({"transition"})},
                            {"additionalProperties", false},
                            {"properties", {{"transition", text}, {"comment", text}}}}}}}});
    case RegistrationBody::document:
      return {{"required", true},
              {"content",
               {{"multipart/form-data",
                 {{"schema",
                   {{"type", "object"},
                    {"required", json::array({"file"})},
                    {"properties", {{"file", {{"type", "string"}, {"format", "binary"}}}}}}}}}}}};
  }
  return nullptr;
}

// Every Registration operation, as one catalog service's endpoints (its id in the path).
ProvidedService catalog_service(const catalog::ServiceDefinition& d) {
  std::vector<Endpoint> endpoints;
  for (const auto& op : registration_operations()) {
    std::string path = op.route;
    for (const std::string param : {"{serviceId}", "{eFormId}"})
      if (auto at = path.find(param); at != std::string::npos) path.replace(at, param.size(), d.id);
    endpoints.push_back({std::string(http::bhttp::to_string(op.method)), path, op.name, op.access,
                         registration_body(op.body, d.id)});
  }
  return {d.id, std::to_string(d.version) + ".0", d.title.en, d.agency, endpoints, json_schema(d.form)};
}

}  // namespace

bool may_invoke(const Principal& who, const std::string& agency, const Endpoint& e) {
  return http::admits(e.access, who, agency);
}

Result<std::vector<ProvidedService>> provided_services(Context& ctx, const std::string& agency,
                                                       const std::string& application) {
  if (!ctx.app.agencies.get(agency).ok()) return unknown_provider();
  std::vector<ProvidedService> out;
  if (application == kRegistriesApplication) {
    for (const auto& s : ctx.app.registries.list())
      if (s->agency == agency) out.push_back(registry_service(*s));
    return out;
  }
  if (application == kRegistrationApplication) {
    for (int page = 1;; ++page) {
      auto p = ctx.app.catalog.search("", agency, "", page, kCatalogPage, "en");
      if (!p.ok()) return p.take_error();
      for (const auto& summary : p->items) {
        auto d = ctx.app.catalog.current(summary.id);
        if (d.ok()) out.push_back(catalog_service(**d));
      }
      if (static_cast<std::int64_t>(page) * kCatalogPage >= p->total) break;
    }
    return out;
  }
  auto clients = ctx.app.agencies.clients(agency);
  if (!clients.ok()) return clients.take_error();
  for (const auto& c : *clients)
    if (c.client_id == application && !c.revoked_at) return out;  // a consumer: provides nothing
  return unknown_provider();
}

}  // namespace darwaza::govstack
