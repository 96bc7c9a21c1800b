// What a step of a service's workflow is to the people in it: officers' work (a task in the
// GovStack Registration API), or the application sent back to the applicant for changes.
#pragma once

#include <string>

#include "catalog/types.hpp"

namespace darwaza::applications {

// An open state with a way out that an officer or agency admin may take: the officers' work.
bool officers_act_in(const catalog::ServiceDefinition& def, const std::string& state);
// Does `t` admit officers or agency admins?
bool officers_may(const catalog::Transition& t);
// Entering `st` sends the application back to the applicant: it waits for them and has a way
// out that lets them edit it (waiting for a payment is not one).
bool sends_back(const catalog::ServiceDefinition& def, const catalog::State& st);

}  // namespace darwaza::applications
