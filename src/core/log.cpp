#include "core/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>

namespace darwaza::logging {
namespace {
std::shared_ptr<spdlog::logger> g_app;     // set once at start-up, before threads run
std::unique_ptr<LineLog> g_access;         // idem; written out and closed at exit
}  // namespace

void init(const Options& opts) {
  if (!g_app) {
    g_app = spdlog::stderr_logger_mt("darwaza");
    g_app->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  g_app->set_level(spdlog::level::from_str(opts.level));
  if (opts.access_log == "off") {
    g_access.reset();
  } else if (!g_access) {
    if (opts.access_log == "-") {
      g_access = std::make_unique<LineLog>(STDERR_FILENO, false);
    } else {
      // As spdlog's file sinks did: the folder is made when missing (the data folder, say, on a first start).
      std::error_code ec;
      if (auto dir = std::filesystem::path(opts.access_log).parent_path(); !dir.empty()) std::filesystem::create_directories(dir, ec);
      int fd = ::open(opts.access_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
      if (fd < 0) throw std::runtime_error("cannot open the access log " + opts.access_log + ": " + std::strerror(errno));
      g_access = std::make_unique<LineLog>(fd, true);
    }
  }
}

spdlog::logger& app() {
  if (!g_app) init(Options{});
  return *g_app;
}

LineLog* access() { return g_access.get(); }

std::string json_escape(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace darwaza::logging
