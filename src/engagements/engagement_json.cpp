#include "engagements/engagement_json.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "core/countries.hpp"
#include "engagements/engagements.hpp"
#include "engagements/errors.hpp"

namespace darwaza::engagements {
namespace {

using nlohmann::json;

bool is_slug(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// Reads members of one JSON object, adding a field error for each that is wrong.
class Members {
 public:
  Members(const json& j, std::string base, FieldErrors& errs, std::initializer_list<const char*> allowed)
      : j_(j), base_(std::move(base)), errs_(errs) {
    if (!j.is_object()) {
      errs_.add(base_.empty() ? "/" : base_, "type", "an object");
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it)
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; }))
        errs_.add(path(it.key()), "unknown_field");
  }

  bool has(const char* key) const { return j_.is_object() && j_.contains(key); }
  std::string path(const std::string& key) const { return pointer_child(base_, key); }

  std::string str(const char* key, std::size_t max_chars, bool required) {
    const json* v = find(key);
    if (!v || v->is_null()) {
      if (required) errs_.add(path(key), "required");
      return {};
    }
    if (!v->is_string()) return errs_.add(path(key), "type", "a string"), std::string();
    std::string s = v->get<std::string>();
    if (s.empty() && required) errs_.add(path(key), "required");
    else if (s.size() > max_chars) errs_.add(path(key), "max_length", std::to_string(max_chars));
    return s;
  }
  std::string date(const char* key, bool full_only, bool required) {
    std::string s = str(key, 10, required);
    if (!s.empty() && !valid_date(s, full_only)) errs_.add(path(key), "date");
    return s;
  }
  std::string url(const char* key, bool required) {
    std::string s = str(key, kMaxUrlChars, required);
    if (!s.empty() && ((!s.starts_with("https://") && !s.starts_with("http://")) ||
                       std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' '; })))
      errs_.add(path(key), "url");
    return s;
  }
  const json* array(const char* key) {
    const json* v = find(key);
    if (!v || v->is_null()) return nullptr;
    if (!v->is_array()) return errs_.add(path(key), "type", "an array"), nullptr;
    if (v->size() > kMaxListItems) return errs_.add(path(key), "max_items", std::to_string(kMaxListItems)), nullptr;
    return v;
  }
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    const json* v = array(key);
    for (std::size_t i = 0; v && i < v->size(); ++i) {
      const json& item = (*v)[i];
      std::string p = path(key) + "/" + std::to_string(i);
      if (!item.is_string() || item.get<std::string>().empty()) errs_.add(p, "type", "a non-empty string");
      else if (item.get<std::string>().size() > kMaxNameChars) errs_.add(p, "max_length", std::to_string(kMaxNameChars));
      else out.push_back(item.get<std::string>());
    }
    return out;
  }
  std::vector<SourceRef> sources(const char* key, bool url_required) {
    std::vector<SourceRef> out;
    const json* v = array(key);
    for (std::size_t i = 0; v && i < v->size(); ++i) {
      Members m((*v)[i], path(key) + "/" + std::to_string(i), errs_, {"name", "url"});
      SourceRef s{m.str("name", kMaxNameChars, true), m.url("url", url_required)};
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  const json* find(const char* key) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  const json& j_;
  std::string base_;
  FieldErrors& errs_;
};


void read_history_entry(const json& j, const std::string& path, Commitment& c, FieldErrors& errs) {
  Members m(j, path, errs, {"stage", "date", "date_note", "source", "source_url", "note"});
  StageChange h;
  std::string stage = m.str("stage", 20, true);
  if (!stage.empty() && !parse_stage(stage, h.stage)) errs.add(m.path("stage"), "one_of", "announced, agreed, pilot, operational, stalled, dropped");
  h.date = m.date("date", false, false);
  h.date_note = m.str("date_note", kMaxTextChars, h.date.empty());
  h.source = m.str("source", kMaxNameChars, true);
  h.source_url = m.url("source_url", false);
  h.note = m.str("note", kMaxTextChars, false);
  h.recorded_by = "seed";
  c.history.push_back(std::move(h));
}

}  // namespace

void read_engagement_fields(const json& body, Engagement& e, bool partial, FieldErrors& errs) {
  Members m(body, "", errs,
            {"date", "date_note", "country", "organisation", "pakistani_side", "kind", "title", "summary", "topics",
             "sources", "commitments"});
  auto want = [&](const char* key) { return !partial || m.has(key); };
  if (want("date")) e.date = m.date("date", false, false);
  if (want("date_note")) e.date_note = m.str("date_note", kMaxTextChars, false);
  if (!partial && e.date.empty() && e.date_note.empty())
    errs.add("/date", "at_least_one", "date, date_note");
  if (want("country")) {
    e.country = m.str("country", 2, false);
    if (!e.country.empty() && !valid_country(e.country)) errs.add("/country", "country");
  }
  if (want("organisation")) e.organisation = m.str("organisation", kMaxNameChars, true);
  if (want("pakistani_side")) e.pakistani_side = m.str("pakistani_side", kMaxNameChars, true);
  if (want("kind")) {
    std::string kind = m.str("kind", 20, true);
    if (!kind.empty() && !parse_kind(kind, e.kind)) errs.add("/kind", "one_of", "delegation, meeting, mou, agreement");
  }
  if (want("title")) e.title = m.str("title", kMaxNameChars, true);
  if (want("summary")) e.summary = m.str("summary", kMaxTextChars, false);
  if (want("topics")) e.topics = m.strings("topics");
  if (want("sources")) {
    e.sources = m.sources("sources", true);
    if (e.sources.empty()) errs.add("/sources", "min_items", "1");
  }
  if (partial && m.has("commitments")) errs.add("/commitments", "unknown_field");
}

