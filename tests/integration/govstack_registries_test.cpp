// End-to-end: the GovStack Digital Registries Data and Database APIs (v1.3.0,
// ../shared/govstack/digital-registries-api) on their own listener, over the shipped registries
// and a fixture registry loaded with `darwaza registry load`; callers named by the
// Information-Mediator-Client header.
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

constexpr const char* kHeader = "Information-Mediator-Client";

class GovStackRegistries : public GovStackSuite {
 protected:
  static void SetUpTestSuite() { start_govstack({"registries"}, kTestRegistries); }

  std::string member_of(const std::string& agency) { return GovStackSuite::member_of(agency, &last_admin_); }
  HttpResponse post(const std::string& path, const json& body, const std::string& member = {}) {
    std::map<std::string, std::string> h;
    if (!member.empty()) h[kHeader] = member;
    return gs.post_json(path, body, h);
  }
  HttpResponse get(const std::string& path, const std::string& member = {}) {
    std::map<std::string, std::string> h;
    if (!member.empty()) h[kHeader] = member;
    return gs.get(path, h);
  }

  HttpClient gs = govstack("registries");
  Person last_admin_;
};

TEST_F(GovStackRegistries, ListPagesSearchesAndFiltersPublicFields) {
  auto first = get("/data/stp-parks/1.0?page=1&page_size=2");
  ASSERT_EQ(first.status, 200u) << first.body;
  json j = first.json();
  EXPECT_GE(j["count"].get<int>(), 10);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_TRUE(j["previous"].is_null());
  EXPECT_EQ(j["next"], "/data/stp-parks/1.0?page=2&page_size=2");
  EXPECT_TRUE(j["results"][0].contains("ID"));
  EXPECT_TRUE(j["results"][0].contains("name"));
  auto second = get(j["next"].get<std::string>()).json();
  EXPECT_EQ(second["previous"], "/data/stp-parks/1.0?page=1&page_size=2");
  EXPECT_NE(second["results"][0]["ID"], j["results"][0]["ID"]);
  // The version may be written "1" or "1.0"; the default page holds ten.
  EXPECT_EQ(get("/data/stp-parks/1").json()["results"].size(), 10u);

  auto city = get("/data/stp-parks/1.0?query.city=Islamabad&page_size=100");
  ASSERT_EQ(city.status, 200u) << city.body;
  EXPECT_GE(city.json()["count"].get<int>(), 2);
  const json in_city = city.json();  // bound first: ranging over a temporary's member dangles
  for (const auto& r : in_city["results"]) EXPECT_EQ(r["city"], "Islamabad") << r;
  EXPECT_EQ(get("/data/stp-parks/1.0?query.city=Atlantis").json()["count"], 0);
  auto search = get("/data/stp-parks/1.0?search=Gakuch").json();
  ASSERT_GE(search["count"].get<int>(), 1);
  EXPECT_EQ(search["results"][0]["ID"], "stp-gakuch");
  auto by_id = get("/data/stp-parks/1.0?query.ID=stp-gakuch").json();
  ASSERT_EQ(by_id["count"], 1);

  // Refusals: unknown registry or version, bad paging, a field the public may not query.
  EXPECT_EQ(problem_type(get("/data/no-such-registry/1.0")), "/problems/registry-not-found");
  EXPECT_EQ(get("/data/no-such-registry/1.0").status, 404u);
  EXPECT_EQ(problem_type(get("/data/stp-parks/2.0")), "/problems/version-not-found");
  EXPECT_EQ(get("/data/stp-parks/1.5").status, 404u);
  for (const char* q : {"page=0", "page=x", "page_size=0", "page_size=101", "page=1e3", "page=100001",
                        "page=2147483647", "page=2147483648", "page=999999999&page_size=100", "page=-1"}) {
    auto r = get(std::string("/data/stp-parks/1.0?") + q);
    EXPECT_EQ(r.status, 400u) << q;
    EXPECT_EQ(problem_type(r), "/problems/invalid-page") << q;
  }
  // The last numbered page (a listing's numbered pages hold its first 10,000 records; the next
  // link goes on by cursor past them), empty here; the one after it is refused.
  EXPECT_EQ(problem_type(get("/data/stp-parks/1.0?page=101&page_size=100")), "/problems/invalid-page");
  auto deepest = get("/data/stp-parks/1.0?page=100&page_size=100");
  ASSERT_EQ(deepest.status, 200u) << deepest.body;
  EXPECT_TRUE(deepest.json()["results"].empty());
  EXPECT_TRUE(deepest.json()["next"].is_null());

  // Other query parameters are carried into next and previous percent-encoded: a value holding
  // '&', '=', '%' or a space stays one value.
  auto odd = get("/data/stp-parks/1.0?page=2&page_size=2&ordering=name%26page%3D9%20%25x");
  ASSERT_EQ(odd.status, 200u) << odd.body;
  for (const char* link : {"next", "previous"}) {
    const std::string l = odd.json()[link].get<std::string>();
    EXPECT_NE(l.find("ordering=name%26page%3D9%20%25x"), std::string::npos) << l;
    EXPECT_EQ(l.find("&page=9"), std::string::npos) << l;
    auto followed = get(l);
    EXPECT_EQ(followed.status, 200u) << l << followed.body;
  }
  auto priv = get("/data/gs-persons/1.0?query.birth_certificate_id=RR-123456");
  EXPECT_EQ(priv.status, 400u) << priv.body;
  EXPECT_EQ(problem_type(priv), "/problems/field-not-searchable");
  EXPECT_EQ(get("/data/stp-parks/1.0?query.no_such_field=1").status, 400u);
}

