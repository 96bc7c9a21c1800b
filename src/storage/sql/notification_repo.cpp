#include "storage/sql/notification_repo.hpp"

#include <algorithm>

namespace darwaza::storage::sql {
namespace {
using notifications::Channel;
using notifications::Notification;
using notifications::OutboxMessage;

constexpr const char* kInsertNotification =
    "INSERT INTO notifications (id, user_id, event, language, title, body, application_id, tracking_number, "
    "certificate_id, dedupe_key, created_at, sms, to_queue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
    "ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING";  // the partial index of V021
// As kClaimOutbox: the inner SELECT picks, the outer WHERE re-checks (PostgreSQL, two nodes).
constexpr const char* kTakeUnqueued =
    "UPDATE notifications SET to_queue = NULL "
    "WHERE id IN (SELECT id FROM notifications WHERE to_queue = 1 ORDER BY id LIMIT ?) AND to_queue = 1 "
    "RETURNING id, user_id, event, language, title, body, coalesce(application_id, ''), "
    "coalesce(tracking_number, ''), coalesce(certificate_id, ''), coalesce(dedupe_key, ''), created_at, read_at, "
    "coalesce(sms, '')";  // notification_row's columns, then the SMS text
constexpr const char* kNotificationsOfUser =
    "SELECT id, user_id, event, language, title, body, coalesce(application_id, ''), coalesce(tracking_number, ''), "
    "coalesce(certificate_id, ''), coalesce(dedupe_key, ''), created_at, read_at FROM notifications "
    "WHERE user_id = ? AND (? = 0 OR read_at IS NULL) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
constexpr const char* kCountNotifications =
    "SELECT count(*), coalesce(sum(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) FROM notifications "
    "WHERE user_id = ?";
constexpr const char* kMarkRead =
    "UPDATE notifications SET read_at = coalesce(read_at, ?) WHERE id = ? AND user_id = ?";
constexpr const char* kExpiringUnnotified =
    "SELECT c.id, c.valid_until, a.id, a.tracking_number, a.applicant_user_id, coalesce(a.org_id, ''), a.service_id, "
    "a.service_version FROM certificates c JOIN applications a ON a.id = c.application_id "
    "WHERE c.status = 'valid' AND c.valid_until IS NOT NULL AND c.valid_until >= ? AND c.valid_until <= ? "
    "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.certificate_id = c.id AND n.event = 'certificate_expiring') "
    "ORDER BY c.valid_until, c.id LIMIT ?";
constexpr const char* kInsertOutbox =
    "INSERT INTO outbox (id, notification_id, channel, recipient, subject, body, state, attempts, next_attempt_at, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)";
// One statement: the inner SELECT picks due messages, the outer WHERE re-checks them, so that
// on PostgreSQL (READ COMMITTED re-evaluates the outer WHERE on a row another worker changed) two
// workers never lease the same message.
constexpr const char* kClaimOutbox =
    "UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
    "AND (lease_until IS NULL OR lease_until <= ?) AND channel IN (?, ?) ORDER BY next_attempt_at, id LIMIT ?) "
    "AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?) "
    "RETURNING id, notification_id, channel, recipient, subject, body, state, attempts, next_attempt_at, "
    "coalesce(last_error, ''), created_at, delivered_at";
constexpr const char* kOutboxDelivered =
    "UPDATE outbox SET state = 'delivered', delivered_at = ?, lease_owner = NULL, lease_until = NULL, "
    "last_error = NULL WHERE id = ? AND lease_owner = ? AND state = 'pending'";
constexpr const char* kOutboxRetry =
    "UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL "
    "WHERE id = ? AND lease_owner = ? AND state = 'pending'";
constexpr const char* kOutboxFailed =
    "UPDATE outbox SET state = 'failed', last_error = ?, lease_owner = NULL, lease_until = NULL "
    "WHERE id = ? AND lease_owner = ? AND state = 'pending'";
// A claimed message the worker did not try: back to claimable, its claim not counted.
constexpr const char* kOutboxRelease =
    "UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 "
    "WHERE id = ? AND lease_owner = ? AND state = 'pending'";
constexpr const char* kOutboxOf =
    "SELECT id, notification_id, channel, recipient, subject, body, state, attempts, next_attempt_at, "
    "coalesce(last_error, ''), created_at, delivered_at FROM outbox WHERE notification_id = ? ORDER BY channel, id";

Notification notification_row(const Query& q) {
  return Notification{q.text(0), q.text(1), q.text(2), q.text(3),  q.text(4),    q.text(5),
                      q.text(6), q.text(7), q.text(8), q.text(9), q.integer(10), q.opt_integer(11),
                      std::string()};  // the SMS text: only the outbox worker reads it (take_unqueued)
}

OutboxMessage outbox_row(const Query& q) {
  OutboxMessage m;
  m.id = q.text(0);
  m.notification_id = q.text(1);
  m.channel = q.text(2) == "sms" ? Channel::sms : Channel::email;
  m.recipient = q.text(3);
  m.subject = q.text(4);
  m.body = q.text(5);
  m.state = q.text(6);
  m.attempts = static_cast<int>(q.integer(7));
  m.next_attempt_at = q.integer(8);
  m.last_error = q.text(9);
  m.created_at = q.integer(10);
  m.delivered_at = q.opt_integer(11);
  return m;
}

std::vector<OutboxMessage> outbox_rows(Query& q) {
  std::vector<OutboxMessage> out;
  while (q.step()) out.push_back(outbox_row(q));
  return out;
}
}  // namespace

bool SqlNotificationRepo::insert(const Notification& n) {
  auto q = c_.query(kInsertNotification);
  q.bind_all(n.id, n.user_id, n.event, n.language, n.title, n.body);
  q.bind_or_null(7, n.application_id).bind_or_null(8, n.tracking_number).bind_or_null(9, n.certificate_id);
  q.bind_or_null(10, n.dedupe_key).bind(11, n.created_at).bind(12, n.sms);
  return q.exec() > 0;
}

std::vector<Notification> SqlNotificationRepo::take_unqueued(int limit) {
  auto q = c_.query(kTakeUnqueued);
  q.bind(1, limit);
  std::vector<Notification> out;
  while (q.step()) {
    out.push_back(notification_row(q));
    out.back().sms = q.text(12);
  }
  // RETURNING gives the rows in no promised order; the oldest are queued first.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

NotificationPage SqlNotificationRepo::for_user(const std::string& user_id, bool unread_only, int offset, int limit) {
  NotificationPage page;
  {
    auto q = c_.query(kNotificationsOfUser);
    q.bind_all(user_id, unread_only ? 1 : 0, limit, offset);
    while (q.step()) page.items.push_back(notification_row(q));
  }
  auto c = c_.query(kCountNotifications);
  c.bind(1, user_id);
  if (c.step()) {
    page.unread = c.integer(1);
    page.total = unread_only ? page.unread : c.integer(0);
  }
  return page;
}

bool SqlNotificationRepo::mark_read(const std::string& id, const std::string& user_id, UnixMs at) {
  return c_.query(kMarkRead).bind_all(at, id, user_id).exec() > 0;
}

std::vector<ExpiringCertificate> SqlNotificationRepo::expiring_unnotified(const std::string& from_date,
                                                                             const std::string& to_date, int limit) {
  auto q = c_.query(kExpiringUnnotified);
  q.bind_all(from_date, to_date, limit);
  std::vector<ExpiringCertificate> out;
  while (q.step())
    out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6),
                   static_cast<int>(q.integer(7))});
  return out;
}

