// The GovStack adapters' handlers: parse the specification's request, call Darwaza's domain,
// render the specification's response. One file per adapter.
#pragma once

#include "govstack/govstack.hpp"
#include "http/request.hpp"

namespace darwaza::govstack::handlers {

using http::HandlerResult;
using http::Request;

// Digital Registries: Data API (registries_handlers.cpp).
HandlerResult data_list(Context& ctx, Request& req);
HandlerResult data_create(Context& ctx, Request& req);
HandlerResult data_exists(Context& ctx, Request& req);
HandlerResult data_read(Context& ctx, Request& req);
HandlerResult data_read_value(Context& ctx, Request& req);
HandlerResult data_update(Context& ctx, Request& req);
HandlerResult data_update_entries(Context& ctx, Request& req);
HandlerResult data_update_or_create(Context& ctx, Request& req);
HandlerResult data_delete(Context& ctx, Request& req);
HandlerResult my_personal_data_usage(Context& ctx, Request& req);
// Digital Registries: Database API.
HandlerResult databases(Context& ctx, Request& req);
HandlerResult database(Context& ctx, Request& req);

// Information Mediator directory services (mediator_handlers.cpp).
HandlerResult list_clients(Context& ctx, Request& req);
HandlerResult list_methods(Context& ctx, Request& req);
HandlerResult allowed_methods(Context& ctx, Request& req);
HandlerResult get_openapi(Context& ctx, Request& req);

// Registration BB (registration_handlers.cpp).
HandlerResult list_services(Context& ctx, Request& req);
HandlerResult get_service(Context& ctx, Request& req);
HandlerResult service_eforms(Context& ctx, Request& req);
HandlerResult get_eform(Context& ctx, Request& req);
// Registration BB application files: the applicant's own (registration_files.cpp).
HandlerResult list_applications(Context& ctx, Request& req);
HandlerResult get_application(Context& ctx, Request& req);
HandlerResult submit_application(Context& ctx, Request& req);
HandlerResult update_application(Context& ctx, Request& req);
HandlerResult upload_document(Context& ctx, Request& req);
HandlerResult statistics(Context& ctx, Request& req);
// Registration BB tasks: the officers' work (registration_tasks.cpp).
HandlerResult list_tasks(Context& ctx, Request& req);
HandlerResult get_task(Context& ctx, Request& req);
HandlerResult complete_task(Context& ctx, Request& req);

// Consent BB: policies and data agreements (consent_handlers.cpp).
HandlerResult read_policy(Context& ctx, Request& req);
HandlerResult list_policies(Context& ctx, Request& req);
HandlerResult read_data_agreement(Context& ctx, Request& req);
HandlerResult list_data_agreements(Context& ctx, Request& req);

}  // namespace darwaza::govstack::handlers
