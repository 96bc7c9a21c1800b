#include "http/server.hpp"

#include <array>
#include <limits>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/log.hpp"

namespace darwaza::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
// A connection's executor: its thread's io_context, named concretely (no type-erased executor).
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, Server& server) : stream_(std::move(socket)), server_(server) {
    server_.pipeline().metrics().open_connections().fetch_add(1);
  }
  ~Session() {
    server_.unregister_session(this);
    server_.pipeline().metrics().open_connections().fetch_sub(1);
  }

  void start() {
    server_.register_session(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(true); });
  }

  // On shutdown: connections waiting for a request are closed; busy ones finish first.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void read_header(bool first) {
    busy_ = false;
    if (server_.draining()) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
    // No limit while the header is read (the route's limit applies once it is in); boost::none
    // would compare as smaller than any length in Boost 1.74.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(std::chrono::milliseconds(first ? server_.options().read_timeout_ms
                                                          : server_.options().idle_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    started_ = Clock::now();
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return close();
    }
    busy_ = true;
    req_ = std::make_shared<Request>();
    if (peer_ip_.empty()) peer_ip_ = remote_ip();  // once per connection: the peer does not change
    req_->peer_ip = peer_ip_;
    req_->remote_ip = peer_ip_;  // until the pipeline reads a trusted proxy's X-Forwarded-For
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return reject(nullptr, make_error(ErrorKind::headers_too_large, "headers-too-large",
                                        "Request headers too large", "The request headers exceed the limit."));
    }
    if (ec) {
      logging::app().debug("bad request from {}: {}", req_->remote_ip, ec.message());
      return reject(nullptr, make_error(ErrorKind::invalid_request, "bad-request", "Bad request",
                                        "The request is not valid HTTP/1.1."));
    }
    // Build the request head now so the route (and its body limit) is known before the body.
    req_->raw.base() = parser_->get().base();
    auto route = server_.pipeline().prepare(*req_);
    // No route (404, 405): its answer too comes once the body is read, under the server's limit.
    route_ = route.ok() ? route.value() : nullptr;
    const std::size_t limit = body_limit();
    // A body declared beyond the limit, or one held back for a 100-continue to no route, is not
    // read at all: the answer goes at once, and the connection closes.
    if (auto len = parser_->content_length(); (len && *len > limit) || (!route_ && expects_continue()))
      return reject(route_, route_ ? too_large(limit) : route.error());
    parser_->body_limit(limit);
    if (!route_) return read_body_then([this, e = route.take_error()]() { refuse(nullptr, e); });
    if (expects_continue()) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      stream_.expires_after(std::chrono::milliseconds(server_.options().write_timeout_ms));
      return bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->close();
        self->read_body_then([self] { self->dispatch(); });
      });
    }
    read_body_then([this] { dispatch(); });
  }

  static Error too_large(std::size_t limit) {
    return make_error(ErrorKind::payload_too_large, "payload-too-large", "Payload too large",
                      "The request body exceeds the limit of " + std::to_string(limit) + " bytes.");
  }

  bool expects_continue() const { return beast::iequals(req_->header(bhttp::field::expect), "100-continue"); }

  // The body limit of the request's route, or the server's when the route has none or there is no route.
  std::size_t body_limit() const {
    return route_ && route_->options.max_body_bytes ? route_->options.max_body_bytes : server_.options().max_body_bytes;
  }

  template <class Next>
  void read_body_then(Next next) {
    if (parser_->is_done()) {
      req_->raw.body() = std::move(parser_->get().body());
      return next();
    }
    stream_.expires_after(std::chrono::milliseconds(server_.options().body_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this(), next = std::move(next)](beast::error_code ec, std::size_t) {
                        if (ec == bhttp::error::body_limit) return self->reject(self->route_, too_large(self->body_limit()));
                        if (ec) return self->close();
                        self->req_->raw.body() = std::move(self->parser_->get().body());
                        next();
                      });
  }

  void dispatch() {
    const Route* route = route_;
    if (route->options.dispatch == Dispatch::inline_) {
      return send(server_.pipeline().execute(*req_, *route, started_));
    }
    if (!server_.try_enter_flight()) {
      server_.pipeline().metrics().rejected_overload().fetch_add(1, std::memory_order_relaxed);
      return refuse_for_now(route, "overloaded", "Service overloaded", "The server is at capacity; retry shortly.");
    }
    if (route->options.costly_read && !server_.try_enter_costly_read()) {
      server_.leave_flight();
      server_.pipeline().metrics().rejected_costly_read().fetch_add(1, std::memory_order_relaxed);
      return refuse_for_now(route, "busy", "Too many searches at once",
                            "This server is answering as many searches as it runs at once; retry shortly.");
    }
    if (route->options.dispatch == Dispatch::async) return run_async(route);
    net::post(server_.handler_pool(), [self = shared_from_this(), route] {
      auto res = std::make_shared<RawResponse>(self->server_.pipeline().execute(*self->req_, *route, self->started_));
      if (route->options.costly_read) self->server_.leave_costly_read();
      self->server_.leave_flight();
      net::post(self->stream_.get_executor(), [self, res] { self->send(std::move(*res)); });
    });
  }

  // Dispatch::async: the handler starts here, on this connection's I/O thread, and answers later
  // on it (req_->post). Whatever it or its continuation throws before answering becomes a 500,
  // never an exception out of the I/O loop.
  void run_async(const Route* route) {
    awaiting_ = true;
    req_->post = [ex = stream_.get_executor(), weak = weak_from_this()](std::function<void()> fn) {
      net::post(ex, [weak, fn = std::move(fn)] {
        if (auto self = weak.lock()) self->guarded(fn);
      });
    };
    req_->offload = [pool = &server_.handler_pool()](std::function<void()> fn) { net::post(*pool, std::move(fn)); };
    guarded([this, route] {
      server_.pipeline().execute_async(*req_, *route, started_, [self = shared_from_this(), req = req_](RawResponse res) {
        self->answer(req, std::move(res));
      });
    });
  }

  // The answer to `req`: only while it is the request awaiting one (a handler answers once, and
  // never in place of the connection's next request). The callback holds `req`, so the
  // pipeline's reference to it stays valid.
  void answer(const std::shared_ptr<Request>& req, RawResponse res) {
    if (!awaiting_ || req != req_) return;
    awaiting_ = false;
    server_.leave_flight();
    send(std::move(res));
  }

  void guarded(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      if (awaiting_) return answer(req_, server_.pipeline().reject(*req_, route_, internal_error(e.what()), started_));
      logging::app().error("request {}: after its answer: {}", req_ ? req_->request_id : std::string("-"), e.what());
    }
  }

  // 503 with Retry-After: the server's capacity, not the request, is the problem.
  void refuse_for_now(const Route* route, const char* type, const char* title, const char* detail) {
    Error e = make_error(ErrorKind::unavailable, type, title, detail);
    e.retry_after_s = kRetryAfterS;
    refuse(route, e);
  }

  // Errors found once the request is whole (its body read: no route, the server at capacity): the
  // stream still frames the next request, so the connection stays open as after any answer (a
  // client's or a load balancer's kept-alive connection is not torn down, and no reconnection
  // adds to an overload).
  void refuse(const Route* route, const Error& e) { send(server_.pipeline().reject(*req_, route, e, started_)); }

  // Errors found before the handler: answer and close, because the rest of the stream
  // (an unread body, a broken header) cannot be trusted to frame the next request.
  void reject(const Route* route, const Error& e) {
    if (!req_) req_ = std::make_shared<Request>();
    close_after_ = true;
    send(server_.pipeline().reject(*req_, route, e, started_));
  }

  void send(RawResponse res) {
    if (close_after_ || server_.draining()) res.keep_alive(false);
    res_ = std::make_shared<RawResponse>(std::move(res));
    stream_.expires_after(std::chrono::milliseconds(server_.options().write_timeout_ms));
    auto done = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      bool keep = self->res_->keep_alive();
      self->res_.reset();
      self->req_.reset();
      self->route_ = nullptr;
      if (ec) return self->close();
      if (!keep) return self->close_after_ ? self->linger() : self->close();
      self->read_header(false);
    };
    // (No answer is chunked today: Pipeline gives each a length. One would need Beast's framing.)
    if (res_->chunked()) return bhttp::async_write(stream_, *res_, std::move(done));
    // Beast's serializer writes the header into head_, one piece rather than one per field, and
    // the body goes as it is: two buffers for the socket instead of some fifteen.
    bhttp::serializer<false, bhttp::string_body> head(*res_);
    head.split(true);
    head_.clear();
    beast::error_code ec;
    while (!ec && !head.is_header_done()) {
      head.next(ec, [&](beast::error_code&, const auto& buffers) {
        for (net::const_buffer b : beast::buffers_range_ref(buffers)) head_.append(static_cast<const char*>(b.data()), b.size());
        head.consume(beast::buffer_bytes(buffers));
      });
    }
    if (ec) return done(ec, 0);
    std::array<net::const_buffer, 2> out{net::buffer(head_), net::buffer(res_->body())};
    net::async_write(stream_, out, std::move(done));
  }

  // After refusing a request whose body was not read (413, 431, 400), closing at once would let
  // the kernel answer the client's unsent bytes with a reset that can destroy our response
  // before the client reads it. So: stop sending, drain what the client still sends for a
  // bounded time and amount, then close (nginx calls this a lingering close).
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::milliseconds(kLingerMs));
    drain_.resize(kDrainChunkBytes);
    drain_once(0);
  }

  void drain_once(std::size_t drained) {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this(), drained](beast::error_code ec, std::size_t n) {
      std::size_t total = drained + n;
      if (ec || total > kMaxDrainBytes) return self->close();
      self->drain_once(total);
    });
  }

  static constexpr int kLingerMs = 2000;
  static constexpr int kRetryAfterS = 1;  // a refusal for capacity: retry in a second
  static constexpr std::size_t kDrainChunkBytes = 64 * 1024;
  static constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  std::string remote_ip() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    return ec ? std::string("unknown") : ep.address().to_string();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::string peer_ip_;
  Server& server_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<Request> req_;
  std::shared_ptr<RawResponse> res_;
  std::string head_;  // the answer's serialised header (its capacity kept from one answer to the next)
  const Route* route_ = nullptr;
  Clock::time_point started_ = Clock::now();
  bool busy_ = false;
  bool close_after_ = false;
  bool awaiting_ = false;  // an asynchronous handler has yet to answer
  std::vector<char> drain_;
};

