// Expected failures of the engagements module. http/problem.cpp maps their kinds to statuses.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::engagements {

enum class Errc {
  engagement_not_found,
  commitment_not_found,
  edit_forbidden,         // only MoITT officers and platform admins record engagements
  commitment_closed,      // operational or dropped: no further stages
  stage_not_allowed,      // backwards, or to the stage it is already at
  stage_dates_required,   // skipping stages needs the date each skipped stage was reached
  stage_date_order,       // a stage dated before the one it follows
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::engagements
