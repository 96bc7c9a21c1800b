#include "api/json_input.hpp"
#include "api/service_handlers.hpp"
#include "catalog/definition.hpp"
#include "core/money.hpp"

namespace darwaza::api::handlers {
namespace {

nlohmann::json summary_json(const storage::ServiceSummary& s, const std::string& lang) {
  return {{"id", s.id},
          {"version", s.version},
          {"agency", s.agency},
          {"category", s.category},
          {"title", lang == "ur" ? s.title_ur : s.title_en},
          {"title_en", s.title_en},
          {"title_ur", s.title_ur},
          {"description", lang == "ur" ? s.description_ur : s.description_en},
          {"applicant", s.applicant},
          {"fee_pkr", s.fee_paisa > 0 ? nlohmann::json(format_pkr(s.fee_paisa)) : nlohmann::json(nullptr)}};
}

}  // namespace

http::HandlerResult list_services(App& app, http::Request& req) {
  int page = query_int(req, "page", 1), size = query_int(req, "page_size", catalog::kDefaultPageSize);
  auto r = app.catalog.search(req.query_param("q").value_or(""), req.query_param("agency").value_or(""),
                              req.query_param("category").value_or(""), page, size, req.lang);
  if (!r.ok()) return r.take_error();
  auto items = nlohmann::json::array();
  for (const auto& s : r->items) items.push_back(summary_json(s, req.lang));
  return http::Reply::json(200, {{"items", items}, {"page", page}, {"page_size", size}, {"total", r->total}});
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
