#include "indicators/import_files.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace darwaza::indicators {
namespace {

using nlohmann::json;

// Collects one row's field values and its problems.
class RowCheck {
 public:
  RowCheck(const std::string& file, int line, ImportBatch& out) : file_(file), line_(line), out_(out) {}

  std::string text(const std::string& name, std::string_view v, bool required) {
    if (v.empty()) {
      if (required) fail(name + " is required");
      return {};
    }
    if (v.size() > kMaxFieldChars) fail(fmt::format("{} is longer than {} characters", name, kMaxFieldChars));
    return std::string(v);
  }
  std::string url(const std::string& name, std::string_view v) {
    if (v.empty()) return {};
    bool ok = (v.starts_with("https://") || v.starts_with("http://")) && v.size() <= kMaxUrlChars &&
              std::none_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (!ok) fail(fmt::format("{} must be an http(s) URL without spaces, at most {} characters", name, kMaxUrlChars));
    return std::string(v);
  }
  // A plain decimal number: "-12", "1530", "9.281"; no exponents, thousands separators or signs
  // other than a leading minus, so that "1,530" or "1.5e3" in a file is caught, not guessed.
  double number(const std::string& name, std::string_view v) {
    if (v.empty()) return fail(name + " is required"), 0;
    double d = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d, std::chars_format::fixed);
    bool digits_only = std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-'; });
    if (ec != std::errc() || p != v.data() + v.size() || !digits_only || !std::isfinite(d))
      fail(fmt::format("{} \"{}\" is not a plain decimal number", name, v));
    return d;
  }
  void fail(std::string message) {
    ok_ = false;
    out_.problems.push_back({file_, line_, std::move(message)});
  }
  bool ok() const { return ok_; }

 private:
  const std::string& file_;
  int line_;
  ImportBatch& out_;
  bool ok_ = true;
};

std::string_view undated_or(std::string_view period) { return period == "undated" ? std::string_view() : period; }

// ---- CSV ----

// Splits one line into fields (RFC 4180 quoting within a line); false on a stray quote.
bool split_csv_line(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"') {
      if (!cur.empty() || was_quoted) return false;
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
    } else {
      if (was_quoted) return false;  // text after a closing quote
      cur += c;
    }
  }
  if (quoted) return false;
  fields.push_back(std::move(cur));
  return true;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

constexpr const char* kCsvColumns[] = {"series", "period", "value", "unit", "source", "source_url", "notes"};
constexpr const char* kCsvRequired[] = {"series", "period", "value", "unit"};

// ---- JSON ----

// Line of each element of each top-level array member ("observations" → [3, 4, 9]). The JSON
// library reports no positions for values, so the text is scanned once alongside it.
std::map<std::string, std::vector<int>> element_lines(std::string_view text) {
  std::map<std::string, std::vector<int>> lines;
  int depth = 0, line = 1;
  bool in_string = false, escape = false, expect_element = false;
  std::string buf, last_key, array_key;
  for (char c : text) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') {
        in_string = false;
        if (depth == 1) last_key = buf;
      } else if (depth == 1) buf += c;
      continue;
    }
    if (c == '\n') { ++line; continue; }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (depth == 2 && expect_element && c != ']' && !array_key.empty()) {
      lines[array_key].push_back(line);
      expect_element = false;
    }
    switch (c) {
      case '"': in_string = true; buf.clear(); break;
      case '[':
        if (depth == 1) { array_key = last_key; expect_element = true; }
        ++depth;
        break;
      case '{': ++depth; break;
      case ']': case '}':
        --depth;
        if (depth == 1) array_key.clear();
        break;
      case ',':
        if (depth == 2) expect_element = true;
        break;
      default: break;
    }
  }
  return lines;
}

class JsonRow {
 public:
  JsonRow(const json& j, RowCheck& check, std::initializer_list<const char*> allowed) : j_(j), check_(check) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; }))
        check_.fail(fmt::format("member \"{}\" is not accepted", it.key()));
    }
  }
  // The member as text: strings as they are, numbers as written (so "value": 1530 and
  // "value": "1530" read alike), null or absent as "".
  std::string raw(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    check_.fail(fmt::format("{} must be a string or a number", key));
    return {};
  }
  std::string text(const char* key, bool required) { return check_.text(key, raw(key), required); }

 private:
  const json& j_;
  RowCheck& check_;
};

