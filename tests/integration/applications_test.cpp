// End-to-end: the catalog, applications through their workflow, payments, drafts, idempotency,
// visibility rules, and certificates verified online and offline.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <thread>

#include "certificates/certificate.hpp"
#include "certificates/qr.hpp"
#include "certificates/signing.hpp"
#include "core/working_days.hpp"
#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

ServerProcess* g_server = nullptr;

class Applications : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_server = new ServerProcess({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
    g_server->start();
  }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
  }
  HttpClient c = g_server->client();

  Person officer(const std::string& agency, const std::string& role = "officer") {
    Person p = cli_user(*g_server, role, agency);
    p.token = login(c, p);
    return p;
  }
  static json good_data() {
    return {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24", "2606:4700::/32"}}};
  }
  HttpResponse submit(const Person& p, json data, std::map<std::string, std::string> headers = {},
                      const std::string& service = "test-permit") {
    headers.emplace("Authorization", "Bearer " + p.token);
    return c.post_json("/v1/applications", {{"service_id", service}, {"data", std::move(data)}}, headers);
  }
  HttpResponse act(const Person& p, const std::string& id, const std::string& transition, const std::string& comment = "",
                   std::optional<json> data = std::nullopt) {
    return apply_transition(c, p, id, transition, comment, std::move(data));
  }
  // A new organisation of `owner`'s with `member` added to it; its id ("" after a failure).
  std::string firm_with_member(const Person& owner, const Person& member, const std::string& name,
                               const std::string& ntn_prefix) {
    auto org = c.post_json("/v1/organisations", {{"name", name}, {"ntn", ntn_prefix + owner.cnic.substr(0, 5)}},
                           bearer(owner.token));
    EXPECT_EQ(org.status, 201u) << org.body;
    if (org.status != 201u) return "";
    std::string id = org.json()["id"];
    auto joined = c.post_json("/v1/organisations/" + id + "/members", {{"person", member.email}}, bearer(owner.token));
    EXPECT_EQ(joined.status / 100, 2u) << joined.body;
    return id;
  }
  // Records the fee of test-permit (PKR 1,500) with a payment reference.
  HttpResponse pay(const Person& who, const std::string& id, const std::string& reference) {
    return c.post_json("/v1/applications/" + id + "/payments", {{"amount_pkr", "1500"}, {"reference", reference}},
                       bearer(who.token));
  }
  static std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }
};

TEST_F(Applications, CatalogSearchBrowseAndPaging) {
  auto en = c.get("/v1/services?q=permit");
  ASSERT_EQ(en.status, 200u) << en.body;
  EXPECT_EQ(en.json()["items"][0]["id"], "test-permit");
  auto ur = c.get("/v1/services?q=%D8%A7%D8%AC%D8%A7%D8%B2%D8%AA&lang=ur");  // اجازت
  ASSERT_EQ(ur.status, 200u);
  EXPECT_EQ(ur.json()["total"], 1);
  EXPECT_EQ(ur.json()["items"][0]["title"], "ٹیسٹ اجازت نامہ");
  EXPECT_EQ(c.get("/v1/services?agency=pta&page_size=1").json()["items"].size(), 1u);
  EXPECT_EQ(c.get("/v1/services?page_size=1000").status, 422u);
  EXPECT_EQ(c.get("/v1/services?page=abc").status, 422u);
  auto one = c.get("/v1/services/test-permit");
  ASSERT_EQ(one.status, 200u);
  EXPECT_EQ(one.json()["form"].size(), 4u);
  EXPECT_EQ(type_of(c.get("/v1/services/no-such-service")), "/problems/service-not-found");
}

TEST_F(Applications, InvalidFormIsOne422WithEveryFieldError) {
  Person p = signed_in(c);
  auto r = submit(p, {{"purpose", ""}, {"endpoints", {"8.8.8.0/24", "10.0.0.0/8", "999.1.1.1/33"}}, {"extra", 1}});
  ASSERT_EQ(r.status, 422u) << r.body;
  std::set<std::string> paths;
  auto j = r.json();
  for (auto& e : j["errors"]) paths.insert(e["path"].get<std::string>());
  EXPECT_TRUE(paths.count("/purpose")) << r.body;
  EXPECT_TRUE(paths.count("/endpoints/1")) << r.body;  // private range
  EXPECT_TRUE(paths.count("/endpoints/2")) << r.body;  // malformed
  EXPECT_TRUE(paths.count("/extra")) << r.body;
  auto ur = c.post_json("/v1/applications?lang=ur", {{"service_id", "test-permit"}, {"data", json::object()}}, bearer(p.token));
  ASSERT_EQ(ur.status, 422u);
  EXPECT_EQ(ur.json()["errors"][0]["message"], "یہ خانہ لازمی ہے۔");
}

TEST_F(Applications, SubmitGivesTrackingNumberAndSignedReceipt) {
  Person p = signed_in(c);
  auto r = submit(p, good_data());
  ASSERT_EQ(r.status, 201u) << r.body;
  auto j = r.json();
  EXPECT_TRUE(std::regex_match(j["tracking_number"].get<std::string>(),
                               std::regex("DZ(-[23456789A-HJ-NP-Z]{4}){4}")));
  EXPECT_EQ(j["state"], "submitted");
  EXPECT_EQ(j["data"]["endpoints"][1], "2606:4700::/32");
  auto key = c.get("/v1/keys/signing").json();
  auto receipt = j["receipt"];
  EXPECT_EQ(receipt["receipt"]["tracking_number"], j["tracking_number"]);
  EXPECT_TRUE(darwaza::certificates::verify_receipt(receipt, key["public_key"].get<std::string>()).ok()) << receipt;
  // Signed alone (nothing else was ready with it): the plain signature of its canonical JSON.
  EXPECT_TRUE(darwaza::certificates::verify_signature(key["public_key"].get<std::string>(),
                                                      darwaza::certificates::canonical_json(receipt["receipt"]),
                                                      receipt["signature"]["value"].get<std::string>()));
  auto mine = c.get("/v1/applications", bearer(p.token));
  // A page so deep that its offset would overflow is refused, not wrapped.
  EXPECT_EQ(c.get("/v1/applications?page=999999999&page_size=100", bearer(p.token)).status, 422u);
  EXPECT_EQ(mine.json()["total"], 1);
}

