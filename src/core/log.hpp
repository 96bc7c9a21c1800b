// Logging set-up: one application logger (human or JSON) and one access logger (JSON lines).
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "core/line_log.hpp"

namespace darwaza::logging {

struct Options {
  std::string level = "info";       // trace, debug, info, warn, error
  std::string access_log = "-";     // "-" = stderr, "off", or a file path
};

void init(const Options& opts);
spdlog::logger& app();
// The access log (JSON lines, written in batches: core/line_log.hpp); null when it is off.
LineLog* access();

// JSON string escaping for hand-built log lines.
std::string json_escape(std::string_view s);

}  // namespace darwaza::logging
