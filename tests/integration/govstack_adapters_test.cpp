// End-to-end: the GovStack Registration (services, eForms, application files), Information
// Mediator directory services and Consent (policies, data agreements) APIs, each on its own
// listener (../shared/govstack), over the shipped data and the test services loaded with
// `darwaza catalog load`.
#include <gtest/gtest.h>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

class GovStackAdapters : public GovStackSuite {
 protected:
  static void SetUpTestSuite() { start_govstack({"registration", "mediator", "consent"}, kTestServices); }

  HttpClient reg = govstack("registration");
  HttpClient im = govstack("mediator");
  HttpClient consent = govstack("consent");
};

// ---- Registration ---------------------------------------------------------------------------

TEST_F(GovStackAdapters, ServicesAndEForms) {
  auto all = reg.get("/services");
  ASSERT_EQ(all.status, 200u) << all.body;
  ASSERT_TRUE(all.json().is_array());
  json permit;
  const json listed = all.json();
  for (const auto& s : listed)
    if (s["id"] == "test-permit") permit = s;
  ASSERT_TRUE(permit.is_object());
  EXPECT_EQ(permit["name"], "Test permit");
  EXPECT_EQ(permit["type"], "Public");
  EXPECT_TRUE(permit["version"].is_string());
  EXPECT_GE(listed.size(), 9u);
  auto named = reg.get("/services?name=Test%20permit").json();
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(named[0]["id"], "test-permit");
  EXPECT_TRUE(reg.get("/services?name=zzzqqq").json().empty());

  auto one = reg.get("/services/test-permit");
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json(), permit);
  EXPECT_EQ(reg.get("/services/no-such-service").status, 404u);
  EXPECT_EQ(reg.get("/services/%ZZ").status, 404u);  // not a path at all

  auto forms = reg.get("/services/test-permit/eForms");
  ASSERT_EQ(forms.status, 200u) << forms.body;
  ASSERT_EQ(forms.json().size(), 1u);
  std::string form_id = forms.json()[0]["eFormId"];
  EXPECT_EQ(forms.json()[0]["latest"], true);
  EXPECT_EQ(reg.get("/services/no-such-service/eForms").status, 404u);
  auto form = reg.get("/eForms/" + form_id);
  ASSERT_EQ(form.status, 200u) << form.body;
  json schema = form.json()["schema"];
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["properties"]["employees"]["type"], "integer");
  EXPECT_EQ(schema["properties"]["endpoints"]["type"], "array");
  EXPECT_NE(std::find(schema["required"].begin(), schema["required"].end(), "purpose"), schema["required"].end());
  EXPECT_EQ(reg.get("/eForms/no-such-form").status, 404u);
}

TEST_F(GovStackAdapters, ApplicationFilesAreTheApplicantsOwn) {
  Person p = signed_in(portal, "GovStack Applicant");
  auto sub = portal.post_json("/v1/applications",
                              {{"service_id", "test-permit"},
                               {"data", {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}}},
                              bearer(p.token));
  ASSERT_EQ(sub.status, 201u) << sub.body;
  std::string id = sub.json()["id"];

  auto list = reg.get("/applications", bearer(p.token));
  ASSERT_EQ(list.status, 200u) << list.body;
  ASSERT_EQ(list.json().size(), 1u);
  json file = list.json()[0];
  EXPECT_EQ(file["fileId"], id);
  EXPECT_EQ(file["serviceId"], "test-permit");
  EXPECT_EQ(file["status"]["code"], "PENDING");
  EXPECT_EQ(file["applicantId"], p.id);
  EXPECT_TRUE(reg.get("/applications?serviceId=pta-vpn-registration", bearer(p.token)).json().empty());
  EXPECT_TRUE(reg.get("/applications?firstResult=1", bearer(p.token)).json().empty());
  EXPECT_EQ(reg.get("/applications?maxResult=0", bearer(p.token)).status, 400u);
  EXPECT_EQ(reg.get("/applications?firstResult=x", bearer(p.token)).status, 400u);
  EXPECT_EQ(reg.get("/applications?applicantId=usr_someone_else", bearer(p.token)).status, 403u);

  auto one = reg.get("/applications/" + id, bearer(p.token));
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json()["applicationData"]["formData"]["data"]["purpose"], "Remote development for export clients");
  EXPECT_EQ(one.json()["ended"], false);
  // Another person, an unknown id, no credentials, an API client: refused.
  Person other = signed_in(portal, "Someone Else");
  EXPECT_EQ(reg.get("/applications/" + id, bearer(other.token)).status, 404u);
  EXPECT_EQ(reg.get("/applications/app_nothing", bearer(p.token)).status, 404u);
  EXPECT_EQ(reg.get("/applications").status, 401u);
  EXPECT_EQ(reg.get("/applications", {{"Information-Mediator-Client", member_of("pta")}}).status, 403u);
}

