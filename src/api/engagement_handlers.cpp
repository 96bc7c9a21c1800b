#include "api/render.hpp"
#include "api/transparency_handlers.hpp"
#include "core/countries.hpp"

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;
using namespace darwaza::engagements;

const char* precision_of(const std::string& date) {
  switch (date.size()) {
    case 4: return "year";
    case 7: return "month";
    case 10: return "day";
    default: return nullptr;
  }
}

json stage_json(const StageChange& h) {
  const char* precision = precision_of(h.date);
  return {{"stage", to_string(h.stage)},
          {"date", or_null(h.date)},
          {"date_precision", precision ? json(precision) : json(nullptr)},
          {"date_note", h.date_note},
          {"source", h.source},
          {"source_url", or_null(h.source_url)},
          {"note", h.note},
          {"recorded_by", h.recorded_by},
          {"recorded_at", format_rfc3339(h.recorded_at)}};
}

json commitment_json(const Commitment& c) {
  json history = json::array();
  for (const auto& h : c.history) history.push_back(stage_json(h));
  return {{"id", c.id}, {"engagement_id", c.engagement_id}, {"description", c.description},
          {"status", to_string(c.status)}, {"history", std::move(history)}};
}

json engagement_json(const Engagement& e) {
  json sources = json::array();
  for (const auto& s : e.sources) sources.push_back({{"name", s.name}, {"url", or_null(s.url)}});
  json commitments = json::array();
  for (const auto& c : e.commitments) commitments.push_back(commitment_json(c));
  const char* precision = precision_of(e.date);
  std::string_view country_name = darwaza::country_name(e.country);
  return {{"id", e.id},
          {"date", or_null(e.date)},
          {"date_precision", precision ? json(precision) : json(nullptr)},
          {"date_note", e.date_note},
          {"country", or_null(e.country)},
          {"country_name", or_null(std::string(country_name))},
          {"organisation", e.organisation},
          {"pakistani_side", e.pakistani_side},
          {"kind", to_string(e.kind)},
          {"title", e.title},
          {"summary", e.summary},
          {"topics", e.topics},
          {"sources", std::move(sources)},
          {"commitments", std::move(commitments)},
          {"created_at", format_rfc3339(e.created_at)},
          {"updated_at", format_rfc3339(e.updated_at)}};
}

// Parses the JSON body, calls the domain with it and renders what it returns.
template <class Call, class Render>
http::HandlerResult with_body(http::Request& req, unsigned status, Call&& call, Render&& render) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  auto r = call(*body);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(status, render(*r));
}

ListFilter filter_of(const http::Request& req) {
  return {req.query_param("country").value_or(""), req.query_param("status").value_or(""),
          req.query_param("year").value_or("")};
}

}  // namespace

http::HandlerResult list_engagements(App& app, http::Request& req) {
  auto r = app.engagements.list(filter_of(req), req.lang);
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& e : *r) items.push_back(engagement_json(e));
  return http::Reply::json(200, {{"items", std::move(items)}, {"total", r->size()}});
}

http::HandlerResult engagement_summary(App& app, http::Request& req) {
  auto r = app.engagements.summary(filter_of(req), req.lang);
  if (!r.ok()) return r.take_error();
  json by_status = json::object();
  for (const auto& [stage, n] : r->by_status) by_status[to_string(stage)] = n;
  json reached = json::array();
  for (const auto& s : r->reached) {
    reached.push_back({{"stage", to_string(s.stage)},
                       {"commitments", s.reached},
                       {"timed", s.measured},
                       {"median_days", s.median_days ? json(*s.median_days) : json(nullptr)},
                       {"min_days", s.min_days ? json(*s.min_days) : json(nullptr)},
                       {"max_days", s.max_days ? json(*s.max_days) : json(nullptr)}});
  }
  return http::Reply::json(200, {{"engagements", r->engagements},
                                 {"commitments", r->commitments},
                                 {"by_status", std::move(by_status)},
                                 {"reached", std::move(reached)},
                                 {"timing", "days from a commitment's first day-precise stage to the stage; "
                                            "commitments without day-precise dates are counted, not timed"}});
}

http::HandlerResult get_engagement(App& app, http::Request& req) {
  auto r = app.engagements.get(req.param("id"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, engagement_json(*r));
}

http::HandlerResult create_engagement(App& app, http::Request& req) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  auto r = app.engagements.create(req.principal, *body, req.lang);
  if (!r.ok()) return r.take_error();
  auto reply = http::Reply::json(201, engagement_json(*r));
  reply.headers.emplace_back("Location", "/v1/engagements/" + r->id);
  return reply;
}

http::HandlerResult update_engagement(App& app, http::Request& req) {
  return with_body(
      req, 200, [&](const json& body) { return app.engagements.update(req.principal, req.param("id"), body, req.lang); },
      engagement_json);
}

http::HandlerResult add_commitment(App& app, http::Request& req) {
  return with_body(
      req, 201,
      [&](const json& body) { return app.engagements.add_commitment(req.principal, req.param("id"), body, req.lang); },
      commitment_json);
}

http::HandlerResult change_commitment_stage(App& app, http::Request& req) {
  return with_body(
      req, 200,
      [&](const json& body) {
        return app.engagements.change_stage(req.principal, req.param("id"), req.param("commitment"), body, req.lang);
      },
      commitment_json);
}

}  // namespace darwaza::api::handlers