std::optional<Commitment> read_new_commitment(const json& j, const std::string& path, std::string_view today,
                                              FieldErrors& errs) {
  std::size_t before = errs.fields().size();
  Members m(j, path, errs, {"description", "stage", "date", "source_url", "note"});
  Commitment c;
  c.description = m.str("description", kMaxTextChars, true);
  std::string stage = m.str("stage", 20, false);
  if (!stage.empty() && (!parse_stage(stage, c.status) || (c.status != Stage::announced && c.status != Stage::agreed)))
    errs.add(m.path("stage"), "one_of", "announced, agreed");
  StageChange first;
  first.stage = c.status;
  first.date = m.date("date", true, true);
  if (!first.date.empty() && valid_date(first.date, true) && first.date > today) errs.add(m.path("date"), "max", today);
  first.source_url = m.url("source_url", true);
  first.note = m.str("note", kMaxTextChars, false);
  c.history.push_back(std::move(first));
  if (errs.fields().size() > before) return std::nullopt;
  return c;
}

StageMove read_stage_move(const json& body, FieldErrors& errs) {
  Members m(body, "", errs, {"stage", "date", "source_url", "note", "stage_dates"});
  StageMove move;
  move.stage = m.str("stage", 20, false);
  move.date = m.str("date", 10, false);
  move.source_url = m.str("source_url", kMaxUrlChars, false);
  move.note = m.str("note", kMaxTextChars, false);
  if (body.is_object() && body.contains("stage_dates") && !body["stage_dates"].is_null()) {
    const json& dates = body["stage_dates"];
    if (!dates.is_object()) errs.add("/stage_dates", "type", "an object");
    for (auto it = dates.begin(); dates.is_object() && it != dates.end(); ++it) {
      if (it->is_string()) move.stage_dates[it.key()] = it->get<std::string>();
      else errs.add(pointer_child("/stage_dates", it.key()), "type", "a date");
    }
  }
  return move;
}

std::optional<Engagement> read_seed_engagement(const json& j, const std::string& path, FieldErrors& errs) {
  std::size_t before = errs.fields().size();
  Members m(j, path, errs,
            {"id", "date", "date_note", "country", "organisation", "pakistani_side", "kind", "title", "summary",
             "topics", "sources", "commitments"});
  Engagement e;
  e.id = m.str("id", 64, true);
  if (!e.id.empty() && !is_slug(e.id)) errs.add(m.path("id"), "pattern");
  e.date = m.date("date", false, false);
  e.date_note = m.str("date_note", kMaxTextChars, e.date.empty());
  e.country = m.str("country", 2, false);
  if (!e.country.empty() && !valid_country(e.country)) errs.add(m.path("country"), "country");
  e.organisation = m.str("organisation", kMaxNameChars, true);
  e.pakistani_side = m.str("pakistani_side", kMaxNameChars, true);
  std::string kind = m.str("kind", 20, true);
  if (!kind.empty() && !parse_kind(kind, e.kind)) errs.add(m.path("kind"), "one_of", "delegation, meeting, mou, agreement");
  e.title = m.str("title", kMaxNameChars, true);
  e.summary = m.str("summary", kMaxTextChars, false);
  e.topics = m.strings("topics");
  e.sources = m.sources("sources", false);
  e.created_by = "seed";
  const json* commitments = m.array("commitments");
  for (std::size_t i = 0; commitments && i < commitments->size(); ++i) {
    std::string cpath = m.path("commitments") + "/" + std::to_string(i);
    Members cm((*commitments)[i], cpath, errs, {"id", "description", "history"});
    Commitment c;
    c.id = cm.str("id", 64, true);
    if (!c.id.empty() && !is_slug(c.id)) errs.add(cm.path("id"), "pattern");
    c.engagement_id = e.id;
    c.description = cm.str("description", kMaxTextChars, true);
    const json* history = cm.array("history");
    if (!history || history->empty()) errs.add(cm.path("history"), "min_items", "1");
    for (std::size_t k = 0; history && k < history->size(); ++k)
      read_history_entry((*history)[k], cm.path("history") + "/" + std::to_string(k), c, errs);
    if (!c.history.empty()) c.status = c.history.back().stage;
    e.commitments.push_back(std::move(c));
  }
  if (errs.fields().size() > before) return std::nullopt;
  return e;
}

Result<std::vector<Engagement>> load_engagements_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::not_found, "seed-file-missing", "Seed file missing", "cannot read " + path);
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  auto fail = [&](const std::string& why) {
    return make_error(ErrorKind::validation, "bad-seed-file", "Bad seed file", path + ": " + why);
  };
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("engagements") || !doc["engagements"].is_array())
    return fail("expected {\"engagements\": [...]}");
  FieldErrors errs("en");
  std::vector<Engagement> out;
  const json& list = doc["engagements"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (auto e = read_seed_engagement(list[i], "/engagements/" + std::to_string(i), errs)) out.push_back(std::move(*e));
  }
  if (!errs.empty()) {
    std::string why;
    for (const auto& f : errs.fields()) why += fmt::format("\n  {}: {}", f.path, f.message);
    return fail("invalid records:" + why);
  }
  return out;
}

}  // namespace darwaza::engagements