TEST_F(GovStackRegistries, ReadExistsAndReadValue) {
  auto read = post("/data/stp-parks/1.0/read", {{"query", {{"content", {{"ID", "stp-gakuch"}}}}}});
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json()["content"]["ID"], "stp-gakuch");
  std::string city = read.json()["content"]["city"];
  auto by_field = post("/data/stp-parks/1.0/read", {{"query", {{"content", {{"city", city}}}}}});
  ASSERT_EQ(by_field.status, 200u) << by_field.body;
  EXPECT_EQ(by_field.json()["content"]["city"], city);

  auto yes = post("/data/stp-parks/1.0/exists", {{"query", {{"content", {{"ID", "stp-gakuch"}}}}}});
  ASSERT_EQ(yes.status, 200u) << yes.body;
  EXPECT_EQ(yes.json()["answer"]["status"], true);
  auto no = post("/data/stp-parks/1.0/exists", {{"query", {{"content", {{"ID", "stp-nowhere"}}}}}});
  ASSERT_EQ(no.status, 200u) << no.body;
  EXPECT_EQ(no.json()["answer"]["status"], false);
  EXPECT_TRUE(no.json()["answer"]["message"].is_string());

  auto missing = post("/data/stp-parks/1.0/read", {{"query", {{"content", {{"ID", "stp-nowhere"}}}}}});
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.json()["detail"], "no record found");
  for (const json& bad : {json::object(), json{{"query", 1}}, json{{"query", {{"content", "x"}}}},
                          json{{"write", {{"content", json::object()}}}}}) {
    EXPECT_EQ(post("/data/stp-parks/1.0/read", bad).status, 400u) << bad;
    EXPECT_EQ(post("/data/stp-parks/1.0/exists", bad).status, 400u) << bad;
  }
  EXPECT_EQ(gs.request("POST", "/data/stp-parks/1.0/read", "not json", {{"Content-Type", "application/json"}}).status, 400u);
  EXPECT_EQ(post("/data/no-such/1.0/read", {{"query", {{"content", {{"ID", "x"}}}}}}).status, 404u);
  EXPECT_EQ(post("/data/stp-parks/9/exists", {{"query", {{"content", {{"ID", "x"}}}}}}).status, 404u);

  auto value = get("/data/stp-parks/1.0/stp-gakuch/read-value/city.json");
  ASSERT_EQ(value.status, 200u) << value.body;
  EXPECT_EQ(value.json()["value"], city);
  EXPECT_EQ(get("/data/stp-parks/1.0/stp-gakuch/read-value/ID.json").json()["value"], "stp-gakuch");
  EXPECT_EQ(problem_type(get("/data/stp-parks/1.0/stp-gakuch/read-value/nothing.json")), "/problems/field-not-found");
  EXPECT_EQ(get("/data/stp-parks/1.0/stp-gakuch/read-value/city.xml").status, 400u);
  EXPECT_EQ(get("/data/stp-parks/1.0/stp-gakuch/read-value/city").status, 400u);
  auto gone = get("/data/stp-parks/1.0/stp-nowhere/read-value/city.json");
  EXPECT_EQ(gone.status, 404u);
  EXPECT_EQ(gone.json()["detail"], "no record found");
}

