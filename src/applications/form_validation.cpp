#include "applications/form_validation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/countries.hpp"
#include "core/ip.hpp"
#include "core/validation.hpp"
#include "identity/validate.hpp"

namespace darwaza::applications {
namespace {

using catalog::FieldType;
using catalog::FormField;
using nlohmann::json;

// Patterns are matched per code point, so wchar_t must hold one.
static_assert(sizeof(wchar_t) == 4, "form patterns need 32-bit wchar_t");

// ---- text helpers -------------------------------------------------------------------------

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// Decodes text already checked by valid_utf8.
std::wstring to_code_points(std::string_view s) {
  std::wstring out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = cp << 6 | (s[i + k] & 0x3F);
    out.push_back(static_cast<wchar_t>(cp));
    i += n;
  }
  return out;
}

bool has_control_chars(std::string_view s, bool allow_line_breaks) {
  return std::any_of(s.begin(), s.end(), [&](char ch) {
    auto c = static_cast<unsigned char>(ch);
    if (allow_line_breaks && (c == '\n' || c == '\t')) return false;
    return c < 0x20 || c == 0x7F;
  });
}

bool blank(const json& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return identity::trim(v.get_ref<const std::string&>()).empty();
  if (v.is_array()) return v.empty();
  return false;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string child(std::string_view base, std::string_view key) { return pointer_child(base, key); }
std::string child(std::string_view base, std::size_t index) { return fmt::format("{}/{}", base, index); }

enum class Expected { object, text, number, boolean, list, money };

std::string expected_text(Expected e, const std::string& lang) {
  bool ur = lang == "ur";
  switch (e) {
    case Expected::object: return ur ? "JSON آبجیکٹ" : "a JSON object";
    case Expected::text: return ur ? "متن" : "text";
    case Expected::number: return ur ? "عدد" : "a number";
    case Expected::boolean: return ur ? "ہاں یا نہیں" : "true or false";
    case Expected::list: return ur ? "فہرست" : "a list";
    case Expected::money: return ur ? "رقم اور کرنسی" : "an amount and a currency";
  }
  return {};
}

// ---- exact decimals -----------------------------------------------------------------------

// A decimal kept as digits so money is never rounded through binary floating point.
struct Decimal {
  bool negative = false;
  std::string whole;  // no leading zeros; empty means 0
  std::string frac;   // no trailing zeros
  bool zero() const { return whole.empty() && frac.empty(); }
  std::size_t digits() const { return std::max<std::size_t>(whole.size(), 1) + frac.size(); }
};

// "-?[0-9]+(\.[0-9]+)?" only.
std::optional<Decimal> parse_decimal(std::string_view s) {
  Decimal d;
  if (!s.empty() && s[0] == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (!all_digits(whole) || (dot != std::string_view::npos && !all_digits(frac))) return std::nullopt;
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  d.whole = whole;
  d.frac = frac;
  if (d.zero()) d.negative = false;
  return d;
}

// The shortest decimal that reads back as `x`: what the author of a JSON number most likely
// wrote (0.1 stays "0.1"), never the binary expansion.
std::optional<Decimal> decimal_from_double(double x) {
  if (!std::isfinite(x)) return std::nullopt;
  char buf[400];  // fixed notation of DBL_MAX is 309 digits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  return parse_decimal(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

int compare(const Decimal& a, const Decimal& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int sign = a.negative ? -1 : 1;
  if (a.whole.size() != b.whole.size()) return a.whole.size() < b.whole.size() ? -sign : sign;
  if (int c = a.whole.compare(b.whole); c != 0) return c < 0 ? -sign : sign;
  for (std::size_t i = 0; i < std::max(a.frac.size(), b.frac.size()); ++i) {
    char x = i < a.frac.size() ? a.frac[i] : '0';
    char y = i < b.frac.size() ? b.frac[i] : '0';
    if (x != y) return x < y ? -sign : sign;
  }
  return 0;
}

std::string to_string(const Decimal& d, std::size_t min_frac = 0) {
  std::string out = d.negative ? "-" : "";
  out += d.whole.empty() ? "0" : d.whole;
  std::string frac = d.frac;
  if (frac.size() < min_frac) frac.append(min_frac - frac.size(), '0');
  if (!frac.empty()) out += "." + frac;
  return out;
}

// A limit from a form definition as people write it: 100, 0.5, 1000000.
std::string bound_text(double bound) {
  auto d = decimal_from_double(bound);
  return d ? to_string(*d) : fmt::format("{}", bound);
}

// A number from JSON, or a decimal string (trimmed).
std::optional<Decimal> read_decimal(const json& v) {
  if (v.is_number_integer()) return parse_decimal(v.dump());
  if (v.is_number_float()) return decimal_from_double(v.get<double>());
  if (v.is_string()) return parse_decimal(identity::trim(v.get_ref<const std::string&>()));
  return std::nullopt;
}

// ---- per-type checks ----------------------------------------------------------------------
// Each returns the normalised value, or nullopt after recording at least one error.

using Out = std::optional<json>;

struct Check {
  const FormField& field;
  const std::wregex* pattern;  // compiled field.pattern, or null
  FieldErrors& errors;
  FormMode mode;

  void type_error(const std::string& path, Expected e) { errors.add(path, "type", expected_text(e, errors.lang())); }

  bool matches(const std::string& s) const {
    if (pattern == nullptr) return true;
    try {
      return std::regex_match(to_code_points(s), *pattern);
    } catch (const std::regex_error&) {
      return false;  // resource limits of the matcher: treat as not matching
    }
  }

  // Text rules shared by text, long_text and list items. Returns the trimmed text.
  Out text(const json& v, const std::string& path, bool long_text, std::size_t hard_max) {
    if (!v.is_string()) return type_error(path, Expected::text), std::nullopt;
    std::string s = identity::trim(v.get_ref<const std::string&>());
    if (long_text) {
      std::string lf;
      for (std::size_t i = 0; i < s.size(); ++i)
        if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) lf += s[i];
      s = std::move(lf);
    }
    if (!valid_utf8(s) || has_control_chars(s, long_text)) return errors.add(path, "characters"), std::nullopt;
    std::size_t n = identity::utf8_length(s);
    double max = field.max ? std::min(*field.max, static_cast<double>(hard_max)) : static_cast<double>(hard_max);
    if (field.min && static_cast<double>(n) < *field.min) return errors.add(path, "min_length", bound_text(*field.min)), std::nullopt;
    if (static_cast<double>(n) > max) return errors.add(path, "max_length", bound_text(max)), std::nullopt;
    if (!matches(s)) return errors.add(path, "pattern"), std::nullopt;
    return json(s);
  }

  bool within_bounds(const Decimal& d, const std::string& path, std::optional<double> min) {
    if (min) {
      auto lo = decimal_from_double(*min);
      if (lo && compare(d, *lo) < 0) return errors.add(path, "min", to_string(*lo)), false;
    }
    if (field.max) {
      auto hi = decimal_from_double(*field.max);
      if (hi && compare(d, *hi) > 0) return errors.add(path, "max", to_string(*hi)), false;
    }
    return true;
  }

  Out integer(const json& v, const std::string& path) {
    std::int64_t n = 0;
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxSafeInteger)) return errors.add(path, "integer"), std::nullopt;
      n = static_cast<std::int64_t>(v.get<std::uint64_t>());
    } else if (v.is_number_integer()) {
      n = v.get<std::int64_t>();
    } else if (v.is_string()) {
      std::string s = identity::trim(v.get_ref<const std::string&>());
      std::string_view digits = s;
      if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
      if (!all_digits(digits) || digits.size() > 16) return errors.add(path, "integer"), std::nullopt;
      std::from_chars(s.data(), s.data() + s.size(), n);
    } else if (v.is_number_float()) {
      return errors.add(path, "integer"), std::nullopt;
    } else {
      return type_error(path, Expected::number), std::nullopt;
    }
    if (n > kMaxSafeInteger || n < -kMaxSafeInteger) return errors.add(path, "integer"), std::nullopt;
    auto d = parse_decimal(std::to_string(n));
    if (!within_bounds(*d, path, field.min)) return std::nullopt;
    return json(n);
  }