void read_series(const std::string& file, int line, const json& j, ImportBatch& out) {
  RowCheck check(file, line, out);
  JsonRow row(j, check, {"id", "title", "unit", "frequency", "aggregation", "source", "source_url", "notes"});
  Series s;
  s.id = row.text("id", true);
  bool slug = !s.id.empty() && s.id.size() <= 64 && std::all_of(s.id.begin(), s.id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!s.id.empty() && !slug) check.fail("id must be lower-case letters, digits and '-', at most 64 characters");
  s.title = row.text("title", true);
  s.unit = row.text("unit", true);
  if (std::string f = row.text("frequency", true); !f.empty() && !parse_frequency(f, s.frequency))
    check.fail("frequency must be monthly, quarterly or annual");
  if (std::string a = row.text("aggregation", true); !a.empty() && !parse_aggregation(a, s.aggregation))
    check.fail("aggregation must be sum or level");
  s.source = row.text("source", true);
  s.source_url = check.url("source_url", row.raw("source_url"));
  s.notes = row.text("notes", false);
  if (check.ok()) out.series.push_back({file, line, std::move(s)});
}

void read_observation(const std::string& file, int line, const json& j, ImportBatch& out) {
  RowCheck check(file, line, out);
  JsonRow row(j, check, {"series", "period", "value", "unit", "source", "source_url", "notes"});
  ObservationRow r{file, line, {}, {}};
  r.obs.series_id = row.text("series", true);
  // A figure quoted without a date says so explicitly (null or "undated"); a missing or empty
  // period is a mistake, not a way to leave it out.
  if (auto p = j.find("period"); p == j.end()) {
    check.fail("period is required (null or \"undated\" for a figure quoted without a date)");
  } else if (!p->is_null()) {
    std::string text = row.raw("period");
    if (text.empty()) check.fail("period is empty (null or \"undated\" for a figure quoted without a date)");
    r.obs.period = std::string(undated_or(text));
  }
  r.obs.value = check.number("value", row.raw("value"));
  r.unit = row.text("unit", true);
  r.obs.source = row.text("source", false);
  r.obs.source_url = check.url("source_url", row.raw("source_url"));
  r.obs.notes = row.text("notes", false);
  if (check.ok()) out.observations.push_back(std::move(r));
}

void read_quote(const std::string& file, int line, const json& j, ImportBatch& out) {
  RowCheck check(file, line, out);
  JsonRow row(j, check, {"series", "period", "compared_with", "change_pct", "source", "source_url", "notes"});
  QuotedChange q;
  q.series_id = row.text("series", true);
  q.period = row.text("period", true);
  q.compared_with = row.text("compared_with", true);
  q.change_pct = check.number("change_pct", row.raw("change_pct"));
  q.source = row.text("source", true);
  q.source_url = check.url("source_url", row.raw("source_url"));
  q.notes = row.text("notes", false);
  if (check.ok()) out.quotes.push_back({file, line, std::move(q)});
}

}  // namespace

