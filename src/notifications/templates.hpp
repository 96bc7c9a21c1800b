// Message templates per event and language (data/notifications/<lang>.json, compiled into the
// binary), with {placeholder} substitution.
#pragma once

#include <map>
#include <string>

#include "core/result.hpp"
#include "notifications/types.hpp"

namespace darwaza::notifications {

// The placeholders a template may use; any other {name} is refused when templates load.
inline constexpr std::array<const char*, 6> kPlaceholders = {"tracking_number", "service",  "amount_pkr",
                                                             "certificate_id",  "valid_until", "comment"};

struct Template {
  std::string title;  // inbox title and e-mail subject
  std::string body;   // inbox text and e-mail body
  std::string sms;    // short text for SMS
};

struct Rendered {
  std::string title, body, sms;
};

using Vars = std::map<std::string, std::string>;

class Templates {
 public:
  // Parses one JSON text per language; refuses a file that lacks an event, has an empty text,
  // or uses an unknown placeholder (the error's detail names it).
  static Result<Templates> parse(const std::map<std::string, std::string>& json_by_language);
  // The templates compiled into the binary.
  static const Templates& builtin();

  // Falls back to English for an unknown language.
  Rendered render(EventKind e, const std::string& language, const Vars& vars) const;
  // A fixed phrase of a language (e.g. "no_expiry").
  std::string phrase(const std::string& language, const std::string& key) const;
  bool has(EventKind e, const std::string& language) const;

 private:
  std::map<std::string, std::map<std::string, Template>> by_lang_;  // language → event → template
  std::map<std::string, std::map<std::string, std::string>> phrases_;
};

// Replaces each {name} that `vars` holds; leaves other text as it is.
std::string fill(const std::string& text, const Vars& vars);

}  // namespace darwaza::notifications
