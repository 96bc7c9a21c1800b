// Notifications: what a person is told about their applications (the inbox), and the outbox of
// email and SMS messages that carry each notification out. Plain types, no storage or HTTP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace darwaza::notifications {

// The application events a person is notified of. Adding one means adding it to kEvents below
// and its template to every language file in data/notifications/ (templates refuse to load
// otherwise).
enum class EventKind {
  submitted,             // received: the application entered its workflow
  info_requested,        // the agency asks the applicant to correct or add something
  payment_recorded,
  approved,
  rejected,
  certificate_issued,
  certificate_expiring,  // the certificate's validity ends within kExpiryNoticeDays
  count_,                // not an event: the number of events
};

struct EventName {
  EventKind kind;
  const char* name;  // as stored in notifications.event and used as the template key
};
// The one table of events and their names, in enum order.
inline constexpr std::array<EventName, static_cast<std::size_t>(EventKind::count_)> kEvents = {{
    {EventKind::submitted, "submitted"},
    {EventKind::info_requested, "info_requested"},
    {EventKind::payment_recorded, "payment_recorded"},
    {EventKind::approved, "approved"},
    {EventKind::rejected, "rejected"},
    {EventKind::certificate_issued, "certificate_issued"},
    {EventKind::certificate_expiring, "certificate_expiring"},
}};
static_assert([] {
  for (std::size_t i = 0; i < kEvents.size(); ++i)
    if (kEvents[i].kind != static_cast<EventKind>(i) || kEvents[i].name == nullptr) return false;
  return true;
}(), "kEvents must list every EventKind once, in enum order, with a name");

inline constexpr auto kAllEvents = [] {
  std::array<EventKind, kEvents.size()> out{};
  for (std::size_t i = 0; i < kEvents.size(); ++i) out[i] = kEvents[i].kind;
  return out;
}();
const char* to_string(EventKind e);
std::optional<EventKind> event_from_string(std::string_view s);

inline constexpr std::array<const char*, 2> kLanguages = {"en", "ur"};

struct Notification {
  std::string id;
  std::string user_id;
  std::string event;
  std::string language;  // the language it was written in (the person's preference then)
  std::string title;
  std::string body;
  std::string application_id;
  std::string tracking_number;
  std::string certificate_id;
  std::string dedupe_key;  // empty, or a key that makes a second insert for the same person a no-op
  UnixMs created_at = 0;
  std::optional<UnixMs> read_at;
  // The SMS text the outbox worker queues (queue_outbox); it stays in the row afterwards (an
  // UPDATE's RETURNING gives the new values, so the claim cannot also clear it). Not read back
  // into the inbox.
  std::string sms;
};

enum class Channel { email, sms };
const char* to_string(Channel c);

// Outbox states: pending (waiting or being tried; a lease marks the worker trying it), delivered
// (never sent again), failed (gave up after kMaxDeliveryAttempts).
struct OutboxMessage {
  std::string id;
  std::string notification_id;
  Channel channel = Channel::email;
  std::string recipient;  // e-mail address or +92 mobile number, fixed when queued
  std::string subject;
  std::string body;
  std::string state = "pending";
  int attempts = 0;  // claims so far, the current one included
  UnixMs next_attempt_at = 0;
  std::string last_error;
  UnixMs created_at = 0;
  std::optional<UnixMs> delivered_at;
};

}  // namespace darwaza::notifications
