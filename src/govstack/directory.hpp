// What each agency offers through the Information Mediator: per agency (member), a "registries"
// application serving its registries through the Digital Registries Data API and a
// "registration" application serving its catalog services through the Registration API, each
// registry or service one service code. Read by the directory services (listMethods,
// allowedMethods, getOpenAPI).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "govstack/govstack.hpp"

namespace darwaza::govstack {

constexpr const char* kRegistriesApplication = "registries";
constexpr const char* kRegistrationApplication = "registration";

struct Endpoint {
  std::string method;         // "GET", "POST"
  std::string path;           // as the adapter serves it
  std::string operation_id;   // the operation's name in its specification
  http::AccessMask access;    // the route's; agency-scoped kinds are the providing agency's
  nlohmann::json request_body;  // an OpenAPI requestBody object; null when the call has none
};

struct ProvidedService {
  std::string code;     // registry name or service id
  std::string version;  // "1.0"
  std::string title;
  std::string agency;
  std::vector<Endpoint> endpoints;
  nlohmann::json schema;  // the data it takes and gives, as JSON Schema
};

// The services an agency's application provides; an error when the agency is unknown or the
// application is not one of the two above (or an API client, which provides none: empty).
Result<std::vector<ProvidedService>> provided_services(Context& ctx, const std::string& agency,
                                                       const std::string& application);
// May this caller invoke this endpoint of a service of `agency`? (The route's access, with the
// providing agency as the agency.)
bool may_invoke(const Principal& who, const std::string& agency, const Endpoint& e);

}  // namespace darwaza::govstack
