#include "support/balancer.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace darwaza::test {
namespace {
constexpr int kBalancerStartTimeoutMs = 10000;
constexpr int kPollIntervalMs = 10;
}  // namespace

bool have_haproxy() { return std::system("command -v haproxy >/dev/null 2>&1") == 0; }

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

Balancer::Balancer(const std::string& dir, const std::vector<unsigned short>& ports, bool forward_for)
    : port_(free_port()) {
  std::string cfg = dir + "/haproxy.cfg";
  {
    std::ofstream out(cfg);
    out << "global\n  maxconn 256\ndefaults\n  mode http\n  timeout connect 5s\n"
           "  timeout client 60s\n  timeout server 60s\n"
        << (forward_for ? "  option forwardfor\n" : "") << "frontend fe\n  bind 127.0.0.1:" << port_
        << "\n  default_backend nodes\nbackend nodes\n  balance roundrobin\n";
    for (std::size_t i = 0; i < ports.size(); ++i) out << "  server n" << i << " 127.0.0.1:" << ports[i] << "\n";
  }
  pid_ = fork();
  if (pid_ == 0) {
    std::string log = dir + "/haproxy.log";
    FILE* f = std::freopen(log.c_str(), "w", stdout);
    (void)f;
    dup2(1, 2);
    execlp("haproxy", "haproxy", "-db", "-f", cfg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBalancerStartTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (client().get("/readyz").status == 200) return;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollIntervalMs));
  }
  ::kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  throw std::runtime_error("haproxy did not start");
}

Balancer::~Balancer() {
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

}  // namespace darwaza::test
