// Dispatch::async routes on a real http::Server (loopback, ephemeral port): the handler starts
// on the connection's I/O thread and answers later on that same thread; a throw before the
// answer, in the handler or in its continuation, becomes a 500 problem and the connection and
// the server go on; a refused request never reaches the handler; work handed to the handler pool
// (answer_from_pool) runs there and is answered on the connection's thread. The server's lane of
// costly reads (RouteOptions::costly_read) answers 503 beyond its bound and serves other routes.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "core/log.hpp"
#include "http/server.hpp"

namespace {

using namespace darwaza;
namespace beast = boost::beast;
using nlohmann::json;

class NobodyAuthenticator final : public http::Authenticator {
 public:
  Result<Principal> authenticate(std::string_view, bool) override {
    return make_error(ErrorKind::unauthenticated, "unauthenticated", "Authentication required", "Unknown token.");
  }
};

std::string thread_name(std::thread::id id) {
  std::ostringstream out;
  out << id;
  return out.str();
}

struct AsyncServer {
  explicit AsyncServer(int handler_threads = 1, std::size_t max_costly_reads = 16) {
    logging::init({"error", "off"});
    // Answers from another thread, as the database's writer does, through the request's post.
    router.add_async(http::bhttp::verb::get, "/later", http::kPublic, [this](http::Request& req, http::Responder respond) {
      std::string started_on = thread_name(std::this_thread::get_id());
      std::lock_guard lock(mu);
      workers.emplace_back([post = req.post, respond = std::move(respond), started_on] {
        std::string worker = thread_name(std::this_thread::get_id());
        post([respond, started_on, worker] {
          std::string here = thread_name(std::this_thread::get_id());
          respond(http::Reply::json(200, {{"same_thread", here == started_on}, {"not_worker", here != worker}}));
        });
      });
    });
    router.add_async(http::bhttp::verb::get, "/throws-later", http::kPublic, [](http::Request& req, http::Responder respond) {
      req.post([respond] {
        throw std::runtime_error("continuation failed");
        respond(http::Reply::json(200, json::object()));  // never reached
      });
    });
    router.add_async(http::bhttp::verb::get, "/throws-now", http::kPublic,
                     [](http::Request&, http::Responder) { throw std::runtime_error("handler failed"); });
    // Work handed to the handler pool (http::answer_from_pool): it runs off the I/O thread, and
    // its result is answered back on it.
    router.add_async(http::bhttp::verb::get, "/pooled", http::kPublic, [](http::Request& req, http::Responder respond) {
      std::string started_on = thread_name(std::this_thread::get_id());
      auto worker = std::make_shared<std::string>();
      http::answer_from_pool(
          req,
          [worker] {
            *worker = thread_name(std::this_thread::get_id());
            return http::HandlerResult(http::Reply::json(200, json::object()));
          },
          [respond, started_on, worker](http::HandlerResult r) {
            std::string here = thread_name(std::this_thread::get_id());
            respond(http::Reply::json(200, {{"ok", r.ok()}, {"same_thread", here == started_on},
                                            {"worked_elsewhere", !worker->empty() && *worker != started_on}}));
          });
    });
    router.add_async(http::bhttp::verb::get, "/pooled-throws", http::kPublic, [](http::Request& req, http::Responder respond) {
      http::answer_from_pool(
          req, []() -> http::HandlerResult { throw std::runtime_error("pooled work failed"); }, std::move(respond));
    });
    router.add_async(http::bhttp::verb::get, "/citizens-only", http::kCitizen, [this](http::Request&, http::Responder respond) {
      ++citizen_handler_runs;
      respond(http::Reply::json(200, json::object()));
    });
    // A costly read that holds its place in the lane until the gate opens, and a plain pool route.
    http::RouteOptions costly;
    costly.costly_read = true;
    router.add(
        http::bhttp::verb::get, "/costly", http::kPublic,
        [this](http::Request&) -> http::HandlerResult {
          std::unique_lock lock(mu);
          ++costly_running;
          changed.notify_all();
          changed.wait(lock, [this] { return gate_open; });
          return http::Reply::json(200, json::object());
        },
        costly);
    router.add(http::bhttp::verb::get, "/plain", http::kPublic,
               [](http::Request&) -> http::HandlerResult { return http::Reply::json(200, json::object()); });
    std::vector<std::string> names;
    for (const auto& r : router.routes()) names.push_back(r.pattern);
    metrics = std::make_unique<http::Metrics>(names);
    limiter = std::make_unique<http::MemoryRateLimiter>(clock, 0, 0);
    pipeline = std::make_unique<http::Pipeline>(router, auth, *metrics, *limiter, http::PipelineOptions{});
    http::ServerOptions o;
    o.port = 0;
    o.io_threads = 2;
    o.handler_threads = handler_threads;
    o.max_costly_reads = max_costly_reads;
    server = std::make_unique<http::Server>(o, *pipeline);
    port = server->bind();
    runner = std::thread([this] { server->run(); });
  }
  ~AsyncServer() {
    open_gate();
    {
      std::lock_guard lock(mu);
      for (auto& w : workers) w.join();
    }
    server->stop();
    runner.join();
  }

