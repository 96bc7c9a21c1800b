// End-to-end: the GovStack Digital Registries Data API's writes beyond create and delete (update,
// update-entries, update-or-create) and MyPersonalDataUsage (v1.3.0,
// ../shared/govstack/digital-registries-api), over the fixture registry gs-persons and the
// shipped VPN registry; the portal's PATCH of a record is the same domain function.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

constexpr const char* kHeader = "Information-Mediator-Client";
constexpr const char* kPersons = "/data/gs-persons/1.0";

class GovStackUpdates : public GovStackSuite {
 protected:
  static void SetUpTestSuite() { start_govstack({"registries"}, kTestRegistries); }

  std::string member_of(const std::string& agency) { return GovStackSuite::member_of(agency, &last_admin_); }
  HttpResponse call(const std::string& method, const std::string& path, const json& body, const std::string& member = {},
                    std::map<std::string, std::string> h = {}) {
    if (!member.empty()) h[kHeader] = member;
    h["Content-Type"] = "application/json";
    return gs.request(method, path, body.dump(), h);
  }
  HttpResponse put(const std::string& op, const json& body, const std::string& member = {}) {
    return call("PUT", std::string(kPersons) + op, body, member);
  }
  // A unique birth certificate id per call.
  static std::string certificate() {
    static std::atomic<int> n{0};
    return "RR-" + std::to_string(100000 + getpid() % 800000) + std::to_string(10 + n++);
  }
  json person(const std::string& first, const std::string& last, const std::string& city) {
    return {{"first_name", first}, {"last_name", last}, {"city", city}, {"birth_certificate_id", certificate()}};
  }
  // Creates a person through the Data API as `member`; returns its ID (number).
  std::string created(const json& content, const std::string& member) {
    auto r = call("POST", std::string(kPersons) + "/create", {{"write", {{"content", content}}}}, member);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["content"].value("ID", "");
  }
  static json query_write(const json& query, const json& write) {
    return {{"query", {{"content", query}}}, {"write", {{"content", write}}}};
  }
  int listed(const std::string& query) {
    return gs.get(std::string(kPersons) + "?" + query).json()["count"].get<int>();
  }

  HttpClient gs = govstack("registries");
  Person last_admin_;
};

