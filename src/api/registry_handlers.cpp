// Handlers for the digital registries: public search, record views, changes of a record's fields
// and status by the owning agency, the citizen's own records and IP look-ups.
#include <algorithm>
#include <deque>
#include <span>
#include <string_view>

#include "api/json_input.hpp"
#include "api/render.hpp"
#include "api/registry_handlers.hpp"
#include "catalog/definition.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;

json record_json(const registries::RecordView& v, const std::string& lang) {
  const auto& r = v.record;
  json j{{"id", r.id},
         {"registry", r.registry},
         {"number", r.number},
         {"status", v.status},
         {"valid_from", r.valid_from},
         {"valid_until", or_null(r.valid_until)},
         {"fields", v.fields}};
  if (v.schema) j["title"] = v.schema->title.in(lang);
  if (v.full) {
    j["registry_version"] = r.registry_version;
    if (!r.subject_user_id.empty()) j["subject"] = {{"kind", "citizen"}, {"id", r.subject_user_id}};
    if (!r.subject_org_id.empty()) j["subject"] = {{"kind", "organisation"}, {"id", r.subject_org_id}};
    if (!r.application_id.empty()) j["application_id"] = r.application_id;
    j["created_at"] = format_rfc3339(r.created_at);
    j["updated_at"] = format_rfc3339(r.updated_at);
    json history = json::array();
    for (const auto& e : v.events)
      history.push_back({{"at", format_rfc3339(e.at)},
                         {"actor", e.actor},
                         {"action", e.action},
                         {"from_status", e.from_status},
                         {"to_status", e.to_status},
                         {"reason", e.reason},
                         {"fields", e.fields}});
    j["history"] = std::move(history);
  }
  if (!v.capacity.empty() || (v.schema && v.schema->capacity)) {
    json pools = json::array();
    for (const auto& c : v.capacity)
      pools.push_back({{"qualifier", c.qualifier}, {"total", c.total}, {"allocated", c.allocated},
                       {"available", std::max<std::int64_t>(0, c.total - c.allocated)}});
    j["capacity"] = std::move(pools);
  }
  return j;
}

json schema_summary(const registries::Schema& s, const std::string& lang) {
  json fields = json::array();
  for (const auto& f : s.fields)
    if (f.is_public && !registries::personal_type(f.field.type)) fields.push_back(catalog::to_json(f.field));
  return {{"name", s.name},
          {"version", s.version},
          {"agency", s.agency},
          {"title", s.title.in(lang)},
          {"title_en", s.title.en},
          {"title_ur", s.title.ur},
          {"description", s.description.in(lang)},
          {"subject", registries::to_string(s.subject)},
          {"validity_days", s.validity_days},
          {"public_fields", std::move(fields)},
          {"address_lookup", !s.ip_index.empty()}};
}

// Look-up answers are written straight to text: a batch of 10,000 is about 1 MB of JSON, and
// building it as a document tree first costs more than the look-ups themselves. Ids, ranges and
// dates are from fixed alphabets; the caller's own address text is escaped as a JSON string.
void append_lookup(std::string& out, std::string_view address, const registries::LookupBatch& batch, std::size_t i) {
  out += "{\"address\":";
  // Almost every address is plain ASCII with nothing to escape; anything else goes through the
  // JSON library (invalid UTF-8 replaced).
  const bool plain = std::all_of(address.begin(), address.end(),
                                 [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (plain) {
    out += '"';
    out += address;
    out += '"';
  } else {
    out += logging::json_escape(address);
  }
  if (!batch.readable(i)) {
    // The same problem for every unreadable address: rendered once.
    static const std::string problem = [] {
      const Error& e = registries::LookupBatch::unreadable_address();
      return ",\"error\":{\"type\":\"/problems/" + e.type + "\",\"title\":" + json(e.title).dump() +
             ",\"detail\":" + json(e.detail).dump() + "}}";
    }();
    out += problem;
    return;
  }
  const auto matches = batch.matches(i);
  out += matches.empty() ? ",\"covered\":false,\"registrations\":[" : ",\"covered\":true,\"registrations\":[";
  for (std::size_t k = 0; k < matches.size(); ++k) {
    const registries::IpEntry& m = *matches[k];
    if (k) out += ',';
    out += "{\"record_id\":\"";
    out += m.record_id;
    out += "\",\"range\":\"";
    m.range.append_canonical(out);
    out += "\",\"valid_until\":";
    if (m.valid_until.empty()) {
      out += "null";
    } else {
      out += '"';
      out += m.valid_until;
      out += '"';
    }
    out += '}';
  }
  out += "]}";
}

// Bytes of answer an address usually takes (one or two registrations or none; an estimate to
// reserve by, not a bound).
constexpr std::size_t kLookupAnswerBytes = 110;

// Looks a batch up and writes the answer: in parts at once, like the look-ups.
http::HandlerResult answer_lookups(App& app, http::Request& req, std::span<const std::string_view> addresses) {
  auto r = app.registries.lookup(req.principal, req.param("name"), addresses);
  if (!r.ok()) return r.take_error();
  const std::size_t parts = app.parts.parts_for(r->size(), registries::kMinLookupPart);
  std::vector<std::string> texts(parts);
  app.parts.run_slices(r->size(), parts, [&](std::size_t part, std::size_t begin, std::size_t end) {
    std::string& out = texts[part];
    // Part 0's text becomes the body: room for the whole answer, so appending the other parts
    // does not move it.
    out.reserve((part == 0 ? r->size() : end - begin) * kLookupAnswerBytes + 16);
    if (part == 0) out += "{\"results\":[";
    for (std::size_t i = begin; i < end; ++i) {
      if (i) out += ',';
      append_lookup(out, addresses[i], *r, i);
    }
    if (part + 1 == parts) out += "]}";
  });
  std::string body = std::move(texts[0]);
  for (std::size_t p = 1; p < parts; ++p) body += texts[p];
  return http::Reply::text(200, "application/json", std::move(body));
}

}  // namespace

http::HandlerResult list_registries(App& app, http::Request& req) {
  json items = json::array();
  for (const auto& s : app.registries.list()) items.push_back(schema_summary(*s, req.lang));
  return http::Reply::json(200, {{"items", items}});
}

http::HandlerResult get_registry(App& app, http::Request& req) {
  auto s = app.registries.schema(req.param("name"));
  if (!s.ok()) return s.take_error();
  return http::Reply::json(200, schema_summary(**s, req.lang));
}

http::HandlerResult search_records(App& app, http::Request& req) {
  int page = query_int(req, "page", 1), size = query_int(req, "page_size", 20);
  auto r = app.registries.search(req.param("name"), req.query_param("q").value_or(""),
                                 req.query_param("status").value_or(""), page, size,
                                 req.query_param("after").value_or(""));
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& v : r->items) items.push_back(record_json(v, req.lang));
  return http::Reply::json(200, {{"items", items},
                                 {"page", page},
                                 {"page_size", size},
                                 {"total", r->total},
                                 {"total_exact", r->total_exact},
                                 {"next_after", r->next_after.empty() ? json(nullptr) : json(r->next_after)}});
}

