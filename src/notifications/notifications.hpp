// The notifications module owns what a person is told about their applications: it writes one
// notification per recipient and event (inside the caller's write transaction, so an event is
// never committed without its notifications), queues their e-mail and SMS messages in the
// outbox (the outbox worker, in batches), serves the inbox, and finds certificates about to expire.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "catalog/types.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "notifications/templates.hpp"
#include "storage/database.hpp"

namespace darwaza::catalog {
class Catalog;
}

namespace darwaza::notifications {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr int kExpiryNoticeDays = 30;         // tell holders this many days before a certificate ends
constexpr int kExpiryScanBatch = 500;         // certificates handled per scan transaction
constexpr int kQueueBatch = 500;              // notifications whose messages one transaction queues

// What happened to an application, as the templates need it.
struct Fact {
  EventKind event = EventKind::submitted;
  std::string application_id;
  std::string tracking_number;
  std::string applicant_user_id;
  std::string org_id;               // empty for a person's own application
  catalog::I18n service;            // the service's title
  std::string certificate_id;
  std::string valid_until;          // YYYY-MM-DD or empty (no expiry)
  std::string amount_pkr;
  std::string comment;              // the officer's comment (info requested, rejected)
  std::string dedupe_key;           // see Notification::dedupe_key
};

// Writes the notifications of one fact inside `tx`, each marked for the outbox worker to queue
// its e-mail and SMS (queue_outbox). Recipients: the person who filed the application and, for an
// organisation's application, its owners (members who did not file it see the application but are
// not messaged about it). Returns how many notifications were written (0 when each recipient
// already had the deduplicated one).
int notify(storage::Tx& tx, const Templates& templates, const Fact& fact, UnixMs now);
// The same for several facts about one application (one applicant and organisation, e.g.
// "approved" and "certificate issued"), reading the recipients once.
int notify(storage::Tx& tx, const Templates& templates, std::span<const Fact> facts, UnixMs now);
// Queues the e-mail and SMS messages of up to `limit` notifications not yet queued, oldest first,
// inside `tx`: an e-mail to the person's address and an SMS to their mobile as they are now
// (none to an empty one), due at once. Returns how many notifications it took: fewer than
// `limit` when none is left. Two nodes never queue the same notification (a claim in one UPDATE).
int queue_outbox(storage::Tx& tx, int limit);

struct InboxQuery {
  bool unread_only = false;
  int limit = kDefaultPageSize;
  int offset = 0;
};

class Notifications {
 public:
  Notifications(storage::Database& db, const Clock& clock, catalog::Catalog& catalog, const Templates& templates);

  Result<storage::NotificationPage> inbox(const Principal& who, const InboxQuery& q, const std::string& lang);
  Status mark_read(const Principal& who, const std::string& id);
  // Notifies the holders of certificates whose validity ends within kExpiryNoticeDays, once per
  // certificate (a second scan finds nothing new). Returns the number of certificates handled.
  Result<int> scan_expiring();

 private:
  storage::Database& db_;
  const Clock& clock_;
  catalog::Catalog& catalog_;
  const Templates& templates_;
};

}  // namespace darwaza::notifications
