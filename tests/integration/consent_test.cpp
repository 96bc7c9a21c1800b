// End-to-end: consents given and revoked by citizens and organisations' owners, the legal bases
// shown to everyone, and the data exchange that answers agencies only with covered fields,
// refuses with the failed check, and puts answers and refusals on the audit log.
#include <gtest/gtest.h>

#include <chrono>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }
std::string ntn_of(const Person& p) { return p.cnic.substr(6, 7) + "-5"; }

// 31 December of next year: in the future, and well within the five-year limit.
std::string next_year_end() {
  auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  int year = static_cast<int>(std::chrono::year_month_day(days).year());
  return std::to_string(year + 1) + "-12-31";
}

constexpr const char* kPurpose = "Checking freelancer standing for a payment gateway account";

class Consent : public ShippedDataSuite {
 protected:
  std::string client_of(const std::string& agency) {
    return agency_client_token(c, staff(agency, "agency_admin"), agency);
  }
  // A citizen with an approved PSEB freelancer registration; returns the record's number.
  std::string registered_freelancer(Person& p) {
    p = signed_in(c, "Sana Freelancer");
    auto r = c.post_json("/v1/applications",
                         {{"service_id", "pseb-freelancer-registration"},
                          {"data",
                           {{"full_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                            {"skills", {"Rust", "PostgreSQL"}}, {"platforms", {"Upwork"}},
                            {"documents", {document(p)}}}}},
                         bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    auto approved = approve_application(c, staff("pseb"), r.json().value("id", ""));
    EXPECT_EQ(approved.status, 200u) << approved.body;
    const json records = c.get("/v1/me/records", bearer(p.token)).json();
    for (const auto& rec : records["items"])
      if (rec["registry"] == "pseb-freelancers") return rec["number"];
    ADD_FAILURE() << "no freelancer record";
    return {};
  }
  HttpResponse apply_vpn(const Person& p, const std::string& range) {
    json data = {{"registrant_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                 {"vpn_type", "wireguard"}, {"endpoints", {range}},
                 {"purpose", "Remote development for a client's office network in Germany"}, {"isp", "PTCL"}};
    return c.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", data}}, bearer(p.token));
  }
  HttpResponse grant(const Person& p, json body) {
    json full = {{"agency", "stza"}, {"registry", "pseb-freelancers"}, {"fields", {"full_name", "skills"}},
                 {"purpose", kPurpose}, {"valid_until", next_year_end()}};
    for (auto& [k, v] : body.items()) full[k] = v;
    return c.post_json("/v1/me/consents", full, bearer(p.token));
  }
  HttpResponse query(const std::string& token, const std::string& registry, json body) {
    if (!body.contains("purpose")) body["purpose"] = kPurpose;
    return c.post_json("/v1/exchange/registries/" + registry + "/query", body, bearer(token));
  }
};

TEST_F(Consent, GrantAllowsOnlyGrantedFieldsAndRevocationStopsAccess) {
  Person p;
  std::string number = registered_freelancer(p);
  std::string stza = client_of("stza");
  // Before any consent: no basis.
  auto before = query(stza, "pseb-freelancers", {{"record", number}, {"fields", {"full_name"}}});
  EXPECT_EQ(before.status, 403u) << before.body;
  EXPECT_EQ(type_of(before), "/problems/exchange-no-basis");

  auto g = grant(p, json::object());
  ASSERT_EQ(g.status, 201u) << g.body;
  std::string consent_id = g.json()["id"];
  EXPECT_EQ(g.json()["status"], "active");

  auto ok = query(stza, "pseb-freelancers", {{"record", number}, {"fields", {"full_name", "skills"}}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  json item = ok.json()["items"][0];
  EXPECT_EQ(item["number"], number);
  EXPECT_EQ(item["status"], "active");
  EXPECT_TRUE(item["valid_until"].is_string());
  EXPECT_EQ(item["fields"].size(), 2u) << item;
  EXPECT_EQ(item["fields"]["full_name"], p.name);
  EXPECT_EQ(item["basis"], "consent:" + consent_id);
  EXPECT_EQ(ok.body.find(p.cnic), std::string::npos);
  EXPECT_EQ(ok.body.find(p.email), std::string::npos);
  // By the subject's CNIC, too.
  auto by_cnic = query(stza, "pseb-freelancers", {{"subject", {{"cnic", p.cnic}}}, {"fields", {"skills"}}});
  ASSERT_EQ(by_cnic.status, 200u) << by_cnic.body;
  EXPECT_EQ(by_cnic.json()["items"][0]["number"], number);

  auto outside = query(stza, "pseb-freelancers", {{"record", number}, {"fields", {"full_name", "email"}}});
  EXPECT_EQ(outside.status, 403u) << outside.body;
  EXPECT_EQ(type_of(outside), "/problems/exchange-fields-not-covered");

  // Only the grantor (or an organisation's owner) revokes.
  Person other = signed_in(c, "Someone Else");
  auto foreign = c.request("DELETE", "/v1/me/consents/" + consent_id, "", bearer(other.token));
  EXPECT_EQ(foreign.status, 403u) << foreign.body;
  EXPECT_EQ(type_of(foreign), "/problems/consent-not-allowed");
  EXPECT_EQ(c.request("DELETE", "/v1/me/consents/cns_nosuch", "", bearer(p.token)).status, 404u);

  auto revoked = c.request("DELETE", "/v1/me/consents/" + consent_id, "", bearer(p.token));
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_EQ(revoked.json()["status"], "revoked");
  auto after = query(stza, "pseb-freelancers", {{"record", number}, {"fields", {"full_name"}}});
  EXPECT_EQ(after.status, 403u) << after.body;
  EXPECT_EQ(type_of(after), "/problems/exchange-no-basis");

  auto mine = c.get("/v1/me/consents", bearer(p.token));
  ASSERT_EQ(mine.status, 200u) << mine.body;
  ASSERT_EQ(mine.json()["items"].size(), 1u);
  EXPECT_EQ(mine.json()["items"][0]["status"], "revoked");
  EXPECT_TRUE(c.get("/v1/me/consents", bearer(other.token)).json()["items"].empty());

  // The citizen sees the exchange: the agency and the purpose.
  auto seen = c.get("/v1/me/data-access", bearer(p.token));
  ASSERT_EQ(seen.status, 200u) << seen.body;
  bool shown = false;
  const json access = seen.json();
  for (const auto& e : access["items"])
    if (e["action"] == "exchange.query" && e["agency"] == "stza" &&
        e["purpose"].get<std::string>().find(kPurpose) != std::string::npos)
      shown = true;
  EXPECT_TRUE(shown) << seen.body;

  // Answers and refusals are on the audit log; refusals with outcome "denied" and the failed check.
  Person auditor = staff("", "auditor");
  auto log = c.get("/v1/audit/entries?action=exchange.&subject_user=" + p.id + "&limit=200", bearer(auditor.token));
  ASSERT_EQ(log.status, 200u) << log.body;
  int ok_entries = 0, denied = 0;
  bool no_basis = false, not_covered = false;
  const json entries = log.json();
  for (const auto& e : entries["items"]) {
    EXPECT_EQ(e["actor_agency"], "stza");
    EXPECT_EQ(e["object_type"], "registry_record");
    std::string purpose = e["purpose"];
    if (e["outcome"] == "ok") {
      ++ok_entries;
      EXPECT_NE(purpose.find("consent:" + consent_id), std::string::npos) << purpose;
    } else {
      EXPECT_EQ(e["outcome"], "denied");
      ++denied;
      no_basis |= purpose.find("exchange-no-basis") != std::string::npos;
      not_covered |= purpose.find("exchange-fields-not-covered") != std::string::npos;
    }
  }
  EXPECT_EQ(ok_entries, 2) << log.body;
  EXPECT_EQ(denied, 3) << log.body;
  EXPECT_TRUE(no_basis && not_covered) << log.body;
}

TEST_F(Consent, GrantsAreValidated) {
  Person p = signed_in(c, "Validating Citizen");
  auto path_of = [](const HttpResponse& r) {
    auto errs = r.json()["errors"];
    return errs.empty() ? std::string() : errs[0]["path"].get<std::string>();
  };
  struct Case {
    json body;
    const char* path;
  } cases[] = {
      {{{"valid_until", "2020-01-01"}}, "/valid_until"},
      {{{"valid_until", "2099-01-01"}}, "/valid_until"},
      {{{"valid_until", "next week"}}, "/valid_until"},
      {{{"agency", "no-such-agency"}}, "/agency"},
      {{{"registry", "no-such-registry"}}, "/registry"},
      {{{"fields", {"full_name", "favourite_colour"}}}, "/fields/1"},
      {{{"fields", json::array()}}, "/fields"},
      {{{"purpose", "because"}}, "/purpose"},
      {{{"purpose", std::string(501, 'x')}}, "/purpose"},
      {{{"registry", "pseb-companies"}, {"fields", {"company_name"}}}, "/on_behalf_of"},  // a firm's registry
      {{{"registry", "stp-parks"}, {"fields", {"name"}}}, "/registry"},                  // reference data
  };
  for (const auto& k : cases) {
    auto r = grant(p, k.body);
    EXPECT_EQ(r.status, 422u) << k.body << r.body;
    EXPECT_EQ(path_of(r), k.path) << k.body << r.body;
  }
  auto apps = grant(p, {{"registry", "applications"}, {"fields", {"service_id", "state"}}});
  EXPECT_EQ(apps.status, 201u) << apps.body;
  EXPECT_EQ(c.post_json("/v1/me/consents", {{"agency", "stza"}}).status, 401u);
}

TEST_F(Consent, LegalBasisAnswersWithoutConsentOnlyForItsAgency) {
  auto bases = c.get("/v1/legal-bases");
  ASSERT_EQ(bases.status, 200u) << bases.body;
  json basis;
  const json listed = bases.json();
  for (const auto& b : listed["items"])
    if (b["id"] == "pta-vpn-freelancer-verification") basis = b;
  ASSERT_FALSE(basis.is_null()) << bases.body;
  EXPECT_EQ(basis["agency"], "pta");
  EXPECT_FALSE(basis["law"].get<std::string>().empty());
  EXPECT_FALSE(basis["title_ur"].get<std::string>().empty());

  Person p;
  std::string number = registered_freelancer(p);
  auto ok = query(client_of("pta"), "pseb-freelancers",
                  {{"subject", {{"cnic", p.cnic}}}, {"fields", {"full_name", "cnic"}}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json()["items"][0]["basis"], "legal_basis:pta-vpn-freelancer-verification");
  EXPECT_EQ(ok.json()["items"][0]["fields"]["cnic"], p.cnic);
  // PTA staff use the same basis; a field outside it is refused.
  Person pta_officer = staff("pta");
  auto earnings = query(pta_officer.token, "pseb-freelancers", {{"record", number}, {"fields", {"annual_earnings"}}});
  EXPECT_EQ(earnings.status, 403u) << earnings.body;
  EXPECT_EQ(type_of(earnings), "/problems/exchange-fields-not-covered");
  // Naming a basis the caller's agency does not hold.
  auto wrong = query(pta_officer.token, "pseb-freelancers",
                     {{"record", number}, {"fields", {"full_name"}}, {"legal_basis", "fbr-it-export-exemption"}});
  EXPECT_EQ(type_of(wrong), "/problems/exchange-no-basis") << wrong.body;

  // Another agency without consent or basis.
  auto fbr = query(client_of("fbr"), "pseb-freelancers", {{"record", number}, {"fields", {"full_name"}}});
  EXPECT_EQ(fbr.status, 403u) << fbr.body;
  EXPECT_EQ(type_of(fbr), "/problems/exchange-no-basis");

  // The owning agency reads its own registry.
  auto own = query(staff("pseb").token, "pseb-freelancers", {{"record", number}, {"fields", {"annual_earnings"}}});
  ASSERT_EQ(own.status, 200u) << own.body;
  EXPECT_EQ(own.json()["items"][0]["basis"], "owner");

  std::string pta = client_of("pta");
  auto unknown = query(pta, "pseb-freelancers", {{"record", number}, {"fields", {"shoe_size"}}});
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(type_of(unknown), "/problems/exchange-field-unknown");
  EXPECT_EQ(type_of(query(pta, "no-such-registry", {{"record", number}, {"fields", {"x"}}})),
            "/problems/registry-not-found");
  EXPECT_EQ(type_of(query(pta, "pseb-freelancers", {{"record", "PSEB-F-1999-000001"}, {"fields", {"full_name"}}})),
            "/problems/record-not-found");
  EXPECT_EQ(type_of(query(pta, "pseb-freelancers", {{"subject", {{"cnic", "11111-1111111-1"}}}, {"fields", {"full_name"}}})),
            "/problems/exchange-subject-not-found");
  EXPECT_EQ(query(pta, "pseb-freelancers", {{"fields", {"full_name"}}}).status, 422u);
  EXPECT_EQ(type_of(query(pta, "pseb-freelancers", {{"subject", {{"cnic", 42}}}, {"fields", {"full_name"}}})),
            "/problems/exchange-subject-not-found");
  EXPECT_EQ(query(pta, "pseb-freelancers", {{"record", number}, {"fields", {"full_name"}}, {"purpose", "why"}}).status,
            422u);
}

TEST_F(Consent, OrganisationOwnerGrantsForItAndMemberCannot) {
  Person owner = signed_in(c, "Firm Owner");
  Person member = signed_in(c, "Firm Member");
  auto org = c.post_json("/v1/organisations", {{"name", "Ravi Data Labs"}, {"ntn", ntn_of(owner)}}, bearer(owner.token));
  ASSERT_EQ(org.status, 201u) << org.body;
  std::string org_id = org.json()["id"];
  auto added = c.post_json("/v1/organisations/" + org_id + "/members", {{"person", member.email}}, bearer(owner.token));
  ASSERT_EQ(added.status, 201u) << added.body;

  json body = {{"registry", "pseb-companies"}, {"fields", {"company_name", "it_employees"}}, {"on_behalf_of", org_id}};
  auto refused = grant(member, body);
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(type_of(refused), "/problems/consent-not-allowed");
  auto granted = grant(owner, body);
  ASSERT_EQ(granted.status, 201u) << granted.body;
  EXPECT_EQ(granted.json()["on_behalf_of"], org_id);
  std::string id = granted.json()["id"];

  // The firm's PSEB registration, read by its NTN: under the owner's consent (stza), under a legal
  // basis (fbr); the member's refusal above gave stza nothing.
  auto reg = c.post_json("/v1/applications",
                         {{"service_id", "pseb-it-company-registration"},
                          {"on_behalf_of", org_id},
                          {"data",
                           {{"company_name", "Ravi Data Labs (Pvt) Ltd"}, {"ntn", ntn_of(owner)},
                            {"secp_number", owner.cnic.substr(6, 7)}, {"company_type", "software"},
                            {"services", {"Data engineering"}}, {"email", owner.email}, {"it_employees", 12},
                            {"office_address", "Plot 3, Arfa Tower, Lahore"},
                            {"documents", {document(owner), document(owner)}}}}},
                         bearer(owner.token));
  ASSERT_EQ(reg.status, 201u) << reg.body;
  ASSERT_EQ(approve_application(c, staff("pseb"), reg.json()["id"]).status, 200u);
  json by_ntn = {{"subject", {{"ntn", ntn_of(owner)}}}, {"fields", {"company_name", "it_employees"}}};
  auto stza = query(client_of("stza"), "pseb-companies", by_ntn);
  ASSERT_EQ(stza.status, 200u) << stza.body;
  EXPECT_EQ(stza.json()["items"][0]["basis"], "consent:" + id);
  EXPECT_EQ(stza.json()["items"][0]["fields"]["it_employees"], 12);
  std::string fbr = client_of("fbr");
  auto fbr_read = query(fbr, "pseb-companies", {{"subject", {{"ntn", ntn_of(owner)}}}, {"fields", {"company_name", "ntn"}}});
  ASSERT_EQ(fbr_read.status, 200u) << fbr_read.body;
  EXPECT_EQ(fbr_read.json()["items"][0]["basis"], "legal_basis:fbr-it-export-exemption");
  EXPECT_EQ(type_of(query(fbr, "pseb-companies", by_ntn)), "/problems/exchange-fields-not-covered");

  auto listed = c.get("/v1/me/consents", bearer(owner.token)).json()["items"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], id);
  EXPECT_TRUE(c.get("/v1/me/consents", bearer(member.token)).json()["items"].empty());
  EXPECT_EQ(type_of(c.request("DELETE", "/v1/me/consents/" + id, "", bearer(member.token))), "/problems/consent-not-allowed");
  EXPECT_EQ(c.request("DELETE", "/v1/me/consents/" + id, "", bearer(owner.token)).status, 200u);
  EXPECT_EQ(type_of(query(client_of("stza"), "pseb-companies", by_ntn)), "/problems/exchange-no-basis");

  // The member's refused attempt is on the audit log.
  Person auditor = staff("", "auditor");
  auto log = c.get("/v1/audit/entries?action=consent.grant&subject_org=" + org_id, bearer(auditor.token)).json();
  int denied = 0;
  for (const auto& e : log["items"])
    if (e["outcome"] == "denied" && e["actor"] == member.id) ++denied;
  EXPECT_EQ(denied, 1) << log;
}

TEST_F(Consent, ApplicationsAreReadUnderConsentOrByTheHandlingAgency) {
  Person p = signed_in(c, "Applicant Citizen");
  auto applied = apply_vpn(p, "1.0.0.0/24");
  ASSERT_EQ(applied.status, 201u) << applied.body;
  std::string tracking = applied.json()["tracking_number"];
  std::string stza = client_of("stza");
  json by_cnic = {{"subject", {{"cnic", p.cnic}}}, {"fields", {"service_id", "state"}}};
  EXPECT_EQ(type_of(query(stza, "applications", by_cnic)), "/problems/exchange-no-basis");
  ASSERT_EQ(grant(p, {{"registry", "applications"}, {"fields", {"service_id", "state"}}}).status, 201u);
  auto ok = query(stza, "applications", by_cnic);
  ASSERT_EQ(ok.status, 200u) << ok.body;
  json item = ok.json()["items"][0];
  EXPECT_EQ(item["number"], tracking);
  EXPECT_EQ(item["fields"]["service_id"], "pta-vpn-registration");
  EXPECT_EQ(item["fields"].size(), 2u);
  EXPECT_EQ(item["basis"].get<std::string>().rfind("consent:", 0), 0u);
  EXPECT_EQ(type_of(query(stza, "applications", {{"record", tracking}, {"fields", {"data"}}})),
            "/problems/exchange-fields-not-covered");
  EXPECT_EQ(type_of(query(stza, "applications", {{"record", tracking}, {"fields", {"colour"}}})),
            "/problems/exchange-field-unknown");
  auto handling = query(client_of("pta"), "applications", {{"record", tracking}, {"fields", {"data"}}});
  ASSERT_EQ(handling.status, 200u) << handling.body;
  EXPECT_EQ(handling.json()["items"][0]["basis"], "owner");
  EXPECT_EQ(handling.json()["items"][0]["fields"]["data"]["cnic"], p.cnic);
}

TEST_F(Consent, VpnOfficerSeesApplicantsFreelancerRegistrationThroughTheExchange) {
  Person p;
  std::string number = registered_freelancer(p);
  auto applied = apply_vpn(p, "1.1.1.0/24");
  ASSERT_EQ(applied.status, 201u) << applied.body;
  std::string id = applied.json()["id"];
  EXPECT_FALSE(applied.json().contains("exchange"));  // the applicant's own view

  Person officer = staff("pta");
  auto seen = c.get("/v1/applications/" + id, bearer(officer.token));
  ASSERT_EQ(seen.status, 200u) << seen.body;
  json checks = seen.json()["exchange"];
  ASSERT_EQ(checks.size(), 1u) << seen.body;
  EXPECT_EQ(checks[0]["legal_basis"], "pta-vpn-freelancer-verification");
  EXPECT_EQ(checks[0]["registered"], true);
  EXPECT_EQ(checks[0]["records"][0]["number"], number);
  EXPECT_EQ(checks[0]["records"][0]["status"], "active");
  EXPECT_FALSE(checks[0]["records"][0]["fields"].contains("annual_earnings"));
  // Another agency's officer does not see the application at all; the applicant sees the read.
  EXPECT_EQ(c.get("/v1/applications/" + id, bearer(staff("stza").token)).status / 100, 4u);
  bool shown = false;
  const json access = c.get("/v1/me/data-access", bearer(p.token)).json();
  for (const auto& e : access["items"])
    if (e["action"] == "exchange.query" && e["agency"] == "pta" &&
        e["purpose"].get<std::string>().find("Reviewing application " + id) != std::string::npos)
      shown = true;
  EXPECT_TRUE(shown);
}

TEST_F(Consent, ExchangeIsForAgenciesOnly) {
  json body = {{"record", "x"}, {"fields", {"full_name"}}, {"purpose", kPurpose}};
  EXPECT_EQ(c.post_json("/v1/exchange/registries/pseb-freelancers/query", body).status, 401u);
  Person citizen = signed_in(c, "Curious Citizen");
  auto r = c.post_json("/v1/exchange/registries/pseb-freelancers/query", body, bearer(citizen.token));
  EXPECT_EQ(r.status, 403u) << r.body;
  Person auditor = staff("", "auditor");
  EXPECT_EQ(c.post_json("/v1/exchange/registries/pseb-freelancers/query", body, bearer(auditor.token)).status, 403u);
}

}  // namespace
