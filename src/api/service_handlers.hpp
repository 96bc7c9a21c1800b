// Handlers for the catalog, applications and certificates: parse → call the domain → render.
#pragma once

#include "api/app.hpp"

namespace darwaza::api::handlers {

http::HandlerResult list_services(App& app, http::Request& req);
http::HandlerResult get_service(App& app, http::Request& req);
http::HandlerResult list_categories(App& app, http::Request& req);

void submit_application(App& app, http::Request& req, http::Responder respond);
http::HandlerResult my_applications(App& app, http::Request& req);
void get_application(App& app, http::Request& req, http::Responder respond);
http::HandlerResult update_draft(App& app, http::Request& req);
http::HandlerResult submit_draft(App& app, http::Request& req);
http::HandlerResult transition_application(App& app, http::Request& req);
http::HandlerResult claim_application(App& app, http::Request& req);
http::HandlerResult record_payment(App& app, http::Request& req);
http::HandlerResult agency_queue(App& app, http::Request& req);

http::HandlerResult upload_document(App& app, http::Request& req);
http::HandlerResult download_document(App& app, http::Request& req);

http::HandlerResult verify_certificate(App& app, http::Request& req);
http::HandlerResult get_certificate(App& app, http::Request& req);
http::HandlerResult certificate_qr(App& app, http::Request& req);
http::HandlerResult my_certificates(App& app, http::Request& req);
http::HandlerResult signing_key(App& app, http::Request& req);

}  // namespace darwaza::api::handlers
