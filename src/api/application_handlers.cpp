#include "api/consent_handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"
#include "api/service_handlers.hpp"
#include "applications/applications.hpp"
#include "audit/audit.hpp"
#include "certificates/certificate.hpp"
#include "certificates/qr.hpp"
#include "certificates/signing.hpp"
#include "core/json_writer.hpp"
#include "core/money.hpp"
#include "core/working_days.hpp"

#include <algorithm>
#include <cctype>

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;

// Applications are written as JSON text directly (JsonWriter): their views answer every
// submission, and building nlohmann trees to serialise them cost about 8 % of the server's CPU per
// submission.
void write_time(JsonWriter& w, std::string_view name, const std::optional<UnixMs>& t) {
  w.key(name);
  if (t)
    w.value(format_rfc3339(*t));
  else
    w.null();
}

// The members of an application's summary (an object's, without its braces).
void write_summary_members(JsonWriter& w, const applications::Application& a, UnixMs now) {
  w.member("id", a.id)
      .member("tracking_number", a.tracking_number)
      .member("service_id", a.service_id)
      .member("service_version", a.service_version)
      .member("agency", a.agency_id)
      .member_or_null("on_behalf_of", a.org_id)
      .member("state", a.state)
      .member("open", a.open)
      .member("fee_pkr", format_pkr(a.fee_paisa))
      .member("paid_pkr", format_pkr(a.paid_paisa))
      .member("assigned", !a.assigned_to.empty())
      .member_or_null("certificate_id", a.certificate_id)
      .member("created_at", format_rfc3339(a.created_at));
  write_time(w, "submitted_at", a.submitted_at);
  write_time(w, "decided_at", a.decided_at);
  write_time(w, "sla_due_at", a.sla_due_at);
  w.member("overdue", a.open && a.sla_due_at && *a.sla_due_at < now);
}

// An application's view: its summary, then the rest; then `extra_name` with `extra_text`, a value
// already serialised (the receipt of a 201, the data exchange's checks), unless that text is empty.
std::string view_text(const applications::View& v, const std::string& lang, UnixMs now,
                      std::string_view extra_name = {}, std::string_view extra_text = {}) {
  const auto& a = v.application;
  const auto& def = *v.definition;
  JsonWriter w(2048);
  w.begin_object();
  write_summary_members(w, a, now);
  w.member("service_title", def.title.in(lang));
  if (const auto* st = def.workflow.state(a.state)) w.member("state_label", st->label.in(lang));
  // The normalised form data, as the store keeps it (written by dump()); checked, not parsed into a
  // tree, so that a damaged row is a 500 as it was when it was parsed, never a malformed answer.
  if (!json::accept(a.data)) throw std::runtime_error("application " + a.id + ": its stored form data is not JSON");
  w.key("data").raw(a.data);
  w.key("allowed_transitions").begin_array();
  for (const auto& t : v.allowed_transitions) w.value(t);
  w.end_array();
  w.key("timeline").begin_array();
  for (const auto& e : v.events) {
    w.begin_object().member("at", format_rfc3339(e.at)).member("kind", e.kind).member("by_role", e.actor_role);
    if (!e.from_state.empty()) w.member("from", e.from_state);
    if (!e.to_state.empty()) w.member("to", e.to_state);
    if (!e.transition.empty()) w.member("transition", e.transition);
    if (!e.comment.empty()) w.member("comment", e.comment);
    w.end_object();
  }
  w.end_array();
  w.key("payments").begin_array();
  for (const auto& p : v.payments)
    w.begin_object()
        .member("amount_pkr", format_pkr(p.amount_paisa))
        .member("reference", p.reference)
        .member("recorded_at", format_rfc3339(p.recorded_at))
        .end_object();
  w.end_array();
  if (!extra_text.empty()) w.key(extra_name).raw(extra_text);
  w.end_object();
  return w.take();
}

// A listing's page, with the cursor of the page after it (null on the last).
std::string listed_text(const applications::ListedPage& l, int page, int size, UnixMs now) {
  const storage::ApplicationPage& p = l.page;
  JsonWriter w(256 + 640 * p.items.size());
  w.begin_object().key("items").begin_array();
  for (const auto& a : p.items) {
    w.begin_object();
    write_summary_members(w, a, now);
    w.end_object();
  }
  w.end_array();
  w.member("page", page)
      .member("page_size", size)
      .member("total", p.total)
      .member("total_exact", p.total_exact)
      .member_or_null("next_after", l.next_after)
      .end_object();
  return w.take();
}