// ---- Information Mediator -------------------------------------------------------------------

TEST_F(GovStackAdapters, ListClientsNamesAgenciesAndTheirApplications) {
  const std::string member = member_of("pseb");
  const std::string client = member.substr(member.rfind('/') + 1);
  auto r = im.get("/listClients");
  ASSERT_EQ(r.status, 200u) << r.body;
  bool agency = false, provider = false, consumer = false;
  const json listed = r.json();
  for (const auto& m : listed["member"]) {
    const json& id = m["id"];
    EXPECT_EQ(id["instanceId"], "eGovStack");
    EXPECT_EQ(id["memberClass"], "GOV");
    if (id["memberCode"] != "pseb") continue;
    if (id["objectType"] == "MEMBER") agency = true;
    if (id["objectType"] == "APPLICATION" && id["applicationCode"] == "registries") provider = true;
    if (id["objectType"] == "APPLICATION" && id["applicationCode"] == client) consumer = true;
  }
  EXPECT_TRUE(agency && provider && consumer) << r.body;
  EXPECT_TRUE(im.get("/listClients?instanceId=OTHER").json()["member"].empty());
  EXPECT_FALSE(im.get("/listClients?instanceId=eGovStack").json()["member"].empty());
}

TEST_F(GovStackAdapters, ListMethodsAllowedMethodsAndOpenApiWithAndWithoutPrefix) {
  const std::string pseb = member_of("pseb"), fbr = member_of("fbr");
  for (const std::string prefix : {"", "/r1"}) {
    const std::string base = prefix + "/eGovStack/GOV/pseb/registries";
    auto methods = im.get(base + "/listMethods");
    ASSERT_EQ(methods.status, 200u) << prefix << methods.body;
    json companies;
    const json listed = methods.json();
    for (const auto& s : listed["member"])
      if (s["serviceCode"] == "pseb-companies") companies = s;
    ASSERT_TRUE(companies.is_object()) << methods.body;
    EXPECT_EQ(companies["objectType"], "SERVICE");
    EXPECT_EQ(companies["serviceType"], "REST");
    EXPECT_EQ(companies["serviceVersion"], "1.0");
    auto has = [](const json& svc, const std::string& method, const std::string& path) {
      for (const auto& e : svc["endpointList"]["member"])
        if (e["method"] == method && e["path"] == path) return true;
      return false;
    };
    EXPECT_TRUE(has(companies, "POST", "/data/pseb-companies/1.0/create"));
    auto one = im.get(base + "/listMethods?serviceId=pseb-companies").json();
    ASSERT_EQ(one["member"].size(), 1u);

    // PSEB's own client may create; FBR's and an anonymous caller only read.
    auto mine = im.get(base + "/allowedMethods?serviceId=pseb-companies", {{"X-GovStack-Client", pseb}});
    ASSERT_EQ(mine.status, 200u) << mine.body;
    EXPECT_TRUE(has(mine.json()["member"][0], "POST", "/data/pseb-companies/1.0/create"));
    for (const auto& [method, op] : {std::pair{"PUT", "/update"}, std::pair{"PUT", "/update-entries"},
                                     std::pair{"POST", "/update-or-create"}}) {
      EXPECT_TRUE(has(companies, method, std::string("/data/pseb-companies/1.0") + op)) << op;
      EXPECT_TRUE(has(mine.json()["member"][0], method, std::string("/data/pseb-companies/1.0") + op)) << op;
    }
    for (const std::map<std::string, std::string>& h :
         {std::map<std::string, std::string>{{"Information-Mediator-Client", fbr}}, std::map<std::string, std::string>{}}) {
      auto theirs = im.get(base + "/allowedMethods?serviceId=pseb-companies", h);
      ASSERT_EQ(theirs.status, 200u) << theirs.body;
      EXPECT_FALSE(has(theirs.json()["member"][0], "POST", "/data/pseb-companies/1.0/create"));
      EXPECT_FALSE(has(theirs.json()["member"][0], "PUT", "/data/pseb-companies/1.0/update"));
      EXPECT_TRUE(has(theirs.json()["member"][0], "POST", "/data/pseb-companies/1.0/read"));
    }

    auto api = im.get(base + "/getOpenAPI?serviceCode=pseb-companies");
    ASSERT_EQ(api.status, 200u) << api.body;
    EXPECT_EQ(api.json()["openapi"], "3.0.0");
    EXPECT_TRUE(api.json()["paths"].contains("/data/pseb-companies/1.0/read"));
    // Each body is the specification's envelope around a record of the registry.
    const json update = api.json()["paths"]["/data/pseb-companies/1.0/update"]["put"];
    const json body = update["requestBody"]["content"]["application/json"]["schema"];
    EXPECT_EQ(body["required"], json::array({"write"})) << update;
    EXPECT_EQ(body["properties"]["write"]["properties"]["content"]["$ref"], "#/components/schemas/pseb-companies");
    EXPECT_TRUE(body["properties"].contains("query")) << update;
    EXPECT_EQ(api.json()["paths"]["/data/pseb-companies/1.0/read"]["post"]["requestBody"]["content"]["application/json"]
                 ["schema"]["required"],
              json::array({"query"}));
    EXPECT_TRUE(api.json()["components"]["schemas"]["pseb-companies"]["properties"].contains("company_name"));

    // The registration application lists the agency's services.
    auto services = im.get(prefix + "/eGovStack/GOV/pta/registration/listMethods").json();
    bool permit = false;
    for (const auto& s : services["member"]) permit = permit || s["serviceCode"] == "test-permit";
    EXPECT_TRUE(permit);
    // A consumer application provides nothing.
    auto consumer = im.get(prefix + "/eGovStack/GOV/pseb/" + pseb.substr(pseb.rfind('/') + 1) + "/listMethods");
    ASSERT_EQ(consumer.status, 200u) << consumer.body;
    EXPECT_TRUE(consumer.json()["member"].empty());

    // Refusals: unknown instance, class, member, application or service; no service code.
    for (const std::string bad : {"/OTHER/GOV/pseb/registries", "/eGovStack/COM/pseb/registries",
                                  "/eGovStack/GOV/nobody/registries", "/eGovStack/GOV/pseb/nothing"}) {
      auto r = im.get(prefix + bad + "/listMethods");
      EXPECT_EQ(r.status, 400u) << bad;
      EXPECT_EQ(problem_type(r), "/problems/unknown-service-provider") << bad;
      EXPECT_EQ(im.get(prefix + bad + "/allowedMethods").status, 400u) << bad;
    }
    EXPECT_EQ(problem_type(im.get(base + "/listMethods?serviceId=nothing")), "/problems/unknown-service");
    EXPECT_EQ(problem_type(im.get(base + "/getOpenAPI")), "/problems/service-code-required");
    EXPECT_EQ(im.get(base + "/getOpenAPI?serviceCode=nothing").status, 400u);
  }
  // A header naming no known member is refused before anything is listed.
  EXPECT_EQ(im.get("/listClients", {{"X-GovStack-Client", "eGovStack/GOV/pseb/cli_nobody"}}).status, 401u);
}