namespace {

std::vector<std::unique_ptr<net::io_context>> make_contexts(int& io_threads) {
  if (io_threads <= 0) io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<net::io_context>> out;
  for (int i = 0; i < io_threads; ++i) out.push_back(std::make_unique<net::io_context>(1));  // one thread each
  return out;
}

}  // namespace

Server::Server(ServerOptions options, Pipeline& pipeline)
    : options_(std::move(options)),
      pipeline_(pipeline),
      iocs_(make_contexts(options_.io_threads)),
      acceptor_(*iocs_.front()),
      signals_(*iocs_.front(), SIGINT, SIGTERM),
      drain_deadline_(*iocs_.front()),
      drain_poll_(*iocs_.front()),
      handler_pool_(static_cast<std::size_t>(std::max(1, options_.handler_threads))) {
  costly_reads_ = options_.costly_reads ? options_.costly_reads : std::make_shared<std::atomic<std::int64_t>>(0);
}

Server::~Server() {
  handler_pool_.join();
}

std::uint16_t Server::bind() {
  auto address = net::ip::make_address(options_.host);
  tcp::endpoint ep{address, options_.port};
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(net::socket_base::max_listen_connections);
  return acceptor_.local_endpoint().port();
}

bool Server::try_enter_costly_read() {
  if (static_cast<std::size_t>(costly_reads_->fetch_add(1) + 1) <= options_.max_costly_reads) return true;
  costly_reads_->fetch_sub(1);
  return false;
}

