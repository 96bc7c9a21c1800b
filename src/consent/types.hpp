// Consents a citizen or an organisation's owner gives an agency, and the legal bases that let an
// agency read a registry without consent. Plain data; the rules are in consent/consents.hpp.
#pragma once

#include <string>
#include <vector>

#include "catalog/types.hpp"
#include "core/clock.hpp"

namespace darwaza::consent {

// Consents may name an applicant's applications instead of a registry.
inline constexpr const char* kApplications = "applications";

struct Consent {
  std::string id;               // "cns_" + random
  std::string grantor_user_id;  // who gave it (the citizen, or the organisation's owner)
  std::string subject_user_id;  // whose data: a citizen ...
  std::string subject_org_id;   // ... or an organisation
  std::string agency_id;        // who may read
  std::string registry;         // a registry name, or kApplications
  std::vector<std::string> fields;
  std::string purpose;
  std::string valid_until;      // YYYY-MM-DD (PKT), inclusive
  UnixMs created_at = 0;
  UnixMs revoked_at = 0;        // 0: not revoked
  std::string revoked_by;
};

// A rule or law that lets an agency read named fields of a registry without the subject's consent.
struct LegalBasis {
  std::string id;
  std::string agency;           // the requesting agency
  std::string registry;
  std::vector<std::string> fields;
  std::string purpose;
  std::string law;              // the law or rule cited
  catalog::I18n title;
};

}  // namespace darwaza::consent
