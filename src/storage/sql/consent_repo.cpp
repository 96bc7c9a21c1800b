#include "storage/sql/consent_repo.hpp"

#include <nlohmann/json.hpp>

namespace darwaza::storage::sql {
namespace {
constexpr const char* kInsertConsent =
    "INSERT INTO consents (id, grantor_user_id, subject_user_id, subject_org_id, agency_id, registry, fields, "
    "purpose, valid_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kConsentById = "SELECT id, grantor_user_id, coalesce(subject_user_id, ''), coalesce(subject_org_id, ''), agency_id, "
    "registry, fields, purpose, valid_until, created_at, coalesce(revoked_at, 0), coalesce(revoked_by, '') "
    "FROM consents WHERE id = ?";
constexpr const char* kRevokeConsent =
    "UPDATE consents SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL";
// An empty user or organisation id matches nothing (the columns are NULL, never '').
constexpr const char* kConsentsOfSubject =
    "SELECT id, grantor_user_id, coalesce(subject_user_id, ''), coalesce(subject_org_id, ''), agency_id, "
    "registry, fields, purpose, valid_until, created_at, coalesce(revoked_at, 0), coalesce(revoked_by, '') "
    "FROM consents WHERE subject_user_id = ? OR subject_org_id = ? "
    "ORDER BY created_at DESC, id";
constexpr const char* kUnrevokedFor =
    "SELECT id, grantor_user_id, coalesce(subject_user_id, ''), coalesce(subject_org_id, ''), agency_id, "
    "registry, fields, purpose, valid_until, created_at, coalesce(revoked_at, 0), coalesce(revoked_by, '') "
    "FROM consents WHERE (subject_user_id = ? OR subject_org_id = ?) "
    "AND agency_id = ? AND registry = ? AND revoked_at IS NULL ORDER BY created_at DESC, id";

consent::Consent row(const Query& q) {
  consent::Consent c{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), {}, q.text(7),
                     q.text(8), q.integer(9), q.integer(10), q.text(11)};
  auto fields = nlohmann::json::parse(q.text(6), nullptr, false);
  if (fields.is_array())
    for (const auto& f : fields)
      if (f.is_string()) c.fields.push_back(f.get<std::string>());
  return c;
}

std::vector<consent::Consent> rows(Query& q) {
  std::vector<consent::Consent> out;
  while (q.step()) out.push_back(row(q));
  return out;
}
}  // namespace

void SqlConsentRepo::insert(const consent::Consent& c) {
  auto q = c_.query(kInsertConsent);
  q.bind_all(c.id, c.grantor_user_id);
  q.bind_or_null(3, c.subject_user_id).bind_or_null(4, c.subject_org_id);
  q.bind(5, c.agency_id).bind(6, c.registry).bind(7, nlohmann::json(c.fields).dump());
  q.bind(8, c.purpose).bind(9, c.valid_until).bind(10, c.created_at);
  q.exec();
}

std::optional<consent::Consent> SqlConsentRepo::by_id(const std::string& id) {
  auto q = c_.query(kConsentById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return row(q);
}

void SqlConsentRepo::revoke(const std::string& id, UnixMs at, const std::string& by) {
  c_.query(kRevokeConsent).bind_all(at, by, id).exec();
}

std::vector<consent::Consent> SqlConsentRepo::of_subject(const std::string& user_id, const std::string& org_id) {
  auto q = c_.query(kConsentsOfSubject);
  q.bind_or_null(1, user_id).bind_or_null(2, org_id);
  return rows(q);
}

std::vector<consent::Consent> SqlConsentRepo::unrevoked_for(const std::string& user_id, const std::string& org_id,
                                                               const std::string& agency_id,
                                                               const std::string& registry) {
  auto q = c_.query(kUnrevokedFor);
  q.bind_or_null(1, user_id).bind_or_null(2, org_id).bind(3, agency_id).bind(4, registry);
  return rows(q);
}

}  // namespace darwaza::storage::sql