TEST_F(GovStackRegistries, CreateIsTheOwningAgencysAndThePortalShowsTheRecord) {
  const std::string nitb = member_of("nitb");
  Person nitb_admin = last_admin_;
  const json person = {{"first_name", "Usha"}, {"last_name", "Bajaj"}, {"city", "Quetta"},
                       {"birth_certificate_id", "RR-" + std::to_string(100000 + getpid() % 800000)}};
  auto created = post("/data/gs-persons/1.0/create", {{"write", {{"content", person}}}}, nitb);
  ASSERT_EQ(created.status, 200u) << created.body;
  json content = created.json()["content"];
  std::string id = content["ID"];
  EXPECT_EQ(id.rfind("GSP-", 0), 0u) << id;
  EXPECT_EQ(content["first_name"], "Usha");

  // The same record in the portal: public fields for the public, every field for NITB's staff.
  auto pub = portal.get("/v1/registries/gs-persons/records/" + id);
  ASSERT_EQ(pub.status, 200u) << pub.body;
  EXPECT_EQ(pub.json()["fields"]["last_name"], "Bajaj");
  EXPECT_FALSE(pub.json()["fields"].contains("birth_certificate_id"));
  auto full = portal.get("/v1/registries/gs-persons/records/" + id, bearer(nitb_admin.token));
  ASSERT_EQ(full.status, 200u) << full.body;
  EXPECT_EQ(full.json()["fields"]["birth_certificate_id"], person["birth_certificate_id"]);
  ASSERT_FALSE(full.json()["history"].empty());
  EXPECT_EQ(full.json()["history"][0]["actor"], "client:" + nitb.substr(nitb.rfind('/') + 1));  // as audited
  EXPECT_EQ(post("/data/gs-persons/1.0/exists", {{"query", {{"content", {{"ID", id}}}}}}).json()["answer"]["status"], true);

  // The same key again: the registry's unique rule.
  auto dup = post("/data/gs-persons/1.0/create", {{"write", {{"content", person}}}}, nitb);
  EXPECT_EQ(dup.status, 409u) << dup.body;
  EXPECT_EQ(problem_type(dup), "/problems/duplicate-record");
  // Invalid content: the schema's rules.
  json bad = person;
  bad["birth_certificate_id"] = "not-a-certificate";
  EXPECT_EQ(post("/data/gs-persons/1.0/create", {{"write", {{"content", bad}}}}, nitb).status, 422u);
  EXPECT_EQ(post("/data/gs-persons/1.0/create", {{"write", {{"content", {{"first_name", "X"}}}}}}, nitb).status, 422u);
  EXPECT_EQ(post("/data/gs-persons/1.0/create", {{"query", {{"content", person}}}}, nitb).status, 400u);
  EXPECT_EQ(post("/data/gs-persons/7.0/create", {{"write", {{"content", person}}}}, nitb).status, 404u);

  // Another agency's client, and an anonymous caller, are refused.
  json other = person;
  other["birth_certificate_id"] = "RR-9999999";
  auto foreign = post("/data/gs-persons/1.0/create", {{"write", {{"content", other}}}}, member_of("pseb"));
  EXPECT_EQ(foreign.status, 403u) << foreign.body;
  EXPECT_EQ(problem_type(foreign), "/problems/registry-access-denied");
  EXPECT_EQ(post("/data/gs-persons/1.0/create", {{"write", {{"content", other}}}}).status, 401u);

  // Delete: the record is revoked (never erased), by the owning agency only.
  auto del = [&](const std::string& path, const std::string& member) {
    std::map<std::string, std::string> h;
    if (!member.empty()) h["Information-Mediator-Client"] = member;
    return gs.request("DELETE", path, {}, h);
  };
  EXPECT_EQ(del("/data/gs-persons/1.0/" + id + "/delete", member_of("pseb")).status, 403u);
  EXPECT_EQ(del("/data/gs-persons/1.0/" + id + "/delete", "").status, 401u);
  EXPECT_EQ(del("/data/gs-persons/1.0/GSP-0000-000000/delete", nitb).status, 404u);
  EXPECT_EQ(del("/data/gs-persons/3/" + id + "/delete", nitb).status, 404u);
  ASSERT_EQ(del("/data/gs-persons/1.0/" + id + "/delete", nitb).status, 204u);
  EXPECT_EQ(portal.get("/v1/registries/gs-persons/records/" + id).json()["status"], "revoked");
  auto again = del("/data/gs-persons/1.0/" + id + "/delete", nitb);  // already revoked: gone
  EXPECT_EQ(again.status, 404u) << again.body;
  EXPECT_EQ(again.json()["detail"], "no record found");
  // Its key is free again.
  EXPECT_EQ(post("/data/gs-persons/1.0/create", {{"write", {{"content", person}}}}, nitb).status, 200u);
}

