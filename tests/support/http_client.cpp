#include "support/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace darwaza::test {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

nlohmann::json HttpResponse::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j;
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string host, unsigned short port)
    : impl_(std::make_unique<Impl>()), host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->stream) {
      impl_->stream.emplace(impl_->ioc);
      if (!source_.empty()) {
        auto& socket = impl_->stream->socket();
        socket.open(tcp::v4());
        socket.bind(tcp::endpoint(net::ip::make_address(source_), 0));
      }
      impl_->stream->connect(tcp::endpoint(net::ip::make_address(host_), port_));
      impl_->buffer.clear();
    }
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, host_);
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") req.prepare_payload();
    beast::error_code ec;
    bhttp::write(*impl_->stream, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) bhttp::read(*impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      // The server may have closed an idle keep-alive connection: reconnect once.
      impl_->stream.reset();
      if (attempt == 0) continue;
      throw std::runtime_error("http request failed: " + ec.message());
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = res.result_int();
    for (auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto& slot = out.headers[name];
      slot = slot.empty() ? std::string(f.value()) : slot + ", " + std::string(f.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) impl_->stream.reset();
    return out;
  }
  throw std::runtime_error("unreachable");
}

HttpResponse HttpClient::post_json(const std::string& target, const nlohmann::json& body,
                                   std::map<std::string, std::string> headers) {
  headers.emplace("Content-Type", "application/json");
  return request("POST", target, body.dump(), headers);
}

HttpResponse HttpClient::patch_json(const std::string& target, const nlohmann::json& body,
                                    std::map<std::string, std::string> headers) {
  headers.emplace("Content-Type", "application/json");
  return request("PATCH", target, body.dump(), headers);
}

std::string HttpClient::raw(const std::string& bytes, int timeout_ms) {
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address(host_), port_));
  s.expires_after(std::chrono::milliseconds(timeout_ms));
  std::string out;
  s.async_write_some(net::buffer(bytes), [](beast::error_code, std::size_t) {});
  ioc.run();
  ioc.restart();
  char buf[4096];
  bool done = false;
  std::function<void()> read_more = [&] {
    s.async_read_some(net::buffer(buf), [&](beast::error_code ec, std::size_t n) {
      out.append(buf, n);
      if (ec) {
        done = true;
        return;
      }
      read_more();
    });
  };
  s.expires_after(std::chrono::milliseconds(timeout_ms));
  read_more();
  ioc.run();
  return out;
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace darwaza::test