  Out decimal(const json& v, const std::string& path) {
    if (!v.is_number() && !v.is_string()) return type_error(path, Expected::number), std::nullopt;
    auto d = read_decimal(v);
    if (!d || d->digits() > kMaxDecimalDigits) return errors.add(path, "decimal"), std::nullopt;
    if (!within_bounds(*d, path, field.min)) return std::nullopt;
    return json(to_string(*d));
  }

  Out money(const json& v, const std::string& path) {
    if (!v.is_object()) return type_error(path, Expected::money), std::nullopt;
    bool ok = true;
    for (const auto& [key, _] : v.items())
      if (key != "amount" && key != "currency") errors.add(child(path, key), "unknown_field"), ok = false;

    std::optional<Decimal> amount;
    std::string amount_path = child(path, "amount");
    auto a = v.find("amount");
    if (a == v.end() || blank(*a)) {
      errors.add(amount_path, "required");
    } else if (!a->is_number() && !a->is_string()) {
      type_error(amount_path, Expected::number);
    } else if (!(amount = read_decimal(*a))) {
      errors.add(amount_path, "decimal");
    } else if (amount->frac.size() > static_cast<std::size_t>(kMoneyDecimalPlaces)) {
      errors.add(amount_path, "decimal_places", std::to_string(kMoneyDecimalPlaces));
      amount.reset();
    } else if (amount->whole.size() > kMaxMoneyWholeDigits) {
      errors.add(amount_path, "max", std::string(kMaxMoneyWholeDigits, '9'));
      amount.reset();
    } else if (!within_bounds(*amount, amount_path, field.min ? field.min : std::optional<double>(0.0))) {
      amount.reset();
    }

    std::string currency_path = child(path, "currency");
    auto c = v.find("currency");
    if (c == v.end() || blank(*c)) {
      errors.add(currency_path, "required"), ok = false;
    } else if (!c->is_string()) {
      type_error(currency_path, Expected::text), ok = false;
    } else {
      std::string code = identity::trim(c->get_ref<const std::string&>());
      std::transform(code.begin(), code.end(), code.begin(), [](unsigned char ch) { return std::toupper(ch); });
      if (code != field.currency) errors.add(currency_path, "money_currency", field.currency), ok = false;
    }
    if (!ok || !amount) return std::nullopt;
    return json{{"amount", to_string(*amount, kMoneyDecimalPlaces)}, {"currency", field.currency}};
  }

