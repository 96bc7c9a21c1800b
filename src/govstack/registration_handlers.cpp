// The Registration BB API over Darwaza's catalog (a service is a "service", its form the one
// "eForm", id = the service id), the portal's document store (POST /documents) and the
// officers' decisions (statistics). Application files: registration_files.cpp; tasks:
// registration_tasks.cpp.
#include <algorithm>
#include <charconv>

#include "applications/statistics.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/working_days.hpp"
#include "govstack/handlers.hpp"
#include "govstack/json_schema.hpp"
#include "govstack/registration.hpp"
#include "http/multipart.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;

constexpr int kCatalogPage = 100;  // catalog page size while listing every service

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

}  // namespace

namespace registration {

Result<catalog::DefinitionPtr> service_named(Context& ctx, const std::string& id) {
  auto d = ctx.app.catalog.current(id);
  if (!d.ok()) {
    Error e = d.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "service not found";
    return e;
  }
  return d;
}

Error with_system_error(Error e, const Request& req) {
  e.extensions["traceId"] = req.request_id;
  e.extensions["code"] = e.type;
  e.extensions["message"] = e.detail;
  return e;
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

}  // namespace registration

using registration::service_named;
using registration::with_system_error;

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

// ---- Documents and statistics ------------------------------------------------------------------

namespace {

// One file in a multipart/form-data part named "file" (base64 when the part says so).
Result<http::FormPart> file_part(const Request& req, std::string& decoded) {
  auto parts = http::parse_form_data(req.header(http::bhttp::field::content_type), req.raw.body());
  if (!parts.ok()) return parts.take_error();
  const http::FormPart* file = nullptr;
  for (const auto& p : *parts) {
    if (p.name != "file") continue;
    if (file)
      return make_error(ErrorKind::invalid_request, "one-file-per-upload", "One file per upload",
                        "Send one document per request.");
    file = &p;
  }
  if (!file)
    return make_error(ErrorKind::invalid_request, "file-required", "File required",
                      "The form has no part named \"file\".");
  http::FormPart out = *file;
  if (out.transfer_encoding == "base64") {
    auto bytes = crypto::base64_decode(out.body);
    if (!bytes)
      return make_error(ErrorKind::invalid_request, "invalid-base64", "Invalid base64", "The file part is not base64.");
    decoded = std::move(*bytes);
    out.body = decoded;
  } else if (!out.transfer_encoding.empty() && out.transfer_encoding != "binary" && out.transfer_encoding != "8bit") {
    return make_error(ErrorKind::invalid_request, "unsupported-transfer-encoding", "Unsupported transfer encoding",
                      "A file part may be sent as binary or base64.");
  }
  if (out.body.size() > documents::kMaxDocumentBytes)
    return make_error(ErrorKind::payload_too_large, "document-too-large", "Document too large",
                      "A document may have at most " + std::to_string(documents::kMaxDocumentBytes) + " bytes.");
  return out;
}

Result<std::optional<UnixMs>> date_param(const Request& req, const char* name) {
  auto v = req.query_param(name);
  if (!v) return std::optional<UnixMs>();
  bool shape = v->size() == 10 && (*v)[4] == '-' && (*v)[7] == '-' &&
               std::all_of(v->begin(), v->end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  auto t = shape ? parse_rfc3339(*v) : std::nullopt;
  if (!t)
    return make_error(ErrorKind::invalid_request, "invalid-parameter", "Invalid parameter",
                      std::string(name) + " is a date, YYYY-MM-DD.");
  return std::optional<UnixMs>(*t - kPktOffsetMs);  // the day's first moment in PKT
}

Error invalid_parameter(const std::string& name, const std::string& detail) {
  return make_error(ErrorKind::invalid_request, "invalid-parameter", "Invalid parameter", name + " " + detail);
}

}  // namespace

HandlerResult upload_document(Context& ctx, Request& req) {
  std::string decoded;
  auto file = file_part(req, decoded);
  if (!file.ok()) return with_system_error(file.take_error(), req);
  auto d = ctx.app.documents.upload(req.principal, file->body, file->filename);
  if (!d.ok()) {
    Error e = d.take_error();
    // The specification answers a failed upload (empty, not a PDF, JPEG or PNG) with 400.
    if (e.kind == ErrorKind::validation || e.kind == ErrorKind::unsupported_media_type) e.kind = ErrorKind::invalid_request;
    return with_system_error(std::move(e), req);
  }
  return http::Reply::json(200, {{"code", 200},
                                 {"type", d->media_type},
                                 {"message", "File successfully uploaded"},
                                 {"url", ctx.app.options.public_url + "/v1/documents/" + d->id},
                                 {"documentId", d->id},
                                 {"sha256", d->sha256},
                                 {"size", d->size}});
}

HandlerResult statistics(Context& ctx, Request& req) {
  applications::StatisticsQuery q;
  auto from = date_param(req, "startDate");
  if (!from.ok()) return from.take_error();
  auto to = date_param(req, "endDate");
  if (!to.ok()) return to.take_error();
  q.from_ms = *from;
  if (*to) q.to_ms = **to + 24LL * 3600 * 1000;  // endDate is counted in full
  if (q.from_ms && q.to_ms && *q.from_ms >= *q.to_ms) return invalid_parameter("startDate", "is after endDate.");
  const std::string timeframe = req.query_param("timeframe").value_or("");
  if (timeframe == "day") q.timeframe = applications::Timeframe::day;
  else if (timeframe == "week") q.timeframe = applications::Timeframe::week;
  else if (timeframe == "month") q.timeframe = applications::Timeframe::month;
  else if (timeframe == "year") q.timeframe = applications::Timeframe::year;
  else if (req.query_param("timeframe")) return invalid_parameter("timeframe", "is day, week, month or year.");
  q.actor_role = req.query_param("role").value_or("");
  if (!q.actor_role.empty() && q.actor_role != "officer" && q.actor_role != "agency_admin")
    return invalid_parameter("role", "is officer or agency_admin.");
  q.actor_user_id = req.query_param("operator").value_or("");
  q.service_id = req.query_param("registrationName").value_or("");
  if (!q.service_id.empty()) {
    auto d = ctx.app.catalog.current(q.service_id);
    if (!d.ok())
      return d.error().kind == ErrorKind::not_found
                 ? make_error(ErrorKind::not_found, "registration-not-found", "Registration not found",
                              "No service has that id.")
                 : d.take_error();
  }
  auto counts = applications::decision_statistics(ctx.app.db, ctx.app.catalog, q);
  if (!counts.ok()) return counts.take_error();
  json out = json::array();
  for (const auto& c : *counts) {
    json refs = {{"timeframeDay", q.timeframe == applications::Timeframe::day},
                 {"timeframeWeek", q.timeframe == applications::Timeframe::week},
                 {"timeframeMonth", q.timeframe == applications::Timeframe::month},
                 {"timeframeYear", q.timeframe == applications::Timeframe::year}};
    if (!c.first_day.empty()) refs["startDate"] = c.first_day;
    if (!c.last_day.empty()) refs["endDate"] = c.last_day;
    if (!q.service_id.empty()) refs["registrationName"] = q.service_id;
    if (!q.actor_user_id.empty()) refs["operator"] = q.actor_user_id;
    if (!q.actor_role.empty()) refs["role"] = q.actor_role;
    out.push_back({{"processed", c.processed()},
                   {"approved", c.approved},
                   {"sentBack", c.sent_back},
                   {"rejected", c.rejected},
                   {"references", std::move(refs)}});
  }
  return http::Reply::json(200, out);
}

}  // namespace darwaza::govstack::handlers