// Suspended and revoked records are not current: the Data API finds only what the portal's
// public list shows for status "active".
TEST_F(GovStackRegistries, SuspendedAndRevokedRecordsAreNotFound) {
  const std::string nitb = member_of("nitb");
  Person nitb_admin = last_admin_;
  const std::string last_name = "Status" + std::to_string(getpid());
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    const json person = {{"first_name", "Rani" + std::to_string(i)}, {"last_name", last_name}, {"city", "Sibi"},
                         {"birth_certificate_id", "RR-" + std::to_string(200000 + getpid() % 700000) + std::to_string(i)}};
    auto created = post("/data/gs-persons/1.0/create", {{"write", {{"content", person}}}}, nitb);
    ASSERT_EQ(created.status, 200u) << created.body;
    ids.push_back(created.json()["content"]["ID"]);
  }
  const std::string& id = ids[0];
  auto status = [&](const std::string& record, const std::string& action) {
    return portal.post_json("/v1/registries/gs-persons/records/" + record + "/status",
                            {{"action", action}, {"reason", "GovStack visibility test"}}, bearer(nitb_admin.token));
  };
  auto listed = [&](const std::string& query) { return get("/data/gs-persons/1.0?" + query).json()["count"].get<int>(); };
  auto exists = [&](const json& content) {
    return post("/data/gs-persons/1.0/exists", {{"query", {{"content", content}}}}).json()["answer"]["status"].get<bool>();
  };
  auto seen_everywhere = [&](bool seen) {
    EXPECT_EQ(listed("query.ID=" + id), seen ? 1 : 0);
    EXPECT_EQ(listed("query.last_name=" + last_name), seen ? 2 : 1);
    EXPECT_EQ(listed("search=" + last_name), seen ? 2 : 1);
    EXPECT_EQ(exists({{"ID", id}}), seen);
    EXPECT_EQ(exists({{"first_name", "Rani0"}, {"last_name", last_name}}), seen);
    auto read = post("/data/gs-persons/1.0/read", {{"query", {{"content", {{"ID", id}}}}}});
    EXPECT_EQ(read.status, seen ? 200u : 404u) << read.body;
    auto value = get("/data/gs-persons/1.0/" + id + "/read-value/city.json");
    EXPECT_EQ(value.status, seen ? 200u : 404u) << value.body;
    if (!seen) {
      EXPECT_EQ(read.json()["detail"], "no record found");
      EXPECT_EQ(value.json()["detail"], "no record found");
    }
    // The owning agency's own caller sees no more than the public here.
    auto own = post("/data/gs-persons/1.0/read", {{"query", {{"content", {{"ID", id}}}}}}, nitb);
    EXPECT_EQ(own.status, seen ? 200u : 404u) << own.body;
  };
  seen_everywhere(true);
  ASSERT_EQ(status(id, "suspend").status, 200u);
  seen_everywhere(false);
  // The other record is still found, and the portal still shows the suspended one as such.
  EXPECT_EQ(exists({{"ID", ids[1]}}), true);
  EXPECT_EQ(portal.get("/v1/registries/gs-persons/records/" + id).json()["status"], "suspended");
  ASSERT_EQ(status(id, "reinstate").status, 200u);
  seen_everywhere(true);
  ASSERT_EQ(status(id, "revoke").status, 200u);
  seen_everywhere(false);
  // Deleting a revoked record: it is gone (404), the portal keeps it revoked.
  auto del = gs.request("DELETE", "/data/gs-persons/1.0/" + id + "/delete", {}, {{kHeader, nitb}});
  EXPECT_EQ(del.status, 404u) << del.body;
  EXPECT_EQ(portal.get("/v1/registries/gs-persons/records/" + id).json()["status"], "revoked");
}

