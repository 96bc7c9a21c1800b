#include "applications/steps.hpp"

#include <algorithm>

#include "applications/types.hpp"

namespace darwaza::applications {
namespace {
bool leaves(const catalog::Transition& t, const std::string& state) {
  return std::find(t.from.begin(), t.from.end(), state) != t.from.end();
}
}  // namespace

bool officers_may(const catalog::Transition& t) {
  return std::any_of(t.roles.begin(), t.roles.end(), [](const std::string& r) { return r == "officer" || r == "agency_admin"; });
}

bool officers_act_in(const catalog::ServiceDefinition& def, const std::string& state) {
  const catalog::State* st = def.workflow.state(state);
  if (state == kDraftState || !st || st->terminal()) return false;
  return std::any_of(def.workflow.transitions.begin(), def.workflow.transitions.end(),
                     [&](const catalog::Transition& t) { return leaves(t, state) && officers_may(t); });
}

bool sends_back(const catalog::ServiceDefinition& def, const catalog::State& st) {
  if (!st.awaiting_applicant) return false;
  return std::any_of(def.workflow.transitions.begin(), def.workflow.transitions.end(),
                     [&](const catalog::Transition& t) { return t.applicant_edits && leaves(t, st.id); });
}

}  // namespace darwaza::applications
