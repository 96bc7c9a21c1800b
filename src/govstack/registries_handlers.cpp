// The Digital Registries Data and Database APIs (v1.3.0) over Darwaza's registries: a registry
// is a "database", its schema version the {versionnumber}, a record's number its "ID".
#include <charconv>

#include <fmt/format.h>

#include "core/crypto.hpp"
#include "govstack/handlers.hpp"
#include "govstack/json_schema.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;
using registries::SchemaPtr;

constexpr int kDefaultPageSize = 10;
constexpr std::size_t kMaxQueryTextChars = 200;
constexpr const char* kDeleteReason = "Deleted through the GovStack Digital Registries Data API";

Error bad_request(std::string type, std::string title, std::string detail) {
  return make_error(ErrorKind::invalid_request, std::move(type), std::move(title), std::move(detail));
}

// The registry named in the path at the version named: "2" and "2.0" name version 2.
Result<SchemaPtr> registry_at(Context& ctx, const Request& req) {
  auto s = ctx.app.registries.schema(req.param("registryname"));
  if (!s.ok()) return s.take_error();
  const std::string& v = req.param("versionnumber");
  const std::string n = std::to_string((*s)->version);
  if (v != n && v != n + ".0")
    return make_error(ErrorKind::not_found, "version-not-found", "No such version",
                      "This registry is at version " + n + ".0.");
  return s;
}

// A record as the Data API shows it: its fields and its number as "ID".
json content_of(const std::string& number, json fields) {
  fields["ID"] = number;
  return fields;
}

// {"<member>": {"content": {...}}} → the content object.
Result<json> content_in(const Request& req, const char* member, bool required) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  auto it = body->find(member);
  if (it == body->end()) {
    if (!required) return json::object();
    return bad_request("invalid-body", "Invalid body", fmt::format("The body needs \"{}\": {{\"content\": {{...}}}}.", member));
  }
  if (!it->is_object() || !it->contains("content") || !(*it)["content"].is_object())
    return bad_request("invalid-body", "Invalid body", fmt::format("\"{}\" needs a \"content\" object.", member));
  return (*it)["content"];
}

// The first record whose public fields equal the query's content, as the caller may see it.
Result<registries::RecordView> first_match(Context& ctx, const Request& req, const json& content) {
  auto found = ctx.app.registries.find(req.param("registryname"), content, "", 1, 1);
  if (!found.ok()) return found.take_error();
  if (found->items.empty())
    return make_error(ErrorKind::not_found, "record-not-found", "No such record", "no record found");
  return ctx.app.registries.get(req.principal, req.param("registryname"), found->items.front().record.id);
}

std::string page_link(const Request& req, int page, int page_size) {
  std::string q = fmt::format("page={}&page_size={}", page, page_size);
  for (const auto& [k, v] : req.query)
    if (k != "page" && k != "page_size") q += "&" + k + "=" + v;
  return req.path + "?" + q;
}

// A stable integer id for a registry (the Database API numbers databases): the first 28 bits of
// the SHA-256 of its name, so it never changes when other registries come or go.
std::int64_t database_id(const std::string& name) {
  return std::stoll(crypto::sha256_hex(name).substr(0, 7), nullptr, 16);
}

json database_info(Context& ctx, const registries::Schema& s) {
  std::vector<catalog::FormField> fields = s.form();
  json schema = json_schema(fields);
  schema["properties"]["ID"] = {{"type", "string"}, {"primaryKey", true}, {"readOnly", true},
                                {"description", "Registration number"}};
  json flags = json::array(), tags = json::array();
  flags.push_back({{"name", "primaryKey"}, {"path", "/ID"}});
  for (const auto& f : s.fields) {
    if (f.field.required) flags.push_back({{"name", "mandatory"}, {"path", "/" + f.field.name}});
    if (f.is_public && !registries::personal_type(f.field.type))
      tags.push_back({{"name", "public"}, {"path", "/" + f.field.name}, {"is_fulltext", true}});
  }
  auto agency = ctx.app.agencies.get(s.agency);
  json services = json::array();
  int n = 0;
  for (const char* svc : {"data-list", "data-read", "data-exists", "data-read-value", "data-create"})
    services.push_back({{"service_id", ++n}, {"name", svc}, {"is_visible", true}, {"used_count", 0}});
  return {{"id", database_id(s.name)},
          {"version", std::to_string(s.version) + ".0"},
          {"name", s.name},
          {"description", s.title.en},
          {"institution", agency.ok() ? agency->name_en : s.agency},
          {"number_format", s.number_prefix.empty() ? "{key}" : s.number_prefix + "-{year}-{indexNoByYear}"},
          {"schema", std::move(schema)},
          {"schema_tags", std::move(tags)},
          {"schema_flags", std::move(flags)},
          {"fields_uniques", s.unique},
          {"is_draft", false},
          {"is_disabled", false},
          {"is_archived", false},
          {"generic_services", std::move(services)},
          {"data_index_increment", ctx.app.registries.count(s.name)},
          {"has_logo", false}};
}

}  // namespace

