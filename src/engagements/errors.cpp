#include "engagements/errors.hpp"

namespace darwaza::engagements {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::engagement_not_found: return {ErrorKind::not_found, "engagement-not-found", "No such engagement", "No engagement has that id."};
    case Errc::commitment_not_found: return {ErrorKind::not_found, "commitment-not-found", "No such commitment", "This engagement has no commitment with that id."};
    case Errc::edit_forbidden: return {ErrorKind::forbidden, "engagement-edit-forbidden", "MoITT officers only", "Only officers of the Ministry of IT and Telecommunication and platform admins may record engagements."};
    case Errc::commitment_closed: return {ErrorKind::conflict, "commitment-closed", "Commitment closed", "The commitment is operational or dropped; it takes no further stages."};
    case Errc::stage_not_allowed: return {ErrorKind::conflict, "stage-not-allowed", "Stage change not allowed", "A commitment moves forward along announced, agreed, pilot, operational, or to stalled or dropped."};
    case Errc::stage_dates_required: return {ErrorKind::validation, "stage-dates-required", "Dates of skipped stages required", "This change skips stages: give the date each skipped stage was reached in stage_dates."};
    case Errc::stage_date_order: return {ErrorKind::validation, "stage-date-out-of-order", "Stage dated out of order", "A stage cannot be dated before the stage it follows."};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::engagements
