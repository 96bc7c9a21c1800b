// Handlers for the digital registries: parse → call registries::Registries → render.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult list_registries(App& app, http::Request& req);
http::HandlerResult get_registry(App& app, http::Request& req);
http::HandlerResult search_records(App& app, http::Request& req);
http::HandlerResult get_record(App& app, http::Request& req);
http::HandlerResult update_record(App& app, http::Request& req);
http::HandlerResult change_record_status(App& app, http::Request& req);
http::HandlerResult my_records(App& app, http::Request& req);
http::HandlerResult lookup_address(App& app, http::Request& req);
http::HandlerResult lookup_addresses(App& app, http::Request& req);

}  // namespace darwaza::api::handlers
