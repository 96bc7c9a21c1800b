#include "support/server_process.hpp"
#include "support/test_database.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace darwaza::test {
namespace {
bool has_flag(const std::vector<std::string>& args, const std::string& flag) {
  return std::find(args.begin(), args.end(), flag) != args.end();
}
}  // namespace

namespace {

constexpr int kStartTimeoutMs = 30000;

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

ServerProcess::ServerProcess(std::vector<std::string> extra, std::string data_dir)
    : extra_(std::move(extra)), data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    data_dir_ = make_temp_dir("darwaza-test");
    own_dir_ = true;
  }
  log_path_ = data_dir_ + "/server.log";
}

// Keeps the server's logs for the test that scans every log of the run for secrets
// (tests/logscan): the data folder is about to be removed.
void collect_logs(const std::string& data_dir) {
  static std::atomic<int> counter{0};
  std::string prefix = std::string(DARWAZA_TEST_LOG_DIR) + "/" + std::to_string(getpid()) + "-" +
                       std::to_string(++counter) + "-";
  std::error_code ec;
  std::filesystem::create_directories(DARWAZA_TEST_LOG_DIR, ec);
  for (const char* name : {"server.log", "access.log"}) {
    std::filesystem::path from = std::filesystem::path(data_dir) / name;
    if (std::filesystem::exists(from))
      std::filesystem::copy_file(from, prefix + name, std::filesystem::copy_options::overwrite_existing, ec);
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop();
  collect_logs(data_dir_);
  if (own_dir_ && !std::getenv("DARWAZA_KEEP_TEST_DATA")) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

std::string ServerProcess::db_url() const {
  auto db = std::find(extra_.begin(), extra_.end(), "--db");
  if (db != extra_.end() && db + 1 != extra_.end()) return *(db + 1);
  return test_db_url(data_dir_ + "/d");
}

void ServerProcess::start() {
  std::string port_file = data_dir_ + "/port";
  std::filesystem::remove(port_file);
  std::vector<std::string> args = {DARWAZA_BINARY, "serve", "--listen", "127.0.0.1:0", "--data", data_dir_ + "/d",
                                   "--port-file", port_file, "--access-log", data_dir_ + "/access.log"};
  // Defaults a test may override: cheap argon2id for test accounts (test speed only).
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"--argon2-mem-kib", "1024"}, {"--argon2-ops", "1"}, {"--handler-threads", "16"},
      {"--rate-limit-per-minute", "0"}};  // one client address runs every test; the limit has its own test
  for (const auto& [flag, value] : defaults) {
    if (std::find(extra_.begin(), extra_.end(), flag) == extra_.end()) args.insert(args.end(), {flag, value});
  }
  args.insert(args.end(), extra_.begin(), extra_.end());
  if (!has_flag(extra_, "--db"))  // a test naming its own database gets no extra one created
    if (std::string url = db_url(); !url.empty()) args.insert(args.end(), {"--db", url});
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    auto argv = argv_of(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream log(log_path_);
      std::string text((std::istreambuf_iterator<char>(log)), {});
      throw std::runtime_error("darwaza serve exited during start-up:\n" + text);
    }
    std::ifstream pf(port_file);
    unsigned p = 0;
    if (pf >> p && p > 0) {
      port_ = static_cast<unsigned short>(p);
      try {
        auto c = client();
        if (c.get("/readyz").status == 200) return;
      } catch (const std::exception&) {
      }
    }
    std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval, not a readiness guess
  }
  throw std::runtime_error("darwaza serve did not become ready");
}

unsigned short ServerProcess::listener_port(const std::string& name) const {
  std::ifstream pf(data_dir_ + "/port." + name);
  unsigned p = 0;
  return pf >> p ? static_cast<unsigned short>(p) : 0;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int ServerProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string refusal_to_start(const std::vector<std::string>& args, const std::string& data_dir) {
  ServerProcess s(args, data_dir);
  try {
    s.start();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  s.stop();
  return "";
}

int run_darwaza(const std::vector<std::string>& args, std::string& output, const std::string& stdin_text) {
  std::string dir = make_temp_dir("darwaza-cli");
  std::string out_path = dir + "/out", in_path = dir + "/in";
  std::ofstream(in_path) << stdin_text;
  std::vector<std::string> full = {DARWAZA_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  // A command on a data folder opens that folder's database, PostgreSQL in the second run
  // (migrate-data names both of its databases itself and has no --db).
  auto data = std::find(args.begin(), args.end(), "--data");
  if (data != args.end() && data + 1 != args.end() && !has_flag(args, "--db") && args.front() != "migrate-data") {
    if (std::string url = test_db_url(*(data + 1)); !url.empty()) full.insert(full.end(), {"--db", url});
  }
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open(in_path.c_str(), O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    unsetenv("DARWAZA_PASSWORD");
    auto argv = argv_of(full);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream o(out_path);
  output.assign((std::istreambuf_iterator<char>(o)), {});
  std::filesystem::remove_all(dir);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace darwaza::test