void SqlNotificationRepo::insert_outbox(const OutboxMessage& m) {
  c_.query(kInsertOutbox)
      .bind_all(m.id, m.notification_id, std::string(to_string(m.channel)), m.recipient, m.subject, m.body,
                m.next_attempt_at, m.created_at)
      .exec();
}

std::vector<OutboxMessage> SqlNotificationRepo::claim_outbox(const std::string& owner, UnixMs now,
                                                                UnixMs lease_until, bool email, bool sms, int limit) {
  auto q = c_.query(kClaimOutbox);
  q.bind_all(owner, lease_until, now, now, std::string(email ? "email" : ""), std::string(sms ? "sms" : ""), limit, now);
  return outbox_rows(q);
}

bool SqlNotificationRepo::outbox_delivered(const std::string& id, const std::string& owner, UnixMs at) {
  return c_.query(kOutboxDelivered).bind_all(at, id, owner).exec() > 0;
}

bool SqlNotificationRepo::outbox_retry(const std::string& id, const std::string& owner, UnixMs next_attempt_at,
                                          const std::string& error) {
  return c_.query(kOutboxRetry).bind_all(next_attempt_at, error, id, owner).exec() > 0;
}

bool SqlNotificationRepo::outbox_failed(const std::string& id, const std::string& owner, const std::string& error) {
  return c_.query(kOutboxFailed).bind_all(error, id, owner).exec() > 0;
}

bool SqlNotificationRepo::outbox_release(const std::string& id, const std::string& owner) {
  return c_.query(kOutboxRelease).bind_all(id, owner).exec() > 0;
}

std::vector<OutboxMessage> SqlNotificationRepo::outbox_of(const std::string& notification_id) {
  auto q = c_.query(kOutboxOf);
  q.bind(1, notification_id);
  return outbox_rows(q);
}

}  // namespace darwaza::storage::sql