// Submissions at once: each receipt checks with the platform's public key, whether it was signed
// alone or with others of its moment (one signature over their tree, receipts.hpp), and a changed
// receipt does not.
TEST_F(Applications, ReceiptsOfConcurrentSubmissionsEachCheckWithThePublicKey) {
  const std::string pub = c.get("/v1/keys/signing").json()["public_key"].get<std::string>();
  constexpr int kPeople = 4, kEach = 8;
  std::vector<Person> people;
  for (int i = 0; i < kPeople; ++i) people.push_back(signed_in(c));
  // Receipts are batched when they are ready together, which concurrent submissions make likely
  // but not certain: rounds go on (at most five) until one batch has been seen.
  std::vector<json> answers;
  auto batched_one = [&] {
    return std::any_of(answers.begin(), answers.end(),
                       [](const json& a) { return a["receipt"]["signature"].contains("batch"); });
  };
  for (int round = 0; round < 5 && !batched_one(); ++round) {
    std::vector<std::future<std::vector<json>>> runs;
    for (const Person& p : people)
      runs.push_back(std::async(std::launch::async, [&, p] {
        HttpClient own = g_server->client();
        std::vector<json> out;
        for (int i = 0; i < kEach; ++i)
          out.push_back(own.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", good_data()}},
                                      bearer(p.token)).json());
        return out;
      }));
    for (auto& run : runs)
      for (json& answer : run.get()) answers.push_back(std::move(answer));
  }
  ASSERT_TRUE(batched_one()) << "no receipt of " << answers.size() << " was signed with another";
  // Offline, `darwaza verify`: a receipt, a whole answer holding one, and a changed receipt.
  std::sort(answers.begin(), answers.end(), [](const json& a, const json& b) {
    return a["receipt"]["signature"].contains("batch") > b["receipt"]["signature"].contains("batch");
  });
  const std::string file = g_server->data_dir() + "/receipt.json";
  std::string out;
  std::ofstream(file) << answers.front()["receipt"].dump();
  EXPECT_EQ(run_darwaza({"verify", file, "--public-key", pub}, out), 0) << out;
  EXPECT_NE(out.find("VALID: receipt " + answers.front()["tracking_number"].get<std::string>()), std::string::npos) << out;
  std::ofstream(file) << answers.back().dump();
  EXPECT_EQ(run_darwaza({"verify", file, "--public-key", pub}, out), 0) << out;
  json changed_file = answers.front()["receipt"];
  changed_file["receipt"]["applicant"] = "usr_someone_else";
  std::ofstream(file) << changed_file.dump();
  EXPECT_EQ(run_darwaza({"verify", file, "--public-key", pub}, out), 1) << out;
  EXPECT_NE(out.find("INVALID"), std::string::npos) << out;
  for (const json& answer : answers) {
    ASSERT_TRUE(answer.contains("receipt")) << answer;
    const json& receipt = answer["receipt"];
    EXPECT_EQ(receipt["receipt"]["tracking_number"], answer["tracking_number"]);
    EXPECT_TRUE(darwaza::certificates::verify_receipt(receipt, pub).ok()) << receipt;
    json changed = receipt;
    changed["receipt"]["fee_pkr"] = "0.00";
    EXPECT_FALSE(darwaza::certificates::verify_receipt(changed, pub).ok()) << changed;
  }
}

// The 201 of a new application is built without reading it back: it must be exactly what a read
// shows (less the receipt), for a submission, a draft, a firm's application, an officer filing for
// themselves (whose own role may add transitions), in either language.
TEST_F(Applications, SubmitAnswersWhatAReadShows) {
  Person citizen = signed_in(c), pta = officer("pta");
  std::string ntn = "34" + citizen.cnic.substr(0, 5);
  auto org = c.post_json("/v1/organisations", {{"name", "Read Back Labs"}, {"ntn", ntn}}, bearer(citizen.token));
  ASSERT_EQ(org.status, 201u) << org.body;
  struct Case {
    std::string what;
    const Person* who;
    json body;
  };
  const std::vector<Case> cases = {
      {"submission", &citizen, {{"service_id", "test-permit"}, {"data", good_data()}}},
      {"draft", &citizen, {{"service_id", "test-permit"}, {"draft", true}, {"data", {{"purpose", "Half done"}}}}},
      {"firm", &citizen,
       {{"service_id", "test-firm-licence"}, {"on_behalf_of", org.json()["id"]}, {"data", good_data()}}},
      {"officer's own", &pta, {{"service_id", "test-permit"}, {"data", good_data()}}},
  };
  for (const auto& k : cases) {
    for (const std::string lang : {"en", "ur"}) {
      auto made = c.post_json("/v1/applications?lang=" + lang, k.body, bearer(k.who->token));
      ASSERT_EQ(made.status, 201u) << k.what << ": " << made.body;
      json answered = made.json();
      answered.erase("receipt");
      auto read = c.get("/v1/applications/" + answered["id"].get<std::string>() + "?lang=" + lang, bearer(k.who->token));
      ASSERT_EQ(read.status, 200u) << read.body;
      EXPECT_EQ(answered, read.json()) << k.what << " (" << lang << ")";
      EXPECT_FALSE(answered["timeline"].empty()) << k.what;
    }
  }
}

