#include "api/render.hpp"
#include "api/transparency_handlers.hpp"

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;
using namespace darwaza::indicators;

json series_json(const Series& s) {
  return {{"id", s.id},
          {"title", s.title},
          {"unit", s.unit},
          {"frequency", to_string(s.frequency)},
          {"aggregation", to_string(s.aggregation)},
          {"source", s.source},
          {"source_url", or_null(s.source_url)},
          {"notes", s.notes}};
}

json observation_json(const Observation& o) {
  auto dots = o.period.find("..");
  json j = {{"period", or_null(o.period)},
            {"kind", o.period.empty() ? "undated" : dots == std::string::npos ? "period" : "range-total"},
            {"value", o.value},
            {"source", o.source},
            {"source_url", or_null(o.source_url)},
            {"notes", o.notes}};
  return j;
}

json quoted_json(const QuotedChange& q) {
  return {{"label", "quoted"},          {"period", q.period},         {"compared_with", q.compared_with},
          {"change_pct", q.change_pct}, {"source", q.source},         {"source_url", or_null(q.source_url)},
          {"notes", q.notes}};
}

json total_json(const PeriodTotal& t, const std::string& fiscal_year) {
  json j = {{"period", t.period}, {"value", t.value}, {"basis", t.basis}};
  if (t.basis == "monthly-sum") j["months"] = t.months;
  if (t.range_total) j["range_total"] = *t.range_total;
  if (!fiscal_year.empty()) j["fiscal_year"] = fiscal_year;
  return j;
}

json change_json(const Change& c) {
  json quoted = json::array();
  for (const auto& q : c.quoted) quoted.push_back(quoted_json(q));
  json j = {{"series", c.series.id},
            {"unit", c.series.unit},
            {"current", total_json(c.current, c.fiscal_year)},
            {"base", total_json(c.base, c.base_fiscal_year)},
            {"computed",
             {{"label", "computed"},
              {"change_pct", c.computed_pct ? json(*c.computed_pct) : json(nullptr)},
              {"method", "(current - base) / base x 100, rounded to 0.1, from the values shown"}}},
            {"quoted", std::move(quoted)}};
  if (!c.fiscal_year.empty()) j["fiscal_year"] = c.fiscal_year;
  return j;
}

}  // namespace

http::HandlerResult list_indicators(App& app, http::Request&) {
  auto r = app.indicators.list();
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& d : *r) {
    json j = series_json(d.series);
    j["observations"] = d.observations.size();
    j["latest"] = d.observations.empty() ? json(nullptr) : observation_json(d.observations.back());
    items.push_back(std::move(j));
  }
  return http::Reply::json(200, {{"items", std::move(items)}});
}

http::HandlerResult get_indicator(App& app, http::Request& req) {
  auto r = app.indicators.get(req.param("series"));
  if (!r.ok()) return r.take_error();
  json j = series_json(r->series);
  j["observations"] = json::array();
  for (const auto& o : r->observations) j["observations"].push_back(observation_json(o));
  j["quoted"] = json::array();
  for (const auto& q : r->quoted) j["quoted"].push_back(quoted_json(q));
  return http::Reply::json(200, j);
}

http::HandlerResult indicator_yoy(App& app, http::Request& req) {
  auto r = app.indicators.year_over_year(req.param("series"), req.query_param("period").value_or(""), req.lang);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, change_json(*r));
}

http::HandlerResult indicator_fytd(App& app, http::Request& req) {
  auto r = app.indicators.fiscal_year_to_date(req.param("series"), req.query_param("fy").value_or(""),
                                              req.query_param("through").value_or(""), req.lang);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, change_json(*r));
}

http::HandlerResult live_indicators(App& app, http::Request&) {
  auto r = app.indicators.live();
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& f : *r) {
    json breakdown = json::array();
    for (const auto& [name, value] : f.breakdown) breakdown.push_back({{"name", name}, {"value", value}});
    items.push_back({{"id", f.id},
                     {"title", f.title},
                     {"unit", f.unit},
                     {"value", f.value},
                     {"breakdown", std::move(breakdown)},
                     {"computed_at", format_rfc3339(f.computed_at)}});
  }
  return http::Reply::json(200, {{"items", std::move(items)}});
}

}  // namespace darwaza::api::handlers
