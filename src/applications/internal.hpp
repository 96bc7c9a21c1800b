// What the applications module's source files share beyond its public header: the caller's
// access to an application, the audit act of a change, and the check of referenced documents.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "applications/applications.hpp"
#include "applications/types.hpp"
#include "audit/audit.hpp"
#include "catalog/types.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::applications {

// A submission's receipt's content as canonical JSON text (certificates::canonical_json's rules,
// written directly: the bytes its signature covers), kept with an idempotency key. Throws
// std::invalid_argument for text that is not valid UTF-8, which canonical JSON cannot hold.
std::string receipt_body(const Application& a, const catalog::ServiceDefinition& def);

// What the caller is to an application: decides what they see and which transitions they take.
struct Applications::Access {
  bool applicant = false;  // filed it, or belongs to the organisation it was filed for
  bool officer = false;    // officer or agency admin of the owning agency
  bool admin = false;      // agency admin of the owning agency
  // An officer of the owning agency who is also its applicant: no officer's power on it (no claim,
  // no decision, no payment recorded), only the applicant's. Nobody decides their own case.
  bool recused = false;
  void recuse_if_applicant() {
    if (applicant && officer) {
      recused = true;
      officer = admin = false;
    }
  }
  bool any() const { return applicant || officer; }
  bool may(const std::vector<std::string>& roles) const {
    for (const auto& r : roles) {
      if ((r == "applicant" && applicant) || (r == "officer" && officer) || (r == "agency_admin" && admin)) return true;
    }
    return false;
  }
  std::string role() const { return admin ? "agency_admin" : officer ? "officer" : "applicant"; }
};

// The audit record of an act on an application: the applicant's (and firm's) data.
audit::Act act_on(const Application& a, std::string action);
// Every document the form references must exist and belong to one of `owners` (the filer, and the
// member of its organisation who changes it); the links let the owning agency's officers (and the
// organisation's members) download them.
Status link_documents(storage::Tx& tx, const catalog::ServiceDefinition& def, const nlohmann::json& data,
                      const std::vector<std::string>& owners, const std::string& application_id,
                      const std::string& lang);
// link_documents in two steps, for a transaction that must refuse before it writes anything (a
// submission: see storage::Rerun): the documents' ids once every one is found to be the owners',
// then the links.
Result<std::vector<std::string>> documents_to_link(storage::Tx& tx, const catalog::ServiceDefinition& def,
                                                   const nlohmann::json& data, const std::vector<std::string>& owners,
                                                   const std::string& lang);
void link(storage::Tx& tx, const std::vector<std::string>& document_ids, const std::string& application_id);

}  // namespace darwaza::applications
