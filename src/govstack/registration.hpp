// What the Registration adapter's handler files share: the specification's status model of an
// application file and its paging parameters.
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

}  // namespace darwaza::govstack::handlers::registration
