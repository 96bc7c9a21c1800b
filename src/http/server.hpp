// The HTTP/1.1 server on Boost.Beast: an acceptor, I/O threads (= cores by default) that never
// block, each running its own io_context (a connection stays on one, so its handlers need no
// strand and no lock), and a bounded handler pool for handlers that may block. Asynchronous
// routes (Dispatch::async) start on the I/O thread and answer on it once their write is durable.
// Limits: header bytes, body bytes (per route), connections, requests in flight, read/idle/
// write timeouts. SIGTERM/SIGINT stop accepting, let in-flight requests finish, then return.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>

#include "http/pipeline.hpp"

namespace darwaza::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;               // 0 = ephemeral
  int io_threads = 0;                      // 0 = number of cores
  int handler_threads = 64;                // blocking handlers (and their writes: group-commit fan-in)
  std::size_t max_in_flight = 1024;        // pool requests queued or running; beyond → 503
  std::size_t max_costly_reads = 8;        // RouteOptions::costly_read requests queued or running; beyond → 503
  // The lane's count, shared by the servers of one node (its listeners share its reader
  // connections); nullptr = the server's own.
  std::shared_ptr<std::atomic<std::int64_t>> costly_reads;
  std::size_t max_connections = 10000;     // beyond → the connection is closed at once
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;  // default; routes may set their own
  int read_timeout_ms = 10000;             // whole request header (slow-loris bound)
  int body_timeout_ms = 30000;             // whole request body
  int idle_timeout_ms = 30000;             // keep-alive wait for the next request
  int write_timeout_ms = 30000;
  int shutdown_grace_ms = 20000;           // how long in-flight requests get on shutdown
};

class Session;

class Server {
 public:
  Server(ServerOptions options, Pipeline& pipeline);
  ~Server();

  // Binds the listener; throws on failure. Returns the bound port.
  std::uint16_t bind();
  // Runs until stop() or SIGTERM/SIGINT; returns after the graceful drain.
  void run();
  // Thread-safe; starts the graceful shutdown.
  void stop();
  bool draining() const { return draining_.load(); }
  const std::atomic<bool>& draining_flag() const { return draining_; }

  // Called by sessions.
  const ServerOptions& options() const { return options_; }
  Pipeline& pipeline() { return pipeline_; }
  boost::asio::thread_pool& handler_pool() { return handler_pool_; }
  bool try_enter_flight();
  void leave_flight();
  // The lane of RouteOptions::costly_read requests, inside the flight above.
  bool try_enter_costly_read();
  void leave_costly_read();
  void register_session(Session* s, std::weak_ptr<Session> w);
  void unregister_session(Session* s);

 private:
  void do_accept();
  void begin_shutdown();
  void poll_drain();

  using IoContext = boost::asio::io_context;
  // After the drain: how long each loop runs per turn while asynchronous answers are awaited.
  static constexpr int kAnswerWaitSliceMs = 10;

  ServerOptions options_;
  Pipeline& pipeline_;
  // Before the contexts: sessions a stopped context still holds unregister themselves when it is
  // destroyed, so these must outlive it.
  std::atomic<bool> draining_{false};
  std::atomic<std::int64_t> in_flight_{0};
  std::shared_ptr<std::atomic<std::int64_t>> costly_reads_;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  // One per I/O thread; the first also holds the acceptor, the signals and the drain timers.
  std::vector<std::unique_ptr<IoContext>> iocs_;
  // Keeps the other contexts running while they have no connection, until the drain ends.
  std::vector<boost::asio::executor_work_guard<IoContext::executor_type>> keep_running_;
  std::size_t next_ioc_ = 0;  // round robin of new connections (touched on the acceptor's thread only)
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_deadline_;
  boost::asio::steady_timer drain_poll_;
  boost::asio::thread_pool handler_pool_;
};

}  // namespace darwaza::http
