// Handlers for a person's notification inbox: parse → call notifications:: → render.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult my_notifications(App& app, http::Request& req);
http::HandlerResult read_notification(App& app, http::Request& req);

}  // namespace darwaza::api::handlers
