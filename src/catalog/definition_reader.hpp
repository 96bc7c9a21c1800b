// The strict reader behind definition files: collects every problem with its JSON pointer and
// carries on. Shared by service definitions (catalog) and registry schemas (registries), which
// describe their fields the same way.
#pragma once

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/definition.hpp"
#include "core/validation.hpp"

namespace darwaza::catalog {

using nlohmann::json;

// A service id, agency, category, certificate type or registry name: 2 to 80 characters.
inline bool valid_slug(const std::string& s) {
  if (s.size() < 2 || s.size() > 80) return false;
  auto lower_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_digit(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return lower_digit(c) || c == '-'; });
}
constexpr const char* kSlugRule = "must match [a-z0-9][a-z0-9-]{1,79}";

// A form field name, state id or transition id: 1 to 64 characters.
inline bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}
constexpr const char* kNameRule = "must match [a-z][a-z0-9_]{0,63}";

// An enum option value: stable, short, no spaces.
inline bool valid_option_value(const std::string& s) {
  if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

inline bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}


inline std::string at(const std::string& base, const std::string& key) { return pointer_child(base, key); }
inline std::string at(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

inline bool text_type(FieldType t) { return t == FieldType::text || t == FieldType::long_text; }
inline bool number_type(FieldType t) {
  return t == FieldType::integer || t == FieldType::decimal || t == FieldType::money;
}
inline bool list_type(FieldType t) {
  return t == FieldType::ip_list || t == FieldType::list || t == FieldType::document;
}
// Reads a definition, recording a problem for each thing wrong and carrying on.
class Reader {
 public:
  Reader(const std::string& file, std::vector<DefinitionProblem>& problems) : file_(file), problems_(problems) {}

  void problem(const std::string& path, std::string message) {
    problems_.push_back({file_, path, std::move(message)});
  }

  // True when `j` is an object; reports its keys not in `allowed`.
  bool object(const json& j, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!j.is_object()) {
      problem(path, "must be an object");
      return false;
    }
    for (const auto& item : j.items()) {
      // Not a structured binding: clang 14 (the sanitizer build) cannot capture one in a lambda.
      const std::string& key = item.key();
      bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
      if (!known) problem(at(path, key), "unknown key");
    }
    return true;
  }

  // The member, or nullptr when absent or null (null means absent everywhere).
  const json* member(const json& obj, const char* key, const std::string& path, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) problem(at(path, key), "is required");
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> string(const json& obj, const char* key, const std::string& path, bool required) {
    const json* v = member(obj, key, path, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      problem(at(path, key), "must be a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  std::string slug(const json& obj, const char* key, const std::string& path) {
    auto s = string(obj, key, path, true);
    if (!s) return {};
    if (!valid_slug(*s)) problem(at(path, key), kSlugRule);
    return *s;
  }

  std::string name(const json& obj, const char* key, const std::string& path) {
    auto s = string(obj, key, path, true);
    if (!s) return {};
    if (!valid_name(*s)) problem(at(path, key), kNameRule);
    return *s;
  }

  bool boolean(const json& obj, const char* key, const std::string& path) {
    const json* v = member(obj, key, path, false);
    if (!v) return false;
    if (!v->is_boolean()) {
      problem(at(path, key), "must be true or false");
      return false;
    }
    return v->get<bool>();
  }

  std::optional<double> number(const json& obj, const char* key, const std::string& path) {
    const json* v = member(obj, key, path, false);
    if (!v) return std::nullopt;
    if (!v->is_number() || !std::isfinite(v->get<double>())) {
      problem(at(path, key), "must be a number");
      return std::nullopt;
    }
    return v->get<double>();
  }

  std::optional<int> integer(const json& obj, const char* key, const std::string& path, bool required, int lo,
                             int hi) {
    const json* v = member(obj, key, path, required);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      problem(at(path, key), "must be a whole number");
      return std::nullopt;
    }
    auto n = v->get<std::int64_t>();
    if (n < lo || n > hi) {
      problem(at(path, key), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return std::nullopt;
    }
    return static_cast<int>(n);
  }

  // {"en": "...", "ur": "..."}, both present and not blank.
  I18n i18n(const json& obj, const char* key, const std::string& path, bool required) {
    I18n out;
    const json* v = member(obj, key, path, required);
    if (!v) return out;
    std::string p = at(path, key);
    if (!object(*v, p, {"en", "ur"})) return out;
    for (auto [lang, dest] : {std::pair<const char*, std::string*>{"en", &out.en}, {"ur", &out.ur}}) {
      auto s = string(*v, lang, p, true);
      if (!s) continue;
      if (blank(*s)) problem(at(p, lang), std::string(lang) == "en" ? "English text is empty" : "Urdu text is empty");
      *dest = *s;
    }
    return out;
  }

  // The array, or nullptr (reported) when present but not an array.
  const json* array(const json& obj, const char* key, const std::string& path, bool required) {
    const json* v = member(obj, key, path, required);
    if (!v) return nullptr;
    if (!v->is_array()) {
      problem(at(path, key), "must be an array");
      return nullptr;
    }
    return v;
  }

  std::vector<std::string> strings(const json& obj, const char* key, const std::string& path, bool required) {
    std::vector<std::string> out;
    const json* a = array(obj, key, path, required);
    if (!a) return out;
    std::string p = at(path, key);
    for (std::size_t i = 0; i < a->size(); ++i) {
      const json& e = (*a)[i];
      if (!e.is_string()) problem(at(p, i), "must be a string");
      else out.push_back(e.get<std::string>());
    }
    return out;
  }

 private:
  const std::string& file_;
  std::vector<DefinitionProblem>& problems_;
};

// One form field (a service's form, a registry's fields). Keys other than the field keys are
// reported as unknown: callers with extra keys remove them first.
FormField parse_field(Reader& r, const json& j, const std::string& path);

}  // namespace darwaza::catalog
