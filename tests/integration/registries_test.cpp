// End-to-end: the real services (data/services) walked from application to registry record, the
// registries' public view, status changes and updates by the owning agency, capacity under concurrent
// approvals, renewals, the VPN address look-up and the export command.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include <sodium.h>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }
// Unique per test person (the CNIC's middle part is a per-process counter).
std::string ntn_of(const Person& p) { return p.cnic.substr(6, 7) + "-5"; }
std::string secp_of(const Person& p) { return p.cnic.substr(6, 7); }

class Registries : public ShippedDataSuite {
 protected:
  std::string org_of(const Person& owner, const std::string& name) {
    auto r = c.post_json("/v1/organisations", {{"name", name}, {"ntn", ntn_of(owner)}}, bearer(owner.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }
  HttpResponse apply(const Person& p, const std::string& service, json data, const std::string& org = {}) {
    json body = {{"service_id", service}, {"data", std::move(data)}};
    if (!org.empty()) body["on_behalf_of"] = org;
    return c.post_json("/v1/applications", body, bearer(p.token));
  }
  HttpResponse act(const Person& p, const std::string& id, const std::string& transition, const std::string& comment = "") {
    json body = {{"transition", transition}};
    if (!comment.empty()) body["comment"] = comment;
    return c.post_json("/v1/applications/" + id + "/transitions", body, bearer(p.token));
  }
  HttpResponse approve(const Person& officer, const std::string& id) { return approve_application(c, officer, id); }
  std::string client_token(const std::string& agency) { return agency_client_token(c, staff(agency, "agency_admin"), agency); }
  static json vpn_data(const Person& p, json endpoints) {
    return {{"registrant_name", p.name},      {"cnic", p.cnic},          {"email", p.email},
            {"mobile", p.mobile},             {"vpn_type", "wireguard"}, {"endpoints", std::move(endpoints)},
            {"purpose", "Remote development for a client's office network in Germany"},
            {"isp", "PTCL"}};
  }
};

TEST_F(Registries, PublicListAndSeededReferenceData) {
  auto list = c.get("/v1/registries");
  ASSERT_EQ(list.status, 200u) << list.body;
  std::set<std::string> names;
  const json listed = list.json();
  for (auto& r : listed["items"]) names.insert(r["name"].get<std::string>());
  for (const char* n : {"stp-parks", "stp-tenancies", "erozgaar-centres", "erozgaar-enrolments", "pseb-companies",
                        "pseb-freelancers", "stza-zone-developers", "stza-zone-enterprises", "pta-vpn-endpoints"})
    EXPECT_TRUE(names.count(n)) << n;
  auto parks = c.get("/v1/registries/stp-parks/records?q=Islamabad&page_size=100");
  ASSERT_EQ(parks.status, 200u) << parks.body;
  EXPECT_GE(parks.json()["total"].get<int>(), 2);
  const json found = parks.json();
  for (auto& p : found["items"]) EXPECT_EQ(p["fields"]["city"], "Islamabad") << p;
  auto all = c.get("/v1/registries/stp-parks/records?page_size=100").json();
  EXPECT_GE(all["total"].get<int>(), 10);
  auto park = c.get("/v1/registries/stp-parks/records/stp-gakuch");
  ASSERT_EQ(park.status, 200u) << park.body;
  EXPECT_TRUE(park.json()["fields"]["total_sq_ft"].is_number());
  EXPECT_FALSE(park.json().contains("history"));  // public view
  auto centres = c.get("/v1/registries/erozgaar-centres/records?page_size=100").json();
  EXPECT_GE(centres["total"].get<int>(), 40);
  EXPECT_EQ(type_of(c.get("/v1/registries/no-such-registry/records")), "/problems/registry-not-found");
  EXPECT_EQ(type_of(c.get("/v1/registries/stp-parks/records/no-such-park")), "/problems/record-not-found");
  EXPECT_EQ(c.get("/v1/registries/stp-parks/records?status=bogus").status, 422u);
  // Pages so deep that (page - 1) * page_size would overflow are refused, like any bad page.
  for (const char* q : {"page=100001", "page=999999999&page_size=100", "page=2147483647", "page=0", "page_size=101"}) {
    auto r = c.get(std::string("/v1/registries/stp-parks/records?") + q);
    EXPECT_EQ(r.status, 422u) << q << r.body;
    EXPECT_EQ(type_of(r), "/problems/validation") << q;
  }
  // A listing's numbered pages end with its first 10,000 records (kMaxCountedRecords; later pages
  // by `after`, RegistrySearch.AListingGoesOnPastItsNumberedPagesByCursor); the last is empty here.
  EXPECT_EQ(c.get("/v1/registries/stp-parks/records?page=100&page_size=100").status, 200u);
  EXPECT_EQ(c.get("/v1/registries/stp-parks/records?page=101&page_size=100").status, 422u);
}

TEST_F(Registries, VpnRegistrationToRecordLookupAndSuspension) {
  Person p = signed_in(c, "Ayesha Siddiqui");
  // One malformed CIDR: refused with the item's pointer; corrected, accepted.
  auto bad = apply(p, "pta-vpn-registration", vpn_data(p, {"203.0.113.0/24", "198.51.100.0/33"}));
  ASSERT_EQ(bad.status, 422u) << bad.body;
  EXPECT_NE(bad.body.find("/endpoints/1"), std::string::npos) << bad.body;
  auto ok = apply(p, "pta-vpn-registration", vpn_data(p, {"8.8.4.0/24", "2606:4700:10::/48"}));
  ASSERT_EQ(ok.status, 201u) << ok.body;
  std::string app_id = ok.json()["id"];
  Person officer = staff("pta");
  auto approved = approve(officer, app_id);
  ASSERT_EQ(approved.status, 200u) << approved.body;

  // The applicant sees the record (every field) and the certificate carries its public facts.
  auto mine = c.get("/v1/me/records", bearer(p.token));
  ASSERT_EQ(mine.status, 200u) << mine.body;
  ASSERT_EQ(mine.json()["total"], 1);
  json rec = mine.json()["items"][0];
  EXPECT_EQ(rec["registry"], "pta-vpn-endpoints");
  EXPECT_EQ(rec["fields"]["cnic"], p.cnic);
  EXPECT_EQ(rec["application_id"], app_id);
  std::string number = rec["number"], record_id = rec["id"];
  EXPECT_EQ(number.rfind("PTA-VPN-", 0), 0u) << number;
  auto certs = c.get("/v1/me/certificates", bearer(p.token)).json();
  ASSERT_FALSE(certs["items"].empty());
  auto cert = c.get("/v1/certificates/" + certs["items"][0]["id"].get<std::string>() + "/verify").json();
  EXPECT_NE(cert.dump().find(number), std::string::npos) << cert.dump();

  // The public sees public fields only.
  auto pub = c.get("/v1/registries/pta-vpn-endpoints/records/" + number);
  ASSERT_EQ(pub.status, 200u) << pub.body;
  json f = pub.json()["fields"];
  EXPECT_EQ(f["registrant_name"], p.name);
  for (const char* priv : {"cnic", "email", "mobile", "endpoints", "purpose"}) EXPECT_FALSE(f.contains(priv)) << priv;
  EXPECT_EQ(pub.body.find(p.cnic), std::string::npos);

  // PTA's network-operator client asks one at a time and in a batch with a bad item.
  std::string op = client_token("pta");
  auto one = c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.77", bearer(op));
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json()["covered"], true);
  EXPECT_EQ(one.json()["registrations"][0]["record_id"], record_id);
  auto batch = c.post_json("/v1/registries/pta-vpn-endpoints/ip-lookup",
                           {{"addresses", {"8.8.4.0", "8.8.5.1", "2606:4700:10::abcd", "not-an-ip", "10.0.0.1/8", 42}}},
                           bearer(op));
  ASSERT_EQ(batch.status, 200u) << batch.body;
  auto res = batch.json()["results"];
  ASSERT_EQ(res.size(), 6u);
  EXPECT_EQ(res[0]["covered"], true);
  EXPECT_EQ(res[1]["covered"], false);
  EXPECT_EQ(res[2]["covered"], true);
  EXPECT_EQ(res[3]["error"]["type"], "/problems/invalid-address");
  EXPECT_EQ(res[4]["error"]["type"], "/problems/invalid-address");
  EXPECT_EQ(res[5]["error"]["type"], "/problems/invalid-address");

  // A full batch is looked up and written in parts on several cores, each part in address
  // order: every answer must still be the one for the address in its own place.
  const json items = {"8.8.4.0", "8.8.5.1", "2606:4700:10::abcd", "not-an-ip", "10.0.0.1/8", 42};
  json full = json::array();
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < 10000; ++i) {
    which.push_back((i * 7 + i / 13) % items.size());
    full.push_back(items[which.back()]);
  }
  auto answer = c.post_json("/v1/registries/pta-vpn-endpoints/ip-lookup", {{"addresses", full}}, bearer(op));
  ASSERT_EQ(answer.status, 200u) << answer.body.substr(0, 300);
  auto all = answer.json()["results"];
  ASSERT_EQ(all.size(), 10000u);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], res[which[i]]) << "item " << i;

  // A batch of strings only is read without a JSON tree (api/json_input.hpp string_array_member),
  // escapes included; the answers and refusals are those of the general path, which reads other items.
  const std::string url = "/v1/registries/pta-vpn-endpoints/ip-lookup";
  auto with_type = [&](const std::string& type) {
    auto h = bearer(op);
    h["Content-Type"] = type;
    return h;
  };
  const std::string plain = R"( {"addresses": ["8.8.4.0", "8.8.5.1", "2606:4700:10::abcd", "not-an-ip", "10.0.0.1/8"]} )";
  const std::string escaped = R"({"addresses":["8.8.4.\u0030","8.8.5.1","2606:4700:10::abcd","not-an-ip","10.0.0.1/8"]})";
  for (const std::string& body : {plain, escaped}) {
    auto same = c.request("POST", url, body, with_type("application/json"));
    ASSERT_EQ(same.status, 200u) << same.body;
    auto got = same.json()["results"];
    ASSERT_EQ(got.size(), 5u) << body;
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], res[i]) << body << " item " << i;
  }
  EXPECT_EQ(c.request("POST", url, plain, with_type("text/plain")).status, 415u);
  auto extra = c.request("POST", url, R"({"addresses":["8.8.4.0"],"extra":1})", with_type("application/json"));
  EXPECT_EQ(extra.status, 422u) << extra.body;
  EXPECT_EQ(c.request("POST", url, R"({"addresses":["8.8.4.0"]} x)", with_type("application/json")).status, 400u);

  // Who may ask: not anonymous callers, not citizens, not another agency's client.
  EXPECT_EQ(c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.1").status, 401u);
  EXPECT_EQ(c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.1", bearer(p.token)).status, 403u);
  auto other = c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.1", bearer(client_token("pseb")));
  EXPECT_EQ(other.status, 403u);
  EXPECT_EQ(type_of(other), "/problems/registry-access-denied");
  json too_many = json::array();
  for (int i = 0; i < 10001; ++i) too_many.push_back("8.8.4.1");
  auto big = c.post_json("/v1/registries/pta-vpn-endpoints/ip-lookup", {{"addresses", too_many}}, bearer(op));
  EXPECT_EQ(big.status, 422u);
  EXPECT_EQ(type_of(big), "/problems/batch-too-large");

  // Suspension stops the look-up at once; reinstatement restores it; both need a reason and
  // an officer of PTA.
  const std::string status_url = "/v1/registries/pta-vpn-endpoints/records/" + record_id + "/status";
  EXPECT_EQ(c.post_json(status_url, {{"action", "suspend"}, {"reason", "x"}}, bearer(staff("pseb").token)).status, 403u);
  EXPECT_EQ(c.post_json(status_url, {{"action", "suspend"}, {"reason", "x"}}, bearer(p.token)).status, 403u);
  EXPECT_EQ(type_of(c.post_json(status_url, {{"action", "suspend"}, {"reason", " "}}, bearer(officer.token))),
            "/problems/validation");
  auto suspended = c.post_json(status_url, {{"action", "suspend"}, {"reason", "Endpoint reported for abuse"}},
                               bearer(officer.token));
  ASSERT_EQ(suspended.status, 200u) << suspended.body;
  EXPECT_EQ(suspended.json()["status"], "suspended");
  EXPECT_EQ(c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.77", bearer(op)).json()["covered"], false);
  EXPECT_EQ(type_of(c.post_json(status_url, {{"action", "suspend"}, {"reason", "again"}}, bearer(officer.token))),
            "/problems/status-change-invalid");
  auto back = c.post_json(status_url, {{"action", "reinstate"}, {"reason", "Cleared"}}, bearer(officer.token));
  ASSERT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=8.8.4.77", bearer(op)).json()["covered"], true);
  auto history = back.json()["history"];
  ASSERT_EQ(history.size(), 3u) << history;
  EXPECT_EQ(history[1]["action"], "suspended");
  EXPECT_EQ(history[1]["reason"], "Endpoint reported for abuse");
  EXPECT_EQ(history[2]["action"], "reinstated");
}

// PATCH of a record: the owning agency's staff change its fields; the look-up follows at once.
TEST_F(Registries, OwningAgencyUpdatesARecordAndTheLookUpFollows) {
  Person p = signed_in(c, "Hamza Qureshi");
  auto ok = apply(p, "pta-vpn-registration", vpn_data(p, {"9.9.9.0/24"}));
  ASSERT_EQ(ok.status, 201u) << ok.body;
  Person officer = staff("pta");
  ASSERT_EQ(approve(officer, ok.json()["id"]).status, 200u);
  const json rec = c.get("/v1/me/records", bearer(p.token)).json()["items"][0];
  const std::string url = "/v1/registries/pta-vpn-endpoints/records/" + rec["id"].get<std::string>();
  std::string op = client_token("pta");
  auto covered = [&](const std::string& a) {
    return c.get("/v1/registries/pta-vpn-endpoints/ip-lookup?address=" + a, bearer(op)).json()["covered"];
  };
  EXPECT_EQ(covered("9.9.9.9"), true);

  auto moved = c.patch_json(url, {{"fields", {{"endpoints", {"149.112.112.0/24"}}}}, {"reason", "New office"}},
                            bearer(officer.token));
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(moved.json()["number"], rec["number"]);
  EXPECT_EQ(moved.json()["fields"]["endpoints"], json::array({"149.112.112.0/24"}));
  EXPECT_EQ(moved.json()["fields"]["cnic"], p.cnic);  // untouched fields stay
  const json last = moved.json()["history"].back();
  EXPECT_EQ(last["action"], "updated");
  EXPECT_EQ(last["fields"], json::array({"endpoints"}));
  EXPECT_EQ(last["reason"], "New office");
  EXPECT_EQ(last["actor"], "user:" + officer.id);
  EXPECT_EQ(covered("9.9.9.9"), false);
  EXPECT_EQ(covered("149.112.112.112"), true);

  // Refusals: who, what and which record.
  const json city = {{"fields", {{"isp", "Nayatel"}}}};
  EXPECT_EQ(c.patch_json(url, city).status, 401u);
  EXPECT_EQ(c.patch_json(url, city, bearer(p.token)).status, 403u);  // the record's own subject
  EXPECT_EQ(type_of(c.patch_json(url, city, bearer(staff("pseb").token))), "/problems/registry-access-denied");
  EXPECT_EQ(c.patch_json(url, city, bearer(op)).status, 403u);  // API clients use the GovStack Data API
  auto invalid = c.patch_json(url, {{"fields", {{"endpoints", {"10.0.0.0/8"}}}}}, bearer(officer.token));
  EXPECT_EQ(invalid.status, 422u) << invalid.body;
  EXPECT_NE(invalid.body.find("/endpoints/0"), std::string::npos) << invalid.body;
  EXPECT_EQ(c.patch_json(url, {{"fields", {{"colour", "red"}}}}, bearer(officer.token)).status, 422u);
  EXPECT_EQ(c.patch_json(url, {{"reason", "no fields"}}, bearer(officer.token)).status, 422u);
  EXPECT_EQ(c.patch_json(url, {{"fields", city["fields"]}, {"extra", 1}}, bearer(officer.token)).status, 422u);
  EXPECT_EQ(type_of(c.patch_json("/v1/registries/pta-vpn-endpoints/records/rec_nothing", city, bearer(officer.token))),
            "/problems/record-not-found");
  EXPECT_EQ(covered("149.112.112.112"), true);  // nothing refused changed the record
  ASSERT_EQ(c.post_json(url + "/status", {{"action", "revoke"}, {"reason", "Closed"}}, bearer(officer.token)).status, 200u);
  auto revoked = c.patch_json(url, city, bearer(officer.token));
  EXPECT_EQ(revoked.status, 409u) << revoked.body;
  EXPECT_EQ(type_of(revoked), "/problems/record-revoked");
}

TEST_F(Registries, ParkSpaceNeverOverAllocatedUnderConcurrentApprovals) {
  const std::string park = "stp-bagh-women";
  auto before = c.get("/v1/registries/stp-parks/records/" + park).json();
  const int total = before["fields"]["total_sq_ft"];
  const int ask = total / 4 + 1;  // three fit, the fourth does not
  const int firms = 6;
  std::vector<std::pair<Person, std::string>> apps;
  for (int i = 0; i < firms; ++i) {
    Person owner = signed_in(c, "Park Tenant " + std::to_string(i));
    std::string org = org_of(owner, "Tenant Firm " + std::to_string(i));
    auto r = apply(owner, "stp-tenancy",
                   {{"firm_name", "Tenant Firm " + std::to_string(i)}, {"ntn", ntn_of(owner)},
                    {"park", park}, {"floor_space_sq_ft", ask}, {"term_months", 24}, {"start_date", "2027-01-01"},
                    {"staff_count", 12}},
                   org);
    ASSERT_EQ(r.status, 201u) << r.body;
    apps.push_back({owner, r.json()["id"]});
  }
  // A park that does not exist is refused at submission.
  Person stray = signed_in(c);
  auto nowhere = apply(stray, "stp-tenancy",
                       {{"firm_name", "Stray"}, {"ntn", ntn_of(stray)}, {"park", "stp-atlantis"},
                        {"floor_space_sq_ft", 500}, {"term_months", 12}, {"start_date", "2027-01-01"}, {"staff_count", 2}},
                       org_of(stray, "Stray Firm"));
  EXPECT_EQ(nowhere.status, 422u) << nowhere.body;
  EXPECT_NE(nowhere.body.find("/park"), std::string::npos);

  // Each approval by a different officer, all at once.
  std::vector<Person> officers;
  for (int i = 0; i < firms; ++i) officers.push_back(staff("stp"));
  for (int i = 0; i < firms; ++i) {
    ASSERT_EQ(c.post_json("/v1/applications/" + apps[i].second + "/claim", json::object(), bearer(officers[i].token)).status, 200u);
    ASSERT_EQ(act(officers[i], apps[i].second, "start_review").status, 200u);
  }
  std::vector<std::future<HttpResponse>> results;
  for (int i = 0; i < firms; ++i)
    results.push_back(std::async(std::launch::async, [&, i] {
      HttpClient own = server().client();
      return own.post_json("/v1/applications/" + apps[i].second + "/transitions", {{"transition", "approve"}},
                           bearer(officers[i].token));
    }));
  int approved = 0, refused = 0;
  std::string approved_app;
  for (int i = 0; i < firms; ++i) {
    auto r = results[i].get();
    if (r.status == 200u) {
      ++approved;
      approved_app = apps[i].second;
    } else {
      EXPECT_EQ(r.status, 409u) << r.body;
      EXPECT_EQ(type_of(r), "/problems/capacity-exhausted") << r.body;
      ++refused;
      // The refused application stays where it was.
      EXPECT_EQ(c.get("/v1/applications/" + apps[i].second, bearer(officers[i].token)).json()["state"], "under_review");
    }
  }
  EXPECT_EQ(approved, 3);
  EXPECT_EQ(refused, firms - 3);
  auto after = c.get("/v1/registries/stp-parks/records/" + park).json();
  ASSERT_EQ(after["capacity"].size(), 1u) << after;
  EXPECT_EQ(after["capacity"][0]["allocated"], 3 * ask);
  EXPECT_LE(after["capacity"][0]["allocated"].get<int>(), total);
  EXPECT_EQ(c.get("/v1/registries/stp-tenancies/records?q=Tenant").json()["total"], 3);

  // Revoking a tenancy gives its space back.
  Person stp = staff("stp");
  auto tenancies = c.get("/v1/registries/stp-tenancies/records?page_size=100").json();
  std::string tenancy = tenancies["items"][0]["id"];
  auto revoked = c.post_json("/v1/registries/stp-tenancies/records/" + tenancy + "/status",
                             {{"action", "revoke"}, {"reason", "Lease terminated"}}, bearer(stp.token));
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_EQ(c.get("/v1/registries/stp-parks/records/" + park).json()["capacity"][0]["allocated"], 2 * ask);
  EXPECT_EQ(type_of(c.post_json("/v1/registries/stp-tenancies/records/" + tenancy + "/status",
                                {{"action", "reinstate"}, {"reason", "oops"}}, bearer(stp.token))),
            "/problems/status-change-invalid");
}

TEST_F(Registries, CohortFullRefusesCleanly) {
  const std::string centre = "erz-lahore-uet";
  const int seats = c.get("/v1/registries/erozgaar-centres/records/" + centre).json()["fields"]["cohort_capacity"];
  Person officer = staff("erozgaar");
  auto enrol = [&](const Person& p) {
    return apply(p, "erozgaar-training-enrolment",
                 {{"full_name", p.name}, {"cnic", p.cnic}, {"date_of_birth", "2002-05-14"}, {"email", p.email},
                  {"mobile", p.mobile}, {"qualification", "bachelors"}, {"centre", centre}, {"course", "web_development"},
                  {"cohort", "2027-02"}});
  };
  for (int i = 0; i < seats; ++i) {
    Person p = signed_in(c, "Trainee " + std::to_string(i));
    auto r = enrol(p);
    ASSERT_EQ(r.status, 201u) << r.body;
    ASSERT_EQ(approve(officer, r.json()["id"]).status, 200u) << "seat " << i;
  }
  Person late = signed_in(c, "Late Trainee");
  auto r = enrol(late);
  ASSERT_EQ(r.status, 201u) << r.body;
  auto full = approve(officer, r.json()["id"]);
  EXPECT_EQ(full.status, 409u) << full.body;
  EXPECT_EQ(type_of(full), "/problems/capacity-exhausted");
  EXPECT_EQ(full.json()["available"], 0);
  EXPECT_TRUE(c.get("/v1/me/records", bearer(late.token)).json()["items"].empty());
  // Another course at the same centre has its own seats.
  auto other = apply(late, "erozgaar-training-enrolment",
                     {{"full_name", late.name}, {"cnic", late.cnic}, {"date_of_birth", "2002-05-14"}, {"email", late.email},
                      {"mobile", late.mobile}, {"qualification", "bachelors"}, {"centre", centre},
                      {"course", "digital_marketing"}, {"cohort", "2027-02"}});
  ASSERT_EQ(other.status, 201u) << other.body;
  EXPECT_EQ(approve(officer, other.json()["id"]).status, 200u);
  auto use = c.get("/v1/registries/erozgaar-centres/records/" + centre).json()["capacity"];
  ASSERT_EQ(use.size(), 2u) << use;
  // Enrolment records are not public beyond centre, course and cohort.
  auto pub = c.get("/v1/registries/erozgaar-enrolments/records?page_size=5").json();
  for (auto& item : pub["items"]) EXPECT_FALSE(item["fields"].contains("full_name")) << item;
}

TEST_F(Registries, RevokedZoneFirmCannotBeLicensedAgainAndDuplicatesAreRefused) {
  Person owner = signed_in(c, "Zone Firm Owner");
  std::string org = org_of(owner, "Karakoram Silicon (Pvt) Ltd");
  std::string ntn = ntn_of(owner);
  auto licence = [&](const std::string& zone) {
    return apply(owner, "stza-zone-enterprise-licence",
                 {{"firm_name", "Karakoram Silicon (Pvt) Ltd"}, {"ntn", ntn}, {"secp_number", secp_of(owner)},
                  {"zone", zone}, {"sector", "hardware"}, {"ownership", "joint_venture"}, {"partner_countries", {"CN", "TR"}},
                  {"planned_investment", {{"amount", "2500000"}, {"currency", "USD"}}}, {"planned_jobs", 120},
                  {"documents", {document(owner)}}},
                 org);
  };
  Person officer = staff("stza");
  auto first = licence("Islamabad Technology Zone");
  ASSERT_EQ(first.status, 201u) << first.body;
  ASSERT_EQ(approve(officer, first.json()["id"]).status, 200u);
  // The same firm and zone twice: the registry's unique key refuses the second.
  auto twice = licence("Islamabad Technology Zone");
  ASSERT_EQ(twice.status, 201u) << twice.body;
  auto dup = approve(officer, twice.json()["id"]);
  EXPECT_EQ(dup.status, 409u) << dup.body;
  EXPECT_EQ(type_of(dup), "/problems/duplicate-record");

  auto pub = c.get("/v1/registries/stza-zone-enterprises/records?q=Karakoram").json();
  ASSERT_EQ(pub["total"], 1) << pub;
  EXPECT_EQ(pub["items"][0]["fields"]["partner_countries"], json({"CN", "TR"}));
  std::string id = pub["items"][0]["id"];
  auto revoked = c.post_json("/v1/registries/stza-zone-enterprises/records/" + id + "/status",
                             {{"action", "revoke"}, {"reason", "Investment commitments not met"}}, bearer(officer.token));
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  auto again = licence("Lahore Technology Zone");
  ASSERT_EQ(again.status, 201u) << again.body;
  auto refused = approve(officer, again.json()["id"]);
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(type_of(refused), "/problems/subject-revoked");
  EXPECT_EQ(c.get("/v1/applications/" + again.json()["id"].get<std::string>(), bearer(owner.token)).json()["state"],
            "under_review");
}

TEST_F(Registries, PsebCompanyRegistrationAndRenewal) {
  Person owner = signed_in(c, "IT Company Owner");
  std::string org = org_of(owner, "Indus Code Works (Pvt) Ltd");
  auto reg = apply(owner, "pseb-it-company-registration",
                   {{"company_name", "Indus Code Works (Pvt) Ltd"}, {"ntn", ntn_of(owner)},
                    {"secp_number", secp_of(owner)}, {"company_type", "software"},
                    {"services", {"Web development", "Cloud migration"}}, {"email", owner.email}, {"it_employees", 40},
                    {"office_address", "Plot 12, I-9/3, Islamabad"}, {"documents", {document(owner), document(owner)}}},
                   org);
  ASSERT_EQ(reg.status, 201u) << reg.body;
  Person officer = staff("pseb");
  ASSERT_EQ(approve(officer, reg.json()["id"]).status, 200u);
  auto mine = c.get("/v1/me/records", bearer(owner.token)).json();
  ASSERT_EQ(mine["total"], 1) << mine;
  std::string number = mine["items"][0]["number"], until = mine["items"][0]["valid_until"];
  EXPECT_EQ(number.rfind("PSEB-C-", 0), 0u);
  // Public view: no email, employees or revenue.
  auto pub = c.get("/v1/registries/pseb-companies/records/" + number).json();
  EXPECT_FALSE(pub["fields"].contains("email"));
  EXPECT_FALSE(pub["fields"].contains("it_employees"));

  auto renewal = [&](const Person& who, const std::string& num, const std::string& on_behalf) {
    return apply(who, "pseb-registration-renewal",
                 {{"registration_kind", "company"}, {"registration_number", num}, {"email", who.email},
                  {"export_revenue_last_year", {{"amount", "150000"}, {"currency", "USD"}}},
                  {"documents", {document(who)}}},
                 on_behalf);
  };
  // Someone else's number is refused at submission.
  Person stranger = signed_in(c);
  auto foreign = renewal(stranger, number, "");
  EXPECT_EQ(foreign.status, 422u) << foreign.body;
  EXPECT_NE(foreign.body.find("/registration_number"), std::string::npos);
  auto ren = renewal(owner, number, org);
  ASSERT_EQ(ren.status, 201u) << ren.body;
  ASSERT_EQ(approve(officer, ren.json()["id"]).status, 200u);
  auto renewed = c.get("/v1/registries/pseb-companies/records/" + number, bearer(owner.token)).json();
  EXPECT_GT(renewed["valid_until"].get<std::string>(), until);
  EXPECT_EQ(renewed["history"].back()["action"], "renewed");
}

TEST_F(Registries, FreelancerRegistrationIsPublicWithoutPersonalData) {
  Person p = signed_in(c, "Bilal Freelancer");
  auto r = apply(p, "pseb-freelancer-registration",
                 {{"full_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                  {"skills", {"Flutter", "Firebase"}}, {"platforms", {"Upwork"}}, {"documents", {document(p)}}});
  ASSERT_EQ(r.status, 201u) << r.body;
  ASSERT_EQ(approve(staff("pseb"), r.json()["id"]).status, 200u);
  auto pub = c.get("/v1/registries/pseb-freelancers/records?q=Flutter");
  ASSERT_EQ(pub.status, 200u);
  ASSERT_GE(pub.json()["total"].get<int>(), 1);
  const json page = pub.json();
  for (const auto& item : page["items"])
    for (const char* priv : {"cnic", "email", "mobile", "annual_earnings"}) EXPECT_FALSE(item["fields"].contains(priv));
  EXPECT_EQ(pub.body.find(p.cnic), std::string::npos);
  EXPECT_EQ(pub.body.find(p.email), std::string::npos);
  // A second registration for the same CNIC is a duplicate.
  auto again = apply(p, "pseb-freelancer-registration",
                     {{"full_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                      {"skills", {"Go"}}, {"documents", {document(p)}}});
  ASSERT_EQ(again.status, 201u);
  EXPECT_EQ(type_of(approve(staff("pseb"), again.json()["id"])), "/problems/duplicate-record");
}

TEST_F(Registries, ExportCommandStreamsPublicOrAllFields) {
  std::string out;
  ASSERT_EQ(run_darwaza({"registry", "export", "stp-parks", "--data", server().data_dir() + "/d"}, out), 0) << out;
  EXPECT_EQ(out.rfind("number,status,valid_from,valid_until,name,", 0), 0u) << out.substr(0, 200);
  EXPECT_NE(out.find("stp-gakuch"), std::string::npos);
  Person p = signed_in(c, "Export Subject");
  auto r = apply(p, "pta-vpn-registration", vpn_data(p, {"1.1.1.0/24"}));
  ASSERT_EQ(r.status, 201u) << r.body;
  ASSERT_EQ(approve(staff("pta"), r.json()["id"]).status, 200u);
  ASSERT_EQ(run_darwaza({"registry", "export", "pta-vpn-endpoints", "--format", "json", "--data", server().data_dir() + "/d"}, out), 0);
  EXPECT_EQ(out.find(p.cnic), std::string::npos) << out;
  EXPECT_NE(out.find(p.name), std::string::npos) << out;
  ASSERT_EQ(run_darwaza({"registry", "export", "pta-vpn-endpoints", "--all-fields", "--data", server().data_dir() + "/d"}, out), 0);
  EXPECT_NE(out.find(p.cnic), std::string::npos);
  EXPECT_NE(out.find("1.1.1.0/24"), std::string::npos);
  EXPECT_NE(run_darwaza({"registry", "export", "no-such", "--data", server().data_dir() + "/d"}, out), 0);
  EXPECT_NE(out.find("no registry"), std::string::npos) << out;
  EXPECT_NE(run_darwaza({"registry", "export", "stp-parks", "--format", "xml", "--data", server().data_dir() + "/d"}, out), 0);
}

}  // namespace

namespace {

// The live figure with this id from GET /v1/indicators/live, and the breakdown value for `name`.
std::pair<double, double> live_figure(HttpClient& c, const std::string& id, const std::string& name) {
  auto r = c.get("/v1/indicators/live");
  EXPECT_EQ(r.status, 200u) << r.body;
  const json all = r.json();
  for (const auto& f : all["items"]) {
    if (f["id"] != id) continue;
    double part = 0;
    for (const auto& b : f["breakdown"])
      if (b["name"] == name) part = b["value"];
    return {f["value"].get<double>(), part};
  }
  ADD_FAILURE() << "no live figure " << id << " in " << r.body;
  return {0, 0};
}

TEST_F(Registries, LiveIndicatorsFollowTheRegistries) {
  auto [freelancers_before, unused1] = live_figure(c, "registered-freelancers", "");
  auto [firms_before, turkish_before] = live_figure(c, "zone-firms-by-country", "TR");
  auto [occupancy_before, park_before] = live_figure(c, "park-occupancy", "stp-islamabad-fazal");
  (void)unused1;

  Person f = signed_in(c, "Live Freelancer");
  auto reg = apply(f, "pseb-freelancer-registration",
                   {{"full_name", f.name}, {"cnic", f.cnic}, {"email", f.email}, {"mobile", f.mobile},
                    {"skills", {"Rust"}}, {"documents", {document(f)}}});
  ASSERT_EQ(reg.status, 201u) << reg.body;
  ASSERT_EQ(approve(staff("pseb"), reg.json()["id"]).status, 200u);

  Person owner = signed_in(c, "Live Zone Owner");
  std::string org = org_of(owner, "Anatolia Chips Pakistan");
  auto lic = apply(owner, "stza-zone-enterprise-licence",
                   {{"firm_name", "Anatolia Chips Pakistan"}, {"ntn", ntn_of(owner)}, {"secp_number", secp_of(owner)},
                    {"zone", "Karachi Technology Zone"}, {"sector", "hardware"}, {"ownership", "foreign"},
                    {"partner_countries", {"TR"}}, {"planned_investment", {{"amount", "900000"}, {"currency", "USD"}}},
                    {"planned_jobs", 40}, {"documents", {document(owner)}}},
                   org);
  ASSERT_EQ(lic.status, 201u) << lic.body;
  ASSERT_EQ(approve(staff("stza"), lic.json()["id"]).status, 200u);

  auto ten = apply(owner, "stp-tenancy",
                   {{"firm_name", "Anatolia Chips Pakistan"}, {"ntn", ntn_of(owner)}, {"park", "stp-islamabad-fazal"},
                    {"floor_space_sq_ft", 4000}, {"term_months", 36}, {"start_date", "2027-03-01"}, {"staff_count", 30}},
                   org);
  ASSERT_EQ(ten.status, 201u) << ten.body;
  ASSERT_EQ(approve(staff("stp"), ten.json()["id"]).status, 200u);

  EXPECT_EQ(live_figure(c, "registered-freelancers", "").first, freelancers_before + 1);
  auto [firms_after, turkish_after] = live_figure(c, "zone-firms-by-country", "TR");
  EXPECT_EQ(firms_after, firms_before + 1);
  EXPECT_EQ(turkish_after, turkish_before + 1);
  auto [occupancy_after, park_after] = live_figure(c, "park-occupancy", "stp-islamabad-fazal");
  EXPECT_NEAR(park_after - park_before, 100.0 * 4000 / 40000, 1e-9);  // the park holds 40,000 sq ft
  EXPECT_GT(occupancy_after, occupancy_before);
  auto [median_days, tenancies] = live_figure(c, "applications-by-service", "stp-tenancy");
  EXPECT_GE(tenancies, 1);
  // Every test application is decided within seconds of submission: the median is a tiny positive
  // number of days, never a whole day (a unit slip to ms or seconds would show here).
  EXPECT_GT(median_days, 0);
  EXPECT_LT(median_days, 0.01);
}

}  // namespace

std::string base64_of(const std::string& s) {
  std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

// An agency's system may also send its credentials as HTTP Basic (RFC 6749 §2.3.1); a header
// that is not base64 of id:secret is refused.
TEST_F(Registries, ClientCredentialsInABasicHeader) {
  Person admin = staff("pta", "agency_admin");
  auto created = c.post_json("/v1/agencies/pta/clients", {{"name", "basic client"}}, bearer(admin.token));
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string pair = created.json().value("client_id", "") + ":" + created.json().value("client_secret", "");
  auto token = [&](const std::string& authorization) {
    return c.request("POST", "/v1/oauth/token", "grant_type=client_credentials",
                     {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", authorization}});
  };
  auto good = token("Basic " + base64_of(pair));
  ASSERT_EQ(good.status, 200u) << good.body;
  EXPECT_FALSE(good.json().value("access_token", "").empty());
  EXPECT_GE(token("Basic not*base64").status, 400u);
  EXPECT_GE(token("Basic " + base64_of(created.json().value("client_id", "") + ":wrong")).status, 400u);
}
