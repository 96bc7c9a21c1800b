// Engine-neutral SQL implementation of the notification and outbox store.
#pragma once

#include "storage/notification_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlNotificationRepo final : public NotificationRepo {
 public:
  explicit SqlNotificationRepo(Connection& c) : c_(c) {}
  bool insert(const notifications::Notification& n) override;
  std::vector<notifications::Notification> take_unqueued(int limit) override;
  NotificationPage for_user(const std::string& user_id, bool unread_only, int offset, int limit) override;
  bool mark_read(const std::string& id, const std::string& user_id, UnixMs at) override;
  std::vector<ExpiringCertificate> expiring_unnotified(const std::string& from_date, const std::string& to_date,
                                                       int limit) override;
  void insert_outbox(const notifications::OutboxMessage& m) override;
  std::vector<notifications::OutboxMessage> claim_outbox(const std::string& owner, UnixMs now, UnixMs lease_until,
                                                         bool email, bool sms, int limit) override;
  bool outbox_delivered(const std::string& id, const std::string& owner, UnixMs at) override;
  bool outbox_retry(const std::string& id, const std::string& owner, UnixMs next_attempt_at,
                    const std::string& error) override;
  bool outbox_failed(const std::string& id, const std::string& owner, const std::string& error) override;
  bool outbox_release(const std::string& id, const std::string& owner) override;
  std::vector<notifications::OutboxMessage> outbox_of(const std::string& notification_id) override;

 private:
  Connection& c_;
};

}  // namespace darwaza::storage::sql
