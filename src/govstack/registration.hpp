// What the Registration adapter's handler files share: the specification's status model of an
// application file, its paging parameters, services by id and its error body.
#pragma once

#include <nlohmann/json.hpp>

#include "applications/types.hpp"
#include "govstack/govstack.hpp"
#include "http/request.hpp"

namespace darwaza::govstack::handlers::registration {

// {"code": PENDING | SENDBACK | APPROVED | REJECTED, "title": the state's English label}.
nlohmann::json status_json(Context& ctx, const applications::Application& a);
// The integer query parameter `name`, `fallback` when absent; 400 invalid-parameter when it is
// not a number from min to max.
Result<int> int_param(const http::Request& req, const char* name, int fallback, int min, int max);
// The catalog service's current version; 404 when there is none.
Result<catalog::DefinitionPtr> service_named(Context& ctx, const std::string& id);
// The specification's systemError members added to a problem body: traceId (the request id),
// code (the problem type) and message (its detail).
Error with_system_error(Error e, const http::Request& req);

}  // namespace darwaza::govstack::handlers::registration
