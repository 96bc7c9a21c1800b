#include "notifications/templates.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "notifications/errors.hpp"

namespace darwaza::embedded {
std::string_view notifications_en();
std::string_view notifications_ur();
}  // namespace darwaza::embedded

namespace darwaza::notifications {

namespace {
// The first unknown placeholder in `text`, or "".
std::string unknown_placeholder(const std::string& text) {
  std::size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    auto end = text.find('}', pos);
    if (end == std::string::npos) return text.substr(pos);
    std::string name = text.substr(pos + 1, end - pos - 1);
    if (std::find_if(kPlaceholders.begin(), kPlaceholders.end(), [&](const char* p) { return name == p; }) ==
        kPlaceholders.end())
      return name;
    pos = end + 1;
  }
  return "";
}
}  // namespace

const char* to_string(EventKind e) { return kEvents.at(static_cast<std::size_t>(e)).name; }

std::optional<EventKind> event_from_string(std::string_view s) {
  for (const auto& e : kEvents)
    if (s == e.name) return e.kind;
  return std::nullopt;
}

const char* to_string(Channel c) { return c == Channel::email ? "email" : "sms"; }

std::string fill(const std::string& text, const Vars& vars) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    if (open == std::string::npos) break;
    auto close = text.find('}', open);
    if (close == std::string::npos) break;
    out.append(text, pos, open - pos);
    auto it = vars.find(text.substr(open + 1, close - open - 1));
    if (it != vars.end()) out += it->second;
    else out.append(text, open, close - open + 1);
    pos = close + 1;
  }
  out.append(text, std::min(pos, text.size()), std::string::npos);
  return out;
}

Result<Templates> Templates::parse(const std::map<std::string, std::string>& json_by_language) {
  Templates t;
  for (const auto& [lang, text] : json_by_language) {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object() || !doc.contains("events") || !doc["events"].is_object())
      return error(Errc::bad_templates, lang + ": not a template file (needs an \"events\" object)");
    for (const auto& e : kEvents) {
      const char* event = e.name;
      auto it = doc["events"].find(event);
      if (it == doc["events"].end() || !it->is_object())
        return error(Errc::bad_templates, lang + ": no template for event " + event);
      Template tpl;
      for (auto [field, dest] : {std::pair{"title", &tpl.title}, std::pair{"body", &tpl.body}, std::pair{"sms", &tpl.sms}}) {
        auto f = it->find(field);
        if (f == it->end() || !f->is_string() || f->get<std::string>().empty())
          return error(Errc::bad_templates, lang + ": event " + event + " has no " + field);
        *dest = f->get<std::string>();
        if (auto bad = unknown_placeholder(*dest); !bad.empty())
          return error(Errc::bad_templates, lang + ": event " + event + " " + field + " uses unknown placeholder {" + bad + "}");
      }
      t.by_lang_[lang][event] = std::move(tpl);
    }
    for (auto& [event, _] : doc["events"].items())
      if (!event_from_string(event)) return error(Errc::bad_templates, lang + ": unknown event " + event);
    if (doc.contains("phrases") && doc["phrases"].is_object())
      for (auto& [k, v] : doc["phrases"].items())
        if (v.is_string()) t.phrases_[lang][k] = v.get<std::string>();
  }
  if (!t.by_lang_.count("en")) return error(Errc::bad_templates, "no English templates");
  return t;
}

const Templates& Templates::builtin() {
  // Parsed once; immutable afterwards. A broken built-in file is a build defect.
  static const Templates t = [] {
    auto r = parse({{"en", std::string(embedded::notifications_en())}, {"ur", std::string(embedded::notifications_ur())}});
    if (!r.ok()) throw std::logic_error("built-in notification templates: " + r.error().detail);
    return std::move(r).value();
  }();
  return t;
}

bool Templates::has(EventKind e, const std::string& language) const {
  auto l = by_lang_.find(language);
  return l != by_lang_.end() && l->second.count(to_string(e));
}

Rendered Templates::render(EventKind e, const std::string& language, const Vars& vars) const {
  auto l = by_lang_.find(language);
  if (l == by_lang_.end()) l = by_lang_.find("en");
  const Template& tpl = l->second.at(to_string(e));
  return {fill(tpl.title, vars), fill(tpl.body, vars), fill(tpl.sms, vars)};
}

std::string Templates::phrase(const std::string& language, const std::string& key) const {
  for (const std::string& lang : {language, std::string("en")}) {
    auto l = phrases_.find(lang);
    if (l == phrases_.end()) continue;
    auto it = l->second.find(key);
    if (it != l->second.end()) return it->second;
  }
  return key;
}

}  // namespace darwaza::notifications
