// Expected failures of the indicators module. http/problem.cpp maps their kinds to statuses.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::indicators {

enum class Errc {
  series_not_found,
  observation_missing,  // a period needed for a computation has no figure
  not_additive,         // fiscal-year totals asked of a series that does not add up
  not_monthly,          // fiscal-year-to-date needs a monthly series
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::indicators