void read_csv(const std::string& file, std::string_view text, ImportBatch& out) {
  std::istringstream in{std::string(text)};
  std::string raw;
  std::vector<std::string> header, fields;
  std::map<std::string, std::size_t> col;
  const std::size_t problems_before = out.problems.size();
  for (int n = 1; std::getline(in, raw); ++n) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (n == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.erase(0, 3);  // UTF-8 byte order mark
    if (trim(raw).empty()) continue;
    if (header.empty()) {
      if (!split_csv_line(raw, header)) return out.problems.push_back({file, n, "the header row is not valid CSV"});
      for (std::size_t i = 0; i < header.size(); ++i) {
        header[i] = trim(header[i]);
        if (std::none_of(std::begin(kCsvColumns), std::end(kCsvColumns), [&](const char* c) { return header[i] == c; }))
          out.problems.push_back({file, n, fmt::format("unknown column \"{}\"", header[i])});
        else if (!col.emplace(header[i], i).second)
          out.problems.push_back({file, n, fmt::format("column \"{}\" appears twice", header[i])});
      }
      for (const char* c : kCsvRequired)
        if (!col.count(c)) out.problems.push_back({file, n, fmt::format("missing column \"{}\"", c)});
      if (out.problems.size() > problems_before) return;  // rows cannot be read without a sound header
      continue;
    }
    RowCheck check(file, n, out);
    if (!split_csv_line(raw, fields)) {
      check.fail("not valid CSV (unbalanced quotes?)");
      continue;
    }
    if (fields.size() != header.size()) {
      check.fail(fmt::format("{} fields where the header has {}", fields.size(), header.size()));
      continue;
    }
    auto field = [&](const char* name) { return col.count(name) ? trim(fields[col[name]]) : std::string(); };
    ObservationRow r{file, n, {}, {}};
    r.obs.series_id = check.text("series", field("series"), true);
    std::string period = check.text("period", field("period"), true);
    r.obs.period = std::string(undated_or(period));
    r.obs.value = check.number("value", field("value"));
    r.unit = check.text("unit", field("unit"), true);
    r.obs.source = check.text("source", field("source"), false);
    r.obs.source_url = check.url("source_url", field("source_url"));
    r.obs.notes = check.text("notes", field("notes"), false);
    if (check.ok()) out.observations.push_back(std::move(r));
  }
  if (header.empty()) out.problems.push_back({file, 0, "no header row (series,period,value,unit,...)"});
}

void read_json(const std::string& file, std::string_view text, ImportBatch& out) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    // Parse again with exceptions only to learn where it went wrong.
    std::string where = "not a JSON object";
    try {
      json again = json::parse(text);
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      auto at = what.find("parse error");
      where = at == std::string::npos ? what : what.substr(at);
    }
    out.problems.push_back({file, 0, where});
    return;
  }
  auto lines = element_lines(text);
  using Reader = void (*)(const std::string&, int, const json&, ImportBatch&);
  const std::pair<const char*, Reader> kMembers[] = {
      {"series", read_series}, {"observations", read_observation}, {"quoted", read_quote}};
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    auto m = std::find_if(std::begin(kMembers), std::end(kMembers), [&](const auto& p) { return it.key() == p.first; });
    if (m == std::end(kMembers)) {
      out.problems.push_back({file, 0, fmt::format("member \"{}\" is not accepted (series, observations, quoted)", it.key())});
      continue;
    }
    if (!it->is_array()) {
      out.problems.push_back({file, 0, fmt::format("\"{}\" must be an array", it.key())});
      continue;
    }
    const auto& at = lines[it.key()];
    for (std::size_t i = 0; i < it->size(); ++i) {
      int line = i < at.size() ? at[i] : 0;
      const json& row = (*it)[i];
      if (!row.is_object()) {
        out.problems.push_back({file, line, fmt::format("{}[{}] must be an object", it.key(), i)});
        continue;
      }
      m->second(file, line, row, out);
    }
  }
}

void read_file(const std::string& path, ImportBatch& out) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return out.problems.push_back({path, 0, "cannot read the file: " + ec.message()});
  if (size > kMaxImportFileBytes)
    return out.problems.push_back({path, 0, fmt::format("larger than {} bytes", kMaxImportFileBytes)});
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (!in && !in.eof()) return out.problems.push_back({path, 0, "cannot read the file"});
  auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv") read_csv(path, text, out);
  else if (ext == ".json") read_json(path, text, out);
  else out.problems.push_back({path, 0, "not a .csv or .json file"});
  if (out.rows() > kMaxImportRows)
    out.problems.push_back({path, 0, fmt::format("more than {} rows in one import", kMaxImportRows)});
}

void read_directory(const std::string& dir, ImportBatch& out) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".csv" || ext == ".json")) files.push_back(e.path().string());
  }
  if (ec) return out.problems.push_back({dir, 0, "cannot list the folder: " + ec.message()});
  std::sort(files.begin(), files.end());
  for (const auto& f : files) read_file(f, out);
}

}  // namespace darwaza::indicators