void Server::leave_costly_read() { costly_reads_->fetch_sub(1); }

bool Server::try_enter_flight() {
  auto n = in_flight_.fetch_add(1) + 1;
  if (static_cast<std::size_t>(n) > options_.max_in_flight) {
    in_flight_.fetch_sub(1);
    return false;
  }
  pipeline_.metrics().in_flight().store(n, std::memory_order_relaxed);
  return true;
}

void Server::leave_flight() {
  auto n = in_flight_.fetch_sub(1) - 1;
  pipeline_.metrics().in_flight().store(n, std::memory_order_relaxed);
}

void Server::register_session(Session* s, std::weak_ptr<Session> w) {
  std::lock_guard lock(sessions_mu_);
  sessions_.emplace(s, std::move(w));
}

void Server::unregister_session(Session* s) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(s);
}

void Server::do_accept() {
  IoContext& home = *iocs_[next_ioc_++ % iocs_.size()];
  acceptor_.async_accept(home.get_executor(), [this](beast::error_code ec, Socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      logging::app().warn("accept failed: {}", ec.message());
    } else {
      auto open = pipeline_.metrics().open_connections().load();
      if (static_cast<std::size_t>(open) >= options_.max_connections) {
        beast::error_code ignore;
        socket.close(ignore);
      } else {
        std::make_shared<Session>(std::move(socket), *this)->start();
      }
    }
    if (!draining_) do_accept();
  });
}

