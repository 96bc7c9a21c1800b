// Live indicators: figures Darwaza computes from its own records rather than imports.
//
// The platform's own figures are in platform_figures.hpp; api::App registers them.
#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::indicators {

struct LiveFigure {
  std::string id;     // e.g. "park-occupancy"
  std::string title;
  std::string unit;   // e.g. "percent", "firms"
  double value = 0;   // the headline figure
  std::vector<std::pair<std::string, double>> breakdown;  // e.g. by country or by service
  UnixMs computed_at = 0;
};

class LiveSource {
 public:
  virtual ~LiveSource() = default;
  virtual Result<LiveFigure> compute(storage::Tx& tx, UnixMs now) = 0;
};

}  // namespace darwaza::indicators