  Out date(const json& v, const std::string& path) {
    if (!v.is_string()) return type_error(path, Expected::text), std::nullopt;
    std::string s = identity::trim(v.get_ref<const std::string&>());
    auto num = [&](std::size_t pos, std::size_t len) {
      std::string_view part = std::string_view(s).substr(pos, len);
      return all_digits(part) ? std::stoi(std::string(part)) : -1;
    };
    bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-';
    int y = shape ? num(0, 4) : -1, m = shape ? num(5, 2) : -1, d = shape ? num(8, 2) : -1;
    if (y < 1 || m < 1 || m > 12 || d < 1) return errors.add(path, "date"), std::nullopt;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return errors.add(path, "date"), std::nullopt;
    return json(s);
  }

  Out enumeration(const json& v, const std::string& path) {
    if (!v.is_string()) return type_error(path, Expected::text), std::nullopt;
    std::string s = identity::trim(v.get_ref<const std::string&>());
    std::string values;
    for (const auto& o : field.options) {
      if (o.value == s) return json(s);
      values += (values.empty() ? "" : ", ") + o.value;
    }
    errors.add(path, "one_of", values);
    return std::nullopt;
  }

  Out boolean(const json& v, const std::string& path) {
    if (v.is_boolean()) return v;
    if (v.is_string()) {
      std::string s = identity::trim(v.get_ref<const std::string&>());
      if (s == "true" || s == "false") return json(s == "true");
    }
    type_error(path, Expected::boolean);
    return std::nullopt;
  }

