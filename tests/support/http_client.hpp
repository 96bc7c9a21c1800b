// A small blocking HTTP/1.1 client for end-to-end tests (Boost.Beast), keep-alive per client.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace darwaza::test {

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  nlohmann::json json() const;
  std::string header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, unsigned short port);
  ~HttpClient();

  // `headers` are "Name: value" pairs.
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::map<std::string, std::string>& headers = {});
  HttpResponse get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, {}, headers);
  }
  HttpResponse post_json(const std::string& target, const nlohmann::json& body,
                         std::map<std::string, std::string> headers = {});
  HttpResponse patch_json(const std::string& target, const nlohmann::json& body,
                          std::map<std::string, std::string> headers = {});
  // Sends raw bytes on a fresh connection and returns what came back until close or timeout.
  std::string raw(const std::string& bytes, int timeout_ms = 5000);

  unsigned short port() const { return port_; }
  // Connect from this local address (any of 127.0.0.0/8 on loopback), so one test can be several
  // clients; applies from the next connection.
  void set_source(std::string address) { source_ = std::move(address); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  unsigned short port_;
  std::string source_;
};

std::map<std::string, std::string> bearer(const std::string& token);

}  // namespace darwaza::test