  http::Router router;
  SystemClock clock;
  NobodyAuthenticator auth;
  std::unique_ptr<http::Metrics> metrics;
  std::unique_ptr<http::RateLimiter> limiter;
  std::unique_ptr<http::Pipeline> pipeline;
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;
  std::thread runner;
  std::mutex mu;
  std::vector<std::thread> workers;
  std::atomic<int> citizen_handler_runs{0};
  std::condition_variable changed;
  int costly_running = 0;
  bool gate_open = false;
  void open_gate() {
    std::lock_guard lock(mu);
    gate_open = true;
    changed.notify_all();
  }
};

// One keep-alive connection.
struct Client {
  explicit Client(std::uint16_t port) : stream(ioc) { stream.connect({boost::asio::ip::make_address("127.0.0.1"), port}); }
  http::RawResponse get(const std::string& target) {
    http::bhttp::request<http::bhttp::empty_body> req{http::bhttp::verb::get, target, 11};
    req.set(http::bhttp::field::host, "127.0.0.1");
    req.keep_alive(true);
    stream.expires_after(std::chrono::seconds(30));
    http::bhttp::write(stream, req);
    http::RawResponse res;
    http::bhttp::read(stream, buffer, res);
    return res;
  }
  boost::asio::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

TEST(AsyncRoute, AnswersLaterOnTheConnectionsOwnThread) {
  AsyncServer s;
  Client c(s.port);
  for (int i = 0; i < 3; ++i) {  // the same connection, request after request
    auto res = c.get("/later");
    ASSERT_EQ(res.result_int(), 200u) << res.body();
    auto body = json::parse(res.body());
    EXPECT_TRUE(body["same_thread"].get<bool>());
    EXPECT_TRUE(body["not_worker"].get<bool>());
  }
}

TEST(AsyncRoute, AThrowBeforeTheAnswerIsAProblemAndTheConnectionGoesOn) {
  AsyncServer s;
  Client c(s.port);
  for (const char* target : {"/throws-later", "/throws-now"}) {
    auto res = c.get(target);
    EXPECT_EQ(res.result_int(), 500u) << target;
    auto body = json::parse(res.body());
    EXPECT_NE(body["type"].get<std::string>().find("internal"), std::string::npos) << res.body();
    EXPECT_EQ(res.body().find("failed"), std::string::npos) << "internal detail leaked: " << res.body();
  }
  auto after = c.get("/later");  // same connection, still served
  EXPECT_EQ(after.result_int(), 200u);
}

TEST(AsyncRoute, WorkHandedToThePoolRunsThereAndIsAnsweredOnTheConnectionsThread) {
  AsyncServer s;
  Client c(s.port);
  for (int i = 0; i < 3; ++i) {
    auto res = c.get("/pooled");
    ASSERT_EQ(res.result_int(), 200u) << res.body();
    auto body = json::parse(res.body());
    EXPECT_TRUE(body["ok"].get<bool>());
    EXPECT_TRUE(body["same_thread"].get<bool>());
    EXPECT_TRUE(body["worked_elsewhere"].get<bool>());
  }
  auto failed = c.get("/pooled-throws");  // a throw on the pool is a 500 problem, detail kept for the log
  EXPECT_EQ(failed.result_int(), 500u);
  EXPECT_EQ(failed.body().find("pooled work failed"), std::string::npos) << failed.body();
  EXPECT_EQ(c.get("/pooled").result_int(), 200u);  // and the connection goes on
}

TEST(AsyncRoute, ARefusedRequestNeverReachesTheHandler) {
  AsyncServer s;
  Client c(s.port);
  auto res = c.get("/citizens-only");
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(s.citizen_handler_runs.load(), 0);
}

TEST(AsyncRoute, AnAsyncRouteNeedsAnAsyncHandler) {
  http::Router r;
  http::RouteOptions o;
  o.dispatch = http::Dispatch::async;
  EXPECT_THROW(r.add(http::bhttp::verb::get, "/x", http::kPublic,
                     [](http::Request&) -> http::HandlerResult { return http::Reply::json(200, json::object()); }, o),
               std::invalid_argument);
}


TEST(CostlyReads, BeyondTheirBoundAreBusyWhileOtherRoutesAreServed) {
  AsyncServer s(4, 1);  // one costly read at a time, four handler threads
  auto first = std::async(std::launch::async, [&] { return Client(s.port).get("/costly"); });
  struct OpenGate {  // before `first` waits for its answer, whatever fails below
    AsyncServer& s;
    ~OpenGate() { s.open_gate(); }
  } open_gate{s};
  {
    std::unique_lock lock(s.mu);
    ASSERT_TRUE(s.changed.wait_for(lock, std::chrono::seconds(10), [&] { return s.costly_running == 1; }));
  }
  auto busy = Client(s.port).get("/costly");
  EXPECT_EQ(busy.result_int(), 503u) << busy.body();
  EXPECT_EQ(json::parse(busy.body(), nullptr, false).value("type", ""), "/problems/busy") << busy.body();
  EXPECT_EQ(busy[http::bhttp::field::retry_after], "1");
  EXPECT_EQ(Client(s.port).get("/plain").result_int(), 200u);  // the pool still serves the rest
  s.open_gate();
  EXPECT_EQ(first.get().result_int(), 200u);
  EXPECT_EQ(Client(s.port).get("/costly").result_int(), 200u);  // its place is free again
  {
    std::lock_guard lock(s.mu);
    EXPECT_EQ(s.costly_running, 2);
  }
  EXPECT_EQ(s.metrics->rejected_costly_read().load(), 1u);
}

TEST(CostlyReads, AnAsyncRouteCannotBeOne) {  // its answer would never leave the lane
  http::Router r;
  EXPECT_THROW(r.add_async(http::bhttp::verb::get, "/x", http::kPublic, [](http::Request&, http::Responder) {},
                           http::kCostlyReadRoute),
               std::invalid_argument);
}

}  // namespace
