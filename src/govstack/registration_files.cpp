// Registration BB application files over Darwaza's applications: the signed-in applicant lists
// and reads their files, files an application for a service (Applications::submit, with the
// portal's Idempotency-Key) and updates a file (Applications::amend: a draft's data, or the
// answer to a request for more information). The body is the specification's
// applicationFileSubmit; every refusal carries its systemError members, and form-rule failures
// are its documented 400 with Darwaza's field list (docs/govstack.md).
#include <algorithm>

#include "applications/errors.hpp"
#include "core/clock.hpp"
#include "core/validation.hpp"
#include "govstack/handlers.hpp"
#include "govstack/registration.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;
using registration::int_param;
using registration::service_named;
using registration::status_json;
using registration::with_system_error;

constexpr int kDefaultMaxResult = 10;
constexpr int kMaxApplicationsListed = 100;  // the most GET /applications skips or lists (firstResult, maxResult)
// The newest files GET /applications reads for a page, at most: a serviceId that matches none
// stops there (docs/govstack.md).
constexpr std::int64_t kMaxApplicationsScanned = 1'000;
constexpr const char* kFormDataPath = "/formData/data";

std::string time_or_empty(const std::optional<UnixMs>& t) { return t ? format_rfc3339(*t) : std::string(); }

// The documents the form data references (document fields hold document ids), as links.
json document_urls(Context& ctx, const catalog::ServiceDefinition* def, const json& data) {
  json out = json::array();
  if (!def) return out;
  auto add = [&](const json& v) {
    if (v.is_string()) out.push_back(ctx.app.options.public_url + "/v1/documents/" + v.get<std::string>());
  };
  for (const auto& f : def->form) {
    auto it = data.find(f.name);
    if (f.type != catalog::FieldType::document || it == data.end()) continue;
    if (it->is_array()) std::for_each(it->begin(), it->end(), add);
    else add(*it);
  }
  return out;
}

// The specification's applicationFileResponse.
json file_json(Context& ctx, const applications::Application& a, const catalog::ServiceDefinition* def) {
  json status = status_json(ctx, a);
  json data = json::parse(a.data);
  json urls = document_urls(ctx, def, data);
  return {{"fileId", a.id},
          {"registered", time_or_empty(a.submitted_at)},
          {"serviceId", a.service_id},
          {"serviceName", def ? def->title.en : a.service_id},
          {"status", status},
          {"ended", status["code"] == "APPROVED" || status["code"] == "REJECTED"},
          {"applicationData",
           {{"applicationName", a.tracking_number},
            {"applicantId", a.applicant_user_id},
            {"created", format_rfc3339(a.created_at)},
            {"formData", {{"data", std::move(data)}, {"eFormId", a.service_id}}},
            {"documentUrls", std::move(urls)}}}};
}

// What an applicationFileSubmit body carries for Darwaza: the form data and the eForm it was
// filled in on. applicationName and created are the applicant's notes and are not kept.
struct FileSubmit {
  json data;
  std::string eform_id;
};

// Does a value of the form data (or an item of a list value) equal the document id that ends
// `url` (a link as POST /documents answers it, or the bare id)?
bool names_document_in(const json& data, const std::string& url) {
  const std::string id = url.substr(url.rfind('/') + 1);
  if (id.empty()) return false;
  for (const auto& v : data) {
    if (v.is_string() && v.get<std::string>() == id) return true;
    if (v.is_array() && std::find(v.begin(), v.end(), json(id)) != v.end()) return true;
  }
  return false;
}

// The body, checked for shape: field errors (400 through refusal()); 403 when applicantId names
// someone else.
Result<FileSubmit> file_submit(const Request& req) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  FieldErrors errs(req.lang);
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "applicantId" && it.key() != "applicationName" && it.key() != "created" &&
        it.key() != "formData" && it.key() != "documentUrls")
      errs.add(pointer_child("", it.key()), "unknown_field");
  auto string_at = [&](const json& j, const char* key, const std::string& path, bool required) -> std::string {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) errs.add(path, "required");
    } else if (!it->is_string()) {
      errs.add(path, "type", "string");
    } else {
      return it->get<std::string>();
    }
    return {};
  };
  const std::string applicant = string_at(*body, "applicantId", "/applicantId", true);
  string_at(*body, "applicationName", "/applicationName", false);
  if (auto created = string_at(*body, "created", "/created", false); !created.empty() && !parse_rfc3339(created))
    errs.add("/created", "type", "date-time");
  FileSubmit out;
  auto form = body->find("formData");
  if (form == body->end() || !form->is_object()) {
    errs.add("/formData", form == body->end() ? "required" : "type", "object");
  } else {
    for (auto it = form->begin(); it != form->end(); ++it)
      if (it.key() != "data" && it.key() != "eFormId") errs.add(pointer_child("/formData", it.key()), "unknown_field");
    auto data = form->find("data");
    if (data == form->end()) errs.add(kFormDataPath, "required");
    else if (!data->is_object()) errs.add(kFormDataPath, "type", "object");
    else out.data = *data;
    out.eform_id = string_at(*form, "eFormId", "/formData/eFormId", false);
  }
  // Documents travel in the form's document fields (documentId from POST /documents); a link
  // listed here must be one of those, so that none is dropped unseen.
  if (auto urls = body->find("documentUrls"); urls != body->end()) {
    if (!urls->is_array()) errs.add("/documentUrls", "type", "array");
    else
      for (std::size_t i = 0; i < urls->size(); ++i) {
        const json& u = (*urls)[i];
        const std::string path = "/documentUrls/" + std::to_string(i);
        if (!u.is_string()) errs.add(path, "type", "string");
        else if (!out.data.is_object() || !names_document_in(out.data, u.get<std::string>())) errs.add(path, "document");
      }
  }
  if (!errs.empty()) return errs.to_error();
  if (applicant != req.principal.user_id)
    return make_error(ErrorKind::forbidden, "applicant-mismatch", "Applicant mismatch",
                      "applicantId must be the signed-in person's id: you file and update your own applications.");
  return out;
}

