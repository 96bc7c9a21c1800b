// Starts the real `darwaza serve` on an ephemeral loopback port with a temporary data folder,
// waits for /readyz (polling, no sleeps), and stops it with SIGTERM.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

#include "support/http_client.hpp"

namespace darwaza::test {

class ServerProcess {
 public:
  // extra: additional command-line options for `serve`.
  explicit ServerProcess(std::vector<std::string> extra = {}, std::string data_dir = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void start();
  // SIGTERM and wait; returns the exit status.
  int stop();
  void kill_hard();
  // Sends SIGTERM without waiting; wait() collects the exit status.
  void terminate();
  int wait();

  unsigned short port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  // The database the server opens: its --db when the test named one, else the test run's
  // database of its data folder ("" for the SQLite default).
  std::string db_url() const;
  const std::string& log_path() const { return log_path_; }
  HttpClient client() const { return HttpClient("127.0.0.1", port_); }
  // Extra listeners (e.g. "govstack-registries" for --govstack-registries) write their port to
  // "<port file>.<name>" before the main port file; 0 when that listener is not configured.
  unsigned short listener_port(const std::string& name) const;
  HttpClient client_of(const std::string& name) const { return HttpClient("127.0.0.1", listener_port(name)); }

 private:
  std::vector<std::string> extra_;
  std::string data_dir_;
  std::string log_path_;
  bool own_dir_ = false;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// Starts `serve` with `args` (and `data_dir`, when given) expecting it to refuse: what it said as
// it exited, or "" when it started after all (it is then stopped).
std::string refusal_to_start(const std::vector<std::string>& args, const std::string& data_dir = {});

// Runs the darwaza binary with arguments; returns exit status and fills output (stdout+stderr).
int run_darwaza(const std::vector<std::string>& args, std::string& output, const std::string& stdin_text = {});

std::string make_temp_dir(const std::string& prefix);

}  // namespace darwaza::test
