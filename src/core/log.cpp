#include "core/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <nlohmann/json.hpp>

namespace darwaza::logging {
namespace {
std::shared_ptr<spdlog::logger> g_app;     // set once at start-up, before threads run
std::shared_ptr<spdlog::logger> g_access;  // idem
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
    spdlog::init_thread_pool(65536, 1);
    std::shared_ptr<spdlog::sinks::sink> sink;
    if (opts.access_log == "-") {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(opts.access_log);
    }
    g_access = std::make_shared<spdlog::async_logger>("access", sink, spdlog::thread_pool(),
                                                      spdlog::async_overflow_policy::overrun_oldest);
    g_access->set_pattern("%v");
  }
}

spdlog::logger& app() {
  if (!g_app) init(Options{});
  return *g_app;
}

spdlog::logger* access() { return g_access.get(); }

std::string json_escape(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace darwaza::logging
