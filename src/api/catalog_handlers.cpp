#include "api/json_input.hpp"
#include "api/service_handlers.hpp"
#include "catalog/definition.hpp"
#include "core/money.hpp"

namespace darwaza::api::handlers {
namespace {

// Built key by key: an initializer list would copy every value once more (a search page is 20 of these).
nlohmann::json summary_json(const storage::ServiceSummary& s, const std::string& lang) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = s.id;
  j["version"] = s.version;
  j["agency"] = s.agency;
  j["category"] = s.category;
  j["title"] = lang == "ur" ? s.title_ur : s.title_en;
  j["title_en"] = s.title_en;
  j["title_ur"] = s.title_ur;
  j["description"] = lang == "ur" ? s.description_ur : s.description_en;
  j["applicant"] = s.applicant;
  j["fee_pkr"] = s.fee_paisa > 0 ? nlohmann::json(format_pkr(s.fee_paisa)) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

http::HandlerResult list_services(App& app, http::Request& req) {
  int page = query_int(req, "page", 1), size = query_int(req, "page_size", catalog::kDefaultPageSize);
  auto r = app.catalog.search(req.query_param("q").value_or(""), req.query_param("agency").value_or(""),
                              req.query_param("category").value_or(""), page, size, req.lang);
  if (!r.ok()) return r.take_error();
  nlohmann::json body = nlohmann::json::object();
  auto& items = body["items"] = nlohmann::json::array();
  for (const auto& s : r->items) items.push_back(summary_json(s, req.lang));
  body["page"] = page;
  body["page_size"] = size;
  body["total"] = r->total;
  return http::Reply::json(200, std::move(body));
}

http::HandlerResult get_service(App& app, http::Request& req) {
  auto r = app.catalog.current(req.param("id"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, catalog::to_json(**r));
}

http::HandlerResult list_categories(App& app, http::Request& req) {
  auto r = app.catalog.categories(req.query_param("agency").value_or(""));
  if (!r.ok()) return r.take_error();
  auto items = nlohmann::json::array();
  for (const auto& c : *r) items.push_back({{"category", c.category}, {"services", c.services}});
  return http::Reply::json(200, {{"items", items}});
}

}  // namespace darwaza::api::handlers