TEST_F(GovStackUpdates, UpdateChangesTheFirstMatchKeepingItsNumber) {
  const std::string nitb = member_of("nitb");
  Person nitb_admin = last_admin_;
  const std::string last = "Upd" + std::to_string(getpid());
  const json usha = person("Usha", last, "Quetta");
  const std::string id = created(usha, nitb);
  const std::string portal_id = portal.get("/v1/registries/gs-persons/records/" + id).json()["id"];

  // By a query on public fields: the record's content as it now is (every field: the owner asks).
  auto r = put("/update", query_write({{"first_name", "Usha"}, {"last_name", last}}, {{"city", "Gwadar"}}), nitb);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["content"]["ID"], id);
  EXPECT_EQ(r.json()["content"]["city"], "Gwadar");
  EXPECT_EQ(r.json()["content"]["first_name"], "Usha");
  EXPECT_EQ(r.json()["content"]["birth_certificate_id"], usha["birth_certificate_id"]);
  // Without a query, the write's ID names the record.
  auto by_id = put("/update", {{"write", {{"content", {{"ID", id}, {"last_name", last + "x"}}}}}}, nitb);
  ASSERT_EQ(by_id.status, 200u) << by_id.body;
  EXPECT_EQ(by_id.json()["content"]["last_name"], last + "x");
  EXPECT_EQ(by_id.json()["content"]["city"], "Gwadar");

  // The portal's record: same id and number, history naming the caller and the fields changed.
  auto full = portal.get("/v1/registries/gs-persons/records/" + id, bearer(nitb_admin.token));
  ASSERT_EQ(full.status, 200u) << full.body;
  EXPECT_EQ(full.json()["id"], portal_id);
  EXPECT_EQ(full.json()["number"], id);
  const json history = full.json()["history"];
  ASSERT_EQ(history.size(), 3u) << history;
  EXPECT_EQ(history[1]["action"], "updated");
  EXPECT_EQ(history[1]["fields"], json::array({"city"}));
  EXPECT_EQ(history[1]["actor"], "client:" + nitb.substr(nitb.rfind('/') + 1));
  EXPECT_EQ(history[2]["fields"], json::array({"last_name"}));
  EXPECT_EQ(listed("query.ID=" + id + "&query.city=Gwadar"), 1);
  EXPECT_EQ(listed("query.city=Quetta&query.last_name=" + last), 0);

  // Refusals: registry, version, record; the body's shape; the schema's rules; the number.
  const json write_city = query_write({{"ID", id}}, {{"city", "Zhob"}});
  EXPECT_EQ(problem_type(call("PUT", "/data/no-such/1.0/update", write_city, nitb)), "/problems/registry-not-found");
  EXPECT_EQ(call("PUT", "/data/gs-persons/4.0/update", write_city, nitb).status, 404u);
  auto missing = put("/update", query_write({{"ID", "GSP-1999-000001"}}, {{"city", "Zhob"}}), nitb);
  EXPECT_EQ(missing.status, 404u) << missing.body;
  EXPECT_EQ(missing.json()["detail"], "no record found");
  for (const json& bad : {json::object(), json{{"query", {{"content", {{"ID", id}}}}}}, json{{"write", 1}},
                          json{{"write", {{"content", "x"}}}}, json{{"write", {{"content", {{"city", "Zhob"}}}}}},
                          json{{"query", {{"content", 1}}}, {"write", {{"content", json::object()}}}},
                          json{{"write", {{"content", {{"ID", 7}}}}}}}) {
    auto b = put("/update", bad, nitb);
    EXPECT_EQ(b.status, 400u) << bad << b.body;
    EXPECT_EQ(problem_type(b), "/problems/invalid-body") << bad;
  }
  EXPECT_EQ(put("/update", json::array(), nitb).status, 400u);
  EXPECT_EQ(gs.request("PUT", std::string(kPersons) + "/update", "{not json", {{kHeader, nitb}, {"Content-Type", "application/json"}}).status,
            400u);
  auto invalid = put("/update", query_write({{"ID", id}}, {{"birth_certificate_id", "not-a-certificate"}}), nitb);
  EXPECT_EQ(invalid.status, 422u) << invalid.body;
  EXPECT_EQ(invalid.json()["errors"][0]["path"], "/birth_certificate_id") << invalid.body;
  EXPECT_EQ(put("/update", query_write({{"ID", id}}, {{"first_name", nullptr}}), nitb).status, 422u);
  EXPECT_EQ(put("/update", query_write({{"ID", id}}, {{"nickname", "U"}}), nitb).status, 422u);
  auto renumber = put("/update", query_write({{"ID", id}}, {{"ID", "GSP-2026-999999"}}), nitb);
  EXPECT_EQ(renumber.status, 422u) << renumber.body;
  EXPECT_EQ(problem_type(renumber), "/problems/number-unchangeable");
  // A private field is not matched, even for the owning agency.
  auto priv = put("/update", query_write({{"birth_certificate_id", usha["birth_certificate_id"]}}, {{"city", "Zhob"}}), nitb);
  EXPECT_EQ(priv.status, 400u) << priv.body;
  EXPECT_EQ(problem_type(priv), "/problems/field-not-searchable");
  // A unique key held by another record.
  const json other = person("Rani", last, "Sibi");
  const std::string other_id = created(other, nitb);
  auto dup = put("/update", query_write({{"ID", other_id}}, {{"birth_certificate_id", usha["birth_certificate_id"]}}), nitb);
  EXPECT_EQ(dup.status, 409u) << dup.body;
  EXPECT_EQ(problem_type(dup), "/problems/duplicate-record");
  // Another agency's client, and an anonymous caller.
  auto foreign = put("/update", write_city, member_of("pseb"));
  EXPECT_EQ(foreign.status, 403u) << foreign.body;
  EXPECT_EQ(problem_type(foreign), "/problems/registry-access-denied");
  EXPECT_EQ(put("/update", write_city).status, 401u);
  EXPECT_EQ(portal.get("/v1/registries/gs-persons/records/" + id).json()["fields"]["city"], "Gwadar");  // unchanged

  // A revoked record is gone: no update.
  ASSERT_EQ(gs.request("DELETE", std::string(kPersons) + "/" + id + "/delete", {}, {{kHeader, nitb}}).status, 204u);
  auto revoked = put("/update", write_city, nitb);
  EXPECT_EQ(revoked.status, 404u) << revoked.body;
  EXPECT_EQ(revoked.json()["detail"], "no record found");
  EXPECT_EQ(put("/update", {{"write", {{"content", {{"ID", id}, {"city", "Zhob"}}}}}}, nitb).status, 404u);
}

