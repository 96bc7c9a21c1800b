#include "api/service_handlers.hpp"
#include "catalog/definition.hpp"

namespace darwaza::api::handlers {
namespace {

int int_param(const http::Request& req, const std::string& name, int fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty() || v->size() > 9) return v && !v->empty() ? -1 : fallback;
  for (char c : *v)
    if (c < '0' || c > '9') return -1;
  return std::stoi(*v);
}

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
          {"fee_pkr", s.fee_paisa > 0 ? nlohmann::json(std::to_string(s.fee_paisa / 100) + "." +
                                                       (s.fee_paisa % 100 < 10 ? "0" : "") +
                                                       std::to_string(s.fee_paisa % 100))
                                      : nlohmann::json(nullptr)}};
}

}  // namespace

http::HandlerResult list_services(App& app, http::Request& req) {
  int page = int_param(req, "page", 1), size = int_param(req, "page_size", catalog::kDefaultPageSize);
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
