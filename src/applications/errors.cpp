#include "applications/errors.hpp"

namespace darwaza::applications {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::not_found: return {ErrorKind::not_found, "application-not-found", "No such application", "No application with that id is visible to you."};
    case Errc::wrong_applicant_kind: return {ErrorKind::validation, "wrong-applicant-kind", "Wrong applicant", "This service does not accept applications from this kind of applicant."};
    case Errc::not_org_member: return {ErrorKind::forbidden, "not-organisation-member", "Not a member", "You can apply only for organisations you belong to."};
    case Errc::idempotency_key_reused: return {ErrorKind::conflict, "idempotency-key-reused", "Idempotency key reused", "This Idempotency-Key was used for a different request."};
    case Errc::transition_not_allowed: return {ErrorKind::conflict, "transition-not-allowed", "Transition not allowed", "That action is not allowed in the application's current state for your role."};
    case Errc::not_claimed: return {ErrorKind::conflict, "not-claimed", "Claim first", "Claim the application before acting on it."};
    case Errc::claimed_by_another: return {ErrorKind::conflict, "claimed-by-another", "Claimed by another officer", "Another officer has claimed this application."};
    case Errc::payment_required: return {ErrorKind::conflict, "payment-required", "Payment required", "The fee must be paid before this step."};
    case Errc::not_a_draft: return {ErrorKind::conflict, "not-a-draft", "Not a draft", "Only drafts can be edited or submitted this way."};
    case Errc::duplicate_payment: return {ErrorKind::conflict, "duplicate-payment", "Duplicate payment reference", "A payment with this reference is already recorded."};
    case Errc::certificate_not_found: return {ErrorKind::not_found, "certificate-not-found", "No such certificate", "No certificate has that id."};
    case Errc::comment_required: return {ErrorKind::validation, "comment-required", "Comment required", "This action needs a comment."};
    case Errc::not_applicant: return {ErrorKind::forbidden, "not-the-applicant", "Not the applicant", "Only the applicant can change an application's data."};
    case Errc::not_editable: return {ErrorKind::conflict, "not-editable", "Not editable", "The application's data can be changed only while it is a draft or sent back to the applicant."};
    case Errc::wrong_form: return {ErrorKind::validation, "wrong-form", "Wrong form", "The data was filled in on another service's form."};
    case Errc::own_application: return {ErrorKind::forbidden, "own-application", "Your own application", "Officers cannot claim, decide or record a payment on an application they filed or that was filed for their organisation: another officer of the agency must."};
    case Errc::closed: return {ErrorKind::conflict, "application-closed", "Application closed", "The application is decided or withdrawn: no payment can be recorded on it."};
    case Errc::step_changed: return {ErrorKind::conflict, "step-changed", "Step already completed", "The application has moved on from this step of its workflow."};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::applications