TEST_F(GovStackRegistries, MemberHeaderNamesAKnownClient) {
  const std::string nitb = member_of("nitb");
  EXPECT_EQ(get("/databases", nitb).status, 200u);
  auto malformed = get("/databases", "eGovStack/GOV/nitb");
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(problem_type(malformed), "/problems/invalid-member-header");
  EXPECT_EQ(get("/databases", "eGovStack/GOV/nitb/a/b").status, 400u);
  EXPECT_EQ(get("/databases", "eGovStack//nitb/x").status, 400u);
  std::string client = nitb.substr(nitb.rfind('/') + 1);
  for (const std::string& unknown : std::vector<std::string>{"eGovStack/GOV/nitb/cli_unknown", "eGovStack/GOV/pseb/" + client,
                                     "OtherInstance/GOV/nitb/" + client, "eGovStack/COM/nitb/" + client}) {
    auto r = get("/databases", unknown);
    EXPECT_EQ(r.status, 401u) << unknown;
    EXPECT_EQ(problem_type(r), "/problems/unknown-member") << unknown;
  }
  // A revoked client is no longer a member.
  ASSERT_EQ(portal.request("DELETE", "/v1/agencies/nitb/clients/" + client, {}, bearer(last_admin_.token)).status, 204u);
  EXPECT_EQ(get("/databases", nitb).status, 401u);
}

TEST_F(GovStackRegistries, DatabaseApiDescribesEachRegistry) {
  auto all = get("/databases");
  ASSERT_EQ(all.status, 200u) << all.body;
  json parks;
  const json listed = all.json();
  for (const auto& d : listed["databases"])
    if (d["name"] == "stp-parks") parks = d;
  ASSERT_TRUE(parks.is_object());
  EXPECT_EQ(parks["version"], "1.0");
  EXPECT_TRUE(parks["id"].is_number_integer());
  EXPECT_EQ(parks["schema"]["type"], "object");
  EXPECT_TRUE(parks["schema"]["properties"].contains("city"));
  EXPECT_TRUE(parks["schema"]["properties"]["ID"]["primaryKey"].get<bool>());
  // Real values only: records written (the portal's count over every status), the operations
  // the Data API serves; nothing Darwaza has no value for.
  EXPECT_GE(parks["data_index_increment"].get<int>(), 10);
  EXPECT_EQ(parks["data_index_increment"], portal.get("/v1/registries/stp-parks/records?page_size=1").json()["total"]);
  std::vector<std::string> services;
  for (const auto& svc : parks["generic_services"]) {
    services.push_back(svc["name"]);
    EXPECT_EQ(svc["service_id"].get<std::size_t>(), services.size());
    EXPECT_FALSE(svc.contains("used_count")) << svc;
  }
  EXPECT_EQ(services, (std::vector<std::string>{"data-list", "data-create", "data-exists", "data-read",
                                                "data-read-value", "data-delete", "data-update",
                                                "data-update-entries", "data-update-or-create"}));
  std::int64_t written = 0;
  for (const auto& d : listed["databases"]) written += d["data_index_increment"].get<std::int64_t>();
  EXPECT_EQ(listed["data_index_increment"], written);
  for (const char* placeholder : {"id", "group_id", "order"}) EXPECT_FALSE(listed.contains(placeholder)) << placeholder;

  auto one = get("/database/" + std::to_string(parks["id"].get<long long>()));
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json()["name"], "stp-parks");
  EXPECT_EQ(one.json(), parks);
  EXPECT_EQ(problem_type(get("/database/abc")), "/problems/invalid-database-id");
  EXPECT_EQ(get("/database/-1").status, 400u);
  EXPECT_EQ(problem_type(get("/database/999999999999")), "/problems/database-not-found");
  // Schemas change through `darwaza registry load`, not through the API.
  EXPECT_EQ(gs.request("DELETE", "/database/" + std::to_string(parks["id"].get<long long>())).status, 405u);
  EXPECT_EQ(post("/database/modify", json::object()).status, 405u);  // the path reads as /database/{id}
}

