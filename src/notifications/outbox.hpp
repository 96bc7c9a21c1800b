// The outbox worker: queues the messages of new notifications (notifications::queue_outbox), claims
// due messages (a lease in one UPDATE, safe with several server
// nodes over one database), hands each to its channel's transport outside any transaction, and
// records the outcome: delivered (final), retry later with exponential back-off, or failed after
// kMaxDeliveryAttempts. A send is started only while the lease outlasts the transport's timeout,
// so no other node can claim a message while it is being sent (docs/notifications.md).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "notifications/transport.hpp"
#include "storage/database.hpp"

namespace darwaza::notifications {

constexpr int kMaxDeliveryAttempts = 8;               // then the message is marked failed
constexpr UnixMs kDefaultRetryBaseMs = 30'000;        // delay after the first failed attempt
constexpr UnixMs kMaxRetryDelayMs = 6 * 3600 * 1000;  // back-off never waits longer than this
constexpr UnixMs kDefaultLeaseMs = 120'000;           // a claim expires after this (worker died)
constexpr UnixMs kDefaultSendTimeoutMs = 30'000;      // longest one transport send may take
constexpr int kClaimBatch = 32;                       // most messages claimed per round

// Messages one claim may take: as many as fit into half the lease at the transport's timeout
// each (at least 1, at most kClaimBatch).
int claim_batch(UnixMs lease_ms, UnixMs send_timeout_ms);

// Delay before attempt `attempts + 1` after `attempts` failed ones: base * 2^(attempts-1),
// capped at kMaxRetryDelayMs.
UnixMs retry_delay_ms(int attempts, UnixMs base_ms);

struct OutboxOptions {
  UnixMs retry_base_ms = kDefaultRetryBaseMs;
  UnixMs lease_ms = kDefaultLeaseMs;  // must exceed send_timeout_ms, or nothing is ever sent
  int max_attempts = kMaxDeliveryAttempts;
  UnixMs send_timeout_ms = kDefaultSendTimeoutMs;  // the slowest configured transport's timeout
};

struct RoundReport {
  int queued = 0;  // notifications whose messages this round put into the outbox
  int claimed = 0, delivered = 0, retried = 0, failed = 0;
  int released = 0;  // claimed but not tried: the lease could have run out during the send
};

class OutboxWorker {
 public:
  // A null transport leaves that channel's messages pending (queued for a later configuration).
  OutboxWorker(storage::Database& db, const Clock& clock, std::unique_ptr<Transport> email,
               std::unique_ptr<Transport> sms, OutboxOptions options = {});

  // One round: queue a batch of new notifications' messages, claim, deliver, record; repeated
  // while full batches come back (of either) and nothing was released. Before each send it checks
  // that the lease outlasts now + send_timeout_ms; if not, it stops and releases the rest.
  Result<RoundReport> run_once();
  // Makes the current round (and any later one) end after the send under way: claimed messages
  // not yet tried are given back. For the server's shutdown, which waits for the round.
  void stop() { stopping_ = true; }

 private:
  storage::Database& db_;
  const Clock& clock_;
  std::unique_ptr<Transport> email_, sms_;
  OutboxOptions options_;
  std::string owner_;  // this worker's lease name: unique per process start
  std::atomic<bool> stopping_{false};
};

}  // namespace darwaza::notifications
