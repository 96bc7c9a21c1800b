// Applications: a citizen's or firm's request for a service, bound to the definition version it
// was filed under, moving through that version's workflow to a decision.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace darwaza::applications {

constexpr const char* kDraftState = "draft";

struct Application {
  std::string id;
  std::string tracking_number;
  std::string service_id;
  int service_version = 0;
  std::string agency_id;
  std::string applicant_user_id;
  std::string org_id;  // empty when filed for oneself
  std::string state;
  bool open = false;   // submitted and not yet in a terminal state
  std::string data;    // normalised form data, JSON text
  std::int64_t fee_paisa = 0;
  std::int64_t paid_paisa = 0;
  std::string assigned_to;
  std::string certificate_id;
  UnixMs created_at = 0;
  std::optional<UnixMs> submitted_at;
  UnixMs updated_at = 0;
  std::optional<UnixMs> decided_at;
  UnixMs state_entered_at = 0;
  std::optional<UnixMs> sla_due_at;
};

struct Event {
  std::int64_t id = 0;
  std::string application_id;
  UnixMs at = 0;
  std::string actor_user_id;
  std::string actor_role;
  std::string kind;
  std::string from_state, to_state, transition, comment;
};

struct Payment {
  std::string id;
  std::string application_id;
  std::int64_t amount_paisa = 0;
  std::string reference;
  std::string recorded_by;
  UnixMs recorded_at = 0;
};

struct IdempotentResponse {
  std::string request_hash;
  int status = 0;
  std::string response;
};

struct CertificateRow {
  std::string id;
  std::string application_id;
  std::string type;
  std::string holder_user_id;
  std::string holder_org_id;
  std::string agency_id;
  UnixMs issued_at = 0;
  std::string valid_until;
  std::string status = "valid";
  std::string document;
};

// Applications a listing (an agency's queue, a person's own applications) counts, at most (its
// total then says "more than"): counting a national agency's hundreds of thousands, or a large
// firm's, on every page view would cost more than the page.
constexpr std::int64_t kMaxCounted = 10'000;

struct QueueFilter {
  std::string agency;
  std::string state;     // empty = every non-terminal, non-draft state
  std::string service;   // empty = any
  // Open applications past their state's SLA due time (`now`), longest overdue first: the order
  // an officer clears them in, and the one an index holds (the other queues: oldest submission first).
  bool overdue_only = false;
  UnixMs now = 0;
  // Where the page starts: after this position in the queue's order (submission time, or SLA due
  // time for the overdue queue, then id); the default is before every application. Then `offset`
  // more are skipped (numbered pages; each skipped one is read).
  std::int64_t after_key = std::numeric_limits<std::int64_t>::min();
  std::string after_id;
  int offset = 0;
  int limit = 20;
  // The count reads at most max_counted + 1 entries: 0 for callers that show no total.
  std::int64_t max_counted = kMaxCounted;
};

// A person's applications and their organisations', newest first (creation time, then id).
struct MineFilter {
  std::string user_id;
  bool with_organisations = true;  // false: the person's own only
  // Where the page starts: before this position in that order (creation time, id); the default
  // is after every application. Then `offset` more are skipped (numbered pages).
  std::int64_t before_key = std::numeric_limits<std::int64_t>::max();
  std::string before_id;
  int offset = 0;
  int limit = 20;
  std::int64_t max_counted = kMaxCounted;  // as QueueFilter's
};

// A listing's cursor: the position of a page's last application, "KEY.ID" (KEY its submission
// time, or its SLA due time in the overdue queue, or its creation time in a person's own list:
// QueueFilter::after_key / MineFilter::before_key). Opaque to clients.
std::string page_cursor(std::int64_t key, const std::string& id);
struct PagePosition {
  std::int64_t key = 0;
  std::string id;
};
// A cursor read back; nullopt for anything that is not one.
std::optional<PagePosition> parse_page_cursor(std::string_view cursor);

}  // namespace darwaza::applications
