// The Consent BB API's policy and data-agreement reads over Darwaza's consent module: each legal
// basis (data/legal-bases.json) is a Data Agreement whose lawful basis is a legal obligation,
// governed by a Policy (the law it cites) with the same id. Individual consents are the citizens'
// own (/v1/me/consents) and are not agreements.
#include <algorithm>
#include <charconv>

#include "core/crypto.hpp"
#include "govstack/handlers.hpp"
#include "registries/schema.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

json policy_json(const Context& ctx, const consent::LegalBasis& b) {
  return {{"id", b.id},
          {"name", b.law},
          {"version", "1"},
          {"url", ctx.app.options.public_url + "/v1/legal-bases#" + b.id},
          {"jurisdiction", "PK"},
          {"industrySector", "Public administration"},
          {"geographicRestriction", "PK"},
          {"storageLocation", "PK"}};
}

json agreement_json(Context& ctx, const consent::LegalBasis& b) {
  auto agency = ctx.app.agencies.get(b.agency);
  auto schema = ctx.app.registries.schema(b.registry);
  json attributes = json::array();
  for (const auto& f : b.fields) {
    const registries::SchemaField* sf = schema.ok() ? (*schema)->field(f) : nullptr;
    const bool personal = sf && (registries::personal_type(sf->field.type) || !sf->is_public);
    attributes.push_back({{"id", b.registry + "." + f},
                          {"name", f},
                          {"description", sf ? sf->field.label.en : f},
                          {"sensitivity", personal ? "personal" : "public"},
                          {"category", b.registry}});
  }
  return {{"id", b.id},
          {"version", "1.0.0"},
          {"controller",
           {{"id", b.agency},
            {"name", agency.ok() ? agency->name_en : b.agency},
            {"url", agency.ok() ? agency->website : ""}}},
          {"policy", policy_json(ctx, b)},
          {"purpose", b.title.en},
          {"purposeDescription", b.purpose},
          {"lawfulBasis", "legal_obligation"},
          {"dataUse", "data_using_service"},
          {"dpia", ""},
          {"active", true},
          {"forgettable", false},
          {"dataAttributes", std::move(attributes)}};
}

// A revision of an object that has had one version: its snapshot and the snapshot's hash.
json revision_json(const std::string& schema_name, const json& object) {
  const std::string snapshot = json{{"objectData", object}, {"schemaName", schema_name}}.dump();
  return {{"id", object.value("id", "") + "-r1"},
          {"schemaName", schema_name},
          {"objectId", object.value("id", "")},
          {"signedWithoutObjectId", false},
          {"serializedSnapshot", snapshot},
          {"serializedHash", crypto::sha256_hex(snapshot)},
          {"timestamp", ""},
          {"authorizedByOther", "darwaza"}};
}

Result<consent::LegalBasis> basis_named(Context& ctx, const std::string& id, const char* what) {
  for (auto& b : ctx.app.consents.legal_bases())
    if (b.id == id) return b;
  return make_error(ErrorKind::invalid_request, std::string(what) + "-not-found", "Unknown id",
                    std::string("No ") + what + " has that id.");
}

Result<std::pair<int, int>> window(const Request& req) {
  int offset = 0, limit = kDefaultLimit;
  for (auto [name, out, max] : {std::tuple{"offset", &offset, INT32_MAX}, std::tuple{"limit", &limit, kMaxLimit}}) {
    auto v = req.query_param(name);
    if (!v) continue;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), *out);
    if (ec != std::errc() || end != v->data() + v->size() || *out < 0 || *out > max || (*out == 0 && out == &limit))
      return make_error(ErrorKind::invalid_request, "invalid-parameter", "Invalid parameter",
                        "offset is 0 or more; limit is 1 to " + std::to_string(kMaxLimit) + ".");
  }
  return std::pair{offset, limit};
}

template <class Render>
HandlerResult list_of(Context& ctx, const Request& req, const char* member, Render render) {
  auto w = window(req);
  if (!w.ok()) return w.take_error();
  auto bases = ctx.app.consents.legal_bases();
  std::sort(bases.begin(), bases.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  json items = json::array();
  for (std::size_t i = static_cast<std::size_t>(w->first); i < bases.size() && static_cast<int>(items.size()) < w->second; ++i)
    items.push_back(render(bases[i]));
  return http::Reply::json(200, {{member, std::move(items)}});
}

}  // namespace

HandlerResult read_policy(Context& ctx, Request& req) {
  auto b = basis_named(ctx, req.param("policyId"), "policy");
  if (!b.ok()) return b.take_error();
  json p = policy_json(ctx, *b);
  json rev = revision_json("Policy", p);
  if (auto r = req.query_param("revisionId"); r && *r != rev["id"])
    return make_error(ErrorKind::invalid_request, "revision-not-found", "Unknown revision", "No revision has that id.");
  return http::Reply::json(200, {{"policy", std::move(p)}, {"revision", std::move(rev)}});
}

HandlerResult list_policies(Context& ctx, Request& req) {
  return list_of(ctx, req, "policies", [&](const consent::LegalBasis& b) { return policy_json(ctx, b); });
}

HandlerResult read_data_agreement(Context& ctx, Request& req) {
  auto b = basis_named(ctx, req.param("dataAgreementId"), "data-agreement");
  if (!b.ok()) return b.take_error();
  json a = agreement_json(ctx, *b);
  json rev = revision_json("DataAgreement", a);
  return http::Reply::json(200, {{"dataAgreement", std::move(a)}, {"revision", std::move(rev)}});
}

HandlerResult list_data_agreements(Context& ctx, Request& req) {
  return list_of(ctx, req, "dataAgreement", [&](const consent::LegalBasis& b) { return agreement_json(ctx, b); });
}

}  // namespace darwaza::govstack::handlers
