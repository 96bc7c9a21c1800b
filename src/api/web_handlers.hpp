// The web pages: the HTML shell at / and the static assets under /assets/ (web/ in the source
// tree, passed as serve --web-dir). The pages call the JSON API themselves.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult web_index(App& app, http::Request& req);
http::HandlerResult web_asset(App& app, http::Request& req);         // /assets/{file}
http::HandlerResult web_nested_asset(App& app, http::Request& req);  // /assets/{dir}/{file}

}  // namespace darwaza::api::handlers
