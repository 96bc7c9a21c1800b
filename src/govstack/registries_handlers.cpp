// The Digital Registries Data and Database APIs (v1.3.0) over Darwaza's registries: a registry
// is a "database", its schema version the {versionnumber}, a record's number its "ID".
#include <charconv>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "govstack/handlers.hpp"
#include "govstack/json_schema.hpp"
#include "http/router.hpp"
#include "registries/errors.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;
using registries::SchemaPtr;

constexpr int kDefaultPageSize = 10;
constexpr const char* kDeleteReason = "Deleted through the GovStack Digital Registries Data API";
constexpr const char* kUpdateReason = "Updated through the GovStack Digital Registries Data API";

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

// {"<member>": {"content": {...}}} → the content object; null when the member is absent.
Result<json> content_of_member(const json& body, const char* member) {
  if (!body.is_object()) return bad_request("invalid-body", "Invalid body", "The body is a JSON object.");
  auto it = body.find(member);
  if (it == body.end()) return json();
  if (!it->is_object() || !it->contains("content") || !(*it)["content"].is_object())
    return bad_request("invalid-body", "Invalid body", fmt::format("\"{}\" needs a \"content\" object.", member));
  return (*it)["content"];
}

Result<json> content_in(const Request& req, const char* member) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  auto content = content_of_member(*body, member);
  if (!content.ok() || !content->is_null()) return content;
  return bad_request("invalid-body", "Invalid body", fmt::format("The body needs \"{}\": {{\"content\": {{...}}}}.", member));
}

// The "ID" of a write's content (the record number), taken out of it; empty when not given.
Result<std::string> take_number(json& content) {
  auto id = content.find("ID");
  if (id == content.end()) return std::string();
  if (!id->is_string()) return bad_request("invalid-body", "Invalid body", "\"ID\" is a string.");
  std::string number = id->get<std::string>();
  content.erase(id);
  return number;
}

// The update calls' body: {"query": {"content": {...}}, "write": {"content": {...}}}. The query
// selects the records as read does; without one, the write's "ID" names the record. A write's
// "ID" is the record's number, which never changes.
struct UpdateBody {
  json equals;                     // null: neither a query nor an ID (update-or-create creates)
  registries::RecordChange change;
};

Result<UpdateBody> update_body(const Request& req) {
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  auto query = content_of_member(*body, "query");
  if (!query.ok()) return query.take_error();
  auto write = content_of_member(*body, "write");
  if (!write.ok()) return write.take_error();
  if (write->is_null())
    return bad_request("invalid-body", "Invalid body", "The body needs \"write\": {\"content\": {...}}.");
  UpdateBody out;
  auto number = take_number(*write);
  if (!number.ok()) return number.take_error();
  out.change.fields = std::move(*write);
  out.change.number = *number;
  out.change.reason = kUpdateReason;
  if (!query->is_null()) out.equals = std::move(*query);
  else if (!number->empty()) out.equals = {{"ID", *number}};
  return out;
}

Error no_selection() {
  return bad_request("invalid-body", "Invalid body",
                     "Name the record: \"query\": {\"content\": {...}}, or an \"ID\" in the write's content.");
}

// The specification's 404 body for a record it cannot find: "no record found".
Error as_no_record(Error e) {
  if (e.kind == ErrorKind::not_found && e.type == "record-not-found") e.detail = "no record found";
  return e;
}