TEST_F(Applications, IdempotencyKeyReplaysAndRefusesADifferentBody) {
  Person p = signed_in(c);
  auto first = submit(p, good_data(), {{"Idempotency-Key", "retry-123"}});
  ASSERT_EQ(first.status, 201u) << first.body;
  auto again = submit(p, good_data(), {{"Idempotency-Key", "retry-123"}});
  ASSERT_EQ(again.status, 201u) << again.body;
  EXPECT_EQ(again.json()["id"], first.json()["id"]);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  // The replay carries the same signed receipt as the first answer.
  ASSERT_TRUE(first.json().contains("receipt")) << first.body;
  EXPECT_EQ(again.json()["receipt"], first.json()["receipt"]);
  EXPECT_EQ(c.get("/v1/applications", bearer(p.token)).json()["total"], 1);
  json other = good_data();
  other["purpose"] = "Something else";
  auto reused = submit(p, other, {{"Idempotency-Key", "retry-123"}});
  EXPECT_EQ(reused.status, 409u);
  EXPECT_EQ(type_of(reused), "/problems/idempotency-key-reused");
}

TEST_F(Applications, VisibilityCitizenOwnAgencyOwn) {
  Person a = signed_in(c), b = signed_in(c);
  Person pta = officer("pta"), stza = officer("stza");
  auto submitted = submit(a, good_data()).json();
  std::string id = submitted["id"], tracking = submitted["tracking_number"];
  EXPECT_EQ(c.get("/v1/applications/" + id, bearer(a.token)).status, 200u);
  EXPECT_EQ(type_of(c.get("/v1/applications/" + id, bearer(b.token))), "/problems/application-not-found");
  // The tracking number finds the same application, under the same rules.
  auto by_number = c.get("/v1/applications/" + tracking, bearer(a.token));
  ASSERT_EQ(by_number.status, 200u) << by_number.body;
  EXPECT_EQ(by_number.json()["id"], id);
  EXPECT_EQ(type_of(c.get("/v1/applications/" + tracking, bearer(b.token))), "/problems/application-not-found");
  EXPECT_EQ(c.get("/v1/applications/" + tracking, bearer(stza.token)).status, 404u);
  EXPECT_EQ(c.get("/v1/applications/" + tracking, bearer(pta.token)).json()["id"], id);
  std::string unknown = tracking;
  unknown.back() = unknown.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(type_of(c.get("/v1/applications/" + unknown, bearer(a.token))), "/problems/application-not-found");
  EXPECT_EQ(c.get("/v1/applications/" + id, bearer(pta.token)).status, 200u);
  EXPECT_EQ(c.get("/v1/applications/" + id, bearer(stza.token)).status, 404u);
  EXPECT_EQ(c.get("/v1/agencies/stza/queue", bearer(pta.token)).status, 403u);
  auto q = c.get("/v1/agencies/pta/queue?state=submitted", bearer(pta.token));
  ASSERT_EQ(q.status, 200u) << q.body;
  bool found = false;
  auto qj = q.json();
  for (auto& item : qj["items"]) found |= item["id"] == id;
  EXPECT_TRUE(found);
  EXPECT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(b.token)).status, 403u);
}