// A refusal as the specification writes it: systemError members on the problem body; form-rule
// failures (422 in the portal) are its one documented client error, 400, with the field list.
// The applications domain's field errors name form fields (under /formData/data here) or the
// Idempotency-Key header.
Error refusal(Error e, const Request& req, bool from_domain) {
  if (e.kind == ErrorKind::validation) e.kind = ErrorKind::invalid_request;
  if (from_domain)
    for (auto& f : e.fields)
      if (!f.path.starts_with("/Idempotency-Key")) f.path = kFormDataPath + f.path;
  return with_system_error(std::move(e), req);
}

}  // namespace

HandlerResult list_applications(Context& ctx, Request& req) {
  auto first = int_param(req, "firstResult", 0, 0, kMaxApplicationsListed);
  if (!first.ok()) return first.take_error();
  auto max = int_param(req, "maxResult", kDefaultMaxResult, 1, kMaxApplicationsListed);
  if (!max.ok()) return max.take_error();
  if (auto who = req.query_param("applicantId"); who && *who != req.principal.user_id)
    return make_error(ErrorKind::forbidden, "forbidden", "Forbidden", "You may list your own applications only.");
  const auto service = req.query_param("serviceId");
  // The newest applications, page after page by cursor, until firstResult + maxResult match or
  // kMaxApplicationsScanned are read.
  std::vector<applications::Application> listed;
  int seen = 0;
  std::int64_t read = 0;
  for (std::string after;;) {
    auto page = ctx.app.applications.mine(req.principal, 1, applications::kMaxPageSize, req.lang, after, 0);
    if (!page.ok()) return page.take_error();
    for (auto& a : page->page.items) {
      ++read;
      if (service && a.service_id != *service) continue;
      if (seen++ >= *first && static_cast<int>(listed.size()) < *max) listed.push_back(std::move(a));
    }
    after = std::move(page->next_after);
    if (after.empty() || static_cast<int>(listed.size()) >= *max || read >= kMaxApplicationsScanned) break;
  }
  json out = json::array();
  for (const auto& a : listed) {
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
  return http::Reply::json(200, file_json(ctx, v->application, v->definition.get()));
}

HandlerResult submit_application(Context& ctx, Request& req) {
  auto def = service_named(ctx, req.param("serviceId"));
  if (!def.ok()) {
    Error e = def.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "Service was not found";
    return with_system_error(std::move(e), req);
  }
  const catalog::ServiceDefinition* d = def->get();
  auto in = file_submit(req);
  if (!in.ok()) return refusal(in.take_error(), req, false);
  if (!in->eform_id.empty() && in->eform_id != d->id)
    return refusal(applications::error(applications::Errc::wrong_form), req, false);
  applications::SubmitInput s;
  s.service_id = d->id;
  s.data = std::move(in->data);
  s.idempotency_key = std::string(req.header("Idempotency-Key"));
  auto done = ctx.app.applications.submit(req.principal, s, req.lang);
  if (!done.ok()) return refusal(done.take_error(), req, true);
  // The version it was filed under (the current one, unless a replay answers an older file).
  auto filed = ctx.app.catalog.at_version(done->application.service_id, done->application.service_version);
  json body = file_json(ctx, done->application, filed.ok() ? filed->get() : nullptr);
  if (!done->receipt.empty()) body["receipt"] = json::parse(done->receipt);
  auto reply = http::Reply::json(200, body);
  reply.headers.emplace_back("Location", "/applications/" + done->application.id);
  if (done->replayed) reply.headers.emplace_back("Idempotent-Replayed", "true");
  return reply;
}

HandlerResult update_application(Context& ctx, Request& req) {
  auto in = file_submit(req);
  if (!in.ok()) return refusal(in.take_error(), req, false);
  applications::AmendInput change;
  change.data = std::move(in->data);
  change.service_id = in->eform_id;
  auto v = ctx.app.applications.amend(req.principal, req.param("fileId"), change, req.lang);
  if (!v.ok()) {
    Error e = v.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "Application file was not found";
    return refusal(std::move(e), req, true);
  }
  return http::Reply::json(200, file_json(ctx, v->application, v->definition.get()));
}

}  // namespace darwaza::govstack::handlers
