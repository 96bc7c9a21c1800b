// The Registration BB API over Darwaza's catalog (a service is a "service", its form the one
// "eForm", id = the service id) and applications (an application is an "application file").
#include <charconv>

#include "core/clock.hpp"
#include "govstack/handlers.hpp"
#include "govstack/json_schema.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;

constexpr int kCatalogPage = 100;       // catalog page size while listing every service
constexpr int kDefaultMaxResult = 10;
constexpr int kMaxApplicationsListed = 100;  // newest applications GET /applications pages over

json service_json(const catalog::ServiceDefinition& d) {
  json body = json::array();
  body.push_back({{"code", "agency"}, {"value", d.agency}});
  body.push_back({{"code", "category"}, {"value", d.category}});
  body.push_back({{"code", "applicant"}, {"value", catalog::to_string(d.applicant)}});
  body.push_back({{"code", "fee_paisa"}, {"value", std::to_string(d.fee.amount_paisa)}});
  body.push_back({{"code", "name_ur"}, {"value", d.title.ur}});
  return {{"id", d.id},
          {"name", d.title.en},
          {"version", std::to_string(d.version)},
          {"type", "Public"},
          {"isExecutable", true},
          {"isClosed", false},
          {"description", d.description.en},
          {"serviceBody", std::move(body)}};
}

json eform_json(const catalog::ServiceDefinition& d, bool with_schema) {
  json j = {{"eFormId", d.id},
            {"name", d.title.en},
            {"description", d.description.en},
            {"version", std::to_string(d.version)},
            {"latest", true}};
  if (with_schema) j["schema"] = json_schema(d.form);
  return j;
}

Result<catalog::DefinitionPtr> service_named(Context& ctx, const std::string& id) {
  auto d = ctx.app.catalog.current(id);
  if (!d.ok()) {
    Error e = d.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "service not found";
    return e;
  }
  return d;
}

// PENDING while open (or a draft), SENDBACK while waiting on the applicant, APPROVED or
// REJECTED (withdrawn counts as rejected) once decided.
json status_json(Context& ctx, const applications::Application& a) {
  auto d = ctx.app.catalog.at_version(a.service_id, a.service_version);
  const catalog::State* s = d.ok() ? (*d)->workflow.state(a.state) : nullptr;
  std::string code = "PENDING";
  if (s && s->outcome == catalog::Outcome::approved) code = "APPROVED";
  else if (s && s->terminal()) code = "REJECTED";
  else if (s && s->awaiting_applicant) code = "SENDBACK";
  return {{"code", code}, {"title", s ? s->label.en : a.state}};
}

std::string time_or_empty(const std::optional<UnixMs>& t) { return t ? format_rfc3339(*t) : std::string(); }

Result<int> int_param(const Request& req, const char* name, int fallback, int min, int max) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  int out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size() || out < min || out > max)
    return make_error(ErrorKind::invalid_request, "invalid-parameter", "Invalid parameter",
                      std::string(name) + " is a number from " + std::to_string(min) + " to " + std::to_string(max) + ".");
  return out;
}

}  // namespace

HandlerResult list_services(Context& ctx, Request& req) {
  const std::string name = req.query_param("name").value_or("");
  json out = json::array();
  for (int page = 1;; ++page) {
    auto p = ctx.app.catalog.search(name, "", "", page, kCatalogPage, "en");
    if (!p.ok()) return p.take_error();
    for (const auto& s : p->items)
      if (auto d = ctx.app.catalog.current(s.id); d.ok()) out.push_back(service_json(**d));
    if (static_cast<std::int64_t>(page) * kCatalogPage >= p->total) break;
  }
  return http::Reply::json(200, out);
}

HandlerResult get_service(Context& ctx, Request& req) {
  auto d = service_named(ctx, req.param("serviceId"));
  if (!d.ok()) return d.take_error();
  return http::Reply::json(200, service_json(**d));
}

HandlerResult service_eforms(Context& ctx, Request& req) {
  auto d = service_named(ctx, req.param("serviceId"));
  if (!d.ok()) return d.take_error();
  return http::Reply::json(200, json::array({eform_json(**d, false)}));
}

HandlerResult get_eform(Context& ctx, Request& req) {
  auto d = service_named(ctx, req.param("eFormId"));
  if (!d.ok()) return d.take_error();
  return http::Reply::json(200, eform_json(**d, true));
}

HandlerResult list_applications(Context& ctx, Request& req) {
  auto first = int_param(req, "firstResult", 0, 0, kMaxApplicationsListed);
  if (!first.ok()) return first.take_error();
  auto max = int_param(req, "maxResult", kDefaultMaxResult, 1, kMaxApplicationsListed);
  if (!max.ok()) return max.take_error();
  if (auto who = req.query_param("applicantId"); who && *who != req.principal.user_id)
    return make_error(ErrorKind::forbidden, "forbidden", "Forbidden", "You may list your own applications only.");
  auto page = ctx.app.applications.mine(req.principal, 1, kMaxApplicationsListed, req.lang);
  if (!page.ok()) return page.take_error();
  const auto service = req.query_param("serviceId");
  json out = json::array();
  int seen = 0;
  for (const auto& a : page->items) {
    if (service && a.service_id != *service) continue;
    if (seen++ < *first || static_cast<int>(out.size()) >= *max) continue;
    auto d = ctx.app.catalog.at_version(a.service_id, a.service_version);
    out.push_back({{"fileId", a.id},
                   {"description", a.tracking_number},
                   {"status", status_json(ctx, a)},
                   {"applicantId", a.applicant_user_id},
                   {"assigneeId", a.assigned_to},
                   {"created", format_rfc3339(a.created_at)},
                   {"registered", time_or_empty(a.submitted_at)},
                   {"serviceId", a.service_id},
                   {"serviceName", d.ok() ? (*d)->title.en : a.service_id},
                   {"eformId", a.service_id}});
  }
  return http::Reply::json(200, out);
}

HandlerResult get_application(Context& ctx, Request& req) {
  auto v = ctx.app.applications.get(req.principal, req.param("fileId"));
  if (!v.ok()) {
    Error e = v.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "Application file was not found";
    return e;
  }
  const auto& a = v->application;
  json status = status_json(ctx, a);
  return http::Reply::json(
      200, {{"fileId", a.id},
            {"registered", time_or_empty(a.submitted_at)},
            {"serviceId", a.service_id},
            {"serviceName", v->definition ? v->definition->title.en : a.service_id},
            {"status", status},
            {"ended", status["code"] == "APPROVED" || status["code"] == "REJECTED"},
            {"applicationData",
             {{"applicationName", a.tracking_number},
              {"applicantId", a.applicant_user_id},
              {"created", format_rfc3339(a.created_at)},
              {"formData", {{"data", json::parse(a.data)}, {"eFormId", a.service_id}}},
              {"documentUrls", json::array()}}}});
}

}  // namespace darwaza::govstack::handlers