http::HandlerResult view_reply(App& app, Result<applications::View> v, const http::Request& req,
                               unsigned status = 200) {
  if (!v.ok()) return v.take_error();
  return http::Reply::json_text(status, view_text(v.value(), req.lang, app.clock.now_ms()));
}

http::HandlerResult submitted_reply(App& app, Result<applications::Submitted> s, const http::Request& req) {
  if (!s.ok()) return s.take_error();
  auto view = s->view ? Result<applications::View>(std::move(*s->view)) : app.applications.get(req.principal, s->application.id);
  if (!view.ok()) return view.take_error();
  auto reply = http::Reply::json_text(201, view_text(*view, req.lang, app.clock.now_ms(), "receipt", s->receipt));
  reply.headers.emplace_back("Location", "/v1/applications/" + s->application.id);
  if (s->replayed) reply.headers.emplace_back("Idempotent-Replayed", "true");
  return reply;
}

}  // namespace

// Asynchronous (Dispatch::async): no thread waits for the durable write.
void submit_application(App& app, http::Request& req, http::Responder respond) {
  auto in = JsonInput::from(req, {"service_id", "on_behalf_of", "data", "draft"});
  if (!in.ok()) return respond(in.take_error());
  applications::SubmitInput s;
  s.service_id = in->str_or_empty("service_id");
  s.on_behalf_of = in->str_or_empty("on_behalf_of");
  s.data = in->object("data").value_or(json::object());
  s.draft = in->boolean("draft").value_or(false);
  if (Status st = in->finish(); !st.ok()) return respond(st.take_error());
  s.idempotency_key = std::string(req.header("Idempotency-Key"));
  app.applications.submit_async(req.principal, std::move(s), req.lang, req.post,
                                [&app, &req, respond = std::move(respond)](Result<applications::Submitted> r) {
                                  respond(submitted_reply(app, std::move(r), req));
                                });
}

http::HandlerResult my_applications(App& app, http::Request& req) {
  int page = query_int(req, "page", 1), size = query_int(req, "page_size", 20);
  auto r = app.applications.mine(req.principal, page, size, req.lang, req.query_param("after").value_or(""));
  if (!r.ok()) return r.take_error();
  return http::Reply::json_text(200, listed_text(*r, page, size, app.clock.now_ms()));
}

namespace {
http::HandlerResult application_reply(App& app, http::Request& req) {
  auto v = app.applications.get(req.principal, req.param("id"));
  if (!v.ok()) return v.take_error();
  const auto& a = v->application;
  std::string exchange;
  if (a.state != "draft") {
    auto checks = app.exchange.for_applicant(req.principal, a.agency_id, a.applicant_user_id, a.id);
    if (!checks.empty()) exchange = applicant_checks_json(checks).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return http::Reply::json_text(200, view_text(*v, req.lang, app.clock.now_ms(), "exchange", exchange));
}
}  // namespace

void get_application(App& app, http::Request& req, http::Responder respond) {
  // Staff and API clients: their read is audited (a durable write) and an officer's view runs the
  // data exchange's checks, so on the handler pool. A person looking at an application of their
  // own or their organisation's: one short indexed read and no exchange checks, answered here on
  // the I/O thread (the hop to the pool would cost more than the read).
  if (audit::audited_reader(req.principal))
    return http::answer_from_pool(req, [&app, &req] { return application_reply(app, req); }, std::move(respond));
  respond(application_reply(app, req));
}

http::HandlerResult update_draft(App& app, http::Request& req) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  auto data = body->find("data");
  if (data == body->end() || !data->is_object() || body->size() != 1) {
    FieldErrors errs(req.lang);
    errs.add("/data", "required");
    return errs.to_error();
  }
  return view_reply(app, app.applications.update_draft(req.principal, req.param("id"), *data, req.lang), req);
}

http::HandlerResult submit_draft(App& app, http::Request& req) {
  return submitted_reply(app, app.applications.submit_draft(req.principal, req.param("id"), req.lang), req);
}

