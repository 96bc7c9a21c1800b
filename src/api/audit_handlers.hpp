// Handlers for the audit log: parse → call audit::Audit → render.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult my_data_access(App& app, http::Request& req);
http::HandlerResult query_audit(App& app, http::Request& req);
http::HandlerResult export_audit(App& app, http::Request& req);

}  // namespace darwaza::api::handlers