// A link to another page of a list: a numbered page, or (after not empty) the page after a
// listing's cursor; the request's other parameters kept.
std::string page_link(const Request& req, int page, int page_size, const std::string& after = {}) {
  std::string q = after.empty() ? fmt::format("page={}&page_size={}", page, page_size)
                                : fmt::format("after={}&page_size={}", after, page_size);
  for (const auto& [k, v] : req.query)
    if (k != "page" && k != "page_size" && k != "after") q += "&" + http::url_encode(k) + "=" + http::url_encode(v);
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
  // Each Data API operation, numbered in the order the route table serves them. No used_count:
  // Darwaza counts requests per route, not per registry (docs/govstack.md).
  json services = json::array();
  int n = 0;
  for (const auto& op : data_operations())
    services.push_back({{"service_id", ++n}, {"name", op.name}, {"is_visible", true}});
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
          // Records are never erased: the count is every record written, how far the index went.
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
    const int max = std::string_view(name) == "page" ? registries::kMaxPage : registries::kMaxPageSize;
    if (ec != std::errc() || end != v->data() + v->size() || *out < 1 || *out > max)
      return bad_request("invalid-page", "Invalid page",
                         fmt::format("page is a number from 1 to {}; page_size from 1 to {}.", registries::kMaxPage,
                                     registries::kMaxPageSize));
  }
  std::string text = req.query_param("search").value_or("");
  if (text.size() > registries::kMaxSearchChars)
    return bad_request("invalid-search", "Invalid search",
                       fmt::format("search is at most {} bytes.", registries::kMaxSearchChars));
  json equals = json::object();
  for (const auto& [k, v] : req.query)
    if (k.starts_with("query.") && k.size() > 6) equals[k.substr(6)] = v;
  const std::string after = req.query_param("after").value_or("");
  auto found = ctx.app.registries.find((*s)->name, equals, text, page, page_size, after);
  if (!found.ok()) return found.take_error();
  json results = json::array();
  for (const auto& v : found->items) results.push_back(content_of(v.record.number, v.fields));
  // A listing's numbered pages end at registries::kMaxCountedRecords records; its next page
  // past them, and every page after a cursor, is linked by cursor. A page reached by cursor has
  // no link back (its number is not known).
  json next = nullptr;
  if (found->more) {
    const bool by_cursor = !after.empty() || registries::past_numbered_pages(page + 1, page_size);
    next = by_cursor && !found->next_after.empty() ? page_link(req, 0, page_size, found->next_after)
                                                    : page_link(req, page + 1, page_size);
  }
  return http::Reply::json(200, {{"count", found->total},
                                 {"next", std::move(next)},
                                 {"previous", page > 1 && after.empty() ? json(page_link(req, page - 1, page_size)) : json(nullptr)},
                                 {"results", std::move(results)}});
}

HandlerResult data_create(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto content = content_in(req, "write");
  if (!content.ok()) return content.take_error();
  auto number = take_number(*content);
  if (!number.ok()) return number.take_error();
  auto r = ctx.app.registries.create(req.principal, (*s)->name, *content, *number);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, {{"content", content_of(r->number, json::parse(r->data))}});
}

HandlerResult data_exists(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto content = content_in(req, "query");
  if (!content.ok()) return content.take_error();
  auto found = ctx.app.registries.first_match((*s)->name, *content);
  if (!found.ok()) return found.take_error();
  const bool status = found->has_value();
  return http::Reply::json(
      200, {{"answer", {{"status", status}, {"message", status ? "Object found from database" : "Object not found from database"}}}});
}

HandlerResult data_read(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto content = content_in(req, "query");
  if (!content.ok()) return content.take_error();
  auto found = ctx.app.registries.first_match((*s)->name, *content);
  if (!found.ok()) return found.take_error();
  if (!*found) return as_no_record(registries::error(registries::Errc::record_not_found));
  // The record as the portal shows it to this caller (every field to the owning agency, audited).
  auto v = ctx.app.registries.get_current(req.principal, (*s)->name, **found);
  if (!v.ok()) return as_no_record(v.take_error());
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
  auto v = ctx.app.registries.get_current(req.principal, (*s)->name, req.param("uuid"));
  if (!v.ok()) return as_no_record(v.take_error());
  json content = content_of(v->record.number, v->fields);
  if (!content.contains(field))
    return make_error(ErrorKind::not_found, "field-not-found", "No such field",
                      "The record has no field of that name that you may see.");
  return http::Reply::json(200, {{"value", content[field]}});
}

// The first current record the query matches (as read finds it) takes the write's fields; the
// answer is the record as it now is (every field: the caller is the owning agency).
HandlerResult data_update(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto body = update_body(req);
  if (!body.ok()) return body.take_error();
  if (body->equals.is_null()) return no_selection();
  auto v = ctx.app.registries.update_first(req.principal, (*s)->name, body->equals, body->change);
  if (!v.ok()) return as_no_record(v.take_error());
  return http::Reply::json(200, {{"content", content_of(v->record.number, v->fields)}});
}

