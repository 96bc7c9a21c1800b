// Handlers for public transparency: IT-sector indicators and foreign-engagement follow-through.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult list_indicators(App& app, http::Request& req);
http::HandlerResult get_indicator(App& app, http::Request& req);
http::HandlerResult indicator_yoy(App& app, http::Request& req);
http::HandlerResult indicator_fytd(App& app, http::Request& req);
http::HandlerResult live_indicators(App& app, http::Request& req);

http::HandlerResult list_engagements(App& app, http::Request& req);
http::HandlerResult engagement_summary(App& app, http::Request& req);
http::HandlerResult get_engagement(App& app, http::Request& req);
http::HandlerResult create_engagement(App& app, http::Request& req);
http::HandlerResult update_engagement(App& app, http::Request& req);
http::HandlerResult add_commitment(App& app, http::Request& req);
http::HandlerResult change_commitment_stage(App& app, http::Request& req);

}  // namespace darwaza::api::handlers
