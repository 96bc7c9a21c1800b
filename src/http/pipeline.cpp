#include "http/pipeline.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "http/problem.hpp"

namespace darwaza::http {
namespace {

constexpr std::size_t kMaxRequestIdChars = 64;

bool valid_request_id(std::string_view s) {
  if (s.size() < 8 || s.size() > kMaxRequestIdChars) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

std::string pick_lang(const Request& req) {
  if (auto q = req.query_param("lang")) return *q == "ur" ? "ur" : "en";
  std::string_view al = req.header(bhttp::field::accept_language);
  return al.substr(0, 2) == "ur" ? "ur" : "en";
}

void add_security_headers(RawResponse& res, bool tls) {
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  if (tls) res.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

// Extracts a token from "Authorization: Bearer" or the session cookie.
std::optional<std::string> presented_token(const Request& req, const std::string& cookie_name, bool& via_cookie) {
  via_cookie = false;
  std::string_view authz = req.header(bhttp::field::authorization);
  if (authz.size() > 7 && (authz.substr(0, 7) == "Bearer " || authz.substr(0, 7) == "bearer ")) {
    return std::string(authz.substr(7));
  }
  std::string_view cookies = req.header(bhttp::field::cookie);
  while (!cookies.empty()) {
    auto semi = cookies.find(';');
    std::string_view part = cookies.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == cookie_name) {
      via_cookie = true;
      return std::string(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    cookies.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

}  // namespace

std::string new_request_id() {
  // Unique, not secret (it names a request in logs and problem bodies): a per-thread generator
  // seeded from the system's randomness once, instead of a system call per request.
  thread_local SplitMix64 rng([] {
    std::uint64_t seed;
    randombytes_buf(&seed, sizeof seed);
    return seed;
  }());
  const std::uint64_t v = rng.next();
  unsigned char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string(hex, 16);
}

Result<Principal> Authenticator::authenticate_member(std::string_view) {
  return make_error(ErrorKind::unauthenticated, "unknown-member", "Unknown member",
                    "This server does not accept member headers.");
}

Pipeline::Pipeline(const Router& router, Authenticator& auth, Metrics& metrics, RateLimiter& limiter,
                   PipelineOptions options)
    : router_(router), auth_(auth), metrics_(metrics), limiter_(limiter), options_(std::move(options)) {}

Result<const Route*> Pipeline::prepare(Request& req) const {
  std::string_view incoming = req.header("X-Request-Id");
  req.request_id = valid_request_id(incoming) ? std::string(incoming) : new_request_id();
  std::string_view target = req.raw.target();
  auto qpos = target.find('?');
  req.path = std::string(target.substr(0, qpos));
  if (qpos != std::string_view::npos) parse_query(target.substr(qpos + 1), req.query);
  req.lang = pick_lang(req);
  if (!options_.trusted_proxies.empty()) {
    std::vector<std::string_view> forwarded;
    for (const auto& f : req.raw)  // every line, in the order received
      if (boost::beast::iequals(f.name_string(), "X-Forwarded-For")) forwarded.push_back(f.value());
    req.remote_ip = client_address(req.peer_ip, forwarded, options_.trusted_proxies);
  }
  if (req.path.empty() || req.path.front() != '/') {
    return make_error(ErrorKind::invalid_request, "bad-request-target", "Bad request target",
                      "The request target must be an absolute path.");
  }
  auto m = router_.match(req.raw.method(), req.path, req.params);
  if (m.route) return m.route;
  if (m.path_known) {
    Error e = make_error(ErrorKind::method_not_allowed, "method-not-allowed", "Method not allowed",
                         "This path does not accept that method.");
    e.extensions["allowed"] = m.allowed_methods;
    return e;
  }
  return make_error(ErrorKind::not_found, "not-found", "Not found", "No such resource.");
}

// The member header, when the listener reads one: it names the caller; a bearer token presented
// with it must name the same client.
Status Pipeline::check_member(Request& req) {
  std::string_view member;
  for (const auto& name : options_.member_headers)
    if (member = req.header(name); !member.empty()) break;
  if (member.empty()) {
    if (!options_.member_required) return ok_status();
    return make_error(ErrorKind::unauthenticated, "member-header-required", "Member header required",
                      "Name the calling member in the " + options_.member_headers.front() + " header.");
  }
  auto p = auth_.authenticate_member(member);
  if (!p.ok()) return p.take_error();
  if (req.principal.kind != Principal::Kind::anonymous &&
      (!req.principal.is_client() || req.principal.client_id != p->client_id)) {
    return make_error(ErrorKind::forbidden, "member-mismatch", "Member mismatch",
                      "The bearer token and the member header name different callers.");
  }
  req.principal = std::move(p).value();
  return ok_status();
}

bool changes_state(bhttp::verb method) {
  return method != bhttp::verb::get && method != bhttp::verb::head && method != bhttp::verb::options;
}

Status Pipeline::check_access(Request& req, const Route& route) {
  auto token = presented_token(req, options_.session_cookie, req.via_cookie);
  const bool look_up = !options_.read_only && !(route.options.caller_unused && (route.access & kPublic));
  if (token && look_up) {
    auto p = auth_.authenticate(*token, route.options.with_person);
    const bool csrf_refused = p.ok() && req.via_cookie && changes_state(req.raw.method()) &&
                              !(options_.csrf && options_.csrf->matches(p->session_id, req.header(kCsrfHeader)));
    if (csrf_refused) {
      // A public route goes on as if no cookie had come; any other is refused.
      if (!(route.access & kPublic)) {
        return make_error(ErrorKind::forbidden, "csrf", "CSRF token missing or wrong",
                          "A browser request that changes something must carry the X-CSRF-Token header "
                          "given by GET /v1/auth/session.");
      }
    } else if (p.ok()) {
      req.principal = std::move(p).value();
    } else if (!(route.access & kPublic)) {
      return p.take_error();
    }
  }
  if (!options_.member_headers.empty())
    if (Status s = check_member(req); !s.ok()) return s;
  req.principal.request_id = req.request_id;  // audit entries name the request
  const AccessMask mask = route.access;
  if (mask & kPublic) return ok_status();
  const Principal& p = req.principal;
  if (p.kind == Principal::Kind::anonymous) {
    return make_error(ErrorKind::unauthenticated, "unauthenticated", "Authentication required",
                      "Sign in or present a bearer token.");
  }
  if (!admits(mask, p, req.param("agency"))) {
    return make_error(ErrorKind::forbidden, "forbidden", "Forbidden",
                      "Your role does not allow this action here.");
  }
  return ok_status();
}

std::optional<RawResponse> Pipeline::admit(Request& req, const Route& route, TimePoint started) {
  if (options_.read_only && !route.options.replica) {
    return reject(req, &route,
                  make_error(ErrorKind::unavailable, "read-only-node", "Not served by this node",
                             "This node serves public reads from a database replica; send this request to the "
                             "platform's main address."),
                  started);
  }
  if (route.options.expensive) {
    if (int wait = limiter_.acquire(client_key(req.remote_ip)); wait > 0) {
      metrics_.rejected_rate_limit().fetch_add(1, std::memory_order_relaxed);
      Error e = make_error(ErrorKind::rate_limited, "rate-limited", "Too many requests",
                           "Too many requests from this client; retry later.");
      e.retry_after_s = wait;
      return reject(req, &route, e, started);
    }
  }
  if (Status s = check_access(req, route); !s.ok()) return reject(req, &route, s.error(), started);
  return std::nullopt;
}

RawResponse Pipeline::conclude(Request& req, const Route& route, HandlerResult r, TimePoint started) {
  if (!r.ok()) return reject(req, &route, r.error(), started);
  return finish(req, &route, std::move(r).value(), started);
}

RawResponse Pipeline::execute(Request& req, const Route& route, TimePoint started) {
  try {
    if (auto refused = admit(req, route, started)) return std::move(*refused);
    return conclude(req, route, route.handler(req), started);
  } catch (const std::exception& ex) {
    return reject(req, &route, internal_error(ex.what()), started);
  }
}

void Pipeline::execute_async(Request& req, const Route& route, TimePoint started,
                             std::function<void(RawResponse)> send) {
  std::optional<RawResponse> refused;
  try {
    refused = admit(req, route, started);
  } catch (const std::exception& ex) {
    refused = reject(req, &route, internal_error(ex.what()), started);
  }
  if (refused) return send(std::move(*refused));
  route.async_handler(req, [this, &req, &route, started, send = std::move(send)](HandlerResult r) {
    send(conclude(req, route, std::move(r), started));
  });
}

RawResponse Pipeline::reject(Request& req, const Route* route, const Error& error, TimePoint started) {
  if (req.request_id.empty()) req.request_id = new_request_id();
  Reply reply = problem_reply(error, req.path.empty() ? std::string_view("/") : std::string_view(req.path),
                              req.request_id);
  if (error.kind == ErrorKind::internal) {
    auto it = error.extensions.find("_log");
    logging::app().error("request {} failed: {}", req.request_id,
                         it != error.extensions.end() ? it->get<std::string>() : std::string("(no detail)"));
  }
  return finish(req, route, std::move(reply), started);
}

RawResponse Pipeline::finish(Request& req, const Route* route, Reply reply, TimePoint started) {
  RawResponse res{static_cast<bhttp::status>(reply.status), req.raw.version()};
  res.set(bhttp::field::server, "darwaza");
  if (!reply.content_type.empty()) {
    std::string ct = reply.content_type;
    if (ct.find("charset") == std::string::npos &&
        (ct.starts_with("text/") || ct.ends_with("json") || ct.ends_with("yaml")))
      ct += "; charset=utf-8";
    res.set(bhttp::field::content_type, ct);
  }
  res.set("X-Request-Id", req.request_id);
  add_security_headers(res, options_.tls);
  bool cache_set = false;
  for (auto& [k, v] : reply.headers) {
    if (boost::beast::iequals(k, "Cache-Control")) cache_set = true;
    res.insert(k, v);
  }
  if (!cache_set) res.set(bhttp::field::cache_control, "no-store");
  res.body() = std::move(reply.body);
  res.keep_alive(req.raw.keep_alive());
  res.prepare_payload();

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.record_request(route ? route->index : metrics_.unmatched_index(), reply.status, secs);
  if (auto* log = logging::access()) {
    thread_local fmt::memory_buffer line;
    line.clear();
    fmt::format_to(std::back_inserter(line), R"({{"ts":"{}","rid":"{}","ip":{},"peer":{},"method":"{}","path":{},"route":{},"status":{},"ms":{:.3f},"bytes":{},"actor":{}}})",
              format_rfc3339(SystemClock().now_ms()), req.request_id, logging::json_escape(req.remote_ip),
              logging::json_escape(req.peer_ip.empty() ? req.remote_ip : req.peer_ip),
              std::string(bhttp::to_string(req.raw.method())), logging::json_escape(req.path),
              logging::json_escape(route ? route->pattern : std::string("-")), reply.status, secs * 1000.0,
              res.body().size(), logging::json_escape(req.principal.actor()));
    log->add(std::string_view(line.data(), line.size()));
  }
  return res;
}

}  // namespace darwaza::http
