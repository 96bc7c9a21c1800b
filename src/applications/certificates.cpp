// Certificates: the signed document an approval issues (in the approval's transaction) and who
// may read it afterwards. The approval itself is Applications::approve (applications.cpp).
#include <nlohmann/json.hpp>

#include "applications/applications.hpp"
#include "applications/errors.hpp"
#include "certificates/certificate.hpp"
#include "certificates/signing.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/working_days.hpp"

namespace darwaza::applications {

using nlohmann::json;

std::string Applications::verify_url(const std::string& certificate_id) const {
  return options_.public_url + "/v1/certificates/" + certificate_id + "/verify";
}

CertificateRow Applications::issue_certificate(storage::Tx& tx, const Application& a,
                                               const catalog::ServiceDefinition& def, UnixMs now, const json& record) {
  CertificateRow c;
  c.id = crypto::random_id("crt");
  c.application_id = a.id;
  c.type = def.certificate->type;
  c.holder_user_id = a.applicant_user_id;
  c.holder_org_id = a.org_id;
  c.agency_id = a.agency_id;
  c.issued_at = now;
  c.valid_until = def.certificate->validity_days > 0 ? pkt_date_plus_days(now, def.certificate->validity_days) : "";
  json holder;
  if (!a.org_id.empty()) {
    auto org = tx.organisations().by_id(a.org_id);
    holder = {{"kind", "organisation"}, {"id", a.org_id}, {"name", org ? org->name : ""}};
    if (org && !org->ntn.empty()) holder["ntn"] = org->ntn;
  } else {
    auto u = tx.users().by_id(a.applicant_user_id);
    holder = {{"kind", "citizen"}, {"id", a.applicant_user_id}, {"name", u ? u->name : ""}};
  }
  json body = {{"id", c.id},
               {"type", c.type},
               {"title", {{"en", def.certificate->title.en}, {"ur", def.certificate->title.ur}}},
               {"service_id", a.service_id},
               {"service_version", a.service_version},
               {"application_id", a.id},
               {"tracking_number", a.tracking_number},
               {"holder", holder},
               {"agency", a.agency_id},
               {"issued_at", format_rfc3339(now)},
               {"valid_from", pkt_date(now)},
               {"valid_until", c.valid_until.empty() ? json(nullptr) : json(c.valid_until)},
               // Public facts of the decision: the registry record it wrote, public fields only.
               {"data", record.is_null() ? json::object() : json{{"registry_record", record}}},
               {"verify_url", verify_url(c.id)}};
  c.document = certificates::sign_certificate(body, key_).dump();
  tx.applications().insert_certificate(c);
  return c;
}

Result<CertificateRow> Applications::certificate(const std::string& id) {
  return storage::read_value<CertificateRow>(db_, [&](storage::Tx& tx) -> Result<CertificateRow> {
    auto c = tx.applications().certificate(id);
    if (!c) return error(Errc::certificate_not_found);
    return std::move(*c);
  });
}

Result<CertificateRow> Applications::certificate_for(const Principal& who, const std::string& id) {
  return storage::read_value<CertificateRow>(db_, [&](storage::Tx& tx) -> Result<CertificateRow> {
    auto c = tx.applications().certificate(id);
    if (!c) return error(Errc::certificate_not_found);
    bool holder = who.is_user() && (c->holder_user_id == who.user_id ||
                                    (!c->holder_org_id.empty() &&
                                     tx.organisations().membership(c->holder_org_id, who.user_id).has_value()));
    if (!holder && !who.is_staff_of(c->agency_id)) return error(Errc::certificate_not_found);
    return std::move(*c);
  });
}

Result<std::vector<CertificateRow>> Applications::my_certificates(const Principal& who) {
  return storage::read_value<std::vector<CertificateRow>>(
      db_, [&](storage::Tx& tx) -> Result<std::vector<CertificateRow>> { return tx.applications().certificates_of(who.user_id); });
}

}  // namespace darwaza::applications
