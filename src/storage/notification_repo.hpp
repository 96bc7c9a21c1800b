// Store interface for notifications (the inbox) and the outbox of e-mail and SMS messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "notifications/types.hpp"

namespace darwaza::storage {

struct NotificationPage {
  std::vector<notifications::Notification> items;
  std::int64_t total = 0;   // matching the filter
  std::int64_t unread = 0;  // of all the person's notifications
};

// A certificate whose validity ends soon and of which its holders have not been told yet.
struct ExpiringCertificate {
  std::string certificate_id;
  std::string valid_until;  // YYYY-MM-DD
  std::string application_id;
  std::string tracking_number;
  std::string applicant_user_id;
  std::string org_id;
  std::string service_id;
  int service_version = 0;
};

class NotificationRepo {
 public:
  virtual ~NotificationRepo() = default;
  // False when a notification with the same (user, dedupe_key) exists: nothing is written.
  // A notification written is to be queued (take_unqueued).
  virtual bool insert(const notifications::Notification& n) = 0;
  // Takes up to `limit` notifications still to be queued, oldest first, and marks them queued, in
  // one statement: two nodes never take the same one (as claim_outbox). Each with what its
  // messages need: id, user_id, title (the e-mail's subject), body, sms and created_at.
  virtual std::vector<notifications::Notification> take_unqueued(int limit) = 0;
  // Newest first.
  virtual NotificationPage for_user(const std::string& user_id, bool unread_only, int offset, int limit) = 0;
  // False when the person has no such notification. Reading twice keeps the first read time.
  virtual bool mark_read(const std::string& id, const std::string& user_id, UnixMs at) = 0;

  // Valid certificates with valid_until in [from_date, to_date] (YYYY-MM-DD) and no
  // certificate_expiring notification yet, at most `limit`.
  virtual std::vector<ExpiringCertificate> expiring_unnotified(const std::string& from_date, const std::string& to_date,
                                                               int limit) = 0;

  virtual void insert_outbox(const notifications::OutboxMessage& m) = 0;
  // Leases up to `limit` due pending messages of the given channels to `owner` until
  // `lease_until`, counting the attempt, in one statement: two workers (two server nodes) never
  // hold the same message, and an expired lease (a worker that died) makes it claimable again.
  virtual std::vector<notifications::OutboxMessage> claim_outbox(const std::string& owner, UnixMs now,
                                                                 UnixMs lease_until, bool email, bool sms,
                                                                 int limit) = 0;
  // Each of these applies only while `owner` holds the lease and the message is pending; they
  // return false otherwise (the lease was lost), so a delivered message is never reopened.
  virtual bool outbox_delivered(const std::string& id, const std::string& owner, UnixMs at) = 0;
  virtual bool outbox_retry(const std::string& id, const std::string& owner, UnixMs next_attempt_at,
                            const std::string& error) = 0;
  virtual bool outbox_failed(const std::string& id, const std::string& owner, const std::string& error) = 0;
  // Gives back a claimed message that was not tried (its lease would not outlast a send): it is
  // claimable again at once and the claim is not counted as an attempt.
  virtual bool outbox_release(const std::string& id, const std::string& owner) = 0;
  virtual std::vector<notifications::OutboxMessage> outbox_of(const std::string& notification_id) = 0;
};

}  // namespace darwaza::storage