// Every current record the query matches takes the write's fields, all or none; the answer
// counts them (none matching: 0).
HandlerResult data_update_entries(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto body = update_body(req);
  if (!body.ok()) return body.take_error();
  if (body->equals.is_null()) return no_selection();
  auto n = ctx.app.registries.update_all(req.principal, (*s)->name, body->equals, body->change);
  if (!n.ok()) return n.take_error();
  return http::Reply::json(200, {{"count", *n}});
}

// As update when the query (or the write's ID) finds a current record; otherwise the write's
// content is created as create does (its ID, if given, the new record's number).
HandlerResult data_update_or_create(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto body = update_body(req);
  if (!body.ok()) return body.take_error();
  if (!body->equals.is_null()) {
    auto v = ctx.app.registries.update_first(req.principal, (*s)->name, body->equals, body->change);
    if (v.ok()) return http::Reply::json(200, {{"content", content_of(v->record.number, v->fields)}});
    if (Error e = v.take_error(); e.type != "record-not-found") return e;
  }
  auto r = ctx.app.registries.create(req.principal, (*s)->name, body->change.fields, body->change.number);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, {{"content", content_of(r->number, json::parse(r->data))}});
}

// Who used the signed-in person's records in one registry (the audit entries of others' acts on
// them), newest first. userID must be the caller's own person id; DatabaseID names the registry.
HandlerResult my_personal_data_usage(Context& ctx, Request& req) {
  const std::string user = req.query_param("userID").value_or("");
  const std::string database = req.query_param("DatabaseID").value_or("");
  if (user.empty() || database.empty())
    return bad_request("invalid-parameter", "Invalid parameter",
                       "userID (your person id) and DatabaseID (a registry's name) are required.");
  std::int64_t before = 0;
  if (auto b = req.query_param("before")) {
    auto [end, ec] = std::from_chars(b->data(), b->data() + b->size(), before);
    if (ec != std::errc() || end != b->data() + b->size() || before < 1)
      return bad_request("invalid-parameter", "Invalid parameter", "before is the ID of an entry (a positive integer).");
  }
  if (user != req.principal.user_id)
    return make_error(ErrorKind::forbidden, "user-mismatch", "Not your data",
                      "userID must be your own person id: a person sees the use of their own data only.");
  auto uses = ctx.app.registries.data_usage(req.principal, database, before);
  if (!uses.ok()) return uses.take_error();
  json out = json::array();
  for (const auto& u : *uses) {
    json item = {{"ID", std::to_string(u.seq)},
                 {"SearchDateTime", format_rfc3339(u.at)},
                 {"Refrences", json::array({{{"ReferenceID", u.number}}})},
                 {"ReaderRole", u.reader_role},
                 {"Action", u.action},
                 {"Purpose", u.purpose}};
    if (!u.reader_agency.empty()) {
      item["ReaderInstitutionID"] = u.reader_agency;
      item["ReaderInstitutionName"] = u.reader_agency_name;
    }
    if (!u.reader_application.empty()) item["ReaderApplicationName"] = u.reader_application;
    out.push_back(std::move(item));
  }
  return http::Reply::json(200, out);
}

// Records are never erased: "delete" revokes the record, as the owning agency does in the portal
// (its unique keys are freed, its history keeps the act); a revoked record is gone (404).
HandlerResult data_delete(Context& ctx, Request& req) {
  auto s = registry_at(ctx, req);
  if (!s.ok()) return s.take_error();
  auto v = ctx.app.registries.revoke(req.principal, (*s)->name, req.param("ID"), kDeleteReason);
  if (!v.ok()) return as_no_record(v.take_error());
  return http::Reply::no_content();
}

// Darwaza's registries are one group with no id or order of its own: "id", "group_id" and
// "order" are left out rather than invented (docs/govstack.md); the group's increment is the sum
// of its databases'.
HandlerResult databases(Context& ctx, Request&) {
  json list = json::array();
  std::int64_t written = 0;
  for (const auto& s : ctx.app.registries.list()) {
    list.push_back(database_info(ctx, *s));
    written += list.back()["data_index_increment"].get<std::int64_t>();
  }
  return http::Reply::json(200, {{"name", "Darwaza digital registries"},
                                 {"code", "DARWAZA"},
                                 {"databases", std::move(list)},
                                 {"data_index_increment", written}});
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