  // Identifier-like strings: trimmed, then checked/normalised by `normalise`.
  template <class F>
  Out identifier(const json& v, const std::string& path, const char* rule, F normalise) {
    if (!v.is_string()) return type_error(path, Expected::text), std::nullopt;
    std::optional<std::string> out = normalise(identity::trim(v.get_ref<const std::string&>()));
    if (!out) return errors.add(path, rule), std::nullopt;
    return json(*out);
  }

  // Array framing shared by every list type; `item` checks one element.
  template <class F>
  Out array(const json& v, const std::string& path, F item) {
    if (!v.is_array()) return type_error(path, Expected::list), std::nullopt;
    std::size_t max = field.max_items ? std::min<std::size_t>(std::max(*field.max_items, 0), kMaxListItems) : kMaxListItems;
    if (v.size() > kMaxListItems) return errors.add(path, "max_items", std::to_string(max)), std::nullopt;
    bool ok = true;
    if (v.size() > max) errors.add(path, "max_items", std::to_string(max)), ok = false;
    if (mode == FormMode::submit && field.min_items && v.size() < static_cast<std::size_t>(std::max(*field.min_items, 0)))
      errors.add(path, "min_items", std::to_string(*field.min_items)), ok = false;
    json out = json::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
      Out one = item(v[i], child(path, i));
      if (one) out.push_back(std::move(*one));
      else ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // Flags the second and later copies of a normalised string; returns false if any.
  bool no_duplicates(const json& items, const std::string& path) {
    std::set<std::string> seen;
    bool ok = true;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!seen.insert(items[i].get<std::string>()).second) errors.add(child(path, i), "duplicate"), ok = false;
    return ok;
  }

  Out ip_list(const json& v, const std::string& path) {
    // Items are checked one by one so every bad entry is reported, then duplicates among the
    // good ones are looked for by canonical text ("10.0.0.1/24" repeats "10.0.0.0/24").
    std::vector<std::optional<std::string>> canon;
    Out out = array(v, path, [&](const json& item, const std::string& p) -> Out {
      canon.emplace_back();
      if (!item.is_string()) return type_error(p, Expected::text), std::nullopt;
      auto range = parse_ip_or_cidr(identity::trim(item.get_ref<const std::string&>()));
      if (!range) return errors.add(p, "ip"), std::nullopt;
      if (!is_public(*range)) return errors.add(p, "ip_public"), std::nullopt;
      canon.back() = range->canonical();
      return json(*canon.back());
    });
    std::set<std::string> seen;
    bool ok = true;
    for (std::size_t i = 0; i < canon.size(); ++i)
      if (canon[i] && !seen.insert(*canon[i]).second) errors.add(child(path, i), "duplicate"), ok = false;
    if (!ok) return std::nullopt;
    return out;
  }

