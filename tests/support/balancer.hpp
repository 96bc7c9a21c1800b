// haproxy on loopback in front of test nodes (round robin), for the multi-node and
// trusted-proxy tests. scripts/deps.sh installs it; tests skip when it is missing.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

#include "support/http_client.hpp"

namespace darwaza::test {

bool have_haproxy();
// A loopback TCP port nothing listens on at the time of the call.
unsigned short free_port();

class Balancer {
 public:
  // Listens on 127.0.0.1 and spreads requests over the nodes at `ports` (127.0.0.1). With
  // `forward_for`, it adds an X-Forwarded-For header line naming each client's address, as a
  // production balancer is configured (docs/deployment.md). Waits until /readyz answers 200.
  Balancer(const std::string& dir, const std::vector<unsigned short>& ports, bool forward_for = false);
  ~Balancer();
  Balancer(const Balancer&) = delete;
  Balancer& operator=(const Balancer&) = delete;

  HttpClient client() const { return HttpClient("127.0.0.1", port_); }
  unsigned short port() const { return port_; }

 private:
  unsigned short port_;
  pid_t pid_ = -1;
};

}  // namespace darwaza::test
