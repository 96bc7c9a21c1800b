#include "notifications/errors.hpp"

namespace darwaza::notifications {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::notification_not_found: return {ErrorKind::not_found, "notification-not-found", "No such notification", "You have no notification with that id."};
    case Errc::delivery_failed: return {ErrorKind::unavailable, "delivery-failed", "Delivery failed", ""};
    case Errc::bad_templates: return {ErrorKind::invalid_request, "bad-notification-templates", "Bad notification templates", ""};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::notifications
