// Live indicators computed from the platform's own records (GET /v1/indicators/live): technology
// park occupancy from tenancies, licensed zone firms by country of origin, registered
// freelancers, and applications by service with their median decision time. Each reads through
// storage::Tx at request time; at national scale these become materialised counters (issue 9).
#pragma once

#include <memory>
#include <vector>

#include "indicators/live.hpp"

namespace darwaza::indicators {

std::vector<std::unique_ptr<LiveSource>> platform_figures();

}  // namespace darwaza::indicators