// --govstack-require-client: a known member is served, anyone else refused; members share the
// per-client rate limit of the portal's expensive routes (list, exists, read).
TEST(GovStackListener, RequiredMemberHeaderServesMembersRefusesOthersAndRateLimits) {
  ServerProcess s({"--registry-dir", DARWAZA_SOURCE_DIR "/data/registries", "--govstack-registries", "127.0.0.1:0",
                   "--govstack-require-client", "--rate-limit-per-minute", "1", "--rate-limit-burst", "4"});
  s.start();
  auto gs = s.client_of("govstack-registries");
  auto portal = s.client();
  const std::string member = govstack_member(portal, s, "stp");  // its login takes one token
  const std::map<std::string, std::string> valid{{kHeader, member}};

  auto served = gs.get("/data/stp-parks/1.0", valid);
  EXPECT_EQ(served.status, 200u) << served.body;
  EXPECT_GE(served.json()["count"].get<int>(), 10);
  EXPECT_EQ(gs.get("/databases", valid).status, 200u);

  auto anonymous = gs.get("/databases");
  EXPECT_EQ(anonymous.status, 401u) << anonymous.body;
  EXPECT_EQ(anonymous.json().value("type", ""), "/problems/member-header-required");
  auto unknown = gs.get("/databases", {{kHeader, "eGovStack/GOV/stp/cli_unknown"}});
  EXPECT_EQ(unknown.status, 401u) << unknown.body;
  EXPECT_EQ(unknown.json().value("type", ""), "/problems/unknown-member");

  // The burst spent, list, exists and read answer 429 with Retry-After; cheap reads do not.
  HttpResponse limited;
  for (int i = 0; i < 10 && limited.status != 429u; ++i) limited = gs.get("/data/stp-parks/1.0", valid);
  ASSERT_EQ(limited.status, 429u) << limited.body;
  EXPECT_EQ(limited.json().value("type", ""), "/problems/rate-limited");
  ASSERT_TRUE(limited.headers.count("retry-after"));
  EXPECT_GT(std::stoi(limited.headers.at("retry-after")), 0);
  const json query = {{"query", {{"content", {{"ID", "stp-gakuch"}}}}}};
  for (const char* op : {"/exists", "/read"}) {
    auto r = gs.post_json(std::string("/data/stp-parks/1.0") + op, query, valid);
    EXPECT_EQ(r.status, 429u) << op << r.body;
    EXPECT_TRUE(r.headers.count("retry-after")) << op;
  }
  EXPECT_EQ(gs.get("/data/stp-parks/1.0/stp-gakuch/read-value/city.json", valid).status, 200u);
  EXPECT_EQ(gs.get("/databases", valid).status, 200u);

  // The portal's own listener is unaffected by the header rule, and GovStack paths are not served there.
  EXPECT_EQ(portal.get("/v1/registries").status, 200u);
  EXPECT_EQ(portal.get("/databases").status, 404u);
}

}  // namespace
