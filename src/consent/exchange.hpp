// The data-exchange mediator: an agency (API client or staff) asks for named fields of registry
// records (or of applications: registry "applications") by record or by subject (CNIC, NTN); the platform answers only if the owning agency is
// asking, or the subject's active consent, or a legal basis, covers every field, and answers with
// those fields only. Every answer and every refusal is on the audit log ("exchange.query").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "consent/consents.hpp"
#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "registries/registries.hpp"
#include "storage/database.hpp"

namespace darwaza::consent {

struct ExchangeRequest {
  std::string registry;
  std::string record;        // id or number; or else
  std::string cnic;          // the citizen's records; or else
  std::string ntn;           // the organisation's records
  std::vector<std::string> fields;
  std::string purpose;
  std::string legal_basis;   // optional: ask under this basis only
};

struct ExchangeItem {
  registries::Record record;
  std::string status;        // shown status (may be "expired")
  nlohmann::json fields;     // the requested fields only
  std::string basis;         // "owner", "consent:<id>" or "legal_basis:<id>"
};

// What a legal basis showed an officer about an applicant: the records found (none: not registered).
struct ApplicantCheck {
  LegalBasis basis;
  std::vector<ExchangeItem> records;
};

class Exchange {
 public:
  Exchange(storage::Database& db, const Clock& clock, const registries::Registries& registries,
           const Consents& consents)
      : db_(db), clock_(clock), registries_(registries), consents_(consents) {}

  Result<std::vector<ExchangeItem>> query(const Principal& who, const ExchangeRequest& rq, const std::string& lang);
  // For staff of the agency handling an application: the applicant's records under each legal
  // basis that agency holds (e.g. PTA sees a VPN applicant's PSEB freelancer registration), each
  // pulled through query() and so audited. Empty for anyone else.
  std::vector<ApplicantCheck> for_applicant(const Principal& who, const std::string& handling_agency,
                                            const std::string& applicant_user_id, const std::string& application_id);

 private:
  Result<std::string> basis_for(storage::Tx& tx, const std::string& agency, const std::string& owner,
                                const registries::Record& r, const ExchangeRequest& rq,
                                const std::string& today) const;

  storage::Database& db_;
  const Clock& clock_;
  const registries::Registries& registries_;
  const Consents& consents_;
};

// The agency a caller speaks for: an API client's agency, or a staff member's first agency.
std::string agency_of(const Principal& who);

}  // namespace darwaza::consent
