// The outbox worker: claims due messages (a lease in one UPDATE, safe with several server
// nodes over one database), hands each to its channel's transport outside any transaction, and
// records the outcome: delivered (final), retry later with exponential back-off, or failed after
// kMaxDeliveryAttempts.
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
constexpr int kClaimBatch = 32;                       // messages claimed per round

// Delay before attempt `attempts + 1` after `attempts` failed ones: base * 2^(attempts-1),
// capped at kMaxRetryDelayMs.
UnixMs retry_delay_ms(int attempts, UnixMs base_ms);

struct OutboxOptions {
  UnixMs retry_base_ms = kDefaultRetryBaseMs;
  UnixMs lease_ms = kDefaultLeaseMs;  // keep well above the transports' timeouts
  int max_attempts = kMaxDeliveryAttempts;
};

struct RoundReport {
  int claimed = 0, delivered = 0, retried = 0, failed = 0;
};

class OutboxWorker {
 public:
  // A null transport leaves that channel's messages pending (queued for a later configuration).
  OutboxWorker(storage::Database& db, const Clock& clock, std::unique_ptr<Transport> email,
               std::unique_ptr<Transport> sms, OutboxOptions options = {});

  // One round: claim, deliver, record. Repeats while full batches come back.
  Result<RoundReport> run_once();
  const std::string& owner() const { return owner_; }

 private:
  storage::Database& db_;
  const Clock& clock_;
  std::unique_ptr<Transport> email_, sms_;
  OutboxOptions options_;
  std::string owner_;  // this worker's lease name: unique per process start
};

}  // namespace darwaza::notifications
