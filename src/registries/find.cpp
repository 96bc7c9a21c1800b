// Field-equality matching over the current records' public fields, single records written by
// the owning agency's systems, and updates of the records a match finds: what the GovStack Data
// API needs beyond the portal's search and the import command.
#include <fmt/format.h>

#include "audit/audit.hpp"
#include "core/principal.hpp"
#include "core/working_days.hpp"
#include "registries/errors.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {
namespace {

using nlohmann::json;

// A scalar value as text: search words, a record number ("42" for 42).
std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// A query value equals a stored value when they are the same JSON or the same text ("42" = 42).
bool same_value(const json& stored, const json& wanted) {
  if (stored == wanted) return true;
  return !stored.is_structured() && !wanted.is_structured() && text_of(stored) == text_of(wanted);
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

// The query names only public, non-personal fields (or "ID"), each with a single value: a match
// can then never reveal a private value.
Status check_query(const Schema& s, const json& equals) {
  if (!equals.is_object()) return error(Errc::field_not_searchable, "The query is an object of field values.");
  for (const auto& [k, v] : equals.items()) {
    const SchemaField* f = k == "ID" ? nullptr : s.field(k);
    if ((k != "ID" && (!f || !f->is_public || personal_type(f->field.type))) || v.is_structured())
      return error(Errc::field_not_searchable, "\"" + k + "\" is not a public field of this registry.");
  }
  return ok_status();
}

}  // namespace

Status Registries::each_match(const Schema& s, const json& equals, const std::string& text,
                              const std::function<bool(RecordView&)>& on_match) {
  // A number names at most one record: read it, not the text search. (With search text as well,
  // the text search below has the number among its terms, which narrows it to that record.)
  if (auto id = equals.find("ID"); id != equals.end() && text.empty()) {
    const std::string today = pkt_date(clock_.now_ms());
    auto hit = storage::read_value<std::optional<RecordView>>(
        db_, [&](storage::Tx& tx) -> Result<std::optional<RecordView>> {
          auto r = tx.registries().by_number(text_of(*id));
          if (!r || r->registry != s.name || r->status != RecordStatus::active) return std::optional<RecordView>();
          return std::optional<RecordView>(view(tx, s, std::move(*r), false, today));
        });
    if (!hit.ok()) return hit.take_error();
    if (*hit && matches((*hit)->record, (*hit)->fields, equals)) on_match(**hit);
    return ok_status();
  }
  // The text search narrows the candidates (public text holds every public value and the
  // number); each candidate is then compared field by field. Only current records: the same
  // status filter as the portal's public list. The candidates are read in registration order, a
  // page after the last one seen (not ranked, and not by OFFSET): each page costs the same.
  std::string terms = text;
  for (const auto& [k, v] : equals.items()) terms += " " + text_of(v);
  if (terms.size() > kMaxSearchChars) terms.resize(kMaxSearchChars);  // words are matched as prefixes
  storage::RecordQuery q{.registry = s.name, .text = terms, .status = to_string(RecordStatus::active),
                         .limit = kMaxPageSize};
  if (!equals.empty()) {
    auto n = storage::read_value<std::int64_t>(db_, [&](storage::Tx& tx) -> Result<std::int64_t> {
      return tx.registries().count_matches(q, kMaxMatchCandidates + 1);
    });
    if (!n.ok()) return n.take_error();
    if (*n > kMaxMatchCandidates)
      return error(Errc::query_too_broad,
                   fmt::format("More than {} records could match, and at most that many are compared. Add fields or "
                               "search words.",
                               kMaxMatchCandidates));
  }
  const std::string today = pkt_date(clock_.now_ms());
  for (std::int64_t after = 0;;) {
    auto page = storage::read_value<std::vector<RecordView>>(db_, [&](storage::Tx& tx) -> Result<std::vector<RecordView>> {
      std::vector<RecordView> views;
      for (auto& r : tx.registries().matches_after(q, after)) views.push_back(view(tx, s, std::move(r), false, today));
      return views;
    });
    if (!page.ok()) return page.take_error();
    if (page->empty()) return ok_status();
    after = page->back().record.seq;  // before on_match, which may take the views
    for (auto& v : *page)
      if (matches(v.record, v.fields, equals) && !on_match(v)) return ok_status();
    if (static_cast<int>(page->size()) < q.limit) return ok_status();
  }
}

Result<RecordList> Registries::find(const std::string& name, const json& equals, const std::string& text, int page,
                                    int page_size, const std::string& after) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (Status st = check_query(**s, equals); !st.ok()) return st.take_error();
  if (page < 1 || page > kMaxPage || page_size < 1 || page_size > kMaxPageSize)
    return error(Errc::page_invalid, fmt::format("page is 1 to {}; page_size is 1 to {}.", kMaxPage, kMaxPageSize));
  if (!after.empty() && !equals.empty())
    return error(Errc::page_invalid, "after lists the next page of a listing: it takes no query.");
  if (equals.empty()) {
    // The portal's search and listing, whose page rules (add_page_errors) are answered here as
    // the Data API's invalid-page, the first of them named, rather than the portal's 422.
    FieldErrors errs("en");
    add_page_errors(errs, text, page, page_size, after);
    if (!errs.empty()) {
      const FieldError& e = errs.fields().front();
      return error(Errc::page_invalid, fmt::format("{}: {}", e.path.substr(1), e.message));
    }
    return search(name, text, to_string(RecordStatus::active), page, page_size, after);
  }
  // Every match is counted (the total), the page's are kept.
  RecordList out;
  const std::int64_t skip = static_cast<std::int64_t>(page - 1) * page_size;
  Status st = each_match(**s, equals, text, [&](RecordView& v) {
    if (out.total >= skip && static_cast<int>(out.items.size()) < page_size) out.items.push_back(std::move(v));
    ++out.total;
    return true;
  });
  if (!st.ok()) return st.take_error();
  out.more = skip + page_size < out.total;
  return out;
}

