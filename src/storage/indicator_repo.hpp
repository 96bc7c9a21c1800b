// Store interface for indicator series, their observations and quoted changes. Observations and
// quotes are insert-only: a stored figure is never overwritten.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "indicators/types.hpp"

namespace darwaza::storage {

class IndicatorRepo {
 public:
  virtual ~IndicatorRepo() = default;
  virtual std::optional<indicators::Series> series(const std::string& id) = 0;
  virtual std::vector<indicators::Series> all_series() = 0;
  virtual void upsert_series(const indicators::Series& s, UnixMs at) = 0;

  // In period order (undated first); `first`/`last` order them and are -1 when undated.
  virtual std::vector<indicators::Observation> observations(const std::string& series_id) = 0;
  virtual std::optional<indicators::Observation> observation(const std::string& series_id,
                                                             const std::string& period) = 0;
  virtual void insert_observation(const indicators::Observation& o, int first, int last, UnixMs at) = 0;

  virtual std::vector<indicators::QuotedChange> quotes(const std::string& series_id) = 0;
  virtual std::optional<indicators::QuotedChange> quote(const std::string& series_id, const std::string& period,
                                                        const std::string& compared_with,
                                                        const std::string& source) = 0;
  virtual void insert_quote(const indicators::QuotedChange& q, UnixMs at) = 0;
};

}  // namespace darwaza::storage