TEST_F(GovStackUpdates, UpdateEntriesChangesEveryMatchOrNone) {
  const std::string nitb = member_of("nitb");
  const std::string last = "Ent" + std::to_string(getpid());
  for (const char* first : {"Asha", "Bina", "Chandni"}) created(person(first, last, "Mastung"), nitb);
  created(person("Dina", last + "y", "Mastung"), nitb);

  auto r = put("/update-entries", query_write({{"last_name", last}}, {{"city", "Ormara"}}), nitb);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["count"], 3);
  EXPECT_EQ(listed("query.last_name=" + last + "&query.city=Ormara"), 3);
  EXPECT_EQ(listed("query.last_name=" + last + "y&query.city=Mastung"), 1);  // not matched, not changed
  // Nothing matching: nothing changed.
  auto none = put("/update-entries", query_write({{"last_name", last + "zz"}}, {{"city", "Pasni"}}), nitb);
  ASSERT_EQ(none.status, 200u) << none.body;
  EXPECT_EQ(none.json()["count"], 0);
  // One unique key for three records: refused, and none of them changed.
  auto dup = put("/update-entries", query_write({{"last_name", last}}, {{"city", "Pasni"}, {"birth_certificate_id", certificate()}}), nitb);
  EXPECT_EQ(dup.status, 409u) << dup.body;
  EXPECT_EQ(problem_type(dup), "/problems/duplicate-record");
  EXPECT_EQ(listed("query.last_name=" + last + "&query.city=Pasni"), 0);
  // Invalid content for the matches: 422, none changed.
  EXPECT_EQ(put("/update-entries", query_write({{"last_name", last}}, {{"first_name", ""}}), nitb).status, 422u);
  EXPECT_EQ(listed("query.last_name=" + last + "&query.city=Ormara"), 3);

  // Refusals as update's.
  const json write = query_write({{"last_name", last}}, {{"city", "Pasni"}});
  EXPECT_EQ(call("PUT", "/data/no-such/1.0/update-entries", write, nitb).status, 404u);
  EXPECT_EQ(call("PUT", "/data/gs-persons/2/update-entries", write, nitb).status, 404u);
  EXPECT_EQ(put("/update-entries", {{"query", {{"content", {{"last_name", last}}}}}}, nitb).status, 400u);
  EXPECT_EQ(put("/update-entries", {{"write", {{"content", {{"city", "Pasni"}}}}}}, nitb).status, 400u);
  EXPECT_EQ(problem_type(put("/update-entries", query_write({{"birth_certificate_id", "RR-1234567"}}, {{"city", "Pasni"}}), nitb)),
            "/problems/field-not-searchable");
  EXPECT_EQ(put("/update-entries", write, member_of("pseb")).status, 403u);
  EXPECT_EQ(put("/update-entries", write).status, 401u);
  EXPECT_EQ(listed("query.last_name=" + last + "&query.city=Pasni"), 0);
}

