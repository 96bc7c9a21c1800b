// Expected failures of the registries module.
#pragma once

#include <string>

#include "core/result.hpp"

namespace darwaza::registries {

enum class Errc {
  registry_not_found,
  record_not_found,
  not_allowed,            // the caller may not act on this registry
  status_change_invalid,  // e.g. reinstating an active record, anything on a revoked one
  reason_required,
  subject_revoked,        // refuse_revoked_subject
  reference_invalid,      // a registry_ref names no usable record
  duplicate_record,       // a unique key is taken
  capacity_exhausted,
  record_invalid,         // the application's data does not fit the registry's schema
  renewal_invalid,        // the record to renew is not the applicant's or not renewable
  batch_too_large,
  schema_downgrade,       // loading an older version of a registry than the one stored
  field_not_searchable,   // a match names a field that is not public
  query_too_broad,        // a match over more than kMaxMatchCandidates text-search hits
  page_invalid,           // a match's page or page size out of range
  record_revoked,         // an update of a revoked record
  number_unchangeable,    // an update naming another number for the record
  too_many_records,       // an update of more matching records than kMaxUpdateRecords
};

Error error(Errc code, std::string detail = {});

}  // namespace darwaza::registries
