// Engine-neutral SQL implementation of the shared request-rate cells, on a small pool of
// connections of its own (not the group-committing writer: see rate_limit_store.cpp).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/rate_limit_store.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlRateLimitStore final : public RateLimitStore {
 public:
  using Opener = std::function<std::unique_ptr<Connection>()>;
  // `open` makes one connection (it may throw StorageError); at most `connections` are open.
  SqlRateLimitStore(Opener open, int connections);
  ~SqlRateLimitStore() override;

  Result<std::int64_t> take(std::string_view client, UnixMs now_ms, std::int64_t interval_ms,
                            std::int64_t limit_ms) override;
  Result<int> purge_expired(UnixMs now_ms, int max_rows) override;

 private:
  // Runs `fn` on a pooled connection; a connection that threw is closed, not reused.
  template <class T, class F>
  Result<T> with_connection(F&& fn);
  std::unique_ptr<Connection> borrow();
  void give_back(std::unique_ptr<Connection> c);

  Opener open_;
  const int max_connections_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_count_ = 0;
};

}  // namespace darwaza::storage::sql