TEST_F(GovStackUpdates, UpdateOrCreateUpdatesAMatchElseCreates) {
  const std::string nitb = member_of("nitb");
  const std::string last = "Uoc" + std::to_string(getpid());
  const std::string id = created(person("Esha", last, "Kalat"), nitb);
  auto post = [&](const json& body, const std::string& member) {
    return call("POST", std::string(kPersons) + "/update-or-create", body, member);
  };

  // A match: updated in place.
  auto updated = post(query_write({{"ID", id}}, {{"city", "Kech"}}), nitb);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(updated.json()["content"]["ID"], id);
  EXPECT_EQ(updated.json()["content"]["city"], "Kech");
  // No match: the write's content is created (numbered by the registry).
  const json fresh = person("Farah", last, "Kech");
  auto made = post(query_write({{"first_name", "Farah"}, {"last_name", last}}, fresh), nitb);
  ASSERT_EQ(made.status, 200u) << made.body;
  const std::string new_id = made.json()["content"]["ID"];
  EXPECT_NE(new_id, id);
  EXPECT_EQ(new_id.rfind("GSP-", 0), 0u) << new_id;
  EXPECT_EQ(listed("query.last_name=" + last), 2);
  // The same call again finds it now: an update, not a second record.
  auto again = post(query_write({{"first_name", "Farah"}, {"last_name", last}}, {{"city", "Panjgur"}}), nitb);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json()["content"]["ID"], new_id);
  EXPECT_EQ(listed("query.last_name=" + last), 2);
  // Without a query: the write's ID names the record, else the content is created.
  auto by_id = post({{"write", {{"content", {{"ID", id}, {"city", "Turbat"}}}}}}, nitb);
  ASSERT_EQ(by_id.status, 200u) << by_id.body;
  EXPECT_EQ(by_id.json()["content"]["city"], "Turbat");
  auto plain = post({{"write", {{"content", person("Gul", last, "Hub")}}}}, nitb);
  ASSERT_EQ(plain.status, 200u) << plain.body;
  EXPECT_EQ(listed("query.last_name=" + last), 3);

  // Refusals: creating follows create's rules (422, 409), updating update's.
  auto incomplete = post(query_write({{"last_name", last + "none"}}, {{"first_name", "Hina"}}), nitb);
  EXPECT_EQ(incomplete.status, 422u) << incomplete.body;
  auto dup = post(query_write({{"last_name", last + "none"}}, {{"first_name", "Iqra"}, {"last_name", last}, {"birth_certificate_id", fresh["birth_certificate_id"]}}), nitb);
  EXPECT_EQ(dup.status, 409u) << dup.body;
  EXPECT_EQ(problem_type(dup), "/problems/duplicate-record");
  EXPECT_EQ(post(query_write({{"ID", id}}, {{"city", "x"}, {"ID", new_id}}), nitb).status, 422u);
  EXPECT_EQ(post({{"query", {{"content", {{"ID", id}}}}}}, nitb).status, 400u);
  EXPECT_EQ(post(query_write({{"birth_certificate_id", "RR-1234567"}}, fresh), nitb).status, 400u);
  EXPECT_EQ(call("POST", "/data/no-such/1.0/update-or-create", query_write({{"ID", id}}, {{"city", "x"}}), nitb).status, 404u);
  auto foreign = post(query_write({{"last_name", last + "none"}}, person("Jia", last, "Hub")), member_of("pseb"));
  EXPECT_EQ(foreign.status, 403u) << foreign.body;
  EXPECT_EQ(post(query_write({{"ID", id}}, {{"city", "x"}}), "").status, 401u);
  EXPECT_EQ(listed("query.last_name=" + last), 3);
}

