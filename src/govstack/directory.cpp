#include "govstack/directory.hpp"

#include "govstack/json_schema.hpp"

namespace darwaza::govstack {
namespace {

constexpr int kCatalogPage = 100;

Error unknown_provider() {
  return make_error(ErrorKind::invalid_request, "unknown-service-provider", "Unknown service provider",
                    "No member or application of this instance has that identifier.");
}

ProvidedService registry_service(const registries::Schema& s) {
  const std::string base = "/data/" + s.name + "/" + std::to_string(s.version) + ".0";
  std::vector<Endpoint> endpoints;
  for (const auto& op : data_operations())
    endpoints.push_back({std::string(http::bhttp::to_string(op.method)), base + op.path, !(op.access & http::kPublic)});
  return {s.name,
          std::to_string(s.version) + ".0",
          s.title.en,
          s.agency,
          endpoints,
          json_schema(s.form())};
}

ProvidedService catalog_service(const catalog::ServiceDefinition& d) {
  const std::string base = "/services/" + d.id;
  return {d.id,
          std::to_string(d.version) + ".0",
          d.title.en,
          d.agency,
          {{"GET", base, false}, {"GET", base + "/eForms", false}},
          json_schema(d.form)};
}

}  // namespace

bool may_invoke(const Principal& who, const std::string& agency, const Endpoint& e) {
  if (!e.owner_only) return true;
  return who.acts_for(agency);
}

Result<std::vector<ProvidedService>> provided_services(Context& ctx, const std::string& agency,
                                                       const std::string& application) {
  if (!ctx.app.agencies.get(agency).ok()) return unknown_provider();
  std::vector<ProvidedService> out;
  if (application == kRegistriesApplication) {
    for (const auto& s : ctx.app.registries.list())
      if (s->agency == agency) out.push_back(registry_service(*s));
    return out;
  }
  if (application == kRegistrationApplication) {
    for (int page = 1;; ++page) {
      auto p = ctx.app.catalog.search("", agency, "", page, kCatalogPage, "en");
      if (!p.ok()) return p.take_error();
      for (const auto& summary : p->items) {
        auto d = ctx.app.catalog.current(summary.id);
        if (d.ok()) out.push_back(catalog_service(**d));
      }
      if (static_cast<std::int64_t>(page) * kCatalogPage >= p->total) break;
    }
    return out;
  }
  auto clients = ctx.app.agencies.clients(agency);
  if (!clients.ok()) return clients.take_error();
  for (const auto& c : *clients)
    if (c.client_id == application && !c.revoked_at) return out;  // a consumer: provides nothing
  return unknown_provider();
}

}  // namespace darwaza::govstack
