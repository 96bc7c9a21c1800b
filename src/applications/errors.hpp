// Expected failures of the applications module.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::applications {

enum class Errc {
  not_found,
  wrong_applicant_kind,
  not_org_member,
  idempotency_key_reused,
  transition_not_allowed,
  not_claimed,
  claimed_by_another,
  payment_required,
  not_a_draft,
  duplicate_payment,
  certificate_not_found,
  comment_required,
  step_changed,
  not_applicant,
  not_editable,
  wrong_form,
  own_application,
  closed,
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::applications
