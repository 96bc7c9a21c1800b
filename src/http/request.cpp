#include "http/request.hpp"

namespace darwaza::http {

std::string_view Request::header(bhttp::field f) const {
  auto it = raw.find(f);
  return it == raw.end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
}

std::string_view Request::header(std::string_view name) const {
  auto it = raw.find(name);
  return it == raw.end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
}

void answer_from_pool(Request& req, std::function<HandlerResult()> work, Responder respond) {
  req.offload([post = req.post, work = std::move(work), respond = std::move(respond)] {
    auto result = std::make_shared<HandlerResult>([&work]() -> HandlerResult {
      try {
        return work();
      } catch (const std::exception& e) {
        return internal_error(e.what());
      }
    }());
    post([result, respond] { respond(std::move(*result)); });
  });
}

const std::string& Request::param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Reply Reply::json(unsigned status, const nlohmann::json& j) {
  Reply r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Reply Reply::json_text(unsigned status, std::string json_text) {
  return text(status, "application/json", std::move(json_text));
}

Reply Reply::text(unsigned status, std::string content_type, std::string body) {
  Reply r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Reply Reply::no_content() {
  Reply r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

bool has_json_media_type(const Request& req) {
  std::string_view ct = req.header(bhttp::field::content_type);
  auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return media == "application/json" || (media.size() > 5 && media.ends_with("+json"));
}

Result<nlohmann::json> json_body(const Request& req) {
  // Requiring application/json also blocks cross-site form posts (no CORS preflight bypass).
  if (!has_json_media_type(req)) {
    return make_error(ErrorKind::unsupported_media_type, "unsupported-media-type",
                      "Unsupported media type", "The request body must be application/json.");
  }
  auto j = nlohmann::json::parse(req.raw.body(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return make_error(ErrorKind::invalid_request, "malformed-json", "Malformed JSON",
                      "The request body is not valid JSON.");
  }
  if (!j.is_object()) {
    return make_error(ErrorKind::invalid_request, "malformed-json", "Malformed JSON",
                      "The request body must be a JSON object.");
  }
  return j;
}

}  // namespace darwaza::http