// A signed-in person sees who used their records in one registry: the agency, its role or system,
// when, which record, what and why; never an officer's identity.
TEST_F(GovStackUpdates, MyPersonalDataUsageListsOthersActsOnTheCallersRecords) {
  Person p = signed_in(portal, "Usage Citizen");
  const json vpn = {{"registrant_name", p.name}, {"cnic", p.cnic}, {"email", p.email}, {"mobile", p.mobile},
                    {"vpn_type", "wireguard"}, {"endpoints", {"9.9.9.0/24"}},
                    {"purpose", "Remote development for a client's office network in Germany"}, {"isp", "PTCL"}};
  auto applied = portal.post_json("/v1/applications", {{"service_id", "pta-vpn-registration"}, {"data", vpn}}, bearer(p.token));
  ASSERT_EQ(applied.status, 201u) << applied.body;
  Person officer = staff("pta");
  ASSERT_EQ(approve_application(portal, officer, applied.json()["id"]).status, 200u);
  const json records = portal.get("/v1/me/records", bearer(p.token)).json();
  ASSERT_EQ(records["items"].size(), 1u) << records;
  const std::string number = records["items"][0]["number"];
  // PTA's officer reads the record in the portal; a PTA system changes it through the Data API.
  ASSERT_EQ(portal.get("/v1/registries/pta-vpn-endpoints/records/" + number, bearer(officer.token)).status, 200u);
  const std::string pta = member_of("pta");
  auto changed = call("PUT", "/data/pta-vpn-endpoints/1.0/update", query_write({{"ID", number}}, {{"isp", "Nayatel"}}), pta);
  ASSERT_EQ(changed.status, 200u) << changed.body;
  EXPECT_EQ(changed.json()["content"]["isp"], "Nayatel");

  const std::string url = "/data/MyPersonalDataUsage/1.0?userID=" + p.id + "&DatabaseID=pta-vpn-endpoints";
  auto usage = gs.get(url, bearer(p.token));
  ASSERT_EQ(usage.status, 200u) << usage.body;
  const json uses = usage.json();
  ASSERT_TRUE(uses.is_array()) << uses;
  ASSERT_GE(uses.size(), 3u) << uses;  // the approval's record, the officer's read, the system's update
  // Newest first: the update by PTA's system.
  EXPECT_EQ(uses[0]["Action"], "registry.record.update");
  EXPECT_EQ(uses[0]["ReaderRole"], "api_client");
  EXPECT_EQ(uses[0]["ReaderInstitutionID"], "pta");
  EXPECT_FALSE(uses[0]["ReaderInstitutionName"].get<std::string>().empty());
  EXPECT_EQ(uses[0]["ReaderApplicationName"], "govstack pta");
  EXPECT_EQ(uses[0]["Refrences"], json::array({{{"ReferenceID", number}}}));
  EXPECT_TRUE(uses[0]["SearchDateTime"].is_string());
  bool read_by_officer = false;
  long long previous = std::stoll(uses[0]["ID"].get<std::string>()) + 1;
  for (const auto& u : uses) {
    EXPECT_LT(std::stoll(u["ID"].get<std::string>()), previous) << uses;
    previous = std::stoll(u["ID"].get<std::string>());
    read_by_officer = read_by_officer || (u["Action"] == "registry.record.read" && u["ReaderRole"] == "officer" &&
                                          u["ReaderInstitutionID"] == "pta" && !u.contains("ReaderApplicationName"));
    EXPECT_FALSE(u.contains("ReaderID")) << u;
  }
  EXPECT_TRUE(read_by_officer) << uses;
  EXPECT_EQ(usage.body.find(officer.id), std::string::npos);  // officers are not named
  // Paging on: entries older than a given one.
  auto older = gs.get(url + "&before=" + uses[0]["ID"].get<std::string>(), bearer(p.token));
  ASSERT_EQ(older.status, 200u) << older.body;
  EXPECT_EQ(older.json().size(), uses.size() - 1);
  // Another registry holds none of this person's records; another person sees nothing of them.
  EXPECT_EQ(gs.get("/data/MyPersonalDataUsage/1.0?userID=" + p.id + "&DatabaseID=pseb-companies", bearer(p.token)).json(),
            json::array());
  Person q = signed_in(portal, "Other Citizen");
  EXPECT_EQ(gs.get("/data/MyPersonalDataUsage/1.0?userID=" + q.id + "&DatabaseID=pta-vpn-endpoints", bearer(q.token)).json(),
            json::array());

  // Refusals: no person signed in, another person's id, missing or bad parameters, unknown registry.
  EXPECT_EQ(gs.get(url).status, 401u);
  auto theirs = gs.get(url, bearer(q.token));
  EXPECT_EQ(theirs.status, 403u) << theirs.body;
  EXPECT_EQ(problem_type(theirs), "/problems/user-mismatch");
  EXPECT_EQ(gs.get(url, {{kHeader, pta}}).status, 403u);  // an agency's system is not a person
  for (const std::string& bad : std::vector<std::string>{"?DatabaseID=pta-vpn-endpoints", "?userID=" + p.id, "?userID=&DatabaseID=pta-vpn-endpoints",
                                "?userID=" + p.id + "&DatabaseID=pta-vpn-endpoints&before=x"}) {
    auto r = gs.get("/data/MyPersonalDataUsage/1.0" + bad, bearer(p.token));
    EXPECT_EQ(r.status, 400u) << bad << r.body;
    EXPECT_EQ(problem_type(r), "/problems/invalid-parameter") << bad;
  }
  auto unknown = gs.get("/data/MyPersonalDataUsage/1.0?userID=" + p.id + "&DatabaseID=no-such", bearer(p.token));
  EXPECT_EQ(unknown.status, 404u) << unknown.body;
  EXPECT_EQ(problem_type(unknown), "/problems/registry-not-found");
}

}  // namespace