TEST_F(Applications, FullWorkflowToVerifiedCertificate) {
  Person a = signed_in(c, "Zainab Hussain");
  Person o1 = officer("pta"), o2 = officer("pta");
  auto sub = submit(a, good_data());
  std::string id = sub.json()["id"];

  EXPECT_EQ(type_of(act(o1, id, "start_review")), "/problems/not-claimed");
  ASSERT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(o1.token)).status, 200u);
  EXPECT_EQ(type_of(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(o2.token))),
            "/problems/claimed-by-another");
  auto wrong = act(o1, id, "approve");
  EXPECT_EQ(wrong.status, 409u);
  EXPECT_EQ(wrong.json()["allowed"], json::array({"start_review"}));
  EXPECT_EQ(act(a, id, "start_review").status, 409u);  // the applicant may not review
  ASSERT_EQ(act(o1, id, "start_review").status, 200u);
  EXPECT_EQ(type_of(act(o1, id, "request_info")), "/problems/comment-required");
  ASSERT_EQ(act(o1, id, "request_info", "Please add your office address range").status, 200u);
  json fixed = good_data();
  fixed["endpoints"].push_back("1.1.1.1");
  auto re = act(a, id, "resubmit", "", fixed);
  ASSERT_EQ(re.status, 200u) << re.body;
  EXPECT_EQ(re.json()["data"]["endpoints"].size(), 3u);
  ASSERT_EQ(act(o1, id, "request_payment").status, 200u);
  auto unpaid = act(o1, id, "approve");
  EXPECT_EQ(type_of(unpaid), "/problems/payment-required");
  EXPECT_EQ(unpaid.json()["fee_pkr"], "1500.00");
  auto paid = pay(o1, id, "PSID-" + id);
  ASSERT_EQ(paid.status, 201u) << paid.body;
  EXPECT_EQ(pay(o1, id, "PSID-" + id).status, 409u);
  auto approved = act(o1, id, "approve", "All in order");
  ASSERT_EQ(approved.status, 200u) << approved.body;
  auto aj = approved.json();
  EXPECT_EQ(aj["state"], "approved");
  EXPECT_FALSE(aj["open"].get<bool>());
  std::string cert = aj["certificate_id"];
  ASSERT_TRUE(cert.starts_with("crt_"));

  // Timeline: who by role, when, with the officers' comments, in order.
  std::vector<std::string> kinds;
  for (auto& e : aj["timeline"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds.front(), "submitted");
  EXPECT_EQ(aj["timeline"].back()["kind"], "certificate");
  std::string last_at;
  bool asked = false, answered = false, approved_by_officer = false;
  for (auto& e : aj["timeline"]) {
    const std::string at = e["at"];
    EXPECT_TRUE(std::regex_match(at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)"))) << at;
    EXPECT_GE(at, last_at) << "out of order";
    last_at = at;
    asked |= e.value("transition", "") == "request_info" && e["by_role"] == "officer" &&
             e.value("comment", "") == "Please add your office address range";
    answered |= e.value("transition", "") == "resubmit" && e["by_role"] == "applicant";
    approved_by_officer |= e.value("transition", "") == "approve" && e["by_role"] == "officer" &&
                           e.value("comment", "") == "All in order";
  }
  EXPECT_TRUE(asked && answered && approved_by_officer) << aj["timeline"].dump();
  // The timeline names roles, never the officers themselves.
  if (!o1.id.empty()) EXPECT_EQ(aj["timeline"].dump().find(o1.id), std::string::npos);

  // Public verification, QR, holder download; others refused.
  auto v = c.get("/v1/certificates/" + cert + "/verify");
  ASSERT_EQ(v.status, 200u);
  EXPECT_TRUE(v.json()["valid"].get<bool>());
  EXPECT_EQ(v.json()["certificate"]["certificate"]["holder"]["name"], "Zainab Hussain");
  auto qr = c.get("/v1/certificates/" + cert + "/qr.svg");
  EXPECT_EQ(qr.status, 200u);
  EXPECT_NE(qr.body.find("<svg"), std::string::npos);
  // The QR code is the one of the certificate's own verify link, and of nothing else.
  const std::string verify_url = v.json()["certificate"]["certificate"]["verify_url"];
  EXPECT_NE(verify_url.find("/v1/certificates/" + cert + "/verify"), std::string::npos) << verify_url;
  EXPECT_EQ(qr.body, darwaza::certificates::qr_svg(verify_url));
  EXPECT_NE(qr.body, darwaza::certificates::qr_svg(verify_url + "x"));
  auto doc = c.get("/v1/certificates/" + cert, bearer(a.token));
  ASSERT_EQ(doc.status, 200u);
  Person stranger = signed_in(c);
  EXPECT_EQ(c.get("/v1/certificates/" + cert, bearer(stranger.token)).status, 404u);
  EXPECT_EQ(c.get("/v1/me/certificates", bearer(a.token)).json()["items"][0]["id"], cert);
  EXPECT_EQ(c.get("/v1/certificates/crt_doesnotexist/verify").status, 404u);

  // Offline: `darwaza verify FILE --public-key` with the key the server publishes.
  std::string file = g_server->data_dir() + "/cert.json";
  std::ofstream(file) << doc.body;
  std::string key = c.get("/v1/keys/signing").json()["public_key"];
  std::string out;
  EXPECT_EQ(run_darwaza({"verify", file, "--public-key", key}, out), 0) << out;
  EXPECT_NE(out.find("VALID"), std::string::npos);
  auto tampered = json::parse(doc.body);
  tampered["certificate"]["holder"]["name"] = "Somebody Else";
  std::ofstream(file) << tampered.dump();
  EXPECT_EQ(run_darwaza({"verify", file, "--public-key", key}, out), 1) << out;
  EXPECT_NE(out.find("INVALID"), std::string::npos);
}

TEST_F(Applications, ConcurrentTransitionsAreSerialised) {
  Person a = signed_in(c);
  Person claimer = officer("pta"), admin = officer("pta", "agency_admin");
  std::string id = submit(a, good_data()).json()["id"];
  ASSERT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(claimer.token)).status, 200u);
  ASSERT_EQ(act(claimer, id, "start_review").status, 200u);
  auto run = [&](const Person& who) {
    HttpClient own = g_server->client();
    return own.post_json("/v1/applications/" + id + "/transitions", {{"transition", "reject"}, {"comment", "No"}},
                         bearer(who.token))
        .status;
  };
  auto f1 = std::async(std::launch::async, run, claimer);
  auto f2 = std::async(std::launch::async, run, admin);
  std::multiset<unsigned> statuses{f1.get(), f2.get()};
  EXPECT_EQ(statuses, (std::multiset<unsigned>{200u, 409u}));
  auto final = c.get("/v1/applications/" + id, bearer(a.token)).json();
  EXPECT_EQ(final["state"], "rejected");
  int transitions = 0;
  for (auto& e : final["timeline"]) transitions += e["kind"] == "transition" && e["to"] == "rejected";
  EXPECT_EQ(transitions, 1);
}

