// Handlers for the audit log: a citizen's "who looked at my data", auditors' queries and exports.
#include "api/audit_handlers.hpp"
#include "api/json_input.hpp"
#include "core/clock.hpp"

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;

json entry_json(const audit::Entry& e) {
  return {{"seq", e.seq},
          {"at", format_rfc3339(e.at)},
          {"actor", e.actor},
          {"actor_role", e.actor_role},
          {"actor_agency", e.actor_agency},
          {"action", e.action},
          {"subject_user", e.subject_user},
          {"subject_org", e.subject_org},
          {"object_type", e.object_type},
          {"object_id", e.object_id},
          {"purpose", e.purpose},
          {"outcome", e.outcome},
          {"request_id", e.request_id},
          {"hash", e.hash}};
}

// What a citizen is shown: who (agency and role, not the officer's id), what, why and when.
json access_json(const audit::Entry& e) {
  return {{"at", format_rfc3339(e.at)},
          {"agency", e.actor_agency},
          {"role", e.actor_role},
          {"action", e.action},
          {"object_type", e.object_type},
          {"object_id", e.object_id},
          {"purpose", e.purpose}};
}

// ISO time (RFC 3339) query parameter → Unix ms; -1 when present but unreadable.
UnixMs time_param(const http::Request& req, const char* name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return 0;
  auto t = parse_rfc3339(*v);
  return t ? *t : -1;
}

Result<storage::AuditQuery> query_of(const http::Request& req) {
  storage::AuditQuery q;
  q.subject_user = req.query_param("subject_user").value_or("");
  q.subject_org = req.query_param("subject_org").value_or("");
  q.actor = req.query_param("actor").value_or("");
  q.actor_agency = req.query_param("agency").value_or("");
  q.action = req.query_param("action").value_or("");
  q.from = time_param(req, "from");
  q.to = time_param(req, "to");
  q.before_seq = query_int(req, "before", 0);
  q.limit = query_int(req, "limit", 50);
  FieldErrors errs(req.lang);
  if (q.from < 0) errs.add("/from", "date");
  if (q.to < 0) errs.add("/to", "date");
  if (q.before_seq < 0) errs.add("/before", "min", "1");
  if (q.limit < 1 || q.limit > audit::kMaxPageSize) errs.add("/limit", "range", "1.." + std::to_string(audit::kMaxPageSize));
  if (!errs.empty()) return errs.to_error();
  return q;
}

}  // namespace

http::HandlerResult my_data_access(App& app, http::Request& req) {
  int limit = query_int(req, "limit", 50);
  auto r = app.audit.about_me(req.principal, query_int(req, "before", 0), limit);
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& e : *r) items.push_back(access_json(e));
  json out{{"items", items}};
  if (!r->empty()) out["next_before"] = r->back().seq;
  return http::Reply::json(200, out);
}

http::HandlerResult query_audit(App& app, http::Request& req) {
  auto q = query_of(req);
  if (!q.ok()) return q.take_error();
  auto r = app.audit.query(req.principal, *q);
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& e : *r) items.push_back(entry_json(e));
  json out{{"items", items}};
  if (!r->empty()) out["next_before"] = r->back().seq;
  return http::Reply::json(200, out);
}

http::HandlerResult export_audit(App& app, http::Request& req) {
  auto q = query_of(req);
  if (!q.ok()) return q.take_error();
  auto r = app.audit.query(req.principal, *q);
  if (!r.ok()) return r.take_error();
  std::string body;
  for (const auto& e : *r) body += entry_json(e).dump() + "\n";
  return http::Reply::text(200, "application/x-ndjson", std::move(body));
}

}  // namespace darwaza::api::handlers
