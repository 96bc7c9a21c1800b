// Engine-neutral SQL implementation of the indicator store.
#pragma once

#include "storage/indicator_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlIndicatorRepo final : public IndicatorRepo {
 public:
  explicit SqlIndicatorRepo(Connection& c) : c_(c) {}
  std::optional<indicators::Series> series(const std::string& id) override;
  std::vector<indicators::Series> all_series() override;
  void upsert_series(const indicators::Series& s, UnixMs at) override;
  std::vector<indicators::Observation> observations(const std::string& series_id) override;
  std::optional<indicators::Observation> observation(const std::string& series_id, const std::string& period) override;
  void insert_observation(const indicators::Observation& o, int first, int last, UnixMs at) override;
  std::vector<indicators::QuotedChange> quotes(const std::string& series_id) override;
  std::optional<indicators::QuotedChange> quote(const std::string& series_id, const std::string& period,
                                                const std::string& compared_with, const std::string& source) override;
  void insert_quote(const indicators::QuotedChange& q, UnixMs at) override;

 private:
  Connection& c_;
};

}  // namespace darwaza::storage::sql