Result<std::optional<std::string>> Registries::first_match(const std::string& name, const json& equals) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (Status st = check_query(**s, equals); !st.ok()) return st.take_error();
  std::optional<std::string> id;
  Status st = each_match(**s, equals, "", [&](RecordView& v) {
    id = v.record.id;
    return false;
  });
  if (!st.ok()) return st.take_error();
  return id;
}

Result<Record> Registries::create(const Principal& who, const std::string& name, const json& fields,
                                  const std::string& number) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (!who.acts_for((*s)->agency)) return error(Errc::not_allowed);
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

Result<std::int64_t> Registries::change_matching(const Principal& who, const Schema& s, const json& equals,
                                                 const std::vector<std::string>& ids, const RecordChange& change,
                                                 RecordView* shown) {
  const UnixMs now = clock_.now_ms();
  const std::string today = pkt_date(now);
  std::vector<Effect> effects;
  auto n = storage::write_value<std::int64_t>(db_, [&](storage::Tx& tx) -> Result<std::int64_t> {
    effects.clear();
    std::int64_t changed = 0;
    for (const auto& id : ids) {
      // Matched outside this transaction: a record changed meanwhile must still be current and match.
      auto r = tx.registries().by_id(id);
      if (!r || r->registry != s.name || r->status != RecordStatus::active ||
          !matches(*r, public_fields(s, *r), equals))
        continue;
      auto e = change_record(tx, s, *r, change, who, now);
      if (!e.ok()) {
        Error err = e.take_error();
        if (ids.size() > 1) err.detail = r->number + ": " + err.detail;
        return err;
      }
      effects.push_back(std::move(e).value());
      if (shown && changed == 0) *shown = view(tx, s, std::move(*r), true, today);
      ++changed;
    }
    return changed;
  });
  if (n.ok())
    for (const auto& e : effects) committed(e);
  return n;
}

Result<std::vector<std::string>> Registries::matching_ids(const Principal& who, const Schema& s, const json& equals,
                                                          const RecordChange& change, std::size_t limit) {
  if (Status st = check_change(who, s, change); !st.ok()) return st.take_error();
  if (Status st = check_query(s, equals); !st.ok()) return st.take_error();
  std::vector<std::string> ids;
  Status st = each_match(s, equals, "", [&](RecordView& v) {
    ids.push_back(v.record.id);
    return ids.size() < limit;
  });
  if (!st.ok()) return st.take_error();
  return ids;
}

Result<RecordView> Registries::update_first(const Principal& who, const std::string& name, const json& equals,
                                            const RecordChange& change) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  auto ids = matching_ids(who, **s, equals, change, 1);
  if (!ids.ok()) return ids.take_error();
  RecordView shown;
  auto n = change_matching(who, **s, equals, *ids, change, &shown);
  if (!n.ok()) return n.take_error();
  if (*n == 0) return error(Errc::record_not_found);
  return shown;
}

Result<std::int64_t> Registries::update_all(const Principal& who, const std::string& name, const json& equals,
                                            const RecordChange& change) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  auto ids = matching_ids(who, **s, equals, change, kMaxUpdateRecords + 1);  // one more: too many
  if (!ids.ok()) return ids.take_error();
  if (ids->size() > kMaxUpdateRecords)
    return error(Errc::too_many_records,
                 fmt::format("More than {} records match; one update changes at most {}.", kMaxUpdateRecords,
                             kMaxUpdateRecords));
  return change_matching(who, **s, equals, *ids, change, nullptr);
}

}  // namespace darwaza::registries
