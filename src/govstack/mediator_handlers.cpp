// The Information Mediator directory services (metaservices) over the agencies (members), their
// API clients and the applications each agency provides (govstack/directory.hpp).
#include <algorithm>
#include <cctype>

#include "govstack/directory.hpp"
#include "govstack/handlers.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;

json client_id(const Context& ctx, const char* type, const std::string& member, const std::string& application) {
  json id = {{"objectType", type},
             {"instanceId", ctx.options.instance},
             {"memberClass", ctx.options.member_class},
             {"memberCode", member}};
  if (!application.empty()) id["applicationCode"] = application;
  return id;
}

// The provider named by the path, when it is of this instance.
Result<std::vector<ProvidedService>> services_at(Context& ctx, const Request& req) {
  if (req.param("instanceId") != ctx.options.instance || req.param("memberClass") != ctx.options.member_class)
    return make_error(ErrorKind::invalid_request, "unknown-service-provider", "Unknown service provider",
                      "No member or application of this instance has that identifier.");
  auto services = provided_services(ctx, req.param("memberCode"), req.param("applicationCode"));
  if (!services.ok()) return services;
  if (auto wanted = req.query_param("serviceId")) {
    std::erase_if(*services, [&](const ProvidedService& s) { return s.code != *wanted; });
    if (services->empty())
      return make_error(ErrorKind::invalid_request, "unknown-service", "Unknown service",
                        "This application provides no service with that code.");
  }
  return services;
}

json service_json(const Context& ctx, const Request& req, const ProvidedService& s, const std::vector<Endpoint>& eps) {
  json list = json::array();
  for (const auto& e : eps) list.push_back({{"method", e.method}, {"path", e.path}});
  return {{"objectType", "SERVICE"},
          {"serviceType", "REST"},
          {"instanceId", ctx.options.instance},
          {"memberClass", ctx.options.member_class},
          {"memberCode", req.param("memberCode")},
          {"applicationCode", req.param("applicationCode")},
          {"serviceCode", s.code},
          {"serviceVersion", s.version},
          {"endpointList", {{"member", std::move(list)}}}};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The {name} segments of a path, as OpenAPI path parameters.
json path_parameters(const std::string& path) {
  json out = json::array();
  for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    auto close = path.find('}', open);
    if (close == std::string::npos) break;
    out.push_back({{"name", path.substr(open + 1, close - open - 1)},
                   {"in", "path"},
                   {"required", true},
                   {"schema", {{"type", "string"}}}});
  }
  return out;
}

}  // namespace

HandlerResult list_clients(Context& ctx, Request& req) {
  json members = json::array();
  auto instance = req.query_param("instanceId");
  if (instance && *instance != ctx.options.instance) return http::Reply::json(200, {{"member", members}});
  auto agencies = ctx.app.agencies.list();
  if (!agencies.ok()) return agencies.take_error();
  for (const auto& a : *agencies) {
    members.push_back({{"name", a.name_en}, {"id", client_id(ctx, "MEMBER", a.id, "")}});
    for (const char* app : {kRegistriesApplication, kRegistrationApplication}) {
      auto provided = provided_services(ctx, a.id, app);
      if (provided.ok() && !provided->empty())
        members.push_back({{"name", a.name_en + " " + app}, {"id", client_id(ctx, "APPLICATION", a.id, app)}});
    }
    auto clients = ctx.app.agencies.clients(a.id);
    if (!clients.ok()) return clients.take_error();
    for (const auto& c : *clients)
      if (!c.revoked_at) members.push_back({{"name", c.name}, {"id", client_id(ctx, "APPLICATION", a.id, c.client_id)}});
  }
  return http::Reply::json(200, {{"member", std::move(members)}});
}

HandlerResult list_methods(Context& ctx, Request& req) {
  auto services = services_at(ctx, req);
  if (!services.ok()) return services.take_error();
  json out = json::array();
  for (const auto& s : *services) out.push_back(service_json(ctx, req, s, s.endpoints));
  return http::Reply::json(200, {{"member", std::move(out)}});
}

HandlerResult allowed_methods(Context& ctx, Request& req) {
  auto services = services_at(ctx, req);
  if (!services.ok()) return services.take_error();
  json out = json::array();
  for (const auto& s : *services) {
    std::vector<Endpoint> allowed;
    for (const auto& e : s.endpoints)
      if (may_invoke(req.principal, s.agency, e)) allowed.push_back(e);
    if (!allowed.empty()) out.push_back(service_json(ctx, req, s, allowed));
  }
  return http::Reply::json(200, {{"member", std::move(out)}});
}

HandlerResult get_openapi(Context& ctx, Request& req) {
  auto code = req.query_param("serviceCode");
  if (!code || code->empty())
    return make_error(ErrorKind::invalid_request, "service-code-required", "Service code required",
                      "Name the service with ?serviceCode=.");
  req.query["serviceId"] = *code;
  auto services = services_at(ctx, req);
  if (!services.ok()) return services.take_error();
  const ProvidedService& s = services->front();
  json paths = json::object();
  for (const auto& e : s.endpoints) {
    json op = {{"operationId", e.operation_id}, {"responses", {{"200", {{"description", "OK"}}}}}};
    json params = path_parameters(e.path);
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!e.request_body.is_null()) op["requestBody"] = e.request_body;
    paths[e.path][lower(e.method)] = std::move(op);
  }
  return http::Reply::json(200, {{"openapi", "3.0.0"},
                                 {"info", {{"title", s.title}, {"version", s.version}}},
                                 {"paths", std::move(paths)},
                                 {"components", {{"schemas", {{s.code, s.schema}}}}}});
}

}  // namespace darwaza::govstack::handlers
