// GovStack-compatible APIs: thin adapters over Darwaza's own domains (registries, catalog and
// applications, agencies and their API clients, consent), each served on its own listener at the
// root path its specification writes (docs/govstack.md). No data of their own: a record created
// here is the portal's record, written and audited by the same domain functions.
#pragma once

#include <string>

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

enum class Adapter { registries, registration, mediator, consent };
const char* to_string(Adapter a);

// THE GovStack route tables, one per listener (routes.cpp).
void register_routes(Adapter adapter, http::Router& router, Context& ctx);

}  // namespace darwaza::govstack
