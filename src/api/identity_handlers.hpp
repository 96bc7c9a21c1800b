// Handlers for sign-up, login, logout, the profile, OAuth client credentials, agencies,
// staff, API clients and organisations: parse → call identity → render.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult signup(App& app, http::Request& req);
http::HandlerResult login(App& app, http::Request& req);
http::HandlerResult web_login(App& app, http::Request& req);    // cookie + CSRF token (browsers)
http::HandlerResult web_session(App& app, http::Request& req);  // who is signed in, and the CSRF token
http::HandlerResult logout(App& app, http::Request& req);
http::HandlerResult get_me(App& app, http::Request& req);
http::HandlerResult patch_me(App& app, http::Request& req);
http::HandlerResult oauth_token(App& app, http::Request& req);

http::HandlerResult list_agencies(App& app, http::Request& req);
http::HandlerResult get_agency(App& app, http::Request& req);
http::HandlerResult list_staff(App& app, http::Request& req);
http::HandlerResult add_staff(App& app, http::Request& req);
http::HandlerResult remove_staff(App& app, http::Request& req);
http::HandlerResult list_clients(App& app, http::Request& req);
http::HandlerResult create_client(App& app, http::Request& req);
http::HandlerResult revoke_client(App& app, http::Request& req);
http::HandlerResult grant_role(App& app, http::Request& req);
http::HandlerResult revoke_role(App& app, http::Request& req);

http::HandlerResult create_organisation(App& app, http::Request& req);
http::HandlerResult my_organisations(App& app, http::Request& req);
http::HandlerResult get_organisation(App& app, http::Request& req);
http::HandlerResult list_members(App& app, http::Request& req);
http::HandlerResult add_member(App& app, http::Request& req);
http::HandlerResult remove_member(App& app, http::Request& req);

http::HandlerResult healthz(App& app, http::Request& req);
http::HandlerResult readyz(App& app, http::Request& req);
http::HandlerResult metrics(App& app, http::Request& req);
http::HandlerResult openapi(App& app, http::Request& req);

}  // namespace darwaza::api::handlers
