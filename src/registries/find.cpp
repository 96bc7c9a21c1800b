// Field-equality matching over public fields, and single records written by the owning agency's
// systems: what the GovStack Data API needs beyond the portal's search and the import command.
#include <algorithm>

#include "core/principal.hpp"
#include "registries/errors.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {
namespace {

using nlohmann::json;

// A query value equals a stored value when they are the same JSON or the same text ("42" = 42).
bool same_value(const json& stored, const json& wanted) {
  if (stored == wanted) return true;
  auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  return !stored.is_structured() && !wanted.is_structured() && text(stored) == text(wanted);
}

bool matches(const Record& r, const json& data, const json& equals) {
  for (const auto& [k, v] : equals.items()) {
    if (k == "ID") {
      if (!same_value(json(r.number), v)) return false;
    } else if (!data.contains(k) || !same_value(data[k], v)) {
      return false;
    }
  }
  return true;
}

Error not_searchable(const std::string& field) {
  return make_error(ErrorKind::invalid_request, "field-not-searchable", "Field not searchable",
                    "\"" + field + "\" is not a public field of this registry.");
}

}  // namespace

bool Registries::acts_for_owner(const Principal& who, const Schema& s) const {
  return (who.is_client() && who.agency_id == s.agency) || who.is_staff_of(s.agency) ||
         who.has_role(Role::platform_admin);
}

Result<RecordList> Registries::find(const std::string& name, const json& equals, const std::string& text, int page,
                                    int page_size) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (!equals.is_object()) return not_searchable("query");
  if (equals.empty()) return search(name, text, "", page, page_size);
  std::string terms = text;
  for (const auto& [k, v] : equals.items()) {
    const SchemaField* f = k == "ID" ? nullptr : (*s)->field(k);
    if (k != "ID" && (!f || !f->is_public || personal_type(f->field.type))) return not_searchable(k);
    if (v.is_structured()) return not_searchable(k);
    terms += " " + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  if (page < 1 || page_size < 1 || page_size > kMaxPageSize)
    return make_error(ErrorKind::invalid_request, "invalid-page", "Invalid page",
                      "page is 1 or more; page_size is 1 to " + std::to_string(kMaxPageSize) + ".");
  // The text search narrows the candidates (public text holds every public value and the
  // number); each candidate is then compared field by field.
  RecordList out;
  const std::int64_t skip = static_cast<std::int64_t>(page - 1) * page_size;
  for (int p = 1; (p - 1) * kMaxPageSize < kMaxMatchCandidates; ++p) {
    auto hits = search(name, terms.substr(0, 200), "", p, kMaxPageSize);
    if (!hits.ok()) return hits.take_error();
    for (auto& v : hits->items) {
      if (!matches(v.record, v.fields, equals)) continue;
      if (out.total >= skip && static_cast<int>(out.items.size()) < page_size) out.items.push_back(std::move(v));
      ++out.total;
    }
    if (static_cast<std::int64_t>(p) * kMaxPageSize >= hits->total) break;
  }
  return out;
}

Result<Record> Registries::create(const Principal& who, const std::string& name, const json& fields,
                                  const std::string& number) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (!acts_for_owner(who, **s)) return error(Errc::not_allowed);
  json line = {{"fields", fields}};
  if (!number.empty()) line["number"] = number;
  auto row = parse_import_row(**s, line);
  if (!row.ok()) return row.take_error();
  std::vector<ImportRow> rows;
  rows.push_back(std::move(row).value());
  std::vector<Record> created;
  auto n = import_rows(name, std::move(rows), who, &created);
  if (!n.ok()) return n.take_error();
  if (created.empty()) return internal_error("import_rows wrote no record");
  return std::move(created.front());
}

}  // namespace darwaza::registries
