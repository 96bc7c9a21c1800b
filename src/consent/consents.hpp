// Consent: a citizen (or an organisation's owner) lets an agency read named fields of a registry
// (or of their applications) for a stated purpose until a date, and may revoke it at any time;
// legal bases (data/legal-bases.json) let an agency read without consent where a law says so.
// A revoked or expired consent stops access at once: the exchange checks both on every query.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "consent/types.hpp"
#include "core/clock.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "registries/registries.hpp"
#include "storage/database.hpp"

namespace darwaza::consent {

constexpr std::size_t kMinPurposeChars = 10;
constexpr std::size_t kMaxPurposeChars = 500;
constexpr int kMaxValidityDays = 5 * 365 + 1;  // a consent lasts at most five years
constexpr std::size_t kMaxFields = 50;

// The fields a consent may name for kApplications.
const std::vector<std::string>& application_fields();

struct ConsentRequest {
  std::string agency;
  std::string registry;
  std::vector<std::string> fields;
  std::string purpose;
  std::string valid_until;    // YYYY-MM-DD
  std::string on_behalf_of;   // organisation id; empty: the caller's own data
};

// Not revoked and `today` (YYYY-MM-DD, PKT) not past valid_until.
bool active(const Consent& c, const std::string& today);
// Every requested field is among `granted`.
bool covers(const std::vector<std::string>& granted, const std::vector<std::string>& requested);

class Consents {
 public:
  Consents(storage::Database& db, const Clock& clock, const registries::Registries& registries)
      : db_(db), clock_(clock), registries_(registries) {}

  Result<Consent> grant(const Principal& who, const ConsentRequest& in, const std::string& lang);
  // The caller's own consents and those of the organisations they own, newest first.
  Result<std::vector<Consent>> mine(const Principal& who);
  // The grantor or the subject organisation's owner; revoking twice is harmless.
  Result<Consent> revoke(const Principal& who, const std::string& id);

  // Replaces the legal bases (start-up); leaves out, and returns the ids of, bases naming an
  // unknown agency, a registry that is not loaded or a field the registry does not have.
  std::vector<std::string> set_legal_bases(std::vector<LegalBasis> bases);
  std::vector<LegalBasis> legal_bases() const;

 private:
  storage::Database& db_;
  const Clock& clock_;
  const registries::Registries& registries_;
  mutable std::mutex mu_;  // guards legal_bases_
  std::vector<LegalBasis> legal_bases_;
};

// Reads data/legal-bases.json: [{"id", "agency", "registry", "fields", "purpose", "law",
// "title": {"en", "ur"}}].
Result<std::vector<LegalBasis>> load_legal_bases_file(const std::string& path);

}  // namespace darwaza::consent
