// Handlers for consents, legal bases and the data exchange: parse → call consent:: → render.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult grant_consent(App& app, http::Request& req);
http::HandlerResult my_consents(App& app, http::Request& req);
http::HandlerResult revoke_consent(App& app, http::Request& req);
http::HandlerResult list_legal_bases(App& app, http::Request& req);
http::HandlerResult exchange_query(App& app, http::Request& req);

// The "exchange" member of an application as its handling agency's staff see it.
nlohmann::json applicant_checks_json(const std::vector<consent::ApplicantCheck>& checks);

}  // namespace darwaza::api::handlers
