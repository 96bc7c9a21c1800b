// What happens to a request between the socket and the handler, in order: request id, route
// match, per-client rate limit, authentication, access policy, handler, problem mapping,
// security headers, metrics and the access log. The Beast session (server.cpp) only moves bytes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/client_address.hpp"
#include "http/csrf.hpp"
#include "http/metrics.hpp"
#include "http/rate_limit.hpp"
#include "http/router.hpp"

namespace darwaza::http {

// Turns a presented session or client token into a Principal (implemented by identity).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // unauthenticated error when the token is unknown, expired or revoked. `with_person`: the route
  // shows the person their own record (RouteOptions::with_person); fill Principal::person.
  virtual Result<Principal> authenticate(std::string_view token, bool with_person) = 0;
  // A caller named by a member header (GovStack listeners): unauthenticated unless implemented.
  virtual Result<Principal> authenticate_member(std::string_view member);
};

struct PipelineOptions {
  std::string session_cookie = "darwaza_session";
  bool tls = false;  // behind TLS: adds HSTS
  // Headers naming the calling member (e.g. GovStack's Information-Mediator-Client), first
  // present wins; empty: none is read. They are trusted as an X-Road provider trusts its security
  // server, so a listener reading them is bound where only the mediator reaches it.
  std::vector<std::string> member_headers;
  bool member_required = false;  // refuse requests without one (401)
  // Checks X-CSRF-Token on state-changing requests authenticated by the cookie (required: a
  // pipeline without it refuses every such request).
  const CsrfTokens* csrf = nullptr;
  // A read-only node (serve --read-only): only routes marked RouteOptions::replica are served,
  // and every caller is anonymous (no token or session cookie is looked up: a replica's sessions
  // lag the primary's logins and logouts).
  bool read_only = false;
  // Load balancers whose X-Forwarded-For names the client (serve --trusted-proxy); empty: the
  // connection's peer is the client.
  TrustedProxies trusted_proxies;
};

class Pipeline {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  Pipeline(const Router& router, Authenticator& auth, Metrics& metrics, RateLimiter& limiter,
           PipelineOptions options);

  // On the I/O thread, once the header is in: request id, path, query, language and the route.
  // Returns an error (404/405/400) when no route applies.
  Result<const Route*> prepare(Request& req) const;
  // Runs everything from the rate limit to the handler and renders the response.
  RawResponse execute(Request& req, const Route& route, TimePoint started);
  // The same for a Dispatch::async route: `send` gets the response once the handler answers
  // (at once for a refusal). Exceptions from the handler or its continuation reach the caller,
  // which answers 500 if nothing was sent.
  void execute_async(Request& req, const Route& route, TimePoint started, std::function<void(RawResponse)> send);
  // A response for an error found before the handler ran (limits, overload, bad syntax).
  RawResponse reject(Request& req, const Route* route, const Error& error, TimePoint started);

  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }

 private:
  // The rate limit and the access check: a refusal's response, or nothing.
  std::optional<RawResponse> admit(Request& req, const Route& route, TimePoint started);
  // The handler's result rendered: its reply, or its error as a problem.
  RawResponse conclude(Request& req, const Route& route, HandlerResult r, TimePoint started);
  Status check_access(Request& req, const Route& route);
  Status check_member(Request& req);
  RawResponse finish(Request& req, const Route* route, Reply reply, TimePoint started);

  const Router& router_;
  Authenticator& auth_;
  Metrics& metrics_;
  RateLimiter& limiter_;
  PipelineOptions options_;
};

std::string new_request_id();
// GET, HEAD and OPTIONS change nothing; every other method needs the CSRF token with a cookie.
bool changes_state(bhttp::verb method);

}  // namespace darwaza::http