// Nobody decides their own case: an officer (or agency admin) who filed with their own agency, or
// whose firm did, acts on the application only as its applicant; another officer decides it.
TEST_F(Applications, OfficersCannotDecideTheirOwnApplications) {
  Person filer = officer("pta"), colleague = officer("pta"), admin = officer("pta", "agency_admin");
  std::string id = submit(filer, good_data()).json()["id"];
  auto own_claim = c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(filer.token));
  EXPECT_EQ(own_claim.status, 403u) << own_claim.body;
  EXPECT_EQ(type_of(own_claim), "/problems/own-application");
  ASSERT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(colleague.token)).status, 200u);
  ASSERT_EQ(act(colleague, id, "start_review").status, 200u);
  ASSERT_EQ(act(colleague, id, "request_payment").status, 200u);
  auto own_payment = pay(filer, id, "PSID-own-" + id);
  EXPECT_EQ(own_payment.status, 403u) << own_payment.body;
  EXPECT_EQ(type_of(own_payment), "/problems/own-application");
  ASSERT_EQ(pay(colleague, id, "PSID-" + id).status, 201u);
  auto own_approval = act(filer, id, "approve", "Looks fine to me");
  EXPECT_EQ(own_approval.status, 403u) << own_approval.body;
  EXPECT_EQ(type_of(own_approval), "/problems/own-application");
  // The filer sees it as its applicant: only the applicant's ways on.
  auto seen = c.get("/v1/applications/" + id, bearer(filer.token));
  ASSERT_EQ(seen.status, 200u);
  EXPECT_EQ(seen.json()["allowed_transitions"], json::array({"withdraw"})) << seen.body;
  EXPECT_EQ(c.get("/v1/applications/" + id, bearer(filer.token)).json()["state"], "awaiting_payment");
  ASSERT_EQ(act(colleague, id, "approve").status, 200u);

  // An agency admin, who needs no claim, is refused the same way on their own application.
  std::string admins = submit(admin, good_data()).json()["id"];
  EXPECT_EQ(type_of(act(admin, admins, "start_review")), "/problems/own-application");
  EXPECT_EQ(type_of(act(admin, admins, "reject", "No")), "/problems/own-application");
  EXPECT_EQ(act(admin, admins, "withdraw").status, 200u);

  // A firm's application: its members include an officer of the agency, who may not decide it.
  Person owner = signed_in(c);
  const std::string org_id = firm_with_member(owner, colleague, "Kohsar Systems", "35");
  ASSERT_FALSE(org_id.empty());
  auto firm = c.post_json("/v1/applications",
                          {{"service_id", "test-firm-licence"}, {"on_behalf_of", org_id}, {"data", good_data()}},
                          bearer(owner.token));
  ASSERT_EQ(firm.status, 201u) << firm.body;
  std::string firms = firm.json()["id"];
  EXPECT_EQ(type_of(c.post_json("/v1/applications/" + firms + "/claim", json::object(), bearer(colleague.token))),
            "/problems/own-application");
  EXPECT_EQ(type_of(act(colleague, firms, "start_review")), "/problems/own-application");
  ASSERT_EQ(c.post_json("/v1/applications/" + firms + "/claim", json::object(), bearer(filer.token)).status, 200u);
  EXPECT_EQ(act(filer, firms, "start_review").status, 200u);
}

TEST_F(Applications, DraftsEditSubmitAndStayPrivate) {
  Person a = signed_in(c);
  Person pta = officer("pta");
  auto d = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"draft", true}, {"data", {{"purpose", "Half done"}}}},
                       bearer(a.token));
  ASSERT_EQ(d.status, 201u) << d.body;
  EXPECT_EQ(d.json()["state"], "draft");
  EXPECT_FALSE(d.json().contains("receipt"));
  std::string id = d.json()["id"];
  EXPECT_EQ(c.get("/v1/applications/" + id, bearer(pta.token)).status, 404u);
  EXPECT_EQ(c.request("POST", "/v1/applications/" + id + "/submit", "", {{"Authorization", "Bearer " + a.token}}).status,
            422u);  // still incomplete
  auto patched = c.patch_json("/v1/applications/" + id, {{"data", good_data()}}, bearer(a.token));
  ASSERT_EQ(patched.status, 200u) << patched.body;
  auto s = c.request("POST", "/v1/applications/" + id + "/submit", "", {{"Authorization", "Bearer " + a.token}});
  ASSERT_EQ(s.status, 201u) << s.body;
  EXPECT_EQ(s.json()["state"], "submitted");
  EXPECT_TRUE(s.json().contains("receipt"));
  EXPECT_EQ(c.patch_json("/v1/applications/" + id, {{"data", good_data()}}, bearer(a.token)).status, 409u);
}

TEST_F(Applications, ApplicantWithdraws) {
  Person a = signed_in(c);
  std::string id = submit(a, good_data()).json()["id"];
  auto w = act(a, id, "withdraw");
  ASSERT_EQ(w.status, 200u) << w.body;
  EXPECT_EQ(w.json()["state"], "withdrawn");
  EXPECT_EQ(act(a, id, "withdraw").status, 409u);
}

