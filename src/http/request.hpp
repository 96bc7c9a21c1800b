// The request as handlers see it, and the reply they give back. Knows nothing of domains.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "core/principal.hpp"
#include "core/result.hpp"

namespace darwaza::http {

namespace bhttp = boost::beast::http;
using RawRequest = bhttp::request<bhttp::string_body>;
using RawResponse = bhttp::response<bhttp::string_body>;

struct Request {
  RawRequest raw;
  // The client's address: the connection's peer, or behind a trusted proxy the address that
  // proxy saw (http/client_address.hpp). Per-client limits and the logs use it.
  std::string remote_ip;
  std::string peer_ip;  // the connection's peer (a load balancer, when there is one)
  std::string request_id;
  std::string path;   // decoded path without the query
  std::unordered_map<std::string, std::string> query;
  std::unordered_map<std::string, std::string> params;  // from the route pattern
  Principal principal;
  bool via_cookie = false;  // the session token came from the cookie (browser)
  std::string lang = "en";  // from ?lang= or Accept-Language: "en" or "ur"
  // Asynchronous routes only: runs a function later on this connection's I/O thread (how a
  // handler that waited for nothing gets back to the connection; see Dispatch::async).
  std::function<void(std::function<void()>)> post;
  // Asynchronous routes only: runs a function on the handler pool (see answer_from_pool).
  std::function<void(std::function<void()>)> offload;

  std::string_view header(bhttp::field f) const;
  std::string_view header(std::string_view name) const;
  const std::string& param(const std::string& name) const;
  std::optional<std::string> query_param(const std::string& name) const;
};

// What a handler returns on success.
struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply json(unsigned status, const nlohmann::json& j);
  static Reply json_text(unsigned status, std::string json_text);  // already serialised (JsonWriter)
  static Reply text(unsigned status, std::string content_type, std::string body);
  static Reply no_content();
};

using HandlerResult = Result<Reply>;
using Responder = std::function<void(HandlerResult)>;

// For an asynchronous route whose work may block for some requests (a durable write, remote
// calls): runs `work` on the handler pool and answers with its result on the connection's I/O
// thread (req.post). A throw from `work` becomes a 500 problem.
void answer_from_pool(Request& req, std::function<HandlerResult()> work, Responder respond);

// Parses the body as a JSON object; refuses other media types and malformed JSON.
Result<nlohmann::json> json_body(const Request& req);
// The Content-Type is application/json or a +json type, the media types json_body accepts.
bool has_json_media_type(const Request& req);

}  // namespace darwaza::http
