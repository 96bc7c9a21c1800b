// Live indicators: figures Darwaza computes from its own records rather than imports.
//
// TODO(registries, issue 7): the issue asks for park occupancy from tenancies, licensed zone
// firms by country of origin, registered freelancers, and applications by service with their
// median decision time. The first three read registries that are being built separately; when
// they land, implement a LiveSource per figure (reading through storage::Tx, like any domain
// code) and add it in api::App's constructor (live_sources). GET /v1/indicators/live already
// lists whatever sources are registered, so no route or handler needs to change.
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
