#include "notifications/outbox.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "notifications/notifications.hpp"

namespace darwaza::notifications {

namespace {
// Why a delivery failed, for the log and the outbox row (never shown to a client).
std::string reason(const Error& e) {
  auto it = e.extensions.find("_log");
  return it != e.extensions.end() && it->is_string() ? it->get<std::string>() : e.detail;
}
}  // namespace

UnixMs retry_delay_ms(int attempts, UnixMs base_ms) {
  if (attempts < 1) attempts = 1;
  UnixMs delay = base_ms;
  for (int i = 1; i < attempts && delay < kMaxRetryDelayMs; ++i) delay *= 2;
  return std::min(delay, kMaxRetryDelayMs);
}

int claim_batch(UnixMs lease_ms, UnixMs send_timeout_ms) {
  if (send_timeout_ms <= 0) return kClaimBatch;
  return static_cast<int>(std::clamp<UnixMs>(lease_ms / (2 * send_timeout_ms), 1, kClaimBatch));
}

OutboxWorker::OutboxWorker(storage::Database& db, const Clock& clock, std::unique_ptr<Transport> email,
                           std::unique_ptr<Transport> sms, OutboxOptions options)
    : db_(db),
      clock_(clock),
      email_(std::move(email)),
      sms_(std::move(sms)),
      options_(options),
      owner_(crypto::random_id("wrk")) {}

Result<RoundReport> OutboxWorker::run_once() {
  RoundReport report;
  if (!email_ && !sms_) return report;
  const int batch = claim_batch(options_.lease_ms, options_.send_timeout_ms);
  bool more_to_queue = true;
  while (!stopping_.load()) {
    // One batch of new notifications queued per claim, so that deliveries go on while a backlog
    // (a burst, or a transport configured after a while) is being queued.
    if (more_to_queue) {
      auto queued =
          storage::write_value<int>(db_, [](storage::Tx& tx) -> Result<int> { return queue_outbox(tx, kQueueBatch); });
      if (!queued.ok()) return queued.take_error();
      report.queued += *queued;
      more_to_queue = *queued == kQueueBatch;
    }
    const UnixMs now = clock_.now_ms();
    const UnixMs lease_until = now + options_.lease_ms;
    auto claimed = storage::write_value<std::vector<OutboxMessage>>(
        db_, [&](storage::Tx& tx) -> Result<std::vector<OutboxMessage>> {
          return tx.notifications().claim_outbox(owner_, now, lease_until, email_ != nullptr, sms_ != nullptr, batch);
        });
    if (!claimed.ok()) return claimed.take_error();
    report.claimed += static_cast<int>(claimed->size());
    if (claimed->empty()) {
      if (more_to_queue) continue;
      return report;
    }

    struct Outcome {
      const OutboxMessage* m;
      Status status;
    };
    std::vector<Outcome> outcomes;
    std::size_t tried = 0;
    for (; tried < claimed->size(); ++tried) {
      // A send that could outlast the lease might still be under way when another node claims
      // the message and sends it again: stop here and give the rest back (as when the server
      // stops: for the next start or another node).
      const UnixMs send_at = clock_.now_ms();
      if (send_at + options_.send_timeout_ms >= lease_until || stopping_.load()) break;
      const auto& m = (*claimed)[tried];
      Transport* t = m.channel == Channel::email ? email_.get() : sms_.get();
      outcomes.push_back({&m, t->send(m, send_at)});
    }
    const UnixMs done = clock_.now_ms();
    Status recorded = db_.write([&](storage::Tx& tx) -> Status {
      for (std::size_t i = tried; i < claimed->size(); ++i)
        if (!tx.notifications().outbox_release((*claimed)[i].id, owner_))
          logging::app().warn("outbox {}: lease lost before it was released", (*claimed)[i].id);
      for (const auto& o : outcomes) {
        const auto& m = *o.m;
        bool held;
        if (o.status.ok()) {
          held = tx.notifications().outbox_delivered(m.id, owner_, done);
        } else if (m.attempts >= options_.max_attempts) {
          held = tx.notifications().outbox_failed(m.id, owner_, reason(o.status.error()));
          logging::app().error("outbox {} ({}) failed for good after {} attempts: {}", m.id, to_string(m.channel),
                               m.attempts, reason(o.status.error()));
        } else {
          held = tx.notifications().outbox_retry(m.id, owner_, done + retry_delay_ms(m.attempts, options_.retry_base_ms),
                                                 reason(o.status.error()));
          logging::app().warn("outbox {} ({}) attempt {} failed, will retry: {}", m.id, to_string(m.channel),
                              m.attempts, reason(o.status.error()));
        }
        if (!held) logging::app().warn("outbox {}: lease lost before the outcome was recorded", m.id);
      }
      return ok_status();
    });
    if (!recorded.ok()) return recorded.take_error();
    for (const auto& o : outcomes) {
      if (o.status.ok()) ++report.delivered;
      else if (o.m->attempts >= options_.max_attempts) ++report.failed;
      else ++report.retried;
    }
    const int released = static_cast<int>(claimed->size() - tried);
    report.released += released;
    if (released > 0) {
      if (!stopping_.load())
        logging::app().warn("outbox: {} claimed messages released untried: sends are slower than the lease allows",
                            released);
      return report;
    }
    if (static_cast<int>(claimed->size()) < batch && !more_to_queue) return report;
  }
  return report;
}

}  // namespace darwaza::notifications