// What nobody may do once an application is decided or withdrawn, or to a draft that is someone
// else's (a fellow member of the firm sees it, but it is its author's to change).
TEST_F(Applications, DecidedAndOthersApplicationsAreRefused) {
  Person a = signed_in(c);
  Person o = officer("pta");
  std::string id = submit(a, good_data()).json()["id"];
  ASSERT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(o.token)).status, 200u);
  ASSERT_EQ(act(o, id, "start_review").status, 200u);
  ASSERT_EQ(act(o, id, "reject", "Incomplete").status, 200u);
  auto late_withdraw = act(a, id, "withdraw");
  EXPECT_EQ(late_withdraw.status, 409u) << late_withdraw.body;
  EXPECT_EQ(late_withdraw.json()["allowed"], json::array());
  EXPECT_EQ(type_of(act(o, id, "start_review")), "/problems/transition-not-allowed");
  auto late_payment = pay(o, id, "PSID-late-" + id);
  EXPECT_EQ(late_payment.status, 409u) << late_payment.body;
  EXPECT_EQ(type_of(late_payment), "/problems/application-closed");
  std::string withdrawn = submit(a, good_data()).json()["id"];
  ASSERT_EQ(act(a, withdrawn, "withdraw").status, 200u);
  EXPECT_EQ(type_of(pay(o, withdrawn, "PSID-w-" + withdrawn)), "/problems/application-closed");
  EXPECT_EQ(c.get("/v1/applications/" + withdrawn, bearer(a.token)).json()["payments"], json::array());

  // An officer may not answer for the applicant: resubmitting is the applicant's.
  std::string asked = submit(a, good_data()).json()["id"];
  ASSERT_EQ(c.post_json("/v1/applications/" + asked + "/claim", json::object(), bearer(o.token)).status, 200u);
  ASSERT_EQ(act(o, asked, "start_review").status, 200u);
  ASSERT_EQ(act(o, asked, "request_info", "Which office?").status, 200u);
  EXPECT_EQ(act(o, asked, "resubmit", "", good_data()).status, 409u);
  // A resubmission is checked against the form like a submission.
  auto bad = act(a, asked, "resubmit", "", json{{"purpose", ""}, {"endpoints", {"10.0.0.0/8"}}});
  EXPECT_EQ(bad.status, 422u) << bad.body;
  EXPECT_EQ(c.get("/v1/applications/" + asked, bearer(a.token)).json()["state"], "info_requested");

  // A firm's draft: its author's to change; a fellow member sees it but is refused.
  Person owner = signed_in(c), member = signed_in(c), stranger = signed_in(c);
  const std::string org_id = firm_with_member(owner, member, "Shalimar Digital", "36");
  ASSERT_FALSE(org_id.empty());
  auto draft = c.post_json("/v1/applications",
                           {{"service_id", "test-firm-licence"}, {"on_behalf_of", org_id}, {"draft", true},
                            {"data", {{"purpose", "Half done"}}}},
                           bearer(owner.token));
  ASSERT_EQ(draft.status, 201u) << draft.body;
  std::string draft_id = draft.json()["id"];
  EXPECT_EQ(c.get("/v1/applications/" + draft_id, bearer(member.token)).status, 200u);
  auto edit = c.patch_json("/v1/applications/" + draft_id, {{"data", good_data()}}, bearer(member.token));
  EXPECT_EQ(edit.status, 403u) << edit.body;
  EXPECT_EQ(type_of(edit), "/problems/not-the-applicant");
  auto send = c.request("POST", "/v1/applications/" + draft_id + "/submit", "", {{"Authorization", "Bearer " + member.token}});
  EXPECT_EQ(send.status, 403u) << send.body;
  EXPECT_EQ(c.patch_json("/v1/applications/" + draft_id, {{"data", good_data()}}, bearer(stranger.token)).status, 404u);
  EXPECT_EQ(c.get("/v1/applications/" + draft_id, bearer(owner.token)).json()["data"]["purpose"], "Half done");
}

TEST_F(Applications, OrganisationServicesNeedMembership) {
  Person owner = signed_in(c), outsider = signed_in(c);
  std::string ntn = "33" + owner.cnic.substr(0, 5);
  auto org = c.post_json("/v1/organisations", {{"name", "Margalla Labs"}, {"ntn", ntn}}, bearer(owner.token));
  ASSERT_EQ(org.status, 201u) << org.body;
  std::string org_id = org.json()["id"];
  EXPECT_EQ(type_of(submit(owner, good_data(), {}, "test-firm-licence")), "/problems/wrong-applicant-kind");
  auto as_outsider = c.post_json("/v1/applications",
                                 {{"service_id", "test-firm-licence"}, {"on_behalf_of", org_id}, {"data", good_data()}},
                                 bearer(outsider.token));
  EXPECT_EQ(as_outsider.status, 403u);
  auto ok = c.post_json("/v1/applications", {{"service_id", "test-firm-licence"}, {"on_behalf_of", org_id}, {"data", good_data()}},
                        bearer(owner.token));
  ASSERT_EQ(ok.status, 201u) << ok.body;
  EXPECT_EQ(ok.json()["on_behalf_of"], org_id);
}

}  // namespace

