#include "govstack_listeners.hpp"

#include <filesystem>
#include <fstream>

#include "core/log.hpp"
#include "govstack/member.hpp"

namespace darwaza::cli {

void split_listen(const std::string& listen, http::ServerOptions& s, const std::string& option) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error(option + " must be HOST:PORT, got " + listen);
  s.host = listen.substr(0, colon);
  if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']') s.host = s.host.substr(1, s.host.size() - 2);
  int port = -1;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) throw std::runtime_error("port out of range in " + option + ": " + listen);
  s.port = static_cast<std::uint16_t>(port);
}

struct GovStackListeners::Listener {
  Listener(api::App& app, govstack::Adapter a, const GovStackServeOptions& o, http::ServerOptions so,
           http::RateLimiter& limiter, bool tls, const http::TrustedProxies& proxies)
      : adapter(a), ctx{app, o.ids}, auth(app.sessions, o.ids) {
    govstack::register_routes(a, router, ctx);
    std::vector<std::string> names;
    for (const auto& r : router.routes()) names.push_back(std::string(http::bhttp::to_string(r.method)) + " " + r.pattern);
    metrics = std::make_unique<http::Metrics>(names);
    http::PipelineOptions po;
    po.session_cookie = app.options.session_cookie;
    po.tls = tls;
    po.member_headers = {govstack::kClientHeader};
    if (a == govstack::Adapter::mediator) po.member_headers.push_back(govstack::kMediatorClientHeader);
    po.member_required = o.require_client;
    po.trusted_proxies = proxies;
    pipeline = std::make_unique<http::Pipeline>(router, auth, *metrics, limiter, po);
    server = std::make_unique<http::Server>(std::move(so), *pipeline);
  }

  govstack::Adapter adapter;
  govstack::Context ctx;
  govstack::MemberAuthenticator auth;
  http::Router router;
  std::unique_ptr<http::Metrics> metrics;
  std::unique_ptr<http::Pipeline> pipeline;
  std::unique_ptr<http::Server> server;
  std::thread thread;
};

GovStackListeners::GovStackListeners(api::App& app, const GovStackServeOptions& options,
                                     const http::ServerOptions& base, http::RateLimiter& limiter, bool tls,
                                     const http::TrustedProxies& proxies) {
  for (const auto& [adapter, listen] : options.listen) {
    if (listen.empty()) continue;
    http::ServerOptions so = base;
    split_listen(listen, so, std::string("--govstack-") + govstack::to_string(adapter));
    so.io_threads = GovStackServeOptions::kIoThreads;
    so.handler_threads = options.handler_threads;
    listeners_.push_back(std::make_unique<Listener>(app, adapter, options, std::move(so), limiter, tls, proxies));
  }
}

GovStackListeners::~GovStackListeners() { stop(); }

void GovStackListeners::start(const std::string& port_file) {
  for (auto& l : listeners_) {
    std::uint16_t port = l->server->bind();
    const std::string name = std::string("govstack-") + govstack::to_string(l->adapter);
    if (!port_file.empty()) {
      std::string file = port_file + "." + name, tmp = file + ".tmp";
      std::ofstream(tmp) << port << "\n";
      std::filesystem::rename(tmp, file);
    }
    logging::app().info("{} listening on http://{}:{}", name, l->server->options().host, port);
  }
  for (auto& l : listeners_) l->thread = std::thread([s = l->server.get()] { s->run(); });
}

void GovStackListeners::stop() {
  for (auto& l : listeners_) {
    if (!l->thread.joinable()) continue;
    l->server->stop();
    l->thread.join();
  }
}

}  // namespace darwaza::cli
