#include "registries/errors.hpp"

namespace darwaza::registries {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::registry_not_found: return {ErrorKind::not_found, "registry-not-found", "No such registry", "No registry has that name."};
    case Errc::record_not_found: return {ErrorKind::not_found, "record-not-found", "No such record", "The registry has no record with that id or number."};
    case Errc::not_allowed: return {ErrorKind::forbidden, "registry-access-denied", "Not allowed", "Only the owning agency may do this on this registry."};
    case Errc::status_change_invalid: return {ErrorKind::conflict, "status-change-invalid", "Status change not possible", "The record's current status does not allow this change."};
    case Errc::reason_required: return {ErrorKind::validation, "reason-required", "Reason required", "Give a reason for the change."};
    case Errc::subject_revoked: return {ErrorKind::conflict, "subject-revoked", "Earlier record revoked", "This applicant's record in the registry was revoked; a new one cannot be issued."};
    case Errc::reference_invalid: return {ErrorKind::conflict, "reference-invalid", "Referenced record not usable", "A referenced registry record does not exist or is not active."};
    case Errc::duplicate_record: return {ErrorKind::conflict, "duplicate-record", "Already registered", "The registry already holds a record with the same key."};
    case Errc::capacity_exhausted: return {ErrorKind::conflict, "capacity-exhausted", "No capacity left", "The requested capacity is no longer available."};
    case Errc::record_invalid: return {ErrorKind::conflict, "record-invalid", "Data does not fit the registry", "The application's data does not satisfy the registry's schema."};
    case Errc::renewal_invalid: return {ErrorKind::conflict, "renewal-invalid", "Cannot renew", "The record to renew is not yours or cannot be renewed."};
    case Errc::batch_too_large: return {ErrorKind::validation, "batch-too-large", "Too many items", "The batch has more items than allowed."};
    case Errc::field_not_searchable: return {ErrorKind::invalid_request, "field-not-searchable", "Field not searchable", "Only public fields of this registry can be matched."};
    case Errc::query_too_broad: return {ErrorKind::invalid_request, "query-too-broad", "Query too broad", "Too many records could match; add fields or search words to narrow the query."};
    case Errc::page_invalid: return {ErrorKind::invalid_request, "invalid-page", "Invalid page", "The page or page size is out of range."};
    case Errc::record_revoked: return {ErrorKind::conflict, "record-revoked", "Record revoked", "A revoked record cannot be changed."};
    case Errc::number_unchangeable: return {ErrorKind::validation, "number-unchangeable", "Number cannot change", "A record's number is given once and never changes."};
    case Errc::too_many_records: return {ErrorKind::invalid_request, "too-many-records", "Too many records", "More records match than one update may change; narrow the query."};
    case Errc::schema_downgrade: return {ErrorKind::conflict, "schema-downgrade", "Older schema version", "The stored registry has a newer version."};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::registries