HandlerResult data_list(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  int page = 1, page_size = kDefaultPageSize;
  for (auto [name, out] : {std::pair{"page", &page}, std::pair{"page_size", &page_size}}) {
    auto v = req.query_param(name);
    if (!v) continue;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), *out);
    if (ec != std::errc() || end != v->data() + v->size() || *out < 1 ||
        (std::string_view(name) == "page_size" && *out > registries::kMaxPageSize))
      return bad_request("invalid-page", "Invalid page",
                         fmt::format("page is a number from 1; page_size from 1 to {}.", registries::kMaxPageSize));
  }
  std::string text = req.query_param("search").value_or("");
  if (text.size() > kMaxQueryTextChars) return bad_request("invalid-search", "Invalid search", "search is at most 200 characters.");
  json equals = json::object();
  for (const auto& [k, v] : req.query)
    if (k.starts_with("query.") && k.size() > 6) equals[k.substr(6)] = v;
  auto found = ctx.app.registries.find((*s)->name, equals, text, page, page_size);
  if (!found.ok()) return found.take_error();
  json results = json::array();
  for (const auto& v : found->items) results.push_back(content_of(v.record.number, v.fields));
  const bool more = static_cast<std::int64_t>(page) * page_size < found->total;
  return http::Reply::json(200, {{"count", found->total},
                                 {"next", more ? json(page_link(req, page + 1, page_size)) : json(nullptr)},
                                 {"previous", page > 1 ? json(page_link(req, page - 1, page_size)) : json(nullptr)},
                                 {"results", std::move(results)}});
}

HandlerResult data_create(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto content = content_in(req, "write", true);
  if (!content.ok()) return content.take_error();
  std::string number;
  if (auto id = content->find("ID"); id != content->end()) {
    if (!id->is_string()) return bad_request("invalid-body", "Invalid body", "\"ID\" is a string.");
    number = id->get<std::string>();
    content->erase("ID");
  }
  auto r = ctx.app.registries.create(req.principal, (*s)->name, *content, number);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, {{"content", content_of(r->number, json::parse(r->data))}});
}

HandlerResult data_exists(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto content = content_in(req, "query", true);
  if (!content.ok()) return content.take_error();
  auto found = ctx.app.registries.find((*s)->name, *content, "", 1, 1);
  if (!found.ok()) return found.take_error();
  const bool status = found->total > 0;
  return http::Reply::json(
      200, {{"answer", {{"status", status}, {"message", status ? "Object found from database" : "Object not found from database"}}}});
}

HandlerResult data_read(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto content = content_in(req, "query", true);
  if (!content.ok()) return content.take_error();
  auto v = first_match(ctx, req, *content);
  if (!v.ok()) return v.take_error();
  return http::Reply::json(200, {{"content", content_of(v->record.number, v->fields)}});
}

HandlerResult data_read_value(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  const std::string& file = req.param("file");
  auto dot = file.rfind('.');
  if (dot == std::string::npos || dot == 0 || file.substr(dot + 1) != "json")
    return bad_request("unsupported-format", "Unsupported format", "Ask for {field}.json.");
  const std::string field = file.substr(0, dot);
  auto v = ctx.app.registries.get(req.principal, (*s)->name, req.param("uuid"));
  if (!v.ok()) {
    Error e = v.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "no record found";
    return e;
  }
  json content = content_of(v->record.number, v->fields);
  if (!content.contains(field))
    return make_error(ErrorKind::not_found, "field-not-found", "No such field",
                      "The record has no field of that name that you may see.");
  return http::Reply::json(200, {{"value", content[field]}});
}

// Records are never erased: "delete" revokes the record, as the owning agency does in the portal
// (its unique keys are freed, its history keeps the act).
HandlerResult data_delete(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto v = ctx.app.registries.change_status(req.principal, (*s)->name, req.param("ID"), "revoke", kDeleteReason);
  if (!v.ok()) {
    Error e = v.take_error();
    if (e.kind == ErrorKind::not_found) e.detail = "no record found";
    return e;
  }
  return http::Reply::no_content();
}

HandlerResult databases(Context& ctx, Request&) {
  json list = json::array();
  for (const auto& s : ctx.app.registries.list()) list.push_back(database_info(ctx, *s));
  return http::Reply::json(200, {{"id", 1},
                                 {"name", "Darwaza digital registries"},
                                 {"code", "DARWAZA"},
                                 {"databases", std::move(list)},
                                 {"group_id", 1},
                                 {"order", 1},
                                 {"data_index_increment", 0}});
}

HandlerResult database(Context& ctx, Request& req) {
  const std::string& text = req.param("id");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 0)
    return bad_request("invalid-database-id", "Invalid database id", "The database id is an integer.");
  for (const auto& s : ctx.app.registries.list())
    if (database_id(s->name) == id) return http::Reply::json(200, database_info(ctx, *s));
  return make_error(ErrorKind::not_found, "database-not-found", "No such database", "No database has that id.");
}

}  // namespace darwaza::govstack::handlers
