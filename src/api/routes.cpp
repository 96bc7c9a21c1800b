// THE route table: every route Darwaza serves, who may call it, and its handler.
// Access: see http/router.hpp. A route without a declared access policy is refused at start-up.
#include "api/app.hpp"
#include "api/identity_handlers.hpp"
#include "api/notification_handlers.hpp"
#include "api/audit_handlers.hpp"
#include "api/consent_handlers.hpp"
#include "api/registry_handlers.hpp"
#include "api/service_handlers.hpp"
#include "api/transparency_handlers.hpp"
#include "api/web_handlers.hpp"

namespace darwaza::api {

// A look-up batch: 10,000 addresses of at most 49 characters, quoted and separated.
constexpr std::size_t kMaxLookupBodyBytes = 1024 * 1024;

void register_routes(http::Router& r, App& app) {
  using namespace http;
  using V = bhttp::verb;
  auto h = [&app](HandlerResult (*fn)(App&, Request&)) { return [&app, fn](Request& req) { return fn(app, req); }; };
  auto async = [&app](void (*fn)(App&, Request&, Responder)) {
    return [&app, fn](Request& req, Responder respond) { fn(app, req, std::move(respond)); };
  };
  // Inline: answered on the I/O thread. Only for handlers that never wait: health and metrics,
  // and short indexed reads (SQLite readers in WAL mode do not wait for the writer); the hop to
  // the handler pool costs more than such a read.
  const RouteOptions fast{Dispatch::inline_, false, 0};
  // The same for the person's own record, read with the session (one read transaction).
  const RouteOptions fast_self{Dispatch::inline_, false, 0, true};
  const RouteOptions expensive = kExpensiveRoute;
  const RouteOptions expensive_read = kCostlyReadRoute;
  // Also served by read-only nodes on a replica (RouteOptions::replica): public reads that write
  // nothing, not even an audit entry (a read-only node's callers are all anonymous).
  auto replica = [](RouteOptions o) {
    o.replica = true;
    return o;
  };
  const RouteOptions public_read = replica({});

  // Operations
  r.add(V::get, "/healthz", kPublic, h(handlers::healthz), replica(fast));
  r.add(V::get, "/readyz", kPublic, h(handlers::readyz), public_read);
  r.add(V::get, "/metrics", kPublic, h(handlers::metrics), replica(fast));
  r.add(V::get, "/openapi.yaml", kPublic, h(handlers::openapi), replica(fast));

  // The web pages (serve --web-dir): the HTML shell and its static assets, from memory.
  r.add(V::get, "/", kPublic, h(handlers::web_index), replica(fast));
  r.add(V::get, "/assets/{file}", kPublic, h(handlers::web_asset), replica(fast));
  r.add(V::get, "/assets/{dir}/{file}", kPublic, h(handlers::web_nested_asset), replica(fast));

  // Accounts and sessions (browsers use web-login: an HttpOnly cookie and a CSRF token)
  r.add(V::post, "/v1/auth/signup", kPublic, h(handlers::signup), expensive);
  r.add(V::post, "/v1/auth/login", kPublic, h(handlers::login), expensive);
  r.add(V::post, "/v1/auth/web-login", kPublic, h(handlers::web_login), expensive);
  r.add(V::get, "/v1/auth/session", kCitizen, h(handlers::web_session), fast_self);
  r.add(V::post, "/v1/auth/logout", kCitizen, h(handlers::logout));
  r.add(V::get, "/v1/me", kCitizen, h(handlers::get_me), fast_self);
  r.add(V::patch, "/v1/me", kCitizen, h(handlers::patch_me));
  r.add(V::post, "/v1/oauth/token", kPublic, h(handlers::oauth_token), expensive);

  // Agencies, their staff and API clients
  r.add(V::get, "/v1/agencies", kPublic, h(handlers::list_agencies), public_read);
  r.add(V::get, "/v1/agencies/{agency}", kPublic, h(handlers::get_agency), public_read);
  r.add(V::get, "/v1/agencies/{agency}/staff", kAgencyOfficer | kPlatformAdmin | kAuditor, h(handlers::list_staff));
  r.add(V::post, "/v1/agencies/{agency}/staff", kAgencyAdmin | kPlatformAdmin, h(handlers::add_staff));
  r.add(V::delete_, "/v1/agencies/{agency}/staff/{user}", kAgencyAdmin | kPlatformAdmin, h(handlers::remove_staff));
  r.add(V::get, "/v1/agencies/{agency}/clients", kAgencyAdmin | kPlatformAdmin | kAuditor, h(handlers::list_clients));
  r.add(V::post, "/v1/agencies/{agency}/clients", kAgencyAdmin | kPlatformAdmin, h(handlers::create_client));
  r.add(V::delete_, "/v1/agencies/{agency}/clients/{client}", kAgencyAdmin | kPlatformAdmin,
        h(handlers::revoke_client));

  // Platform administration
  r.add(V::post, "/v1/admin/roles", kPlatformAdmin, h(handlers::grant_role));
  r.add(V::delete_, "/v1/admin/users/{user}/roles/{role}", kPlatformAdmin, h(handlers::revoke_role));

  // Organisations (firms)
  r.add(V::post, "/v1/organisations", kCitizen, h(handlers::create_organisation));
  r.add(V::get, "/v1/organisations", kCitizen, h(handlers::my_organisations));
  r.add(V::get, "/v1/organisations/{org}", kCitizen, h(handlers::get_organisation));
  r.add(V::get, "/v1/organisations/{org}/members", kCitizen, h(handlers::list_members));
  r.add(V::post, "/v1/organisations/{org}/members", kCitizen, h(handlers::add_member));
  r.add(V::delete_, "/v1/organisations/{org}/members/{user}", kCitizen, h(handlers::remove_member));

  // Catalog. Searching and browsing with the in-memory index never wait on the database (the
  // index follows other writers from a background refresh, and the caller's session is not looked
  // up: the answer is the same for everyone): answered on the I/O thread.
  RouteOptions browse = app.catalog.engine() == catalog::SearchEngine::memory ? fast : expensive_read;
  browse.caller_unused = true;
  r.add(V::get, "/v1/services", kPublic, h(handlers::list_services), replica(browse));
  r.add(V::get, "/v1/services/{id}", kPublic, h(handlers::get_service), public_read);
  r.add(V::get, "/v1/categories", kPublic, h(handlers::list_categories), replica(browse));

  // Applications: the domain checks who relates to each application (applicant, organisation
  // member, officer of the owning agency); the route admits the roles that can relate at all.
  // Asynchronous: checked on the I/O thread, answered there once the writer has made it durable.
  r.add_async(V::post, "/v1/applications", kCitizen, async(handlers::submit_application));
  r.add(V::get, "/v1/applications", kCitizen, h(handlers::my_applications));
  r.add_async(V::get, "/v1/applications/{id}", kCitizen, async(handlers::get_application));
  r.add(V::patch, "/v1/applications/{id}", kCitizen, h(handlers::update_draft));
  r.add(V::post, "/v1/applications/{id}/submit", kCitizen, h(handlers::submit_draft));
  r.add(V::post, "/v1/applications/{id}/transitions", kCitizen, h(handlers::transition_application));
  r.add(V::post, "/v1/applications/{id}/claim", kAgencyOfficer, h(handlers::claim_application));
  r.add(V::post, "/v1/applications/{id}/payments", kAgencyOfficer | kApiClient, h(handlers::record_payment));
  r.add(V::get, "/v1/agencies/{agency}/queue", kAgencyOfficer, h(handlers::agency_queue));

  // Supporting documents: the only route that takes large bodies; under the per-client rate limit
  // and each person's quota.
  r.add(V::post, "/v1/documents", kCitizen, h(handlers::upload_document),
        RouteOptions{Dispatch::pool, true, documents::kMaxDocumentBytes});
  r.add(V::get, "/v1/documents/{id}", kCitizen, h(handlers::download_document));

  // Certificates
  r.add(V::get, "/v1/certificates/{id}/verify", kPublic, h(handlers::verify_certificate), public_read);
  r.add(V::get, "/v1/certificates/{id}/qr.svg", kPublic, h(handlers::certificate_qr), public_read);
  r.add(V::get, "/v1/certificates/{id}", kCitizen, h(handlers::get_certificate));
  r.add(V::get, "/v1/me/certificates", kCitizen, h(handlers::my_certificates));
  r.add(V::get, "/v1/keys/signing", kPublic, h(handlers::signing_key), public_read);

  // Digital registries: public search shows public fields only; the domain shows every field to
  // the owning agency's staff, platform admins, auditors and the record's subject, and checks
  // the owning agency for changes of fields and status, and address look-ups.
  r.add(V::get, "/v1/registries", kPublic, h(handlers::list_registries), public_read);
  r.add(V::get, "/v1/registries/{name}", kPublic, h(handlers::get_registry), public_read);
  r.add(V::get, "/v1/registries/{name}/records", kPublic, h(handlers::search_records), replica(expensive_read));
  r.add(V::get, "/v1/registries/{name}/records/{id}", kPublic, h(handlers::get_record), public_read);
  r.add(V::patch, "/v1/registries/{name}/records/{id}", kAgencyOfficer | kPlatformAdmin, h(handlers::update_record));
  r.add(V::post, "/v1/registries/{name}/records/{id}/status", kAgencyOfficer | kPlatformAdmin,
        h(handlers::change_record_status));
  r.add(V::get, "/v1/me/records", kCitizen, h(handlers::my_records));

  // The inbox: a person's own notifications of their applications' events (the domain reads
  // and marks only the caller's; someone else's id is answered as unknown).
  r.add(V::get, "/v1/me/notifications", kCitizen, h(handlers::my_notifications), fast);
  r.add(V::post, "/v1/me/notifications/{id}/read", kCitizen, h(handlers::read_notification));
  r.add(V::get, "/v1/registries/{name}/ip-lookup", kApiClient | kAgencyOfficer | kPlatformAdmin,
        h(handlers::lookup_address));
  r.add(V::post, "/v1/registries/{name}/ip-lookup", kApiClient | kAgencyOfficer | kPlatformAdmin,
        h(handlers::lookup_addresses), RouteOptions{Dispatch::pool, false, kMaxLookupBodyBytes});

  // The audit log: a citizen sees who else touched their data; auditors (and platform admins)
  // query and export the log; each query is itself recorded.
  r.add(V::get, "/v1/me/data-access", kCitizen, h(handlers::my_data_access));
  r.add(V::get, "/v1/audit/entries", kAuditor | kPlatformAdmin, h(handlers::query_audit));
  r.add(V::get, "/v1/audit/export", kAuditor | kPlatformAdmin, h(handlers::export_audit));

  // Consent and data exchange: citizens (and organisations' owners) give, list and revoke
  // consents; agencies' clients and staff query other agencies' registries through the mediator,
  // which checks consent or legal basis per record and answers with the covered fields only.
  r.add(V::post, "/v1/me/consents", kCitizen, h(handlers::grant_consent));
  r.add(V::get, "/v1/me/consents", kCitizen, h(handlers::my_consents));
  r.add(V::delete_, "/v1/me/consents/{id}", kCitizen, h(handlers::revoke_consent));
  r.add(V::get, "/v1/legal-bases", kPublic, h(handlers::list_legal_bases), public_read);
  r.add(V::post, "/v1/exchange/registries/{name}/query", kApiClient | kAgencyOfficer, h(handlers::exchange_query));

  // Public transparency: IT-sector indicators (imported with `darwaza indicators import`) and the
  // follow-through of foreign engagements. Anyone reads; recording engagements is for MoITT
  // officers and platform admins: the route admits staff of any agency and the domain narrows
  // it to MoITT (there is no {agency} in these paths).
  r.add(V::get, "/v1/indicators", kPublic, h(handlers::list_indicators), public_read);
  r.add(V::get, "/v1/indicators/live", kPublic, h(handlers::live_indicators), public_read);
  r.add(V::get, "/v1/indicators/{series}", kPublic, h(handlers::get_indicator), public_read);
  r.add(V::get, "/v1/indicators/{series}/yoy", kPublic, h(handlers::indicator_yoy), public_read);
  r.add(V::get, "/v1/indicators/{series}/fytd", kPublic, h(handlers::indicator_fytd), public_read);
  r.add(V::get, "/v1/engagements", kPublic, h(handlers::list_engagements), public_read);
  r.add(V::get, "/v1/engagements/summary", kPublic, h(handlers::engagement_summary), public_read);
  r.add(V::get, "/v1/engagements/{id}", kPublic, h(handlers::get_engagement), public_read);
  r.add(V::post, "/v1/engagements", kAgencyOfficer | kPlatformAdmin, h(handlers::create_engagement));
  r.add(V::patch, "/v1/engagements/{id}", kAgencyOfficer | kPlatformAdmin, h(handlers::update_engagement));
  r.add(V::post, "/v1/engagements/{id}/commitments", kAgencyOfficer | kPlatformAdmin, h(handlers::add_commitment));
  r.add(V::post, "/v1/engagements/{id}/commitments/{commitment}/stages", kAgencyOfficer | kPlatformAdmin,
        h(handlers::change_commitment_stage));
}

}  // namespace darwaza::api
