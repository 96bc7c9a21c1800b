// THE GovStack route tables: one per listener, each at the root path its specification writes.
// Access as in src/api/routes.cpp; callers are named by the Information-Mediator-Client header
// (govstack/member.hpp) or a bearer token. docs/govstack.md lists what is and is not served.
#include "govstack/handlers.hpp"

namespace darwaza::govstack {

const char* to_string(Adapter a) {
  switch (a) {
    case Adapter::registries: return "registries";
    case Adapter::registration: return "registration";
    case Adapter::mediator: return "mediator";
    case Adapter::consent: return "consent";
  }
  return "?";
}

const std::vector<DataOperation>& data_operations() {
  using namespace http;
  using V = bhttp::verb;
  const AccessMask owner = kApiClient | kAgencyOfficer | kPlatformAdmin;
  using B = DataBody;
  // New operations go at the end: the Database API numbers generic_services in this order.
  static const std::vector<DataOperation> ops = {
      {"data-list", V::get, "", "", kPublic, handlers::data_list, kExpensiveCostlyReadRoute, B::none},
      {"data-create", V::post, "/create", "/create", owner, handlers::data_create, {}, B::write},
      {"data-exists", V::post, "/exists", "/exists", kPublic, handlers::data_exists, kExpensiveCostlyReadRoute, B::query},
      {"data-read", V::post, "/read", "/read", kPublic, handlers::data_read, kExpensiveCostlyReadRoute, B::query},
      {"data-read-value", V::get, "/{uuid}/read-value/{file}", "/{ID}/read-value/{field}.json", kPublic,
       handlers::data_read_value, {}, B::none},
      {"data-delete", V::delete_, "/{ID}/delete", "/{ID}/delete", owner, handlers::data_delete, {}, B::none},
      {"data-update", V::put, "/update", "/update", owner, handlers::data_update, {}, B::query_and_write},
      {"data-update-entries", V::put, "/update-entries", "/update-entries", owner, handlers::data_update_entries, {},
       B::query_and_write},
      {"data-update-or-create", V::post, "/update-or-create", "/update-or-create", owner,
       handlers::data_update_or_create, {}, B::query_and_write},
  };
  return ops;
}

const std::vector<RegistrationOperation>& registration_operations() {
  using namespace http;
  using V = bhttp::verb;
  using B = RegistrationBody;
  constexpr std::size_t kMaxUploadBodyBytes = documents::kMaxDocumentBytes / 3 * 4 + 64 * 1024;
  static const std::vector<RegistrationOperation> ops = {
      {"getServiceList", V::get, "/services", kPublic, handlers::list_services, {}, B::none},
      {"getService", V::get, "/services/{serviceId}", kPublic, handlers::get_service, {}, B::none},
      {"getServiceSchemaByServiceKey", V::get, "/services/{serviceId}/eForms", kPublic, handlers::service_eforms, {},
       B::none},
      {"getEForm", V::get, "/eForms/{eFormId}", kPublic, handlers::get_eform, {}, B::none},
      {"submitApplicationFile", V::post, "/services/{serviceId}/applications", kCitizen, handlers::submit_application,
       {}, B::application_file},
      {"getApplicantFileList", V::get, "/applications", kCitizen, handlers::list_applications, {}, B::none},
      {"getApplicationFileById", V::get, "/applications/{fileId}", kCitizen, handlers::get_application, {}, B::none},
      {"updateApplicationFileForm", V::put, "/applications/{fileId}", kCitizen, handlers::update_application, {},
       B::application_file},
      {"uploadFile", V::post, "/documents", kCitizen, handlers::upload_document,
       RouteOptions{Dispatch::pool, false, kMaxUploadBodyBytes}, B::document},
      {"getTasks", V::get, "/tasks", kAgencyOfficer, handlers::list_tasks, {}, B::none},
      {"getTaskById", V::get, "/tasks/{taskId}", kAgencyOfficer, handlers::get_task, {}, B::none},
      {"completeTaskById", V::post, "/tasks/{taskId}/complete", kAgencyOfficer, handlers::complete_task, {},
       B::task_completion},
      // Counting a period's decisions is an aggregate over the events: rate limited per client, and
      // in the lane of costly reads.
      {"Statistics", V::get, "/data/statistics/1.0", kPublic, handlers::statistics, kExpensiveCostlyReadRoute, B::none},
  };
  return ops;
}

namespace {

using namespace http;
using V = bhttp::verb;
using Fn = HandlerResult (*)(Context&, Request&);

// Digital Registries BB: Data API and Database API (v1.3.0). Reads show public fields, or every
// field to those the registries domain admits; writes are for the owning agency (the domain checks).
// Listing and matching search the registry: rate limited per client like the portal's searches.
void registries_routes(Router& r, const std::function<Handler(Fn)>& h) {
  for (const auto& op : data_operations())
    r.add(op.method, std::string("/data/{registryname}/{versionnumber}") + op.route, op.access, h(op.handler),
          op.options);
  // MyPersonalDataUsage: a signed-in person's own (its literal path wins over the list's pattern).
  r.add(V::get, "/data/MyPersonalDataUsage/1.0", kCitizen, h(handlers::my_personal_data_usage));
  r.add(V::get, "/databases", kPublic, h(handlers::databases));
  r.add(V::get, "/database/{id}", kPublic, h(handlers::database));
}

// Registration BB: the catalog is public; application files are the signed-in applicant's own
// (the applications domain decides what each person sees and changes). Tasks are the officers'
// work: the route admits agency staff, the domain only the owning agency's. Uploads as POST
// /v1/documents (the body limit leaves room for the multipart framing and base64). Statistics
// are public, as the statistics specification says ("allows anyone"), and rate limited.
void registration_routes(Router& r, const std::function<Handler(Fn)>& h) {
  for (const auto& op : registration_operations()) r.add(op.method, op.route, op.access, h(op.handler), op.options);
}

// Consent BB: policy and data-agreement reads (config and service views alike); they describe
// the legal bases, which are public (/v1/legal-bases).
void consent_routes(Router& r, const std::function<Handler(Fn)>& h) {
  r.add(V::get, "/config/policies/", kPublic, h(handlers::list_policies));
  r.add(V::get, "/config/policy/{policyId}/", kPublic, h(handlers::read_policy));
  r.add(V::get, "/service/policy/{policyId}/", kPublic, h(handlers::read_policy));
  r.add(V::get, "/config/data-agreements/", kPublic, h(handlers::list_data_agreements));
  r.add(V::get, "/config/data-agreement/{dataAgreementId}/", kPublic, h(handlers::read_data_agreement));
  r.add(V::get, "/service/data-agreement/{dataAgreementId}/", kPublic, h(handlers::read_data_agreement));
}

// Information Mediator BB directory services, with and without the security server's /r1 prefix.
// Anyone on this listener may read the directory; allowedMethods answers for the caller.
void mediator_routes(Router& r, const std::function<Handler(Fn)>& h) {
  r.add(V::get, "/listClients", kPublic, h(handlers::list_clients));
  for (const std::string prefix : {"", "/r1"}) {
    const std::string base = prefix + "/{instanceId}/{memberClass}/{memberCode}/{applicationCode}";
    r.add(V::get, base + "/listMethods", kPublic, h(handlers::list_methods));
    r.add(V::get, base + "/allowedMethods", kPublic, h(handlers::allowed_methods));
    r.add(V::get, base + "/getOpenAPI", kPublic, h(handlers::get_openapi));
  }
}

}  // namespace

void register_routes(Adapter adapter, Router& router, Context& ctx) {
  auto h = [&ctx](Fn fn) -> Handler { return [&ctx, fn](Request& req) { return fn(ctx, req); }; };
  switch (adapter) {
    case Adapter::registries: return registries_routes(router, h);
    case Adapter::mediator: return mediator_routes(router, h);
    case Adapter::registration: return registration_routes(router, h);
    case Adapter::consent: return consent_routes(router, h);
  }
}

}  // namespace darwaza::govstack