// The registration application's endpoints are the Registration listener's routes (one table):
// each is served there, and the caller's allowed methods follow the route's access.
TEST_F(GovStackAdapters, TheRegistrationProviderListsTheEndpointsServed) {
  auto listed = im.get("/eGovStack/GOV/pta/registration/listMethods?serviceId=test-permit");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(listed.json()["member"].size(), 1u);
  const json endpoints = listed.json()["member"][0]["endpointList"]["member"];
  auto has = [](const json& eps, const std::string& method, const std::string& path) {
    for (const auto& e : eps)
      if (e["method"] == method && e["path"] == path) return true;
    return false;
  };
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/services/test-permit"}, {"GET", "/services/test-permit/eForms"}, {"GET", "/eForms/test-permit"},
           {"POST", "/services/test-permit/applications"}, {"GET", "/applications"}, {"GET", "/applications/{fileId}"},
           {"PUT", "/applications/{fileId}"}, {"POST", "/documents"}, {"GET", "/tasks"}, {"GET", "/tasks/{taskId}"},
           {"POST", "/tasks/{taskId}/complete"}, {"GET", "/data/statistics/1.0"}, {"GET", "/services"}})
    EXPECT_TRUE(has(endpoints, method, path)) << method << " " << path << " in " << endpoints.dump();
  EXPECT_EQ(endpoints.size(), 13u) << endpoints.dump();
  // Each is served on the Registration listener: no 405, no unknown path (its own 4xx at most).
  Person officer = staff("pta");
  for (const auto& e : endpoints) {
    std::string path = e["path"];
    for (const std::string param : {"{fileId}", "{taskId}"})
      if (auto at = path.find(param); at != std::string::npos) path.replace(at, param.size(), "x");
    auto r = reg.request(e["method"].get<std::string>(), path, "{}", {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + officer.token}});
    EXPECT_NE(r.status, 405u) << e.dump() << r.body;
    EXPECT_NE(problem_type(r), "/problems/not-found") << e.dump() << r.body;
    EXPECT_LT(r.status, 500u) << e.dump() << r.body;
  }

  // Allowed: the public reads for everyone; applying and files for signed-in people; tasks for
  // the owning agency's staff only.
  auto allowed = [&](const std::map<std::string, std::string>& h) {
    auto r = im.get("/eGovStack/GOV/pta/registration/allowedMethods?serviceId=test-permit", h);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["member"].empty() ? json::array() : r.json()["member"][0]["endpointList"]["member"];
  };
  const json anonymous = allowed({});
  EXPECT_TRUE(has(anonymous, "GET", "/services/test-permit"));
  EXPECT_FALSE(has(anonymous, "POST", "/services/test-permit/applications"));
  EXPECT_FALSE(has(anonymous, "GET", "/tasks"));
  Person citizen = signed_in(portal, "Directory Reader");
  const json as_citizen = allowed(bearer(citizen.token));
  EXPECT_TRUE(has(as_citizen, "POST", "/services/test-permit/applications"));
  EXPECT_TRUE(has(as_citizen, "PUT", "/applications/{fileId}"));
  EXPECT_FALSE(has(as_citizen, "GET", "/tasks"));
  EXPECT_TRUE(has(allowed(bearer(officer.token)), "POST", "/tasks/{taskId}/complete"));
  EXPECT_FALSE(has(allowed(bearer(staff("pseb").token)), "POST", "/tasks/{taskId}/complete"));
  const json as_client = allowed({{"Information-Mediator-Client", member_of("pta")}});
  EXPECT_FALSE(has(as_client, "POST", "/services/test-permit/applications"));
  EXPECT_TRUE(has(as_client, "GET", "/eForms/test-permit"));

  // The OpenAPI description: path parameters, and the bodies (the service's form inside formData).
  auto api = im.get("/eGovStack/GOV/pta/registration/getOpenAPI?serviceCode=test-permit");
  ASSERT_EQ(api.status, 200u) << api.body;
  const json paths = api.json()["paths"];
  EXPECT_EQ(paths.size(), 12u) << paths.dump();  // 13 endpoints, /applications/{fileId} with two methods
  const json apply = paths["/services/test-permit/applications"]["post"];
  EXPECT_EQ(apply["operationId"], "submitApplicationFile");
  EXPECT_EQ(apply["requestBody"]["content"]["application/json"]["schema"]["properties"]["formData"]["properties"]["data"]["$ref"],
            "#/components/schemas/test-permit");
  const json put = paths["/applications/{fileId}"]["put"];
  EXPECT_EQ(put["operationId"], "updateApplicationFileForm");
  EXPECT_EQ(put["parameters"][0]["name"], "fileId");
  EXPECT_EQ(put["parameters"][0]["in"], "path");
  EXPECT_TRUE(paths["/documents"]["post"]["requestBody"]["content"].contains("multipart/form-data"));
  EXPECT_FALSE(paths["/services/test-permit"]["get"].contains("requestBody"));
  EXPECT_TRUE(api.json()["components"]["schemas"]["test-permit"]["properties"].contains("purpose"));
}