namespace {

class Documents : public Applications {};

TEST_F(Documents, UploadTypeFromContentLimitsAndAccess) {
  Person a = signed_in(c), b = signed_in(c);
  Person pta = officer("pta"), stza = officer("stza");
  std::string pdf = "%PDF-1.7\n" + std::string(2 * 1024 * 1024, 'x');  // over the 1 MiB default: route limit is 10 MB
  auto up = c.request("POST", "/v1/documents?filename=letter.pdf", pdf,
                      {{"Authorization", "Bearer " + a.token}, {"Content-Type", "application/pdf"}});
  ASSERT_EQ(up.status, 201u) << up.body;
  EXPECT_EQ(up.json()["media_type"], "application/pdf");
  std::string doc = up.json()["id"];
  // The name and declared type do not matter: the content does.
  auto fake = c.request("POST", "/v1/documents?filename=evil.pdf", "<script>alert(1)</script>",
                        {{"Authorization", "Bearer " + a.token}, {"Content-Type", "application/pdf"}});
  EXPECT_EQ(fake.status, 415u) << fake.body;
  auto huge = c.request("POST", "/v1/documents", "%PDF-" + std::string(11 * 1024 * 1024, 'x'),
                        {{"Authorization", "Bearer " + a.token}, {"Content-Type", "application/pdf"}});
  EXPECT_EQ(huge.status, 413u);

  // Someone else's document cannot be referenced.
  json data = good_data();
  data["supporting_letter"] = doc;
  auto stolen = submit(b, data);
  ASSERT_EQ(stolen.status, 422u) << stolen.body;
  EXPECT_EQ(stolen.json()["errors"][0]["rule"], "document");
  auto ok = submit(a, data);
  ASSERT_EQ(ok.status, 201u) << ok.body;

  auto own = c.get("/v1/documents/" + doc, bearer(a.token));
  ASSERT_EQ(own.status, 200u);
  EXPECT_EQ(own.body, pdf);
  EXPECT_NE(own.header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(c.get("/v1/documents/" + doc, bearer(pta.token)).status, 200u);   // owning agency's officer
  EXPECT_EQ(c.get("/v1/documents/" + doc, bearer(stza.token)).status, 404u);  // other agency
  EXPECT_EQ(c.get("/v1/documents/" + doc, bearer(b.token)).status, 404u);     // other citizen
  EXPECT_EQ(c.get("/v1/documents/" + doc).status, 401u);
}

// A document taken out of a draft never reaches the agency when the draft is submitted; a firm's
// members share the documents of its applications, and one who answers a request for more
// information may attach their own.
TEST_F(Documents, DraftLinksFollowTheDraftAndAFirmsMembersShareItsDocuments) {
  Person a = signed_in(c), pta = officer("pta"), outsider = signed_in(c);
  auto upload = [&](const Person& p, const std::string& text) {
    auto r = c.request("POST", "/v1/documents?filename=letter.pdf", "%PDF-1.7\n" + text,
                       {{"Authorization", "Bearer " + p.token}, {"Content-Type", "application/pdf"}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", std::string());
  };
  std::string first = upload(a, "first draft"), second = upload(a, "final");
  auto draft = c.post_json("/v1/applications",
                           {{"service_id", "test-permit"}, {"draft", true},
                            {"data", {{"purpose", "Half done"}, {"supporting_letter", first}}}},
                           bearer(a.token));
  ASSERT_EQ(draft.status, 201u) << draft.body;
  std::string id = draft.json()["id"];
  json data = good_data();
  data["supporting_letter"] = second;
  ASSERT_EQ(c.patch_json("/v1/applications/" + id, {{"data", data}}, bearer(a.token)).status, 200u);
  ASSERT_EQ(c.request("POST", "/v1/applications/" + id + "/submit", "", {{"Authorization", "Bearer " + a.token}}).status,
            201u);
  EXPECT_EQ(c.get("/v1/documents/" + second, bearer(pta.token)).status, 200u);
  EXPECT_EQ(c.get("/v1/documents/" + first, bearer(pta.token)).status, 404u) << "a document taken out of the draft";

  Person owner = signed_in(c), member = signed_in(c);
  const std::string org_id = firm_with_member(owner, member, "Ravi Cloudworks", "37");
  ASSERT_FALSE(org_id.empty());
  std::string owners = upload(owner, "owner's letter"), members = upload(member, "member's letter");
  json firm_data = good_data();
  firm_data["supporting_letter"] = owners;
  auto firm = c.post_json("/v1/applications",
                          {{"service_id", "test-firm-licence"}, {"on_behalf_of", org_id}, {"data", firm_data}},
                          bearer(owner.token));
  ASSERT_EQ(firm.status, 201u) << firm.body;
  std::string firm_id = firm.json()["id"];
  EXPECT_EQ(c.get("/v1/documents/" + owners, bearer(member.token)).status, 200u);
  EXPECT_EQ(c.get("/v1/documents/" + owners, bearer(outsider.token)).status, 404u);
  ASSERT_EQ(c.post_json("/v1/applications/" + firm_id + "/claim", json::object(), bearer(pta.token)).status, 200u);
  ASSERT_EQ(act(pta, firm_id, "start_review").status, 200u);
  ASSERT_EQ(act(pta, firm_id, "request_info", "A letter from your director, please").status, 200u);
  firm_data["supporting_letter"] = members;
  auto answered = act(member, firm_id, "resubmit", "", firm_data);
  ASSERT_EQ(answered.status, 200u) << answered.body;
  EXPECT_EQ(c.get("/v1/documents/" + members, bearer(pta.token)).status, 200u);
  EXPECT_EQ(c.get("/v1/documents/" + members, bearer(owner.token)).status, 200u);
  EXPECT_EQ(c.get("/v1/documents/" + owners, bearer(pta.token)).status, 200u) << "documents sent before stay on record";
  EXPECT_EQ(c.get("/v1/documents/" + members, bearer(outsider.token)).status, 404u);
}

}  // namespace

// Each person's uploads are bounded (serve --document-quota-mib / --document-quota-count): the
// upload that would pass either limit is refused with what was used, and nothing is stored.
TEST(DocumentQuota, AnUploadPastEitherLimitIsRefusedAndOthersAreNotAffected) {
  ServerProcess server({"--document-quota-mib", "1", "--document-quota-count", "3"});
  server.start();
  HttpClient c = server.client();
  Person a = signed_in(c), b = signed_in(c);
  auto upload = [&](const Person& p, std::size_t bytes, char fill) {
    return c.request("POST", "/v1/documents", "%PDF-1.7\n" + std::string(bytes, fill),
                     {{"Authorization", "Bearer " + p.token}, {"Content-Type", "application/pdf"}});
  };
  EXPECT_EQ(upload(a, 400 * 1024, 'a').status, 201u);
  EXPECT_EQ(upload(a, 400 * 1024, 'b').status, 201u);
  auto over_bytes = upload(a, 400 * 1024, 'c');  // 1.2 MiB in all
  EXPECT_EQ(over_bytes.status, 403u) << over_bytes.body;
  EXPECT_EQ(over_bytes.json()["type"], "/problems/document-quota-exceeded");
  EXPECT_EQ(over_bytes.json()["documents"], 2);
  EXPECT_EQ(upload(a, 1000, 'd').status, 201u);  // the third document, within the bytes
  auto over_count = upload(a, 1000, 'e');
  EXPECT_EQ(over_count.status, 403u) << over_count.body;
  EXPECT_EQ(over_count.json()["max_documents"], 3);
  EXPECT_EQ(upload(b, 400 * 1024, 'f').status, 201u);  // another person's quota is their own
}

namespace {

std::vector<std::string> queue_ids(HttpClient& c, const Person& officer, const std::string& query) {
  auto r = c.get("/v1/agencies/pta/queue" + query, bearer(officer.token));
  EXPECT_EQ(r.status, 200u) << query << ": " << r.body;
  std::vector<std::string> ids;
  if (r.status != 200u) return ids;
  const json page = r.json();  // kept: a range over a temporary's member would dangle
  for (const auto& item : page["items"]) ids.push_back(item["id"]);
  return ids;
}

}  // namespace

// An agency's queue: open applications oldest first; filtered by state, by service and to those
// past their SLA; decided ones leave it; pages do not overlap.
TEST(Queue, OldestFirstFilteredByStateServiceAndOverdue) {
  ServerProcess server({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
  server.start();
  HttpClient c = server.client();
  Person citizen = signed_in(c), pta = cli_user(server, "officer", "pta");
  pta.token = login(c, pta);
  std::string ntn = "38" + citizen.cnic.substr(0, 5);
  auto org = c.post_json("/v1/organisations", {{"name", "Queue Testers"}, {"ntn", ntn}}, bearer(citizen.token));
  ASSERT_EQ(org.status, 201u) << org.body;
  const json data = {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}};
  // Each filed in a millisecond of its own: applications submitted in one millisecond are queued
  // by id, whose order within the millisecond is random, not the filing order this test expects.
  auto file = [&](const std::string& service, bool firm) {
    json body = {{"service_id", service}, {"data", data}};
    if (firm) body["on_behalf_of"] = org.json()["id"];
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto r = c.post_json("/v1/applications", body, bearer(citizen.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", std::string());
  };
  const std::string p1 = file("test-permit", false), p2 = file("test-permit", false), f1 = file("test-firm-licence", true),
                    p3 = file("test-permit", false);
  EXPECT_EQ(queue_ids(c, pta, ""), (std::vector<std::string>{p1, p2, f1, p3}));
  EXPECT_EQ(queue_ids(c, pta, "?service=test-firm-licence"), std::vector<std::string>{f1});
  EXPECT_EQ(queue_ids(c, pta, "?page_size=2&page=2"), (std::vector<std::string>{f1, p3}));

  // Time passes for one of them: its SLA is due in the past.
  ASSERT_EQ(run_sql_on(server, "UPDATE applications SET sla_due_at = 1000 WHERE id = '" + p2 + "'"), "");
  EXPECT_EQ(queue_ids(c, pta, "?overdue=true"), std::vector<std::string>{p2});
  auto all = c.get("/v1/agencies/pta/queue", bearer(pta.token)).json();
  for (const auto& item : all["items"]) EXPECT_EQ(item["overdue"], item["id"] == p2) << item.dump();
  EXPECT_EQ(all["total"], 4);
  EXPECT_EQ(all["total_exact"], true);

  ASSERT_EQ(c.post_json("/v1/applications/" + p3 + "/claim", json::object(), bearer(pta.token)).status, 200u);
  ASSERT_EQ(apply_transition(c, pta, p3, "start_review").status, 200u);
  EXPECT_EQ(queue_ids(c, pta, "?state=under_review"), std::vector<std::string>{p3});
  ASSERT_EQ(c.post_json("/v1/applications/" + p1 + "/claim", json::object(), bearer(pta.token)).status, 200u);
  ASSERT_EQ(apply_transition(c, pta, p1, "start_review").status, 200u);
  ASSERT_EQ(apply_transition(c, pta, p1, "reject", "Incomplete").status, 200u);
  EXPECT_EQ(queue_ids(c, pta, ""), (std::vector<std::string>{p2, f1, p3}));  // decided: out of the queue
  EXPECT_EQ(queue_ids(c, pta, "?state=rejected"), std::vector<std::string>{p1});  // unless asked for
  EXPECT_EQ(c.get("/v1/agencies/pta/queue?page=0", bearer(pta.token)).status, 422u);
}

// SLA deadlines skip public holidays (serve --holidays FILE; data/holidays.json by default), and a
// bad holidays file stops the start with the entry named.
TEST(Holidays, SlaDeadlinesSkipThemAndABadFileStopsTheStart) {
  const std::string dir = make_temp_dir("darwaza-holidays");
  // The next two weekdays after today (in Pakistan) are holidays.
  const darwaza::UnixMs now = darwaza::SystemClock().now_ms();
  const std::vector<darwaza::UnixMs> days{darwaza::add_working_days(now, 1), darwaza::add_working_days(now, 2)};
  darwaza::Holidays holidays;
  json file = {{"holidays", json::array()}};
  for (auto d : days) {
    holidays.insert(darwaza::pkt_day(d));
    file["holidays"].push_back({{"date", darwaza::pkt_date(d)}, {"name", "Test holiday"}});
  }
  std::ofstream(dir + "/holidays.json") << file.dump();
  ServerProcess server({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services", "--holidays", dir + "/holidays.json"});
  server.start();
  HttpClient c = server.client();
  Person p = signed_in(c);
  auto r = c.post_json("/v1/applications",
                       {{"service_id", "test-permit"},
                        {"data", {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}}},
                       bearer(p.token));
  ASSERT_EQ(r.status, 201u) << r.body;
  auto submitted = darwaza::parse_rfc3339(r.json()["submitted_at"].get<std::string>());
  ASSERT_TRUE(submitted);
  // test-permit's first state has an SLA of 3 working days.
  EXPECT_EQ(r.json()["sla_due_at"], darwaza::format_rfc3339(darwaza::add_working_days(*submitted, 3, holidays)));
  EXPECT_NE(r.json()["sla_due_at"], darwaza::format_rfc3339(darwaza::add_working_days(*submitted, 3)));

  std::ofstream(dir + "/bad.json") << R"({"holidays": [{"date": "2026-02-30"}]})";
  ServerProcess bad({"--holidays", dir + "/bad.json"});
  try {
    bad.start();
    ADD_FAILURE() << "a node started with a bad holidays file";
  } catch (const std::runtime_error& e) {
    const std::string why = e.what();
    EXPECT_NE(why.find("exited during start-up"), std::string::npos) << why;
    EXPECT_NE(why.find("/holidays/0/date: must be a date"), std::string::npos) << why;
  }
}
