#include "notifications/notifications.hpp"

#include <algorithm>

#include "catalog/catalog.hpp"
#include "core/crypto.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "notifications/errors.hpp"

namespace darwaza::notifications {

namespace {

std::vector<std::string> recipients_of(storage::Tx& tx, const Fact& f) {
  std::vector<std::string> out{f.applicant_user_id};
  if (!f.org_id.empty()) {
    for (const auto& m : tx.organisations().members(f.org_id))
      if (m.role == identity::OrgRole::owner && std::find(out.begin(), out.end(), m.user_id) == out.end())
        out.push_back(m.user_id);
  }
  return out;
}

Vars vars_of(const Templates& templates, const Fact& f, const std::string& lang) {
  return {{"tracking_number", f.tracking_number},
          {"service", f.service.in(lang)},
          {"amount_pkr", f.amount_pkr},
          {"certificate_id", f.certificate_id},
          {"valid_until", f.valid_until.empty() ? templates.phrase(lang, "no_expiry") : f.valid_until},
          {"comment", f.comment}};
}

void queue(storage::Tx& tx, const Notification& n, Channel channel, const std::string& recipient,
           const std::string& subject, const std::string& body) {
  if (recipient.empty()) return;
  OutboxMessage m;
  m.id = crypto::time_ordered_id("obx", n.created_at);
  m.notification_id = n.id;
  m.channel = channel;
  m.recipient = recipient;
  m.subject = subject;
  m.body = body;
  m.next_attempt_at = n.created_at;
  m.created_at = n.created_at;
  tx.notifications().insert_outbox(m);
}

}  // namespace

int notify(storage::Tx& tx, const Templates& templates, const Fact& fact, UnixMs now) {
  return notify(tx, templates, std::span<const Fact>(&fact, 1), now);
}

int notify(storage::Tx& tx, const Templates& templates, std::span<const Fact> facts, UnixMs now) {
  if (facts.empty()) return 0;
  int written = 0;
  for (const auto& user_id : recipients_of(tx, facts.front())) {
    auto u = tx.users().by_id(user_id);
    if (!u) continue;
    const std::string lang = u->preferred_lang == "ur" ? "ur" : "en";
    for (const Fact& fact : facts) {
      Rendered r = templates.render(fact.event, lang, vars_of(templates, fact, lang));
      Notification n{crypto::time_ordered_id("ntf", now), user_id,          to_string(fact.event), lang,
                     r.title,                  r.body,            fact.application_id,   fact.tracking_number,
                     fact.certificate_id,      fact.dedupe_key,   now,                   std::nullopt,
                     r.sms};
      if (tx.notifications().insert(n)) ++written;
    }
  }
  return written;
}

int queue_outbox(storage::Tx& tx, int limit) {
  auto taken = tx.notifications().take_unqueued(limit);
  std::optional<identity::User> u;
  for (const auto& n : taken) {
    if (!u || u->id != n.user_id) u = tx.users().by_id(n.user_id);
    if (!u) continue;  // nobody to write to
    queue(tx, n, Channel::email, u->email, n.title, n.body);
    queue(tx, n, Channel::sms, u->mobile, "", n.sms);
  }
  return static_cast<int>(taken.size());
}

Notifications::Notifications(storage::Database& db, const Clock& clock, catalog::Catalog& catalog,
                             const Templates& templates)
    : db_(db), clock_(clock), catalog_(catalog), templates_(templates) {}

Result<storage::NotificationPage> Notifications::inbox(const Principal& who, const InboxQuery& q,
                                                       const std::string& lang) {
  FieldErrors errs(lang);
  if (q.limit < 1) errs.add("/limit", "min", "1");
  if (q.limit > kMaxPageSize) errs.add("/limit", "max", std::to_string(kMaxPageSize));
  if (q.offset < 0) errs.add("/offset", "min", "0");
  if (!errs.empty()) return errs.to_error();
  return storage::read_value<storage::NotificationPage>(db_, [&](storage::Tx& tx) -> Result<storage::NotificationPage> {
    return tx.notifications().for_user(who.user_id, q.unread_only, q.offset, q.limit);
  });
}

Status Notifications::mark_read(const Principal& who, const std::string& id) {
  const UnixMs now = clock_.now_ms();
  return db_.write([&](storage::Tx& tx) -> Status {
    if (!tx.notifications().mark_read(id, who.user_id, now)) return error(Errc::notification_not_found);
    return ok_status();
  });
}

Result<int> Notifications::scan_expiring() {
  const UnixMs now = clock_.now_ms();
  const std::string today = pkt_date(now);
  const std::string until = pkt_date_plus_days(now, kExpiryNoticeDays);
  int handled = 0;
  for (;;) {
    int written = 0;
    auto batch = storage::write_value<int>(db_, [&](storage::Tx& tx) -> Result<int> {
      auto due = tx.notifications().expiring_unnotified(today, until, kExpiryScanBatch);
      for (const auto& c : due) {
        Fact f;
        f.event = EventKind::certificate_expiring;
        f.application_id = c.application_id;
        f.tracking_number = c.tracking_number;
        f.applicant_user_id = c.applicant_user_id;
        f.org_id = c.org_id;
        if (auto def = catalog_.at_version(c.service_id, c.service_version); def.ok()) f.service = (*def)->title;
        else f.service = {c.service_id, c.service_id};
        f.certificate_id = c.certificate_id;
        f.valid_until = c.valid_until;
        f.dedupe_key = std::string(to_string(EventKind::certificate_expiring)) + ":" + c.certificate_id;
        written += notify(tx, templates_, f, now);
      }
      return static_cast<int>(due.size());
    });
    if (!batch.ok()) return batch.take_error();
    handled += *batch;
    // A full batch that wrote nothing (holders gone) would be found again: stop there.
    if (*batch < kExpiryScanBatch || written == 0) return handled;
  }
}

}  // namespace darwaza::notifications