// ---- Consent --------------------------------------------------------------------------------

TEST_F(GovStackAdapters, PoliciesAndDataAgreementsDescribeTheLegalBases) {
  auto bases = portal.get("/v1/legal-bases").json()["items"];
  ASSERT_FALSE(bases.empty());
  const std::string id = bases[0]["id"];

  auto policies = consent.get("/config/policies/");
  ASSERT_EQ(policies.status, 200u) << policies.body;
  EXPECT_EQ(policies.json()["policies"].size(), bases.size());
  EXPECT_EQ(consent.get("/config/policies/?limit=1").json()["policies"].size(), 1u);
  EXPECT_TRUE(consent.get("/config/policies/?offset=1000").json()["policies"].empty());
  for (const char* q : {"limit=0", "limit=101", "offset=-1", "limit=x"})
    EXPECT_EQ(consent.get(std::string("/config/policies/?") + q).status, 400u) << q;

  for (const std::string path : {"/config/policy/", "/service/policy/"}) {
    auto p = consent.get(path + id + "/");
    ASSERT_EQ(p.status, 200u) << p.body;
    EXPECT_EQ(p.json()["policy"]["id"], id);
    for (const char* required : {"id", "name", "version", "url"}) EXPECT_TRUE(p.json()["policy"].contains(required));
    EXPECT_EQ(p.json()["revision"]["objectId"], id);
    EXPECT_EQ(consent.get(path + id).status, 200u);  // without the trailing slash too
    EXPECT_EQ(consent.get(path + "no-such-policy/").status, 400u);
    EXPECT_EQ(consent.get(path + id + "/?revisionId=nothing").status, 400u);
    std::string rev = p.json()["revision"]["id"];
    EXPECT_EQ(consent.get(path + id + "/?revisionId=" + rev).status, 200u);
  }

  auto list = consent.get("/config/data-agreements/");
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(list.json()["dataAgreement"].size(), bases.size());
  for (const std::string path : {"/config/data-agreement/", "/service/data-agreement/"}) {
    auto a = consent.get(path + id + "/");
    ASSERT_EQ(a.status, 200u) << a.body;
    json da = a.json()["dataAgreement"];
    EXPECT_EQ(da["id"], id);
    EXPECT_EQ(da["lawfulBasis"], "legal_obligation");
    EXPECT_EQ(da["controller"]["id"], bases[0]["agency"]);
    EXPECT_EQ(da["dataAttributes"].size(), bases[0]["fields"].size());
    EXPECT_EQ(da["policy"]["id"], id);
    EXPECT_EQ(consent.get(path + "no-such-agreement/").status, 400u);
  }
  // Writes are not served: consents are given by citizens in the portal.
  EXPECT_EQ(consent.request("DELETE", "/config/policy/" + id + "/").status, 405u);
}

}  // namespace