http::HandlerResult transition_application(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"transition", "comment", "data"});
  if (!in.ok()) return in.take_error();
  applications::TransitionInput t{in->str_or_empty("transition"), in->str_or_empty("comment"), in->object("data")};
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  if (t.transition.empty()) {
    FieldErrors errs(req.lang);
    errs.add("/transition", "required");
    return errs.to_error();
  }
  return view_reply(app, app.applications.transition(req.principal, req.param("id"), t, req.lang), req);
}

http::HandlerResult claim_application(App& app, http::Request& req) {
  return view_reply(app, app.applications.claim(req.principal, req.param("id")), req);
}

http::HandlerResult record_payment(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"amount_pkr", "reference"});
  if (!in.ok()) return in.take_error();
  std::string amount = in->str_or_empty("amount_pkr"), reference = in->str_or_empty("reference");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  return view_reply(app, app.applications.record_payment(req.principal, req.param("id"), amount, reference, req.lang),
                    req, 201);
}

http::HandlerResult agency_queue(App& app, http::Request& req) {
  applications::QueueFilter f;
  f.agency = req.param("agency");
  f.state = req.query_param("state").value_or("");
  f.service = req.query_param("service").value_or("");
  f.overdue_only = req.query_param("overdue").value_or("") == "true";
  int page = query_int(req, "page", 1), size = query_int(req, "page_size", 20);
  auto r = app.applications.queue(req.principal, f, page, size, req.lang, req.query_param("after").value_or(""));
  if (!r.ok()) return r.take_error();
  return http::Reply::json_text(200, listed_text(*r, page, size, app.clock.now_ms()));
}

namespace {
// A browser that opens the QR code's link asks for HTML: send it to the verify page, which
// calls this same route for the JSON. API clients (Accept: application/json or */*) get JSON.
bool wants_page(const App& app, const http::Request& req) {
  if (app.web.empty() || req.header(http::bhttp::field::accept).find("text/html") == std::string_view::npos)
    return false;
  const std::string& id = req.param("id");
  return !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '-' || ch == '_';
  });
}
}  // namespace

http::HandlerResult verify_certificate(App& app, http::Request& req) {
  if (wants_page(app, req)) {
    http::Reply r{303, "", "", {{"Location", "/#/verify/" + req.param("id")}}};
    return r;
  }
  auto c = app.applications.certificate(req.param("id"));
  if (!c.ok()) return c.take_error();
  auto doc = json::parse(c->document);
  bool signature_ok = certificates::verify_certificate(doc, app.signing_key.public_key_b64()).ok();
  std::string today = pkt_date(app.clock.now_ms());
  bool expired = !c->valid_until.empty() && c->valid_until < today;
  std::string status = !signature_ok ? "invalid" : c->status == "revoked" ? "revoked" : expired ? "expired" : "valid";
  return http::Reply::json(200, {{"valid", status == "valid"},
                                 {"status", status},
                                 {"certificate", doc},
                                 {"public_key", {{"alg", "Ed25519"}, {"key_id", app.signing_key.key_id()},
                                                 {"value", app.signing_key.public_key_b64()}}}});
}

http::HandlerResult get_certificate(App& app, http::Request& req) {
  auto c = app.applications.certificate_for(req.principal, req.param("id"));
  if (!c.ok()) return c.take_error();
  auto reply = http::Reply::text(200, "application/json", c->document);
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + c->id + ".json\"");
  return reply;
}

http::HandlerResult certificate_qr(App& app, http::Request& req) {
  auto c = app.applications.certificate(req.param("id"));
  if (!c.ok()) return c.take_error();
  auto reply = http::Reply::text(200, "image/svg+xml", certificates::qr_svg(app.applications.verify_url(c->id)));
  reply.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return reply;
}

http::HandlerResult my_certificates(App& app, http::Request& req) {
  auto r = app.applications.my_certificates(req.principal);
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& c : *r)
    items.push_back({{"id", c.id}, {"type", c.type}, {"application_id", c.application_id}, {"agency", c.agency_id},
                     {"issued_at", format_rfc3339(c.issued_at)},
                     {"valid_until", or_null(c.valid_until)},
                     {"status", c.status}});
  return http::Reply::json(200, {{"items", items}});
}

http::HandlerResult signing_key(App& app, http::Request&) {
  auto r = http::Reply::json(200, {{"alg", "Ed25519"}, {"key_id", app.signing_key.key_id()},
                                   {"public_key", app.signing_key.public_key_b64()}});
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace darwaza::api::handlers
