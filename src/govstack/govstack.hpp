// GovStack-compatible APIs: thin adapters over Darwaza's own domains (registries, catalog and
// applications, agencies and their API clients, consent), each served on its own listener at the
// root path its specification writes (docs/govstack.md). No data of their own: a record created
// here is the portal's record, written and audited by the same domain functions.
#pragma once

#include <string>
#include <vector>

#include "api/app.hpp"
#include "http/router.hpp"

namespace darwaza::govstack {

// The GovStack (X-Road) identity of this platform's members: INSTANCE/CLASS/MEMBER/SUBSYSTEM,
// where MEMBER is a Darwaza agency id and SUBSYSTEM one of its API clients (docs/govstack.md).
struct Options {
  std::string instance = "eGovStack";
  std::string member_class = "GOV";
};

// What handlers get: the application and the GovStack identity options.
struct Context {
  api::App& app;
  Options options;
};

// What a Data API operation's request body is (the directory's OpenAPI describes it): the
// specification's {"query": {"content": ...}} and {"write": {"content": ...}} envelopes, the
// content a record of the registry.
enum class DataBody { none, query, write, query_and_write };

// One operation of the Digital Registries Data API. THE list of them (routes.cpp): the route
// table serves each, the Database API lists them as each database's generic services and the
// directory as each registry's endpoints.
struct DataOperation {
  const char* name;          // "data-list", as the Database API's generic_services name it
  http::bhttp::verb method;
  const char* route;         // router pattern after /data/{registryname}/{versionnumber}
  const char* path;          // the same as the directory shows it (the one format served)
  http::AccessMask access;   // as in src/api/routes.cpp; writes are the owning agency's (domain checks)
  http::HandlerResult (*handler)(Context&, http::Request&);
  http::RouteOptions options;
  DataBody body;
};
const std::vector<DataOperation>& data_operations();

// What a Registration operation's request body is (the directory's OpenAPI describes it).
enum class RegistrationBody {
  none,
  application_file,  // the specification's applicationFileSubmit, formData.data the service's form
  task_completion,   // additionalData naming a workflow transition
  document,          // multipart/form-data, one part "file"
};

// One operation of the Registration API. THE list of them (routes.cpp): the route table serves
// each, and the directory lists each as an endpoint of every catalog service, with {serviceId}
// and {eFormId} written as that service's id.
struct RegistrationOperation {
  const char* name;   // the specification's operationId (getEForm and submitApplicationFile: it has none)
  http::bhttp::verb method;
  const char* route;  // router pattern, the path as the specification writes it
  http::AccessMask access;
  http::HandlerResult (*handler)(Context&, http::Request&);
  http::RouteOptions options;
  RegistrationBody body;
};
const std::vector<RegistrationOperation>& registration_operations();

enum class Adapter { registries, registration, mediator, consent };
const char* to_string(Adapter a);

// THE GovStack route tables, one per listener (routes.cpp).
void register_routes(Adapter adapter, http::Router& router, Context& ctx);

}  // namespace darwaza::govstack
