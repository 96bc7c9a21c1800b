#include "consent/errors.hpp"

namespace darwaza::consent {

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::consent_not_found: return {ErrorKind::not_found, "consent-not-found", "No such consent", "You have no consent with that id."};
    case Errc::not_allowed: return {ErrorKind::forbidden, "consent-not-allowed", "Not allowed", "Only the grantor or the organisation's owner may do this."};
    case Errc::registry_not_found: return {ErrorKind::not_found, "registry-not-found", "No such registry", "No registry has that name."};
    case Errc::record_not_found: return {ErrorKind::not_found, "record-not-found", "No such record", "The registry has no record with that id or number for that subject."};
    case Errc::subject_not_found: return {ErrorKind::not_found, "exchange-subject-not-found", "No such subject", "No citizen or organisation has that identifier."};
    case Errc::caller_not_agency: return {ErrorKind::forbidden, "exchange-not-agency", "Not an agency", "Only an agency's API clients and staff may query the exchange."};
    case Errc::field_unknown: return {ErrorKind::validation, "exchange-field-unknown", "Unknown field", "A requested field is not in the registry's schema."};
    case Errc::no_basis: return {ErrorKind::forbidden, "exchange-no-basis", "No consent or legal basis", "Your agency holds neither an active consent from the subject nor a legal basis for this registry."};
    case Errc::fields_not_covered: return {ErrorKind::forbidden, "exchange-fields-not-covered", "Fields not covered", "No consent or legal basis covers every requested field."};
    case Errc::bad_legal_bases: return {ErrorKind::invalid_request, "bad-legal-bases-file", "Bad legal bases file", ""};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

}  // namespace darwaza::consent
