// The router: method + path pattern ("/v1/agencies/{agency}/clients") → route, with each route's
// declared access policy and options. Routes are registered once at start-up (src/api/routes.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace darwaza::http {

// Who may call a route: a set of principal kinds. A route lists every kind it admits.
// Agency-scoped kinds check the {agency} path parameter when the route has one; routes
// without it leave the agency check to the domain (e.g. the application's owning agency).
enum Access : std::uint32_t {
  kPublic = 1u << 0,          // anyone, no credentials needed
  kCitizen = 1u << 1,         // any signed-in person
  kAgencyOfficer = 1u << 2,   // officer or agency admin of {agency}
  kAgencyAdmin = 1u << 3,     // agency admin of {agency}
  kPlatformAdmin = 1u << 4,
  kAuditor = 1u << 5,
  kApiClient = 1u << 6,       // an agency API client (of {agency}, when the route has it)
};
using AccessMask = std::uint32_t;

std::string describe_access(AccessMask mask);
// Does `mask` admit `p`? Agency-scoped kinds are checked against `agency` (any agency when it
// is empty: the domain then checks the owning agency). The pipeline's access check, and what
// the GovStack directory tells a caller it may invoke.
bool admits(AccessMask mask, const Principal& p, std::string_view agency);

// How the server runs a handler.
enum class Dispatch {
  pool,     // on the bounded handler pool (may block on the database or CPU-heavy work)
  inline_,  // on the I/O thread: only for handlers that never block (health, metrics, short reads, the
            // catalog's in-memory search)
  async     // an AsyncHandler on the I/O thread: it starts its work (a queued durable write) and
            // answers later through its Responder, so no thread waits for the write
};

struct RouteOptions {
  Dispatch dispatch = Dispatch::pool;
  bool expensive = false;           // subject to the per-client rate limit
  std::size_t max_body_bytes = 0;   // 0 = the server default
  bool with_person = false;         // the handler shows the signed-in person their own record
  // A public route whose answer is the same whoever asks: a token or session cookie the request
  // carries is not looked up (no database read for it), and the handler sees an anonymous caller.
  bool caller_unused = false;
  // Served by read-only nodes (serve --read-only, on a database replica): a public read that
  // writes nothing, whose answer may be a few seconds behind the primary. A read-only node
  // answers every other route with 503 `read-only-node`.
  bool replica = false;
  // A public read whose cost grows with what it matches (a search over the database): at most
  // ServerOptions::max_costly_reads of them are queued or run at once; more are answered 503
  // `busy` with Retry-After, whoever sends them. It keeps searches from taking the whole handler
  // pool and the database's reader connections (a carrier's NAT puts many people on one address,
  // so no per-client limit alone is fair here). Pool routes only (Router::add_async refuses it).
  bool costly_read = false;
};

// Routes that cost a caller little and the server much (sign-in, tokens, searches that match
// field by field): on the pool and under the per-client rate limit. Shared by every route table.
inline constexpr RouteOptions kExpensiveRoute{Dispatch::pool, true, 0};
// Public reads whose cost grows with what they match (searches over the database): on the pool,
// in the lane of costly reads (RouteOptions::costly_read); the second also under the per-client
// rate limit.
inline constexpr RouteOptions kCostlyReadRoute{.dispatch = Dispatch::pool, .costly_read = true};
inline constexpr RouteOptions kExpensiveCostlyReadRoute{.dispatch = Dispatch::pool, .expensive = true, .costly_read = true};

using Handler = std::function<HandlerResult(Request&)>;
// An asynchronous handler answers exactly once, through the Responder, on the connection's I/O
// thread (Request::post gets it there); the request lives until then.
using AsyncHandler = std::function<void(Request&, Responder)>;

struct Route {
  bhttp::verb method;
  std::string pattern;
  AccessMask access;
  Handler handler;             // Dispatch::pool and inline_
  AsyncHandler async_handler;  // Dispatch::async
  RouteOptions options;
  std::size_t index = 0;  // position in the table, for metrics
};

class Router {
 public:
  void add(bhttp::verb method, std::string pattern, AccessMask access, Handler handler,
           RouteOptions options = {});
  // A route answered by an AsyncHandler (its options' dispatch becomes Dispatch::async).
  void add_async(bhttp::verb method, std::string pattern, AccessMask access, AsyncHandler handler,
                 RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;
    bool path_known = false;  // some route has this path but not this method (→ 405)
    std::vector<std::string> allowed_methods;
  };
  // Fills params on success.
  Match match(bhttp::verb method, std::string_view path,
              std::unordered_map<std::string, std::string>& params) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string literal;
    std::string param;  // non-empty for {name}
  };
  struct Compiled {
    std::vector<Segment> segments;
  };
  void add_route(Route r);

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits a path into segments; false when a segment is empty in the middle or undecodable.
bool split_path(std::string_view path, std::vector<std::string>& out);
// Percent-decoding; false on a malformed escape.
bool url_decode(std::string_view in, std::string& out, bool plus_is_space);
// Percent-encoding of every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~), so
// the text is safe as a path segment, query key or query value; url_decode reverses it.
std::string url_encode(std::string_view in);
void parse_query(std::string_view query, std::unordered_map<std::string, std::string>& out);

}  // namespace darwaza::http