void Server::stop() {
  net::post(*iocs_.front(), [this] { begin_shutdown(); });
}

void Server::begin_shutdown() {
  if (draining_.exchange(true)) return;
  logging::app().info("shutting down: draining in-flight requests");
  beast::error_code ec;
  acceptor_.close(ec);
  signals_.cancel(ec);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& [_, w] : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->close_if_idle();
  // The I/O threads exit by themselves once every session has finished its last response.
  // A deadline bounds the wait for clients that never read their response.
  drain_deadline_.expires_after(std::chrono::milliseconds(options_.shutdown_grace_ms));
  drain_deadline_.async_wait([this](beast::error_code ec) {
    if (ec) return;
    for (auto& c : iocs_) c->stop();
  });
  poll_drain();
}

void Server::poll_drain() {
  bool empty;
  {
    std::lock_guard lock(sessions_mu_);
    empty = sessions_.empty();
  }
  if (empty && in_flight_.load() == 0) {
    drain_deadline_.cancel();
    return;
  }
  drain_poll_.expires_after(std::chrono::milliseconds(20));
  drain_poll_.async_wait([this](beast::error_code ec) {
    if (!ec) poll_drain();
  });
}

void Server::run() {
  if (!acceptor_.is_open()) bind();
  signals_.async_wait([this](beast::error_code ec, int) {
    if (!ec) begin_shutdown();
  });
  do_accept();
  for (std::size_t i = 1; i < iocs_.size(); ++i) keep_running_.push_back(net::make_work_guard(*iocs_[i]));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < iocs_.size(); ++i) threads.emplace_back([this, i] { iocs_[i]->run(); });
  iocs_.front()->run();  // returns once the drain is over (or its deadline stopped every context)
  keep_running_.clear();  // the others return once their last connection's work is done
  for (auto& t : threads) t.join();
  handler_pool_.join();
  // Asynchronous handlers whose writes were still queued when the drain deadline stopped the
  // loops answer on those loops: run them again until every one has (the pool's join above is
  // the same wait for blocking handlers), so that no queued write outlives the loop it answers on.
  const auto give_up = Clock::now() + std::chrono::milliseconds(options_.shutdown_grace_ms);
  while (in_flight_.load() > 0 && Clock::now() < give_up) {
    for (auto& c : iocs_) {
      c->restart();
      c->run_for(std::chrono::milliseconds(kAnswerWaitSliceMs));
    }
  }
  if (auto n = in_flight_.load(); n > 0) logging::app().error("stopped with {} requests unanswered", n);
  logging::app().info("server stopped");
}

}  // namespace darwaza::http