http::HandlerResult get_record(App& app, http::Request& req) {
  auto r = app.registries.get(req.principal, req.param("name"), req.param("id"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, record_json(*r, req.lang));
}

http::HandlerResult change_record_status(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"action", "reason"});
  if (!in.ok()) return in.take_error();
  std::string action = in->str_or_empty("action"), reason = in->str_or_empty("reason");
  if (Status s = in->finish(); !s.ok()) return s.take_error();
  auto r = app.registries.change_status(req.principal, req.param("name"), req.param("id"), action, reason);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, record_json(*r, req.lang));
}

http::HandlerResult update_record(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"fields", "reason"});
  if (!in.ok()) return in.take_error();
  registries::RecordChange change;
  change.fields = in->object("fields").value_or(json());
  change.reason = in->str_or_empty("reason");
  if (Status s = in->finish(); !s.ok()) return s.take_error();
  auto r = app.registries.update(req.principal, req.param("name"), req.param("id"), change);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, record_json(*r, req.lang));
}

http::HandlerResult my_records(App& app, http::Request& req) {
  auto r = app.registries.mine(req.principal);
  if (!r.ok()) return r.take_error();
  json items = json::array();
  for (const auto& v : r->items) items.push_back(record_json(v, req.lang));
  return http::Reply::json(200, {{"items", items}, {"total", r->total}});
}

http::HandlerResult lookup_address(App& app, http::Request& req) {
  const std::string address = req.query_param("address").value_or("");
  const std::string_view one[] = {address};
  auto r = app.registries.lookup(req.principal, req.param("name"), one);
  if (!r.ok()) return r.take_error();
  std::string body;
  append_lookup(body, address, *r, 0);
  return http::Reply::text(200, "application/json", std::move(body));
}

http::HandlerResult lookup_addresses(App& app, http::Request& req) {
  // Almost every batch is a list of address strings only: read without a JSON tree.
  if (auto plain = string_array_member(req, "addresses")) {
    const std::vector<std::string_view> views(plain->begin(), plain->end());
    return answer_lookups(app, req, views);
  }
  auto in = JsonInput::from(req, {"addresses"});
  if (!in.ok()) return in.take_error();
  auto list = in->array("addresses");
  if (Status s = in->finish(); !s.ok()) return s.take_error();
  // Views of the parsed strings (no copies); the batch bound is the domain's rule
  // (Registries::lookup), the 1 MiB body limit bounds the parse.
  std::vector<std::string_view> addresses;
  std::deque<std::string> others;  // a non-string item, as JSON text: answered as a bad address
  if (list) {
    addresses.reserve(list->size());
    for (const auto& a : *list)
      addresses.push_back(a.is_string() ? std::string_view(a.get_ref<const std::string&>())
                                        : std::string_view(others.emplace_back(a.dump())));
  }
  return answer_lookups(app, req, addresses);
}

}  // namespace darwaza::api::handlers