  Out document(const json& v, const std::string& path) {
    auto one = [&](const json& item, const std::string& p) {
      return identifier(item, p, "document", [](std::string s) -> std::optional<std::string> {
        std::string_view id = s;
        bool ok = id.size() == 4 + kDocumentIdRandomChars && id.starts_with("doc_") &&
                  std::all_of(id.begin() + 4, id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
        return ok ? std::optional<std::string>(std::move(s)) : std::nullopt;
      });
    };
    if (!field.min_items && !field.max_items) return one(v, path);
    Out out = array(v, path, one);
    if (!out || !no_duplicates(*out, path)) return std::nullopt;
    return out;
  }

  Out list(const json& v, const std::string& path) {
    return array(v, path, [&](const json& item, const std::string& p) -> Out {
      if (item.is_string() && blank(item)) return errors.add(p, "required"), std::nullopt;
      return text(item, p, false, kMaxTextChars);
    });
  }

  Out value(const json& v, const std::string& path) {
    switch (field.type) {
      case FieldType::text: return text(v, path, false, kMaxTextChars);
      case FieldType::long_text: return text(v, path, true, kMaxLongTextChars);
      case FieldType::integer: return integer(v, path);
      case FieldType::decimal: return decimal(v, path);
      case FieldType::money: return money(v, path);
      case FieldType::date: return date(v, path);
      case FieldType::enumeration: return enumeration(v, path);
      case FieldType::boolean: return boolean(v, path);
      case FieldType::cnic:
        return identifier(v, path, "cnic", [](std::string s) -> std::optional<std::string> {
          if (s.size() == 13 && all_digits(s)) s = s.substr(0, 5) + "-" + s.substr(5, 7) + "-" + s.substr(12);
          return identity::valid_cnic(s) ? std::optional<std::string>(s) : std::nullopt;
        });
      case FieldType::ntn:
        return identifier(v, path, "ntn", [](std::string s) -> std::optional<std::string> {
          return identity::valid_ntn(s) ? std::optional<std::string>(s) : std::nullopt;
        });
      case FieldType::email: return identifier(v, path, "email", [](std::string s) { return identity::normalise_email(s); });
      case FieldType::phone: return identifier(v, path, "mobile", [](std::string s) { return identity::normalise_mobile(s); });
      case FieldType::ip_list: return ip_list(v, path);
      case FieldType::country:
        return identifier(v, path, "country", [](std::string s) -> std::optional<std::string> {
          std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
          return valid_country(s) ? std::optional<std::string>(s) : std::nullopt;
        });
      case FieldType::document: return document(v, path);
      case FieldType::registry_ref:
        return identifier(v, path, "registry_ref", [](std::string s) -> std::optional<std::string> {
          bool ok = valid_utf8(s) && !has_control_chars(s, false) && identity::utf8_length(s) <= kMaxRegistryRefChars;
          return ok ? std::optional<std::string>(s) : std::nullopt;
        });
      case FieldType::list: return list(v, path);
    }
    return std::nullopt;
  }
};

constexpr auto kPatternFlags = std::regex_constants::ECMAScript | std::regex_constants::__polynomial;

std::optional<std::wregex> compile_pattern(std::string_view pattern) {
  if (!valid_utf8(pattern)) return std::nullopt;
  try {
    return std::wregex(to_code_points(pattern), kPatternFlags);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

}  // namespace

bool valid_form_pattern(std::string_view pattern) { return compile_pattern(pattern).has_value(); }

Result<json> validate_form(const std::vector<FormField>& form, const json& data, const std::string& lang,
                           FormMode mode) {
  FieldErrors errors(lang);
  if (!data.is_object()) {
    errors.add("", "type", expected_text(Expected::object, lang));
    return errors.to_error();
  }
  // Patterns are compiled once per call; only text, long_text and list use them.
  std::map<std::string_view, std::wregex> patterns;
  for (const auto& f : form) {
    bool uses = f.type == FieldType::text || f.type == FieldType::long_text || f.type == FieldType::list;
    if (!uses || !f.pattern) continue;
    auto re = compile_pattern(*f.pattern);
    if (!re) return internal_error(fmt::format("form field '{}' has an invalid pattern", f.name));
    patterns.emplace(f.name, std::move(*re));
  }

  json out = json::object();
  for (const auto& f : form) {
    std::string path = child("", f.name);
    auto it = data.find(f.name);
    if (it == data.end() || blank(*it)) {
      if (f.required && mode == FormMode::submit) errors.add(path, "required");
      continue;
    }
    auto re = patterns.find(f.name);
    Check check{f, re == patterns.end() ? nullptr : &re->second, errors, mode};
    if (Out v = check.value(*it, path)) out[f.name] = std::move(*v);
  }
  std::set<std::string_view> known;
  for (const auto& f : form) known.insert(f.name);
  for (auto it = data.begin(); it != data.end(); ++it)
    if (!known.contains(it.key())) errors.add(child("", it.key()), "unknown_field");
  if (!errors.empty()) return errors.to_error();
  return out;
}

}  // namespace darwaza::applications
