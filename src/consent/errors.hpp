// Expected failures of the consent and data-exchange module.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::consent {

enum class Errc {
  consent_not_found,
  not_allowed,            // not the grantor, or not the organisation's owner
  registry_not_found,
  record_not_found,
  subject_not_found,      // no citizen with that CNIC / organisation with that NTN
  caller_not_agency,      // the caller speaks for no agency
  field_unknown,          // a requested field is not in the registry's schema
  no_basis,               // neither an active consent nor a legal basis for the caller's agency
  fields_not_covered,     // a consent or basis exists but leaves out a requested field
  bad_legal_bases,        // data/legal-bases.json is unreadable or inconsistent
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::consent
