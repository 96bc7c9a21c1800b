// The applicant's new form data for an application (Applications::amend): what it does depends
// on the state. A draft's data is replaced as the portal's PATCH does; an application the
// workflow has sent back to the applicant is resubmitted through the transition that lets the
// applicant edit, as the portal's "answer and resubmit" does. Both rules stay with those two
// functions: this only chooses between them.
#include <algorithm>

#include "applications/applications.hpp"
#include "applications/errors.hpp"
#include "applications/steps.hpp"

namespace darwaza::applications {
namespace {

// The workflow's way out of `state` that the applicant takes with new data, if any.
const catalog::Transition* resubmission(const catalog::ServiceDefinition& def, const std::string& state) {
  const catalog::State* st = def.workflow.state(state);
  if (!st || !sends_back(def, *st)) return nullptr;
  for (const auto& t : def.workflow.transitions)
    if (t.applicant_edits && std::find(t.from.begin(), t.from.end(), state) != t.from.end() &&
        std::find(t.roles.begin(), t.roles.end(), "applicant") != t.roles.end())
      return &t;
  return nullptr;
}

}  // namespace

Result<View> Applications::amend(const Principal& who, const std::string& id, const AmendInput& in,
                                 const std::string& lang) {
  auto current = visible(who, id);
  if (!current.ok()) return current.take_error();
  const Application& a = current->application;
  const catalog::ServiceDefinition& def = *current->definition;
  // A draft is its author's alone; a filed application is also its organisation's members'.
  const bool draft = a.state == kDraftState;
  if (!current->applicant || (draft && a.applicant_user_id != who.user_id)) return error(Errc::not_applicant);
  if (!in.service_id.empty() && in.service_id != a.service_id) return error(Errc::wrong_form);
  if (draft) return update_draft(who, id, in.data, lang);
  const catalog::Transition* t = resubmission(def, a.state);
  if (!t) {
    const catalog::State* st = def.workflow.state(a.state);
    Error e = error(Errc::not_editable, "The application is " + (st ? st->label.in(lang) : a.state) +
                                            ": its data can be changed only while it is a draft or sent back to "
                                            "the applicant for more information.");
    e.extensions["state"] = a.state;
    return e;
  }
  TransitionInput move;
  move.transition = t->id;
  move.data = in.data;
  return transition(who, id, move, lang);
}

}  // namespace darwaza::applications
