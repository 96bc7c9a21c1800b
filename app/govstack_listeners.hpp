// The GovStack adapters' listeners (serve --govstack-*): each adapter on its own address with its
// own route table, pipeline and server, sharing the application, the rate limiter and the
// shutdown signal with the main listener.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/app.hpp"
#include "govstack/govstack.hpp"
#include "http/rate_limit.hpp"
#include "http/server.hpp"

namespace darwaza::cli {

struct GovStackServeOptions {
  std::map<govstack::Adapter, std::string> listen;  // adapter → HOST:PORT (port 0 = ephemeral)
  bool require_client = false;                      // refuse calls without a member header (401)
  govstack::Options ids;
  int handler_threads = 8;  // per listener
  static constexpr int kIoThreads = 1;  // per listener: its traffic is a security server's, not the public's

  // Threads every listener together may run at once (each may hold a database reader).
  int threads() const { return static_cast<int>(listen.size()) * (handler_threads + kIoThreads); }
};

class GovStackListeners {
 public:
  GovStackListeners(api::App& app, const GovStackServeOptions& options, const http::ServerOptions& base,
                    http::RateLimiter& limiter, bool tls, const http::TrustedProxies& proxies);
  ~GovStackListeners();
  // Binds every listener and writes each bound port to `<port_file>.govstack-<adapter>` (when
  // port_file is set), then serves on background threads.
  void start(const std::string& port_file);
  // Starts the graceful drain of every listener and waits for them.
  void stop();

 private:
  struct Listener;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

// Splits HOST:PORT (or [v6]:PORT) into the server options; throws on a malformed address.
void split_listen(const std::string& listen, http::ServerOptions& s, const std::string& option);

}  // namespace darwaza::cli
