// libFuzzer target: the HTTP request path up to the handler. Bytes go through Beast's parser
// with the server's header and body limits, then the pipeline: request id, target and query
// decoding, route match on THE route table, rate limit, authentication (a stub that knows a
// few tokens), access policy, and response rendering. Handlers are stubs that answer 200.
#include <boost/beast/core.hpp>

#include "api/app.hpp"
#include "core/log.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "storage/database.hpp"

namespace {

using namespace darwaza;

class StubAuthenticator final : public http::Authenticator {
 public:
  Result<Principal> authenticate(std::string_view token, bool) override {
    Principal p;
    if (token == "citizen") {
      p.kind = Principal::Kind::user;
      p.user_id = "usr_citizen";
    } else if (token == "officer") {
      p.kind = Principal::Kind::user;
      p.user_id = "usr_officer";
      p.roles = {{Role::officer, "pta"}};
    } else if (token == "admin") {
      p.kind = Principal::Kind::user;
      p.user_id = "usr_admin";
      p.roles = {{Role::platform_admin, ""}, {Role::auditor, ""}};
    } else if (token == "client") {
      p.kind = Principal::Kind::api_client;
      p.client_id = "cli_x";
      p.agency_id = "pta";
    } else {
      return make_error(ErrorKind::unauthenticated, "unauthenticated", "Authentication required", "Unknown token.");
    }
    return p;
  }
};

struct World {
  std::unique_ptr<storage::Database> db;
  SystemClock clock;
  std::unique_ptr<api::App> app;
  http::Router router;
  std::unique_ptr<http::Metrics> metrics;
  std::unique_ptr<http::RateLimiter> limiter;
  StubAuthenticator auth;
  std::unique_ptr<http::Pipeline> pipeline;
  http::ServerOptions limits;
};

World& world() {
  static World* w = [] {
    logging::init({"error", "off"});
    auto* out = new World;
    storage::DatabaseOptions o;
    o.url = "sqlite::memory:";
    o.reader_connections = 1;
    out->db = storage::open_database(o);
    api::AppOptions ao;
    ao.password = crypto::PasswordParams{1, 8 * 1024};
    out->app = std::make_unique<api::App>(*out->db, out->clock, ao, certificates::SigningKey::generate());
    http::Router real;
    api::register_routes(real, *out->app);
    std::vector<std::string> names;
    for (const auto& r : real.routes()) {
      names.push_back(r.pattern);
      auto options = r.options;
      options.dispatch = http::Dispatch::pool;  // every stub answers at once, asynchronous routes' too
      out->router.add(r.method, r.pattern, r.access,
                      [](http::Request& req) -> http::HandlerResult {
                        return http::Reply::json(200, {{"params", req.params.size()}, {"query", req.query.size()}});
                      },
                      options);
    }
    out->metrics = std::make_unique<http::Metrics>(names);
    out->limiter = std::make_unique<http::MemoryRateLimiter>(out->clock, 0, 0);
    // The peer below is a trusted proxy, so every input's X-Forwarded-For lines are read.
    http::PipelineOptions po;
    po.trusted_proxies = *http::TrustedProxies::parse({"127.0.0.0/8", "::1"});
    out->pipeline = std::make_unique<http::Pipeline>(out->router, out->auth, *out->metrics, *out->limiter, po);
    return out;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  http::bhttp::request_parser<http::bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(w.limits.max_header_bytes));
  parser.body_limit(w.limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  (void)used;
  if (ec || !parser.is_header_done()) return 0;
  http::Request req;
  req.peer_ip = req.remote_ip = "127.0.0.1";
  req.raw = parser.release();
  auto route = w.pipeline->prepare(req);
  auto started = std::chrono::steady_clock::now();
  http::RawResponse res = route.ok() ? w.pipeline->execute(req, *route.value(), started)
                                     : w.pipeline->reject(req, nullptr, route.error(), started);
  if (res.result_int() >= 500) std::abort();  // no input reaches an internal error here
  return 0;
}
