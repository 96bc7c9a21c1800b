// Expected failures of the notifications module.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::notifications {

enum class Errc {
  notification_not_found,  // unknown, or someone else's: the same answer for both
  bad_templates,           // a template file is missing an event or uses an unknown placeholder
  delivery_failed,         // a transport could not hand a message over (the detail says why; logs only)
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::notifications
