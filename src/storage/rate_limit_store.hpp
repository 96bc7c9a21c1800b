// The request-rate cells that nodes sharing one database share (table rate_limits, one row per
// client): the generic cell rate algorithm (GCRA), which decides exactly as a token bucket does,
// kept as each client's theoretical arrival time (TAT). A request at `now` is admitted when
// max(TAT, now) + interval - limit <= now, and then TAT becomes max(TAT, now) + interval; with
// interval = 1/rate and limit = burst × interval this is a bucket of `burst` tokens refilled at
// `rate`. Each request is one atomic statement in its own transaction, outside the write path:
// the cells are throttling state, not records (see storage/sql/rate_limit_store.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace darwaza::storage {

class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;
  // One request by `client` at `now_ms`: 0 when admitted (and counted), otherwise the
  // milliseconds until this client's next request would be admitted (at least 1).
  virtual Result<std::int64_t> take(std::string_view client, UnixMs now_ms, std::int64_t interval_ms,
                                    std::int64_t limit_ms) = 0;
  // Deletes up to `max_rows` cells whose TAT is before `now_ms` (such a cell decides exactly as a
  // missing one does); returns how many went.
  virtual Result<int> purge_expired(UnixMs now_ms, int max_rows) = 0;
};

// The cells of the database at `url` (as DatabaseOptions::url; migrated already, by
// open_database), on up to `connections` connections of its own, opened when first needed.
std::unique_ptr<RateLimitStore> open_rate_limit_store(const std::string& url, int connections);

}  // namespace darwaza::storage
