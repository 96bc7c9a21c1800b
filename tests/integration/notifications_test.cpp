// End-to-end: notifications of application events in the applicant's language, the inbox API
// (own notifications only), the outbox delivered by the file transport and by SMTP to a local
// sink that refuses the first attempt, and the certificate expiry notice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "support/fixtures.hpp"
#include "support/smtp_sink.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

constexpr auto kDeliveryTimeout = std::chrono::seconds(20);

ServerProcess* g_server = nullptr;
std::string g_outbox_dir;

json inbox(HttpClient& c, const Person& p, const std::string& query = "") {
  auto r = c.get("/v1/me/notifications" + query, bearer(p.token));
  EXPECT_EQ(r.status, 200u) << r.body;
  return r.json();
}

// The events in a page, sorted; the expiry notice (written by a periodic scan at a time of its
// own) is left out.
std::vector<std::string> events_of(const json& page) {
  std::vector<std::string> out;
  for (const auto& n : page["items"])
    if (n["event"] != "certificate_expiring") out.push_back(n["event"]);
  std::sort(out.begin(), out.end());
  return out;
}

// Polls `check` until it holds or `timeout` passes (deliveries happen on the worker's schedule).
template <class F>
bool eventually(F check, std::chrono::milliseconds timeout = kDeliveryTimeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return check();
}

// The newest notification of that event (an empty object if none).
json latest(const json& page, const std::string& event) {
  for (const auto& n : page["items"])
    if (n["event"] == event) return n;
  return json::object();
}

json permit_data() { return {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}; }

class Notifications : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_outbox_dir = make_temp_dir("darwaza-outbox");
    g_server = new ServerProcess({"--catalog-dir", DARWAZA_TEST_FIXTURES "/notify-services", "--outbox-transport",
                                  "file", "--sms-transport", "file", "--outbox-dir", g_outbox_dir, "--outbox-poll-ms",
                                  "100", "--expiry-scan-s", "1", "--smtp-from", "Darwaza Test <no-reply@darwaza.test>"});
    g_server->start();
  }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
    std::filesystem::remove_all(g_outbox_dir);
  }
  HttpClient c = g_server->client();

  std::string submit(const Person& p, const std::string& org = "") {
    json body = {{"service_id", "test-short-permit"}, {"data", permit_data()}};
    if (!org.empty()) body["on_behalf_of"] = org;
    auto r = c.post_json("/v1/applications", body, bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }
  Person officer() {
    Person p = cli_user(*g_server, "officer", "pta");
    p.token = login(c, p);
    return p;
  }
  HttpResponse act(const Person& p, const std::string& id, const std::string& transition, const std::string& comment = "",
                   std::optional<json> data = std::nullopt) {
    return apply_transition(c, p, id, transition, comment, std::move(data));
  }
};

TEST_F(Notifications, ReceivedNoticeInTheApplicantsLanguage) {
  Person p = signed_in(c, "Ayesha Khan");
  auto me = c.patch_json("/v1/me", {{"preferred_lang", "ur"}}, bearer(p.token));
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.json()["preferred_lang"], "ur");
  EXPECT_EQ(c.get("/v1/me", bearer(p.token)).json()["preferred_lang"], "ur");
  EXPECT_EQ(c.patch_json("/v1/me", {{"preferred_lang", "fr"}}, bearer(p.token)).status, 422u);
  // One name for the preference: the old "language" alias is an unknown field.
  EXPECT_EQ(c.patch_json("/v1/me", {{"language", "en"}}, bearer(p.token)).status, 422u);
  EXPECT_FALSE(me.json().contains("language"));

  std::string id = submit(p);
  auto app = c.get("/v1/applications/" + id, bearer(p.token)).json();
  auto page = inbox(c, p);
  ASSERT_EQ(page["items"].size(), 1u) << page.dump();
  EXPECT_EQ(page["total"], 1);
  EXPECT_EQ(page["unread"], 1);
  const auto& n = page["items"][0];
  EXPECT_EQ(n["event"], "submitted");
  EXPECT_EQ(n["language"], "ur");
  EXPECT_EQ(n["application_id"], id);
  EXPECT_EQ(n["tracking_number"], app["tracking_number"]);
  EXPECT_NE(n["title"].get<std::string>().find(app["tracking_number"].get<std::string>()), std::string::npos);
  EXPECT_NE(n["title"].get<std::string>().find("درخواست"), std::string::npos) << n["title"];
  EXPECT_NE(n["body"].get<std::string>().find("مختصر ٹیسٹ اجازت نامہ"), std::string::npos) << "service title in Urdu";
  EXPECT_TRUE(n["read_at"].is_null());
  EXPECT_FALSE(n["created_at"].get<std::string>().empty());

  // An English speaker gets English.
  Person q = signed_in(c, "Bilal Ahmed");
  submit(q);
  auto en = inbox(c, q)["items"][0];
  EXPECT_EQ(en["language"], "en");
  EXPECT_EQ(en["title"].get<std::string>().rfind("Application DZ-", 0), 0u) << en["title"];
}

TEST_F(Notifications, MarkReadAndTheUnreadFilter) {
  Person p = signed_in(c);
  submit(p);
  submit(p);
  auto page = inbox(c, p);
  ASSERT_EQ(page["total"], 2);
  std::string first = page["items"][0]["id"];
  auto r = c.post_json("/v1/me/notifications/" + first + "/read", json::object(), bearer(p.token));
  EXPECT_EQ(r.status, 204u) << r.body;
  EXPECT_EQ(c.post_json("/v1/me/notifications/" + first + "/read", json::object(), bearer(p.token)).status, 204u)
      << "reading again is harmless";
  auto unread = inbox(c, p, "?unread=true");
  EXPECT_EQ(unread["total"], 1);
  EXPECT_EQ(unread["unread"], 1);
  ASSERT_EQ(unread["items"].size(), 1u);
  EXPECT_NE(unread["items"][0]["id"], first);
  auto all = inbox(c, p, "?limit=1&offset=1");
  EXPECT_EQ(all["total"], 2);
  EXPECT_EQ(all["unread"], 1);
  ASSERT_EQ(all["items"].size(), 1u);
  auto both = inbox(c, p)["items"];
  for (const auto& n : both)
    if (n["id"] == first) EXPECT_TRUE(n["read_at"].is_string());

  for (const char* bad : {"?limit=0", "?limit=101", "?offset=-1", "?limit=x"}) {
    auto b = c.get(std::string("/v1/me/notifications") + bad, bearer(p.token));
    EXPECT_EQ(b.status, 422u) << bad << " " << b.body;
  }
}

TEST_F(Notifications, OthersAndAnonymousAreRefused) {
  Person owner = signed_in(c);
  Person other = signed_in(c);
  submit(owner);
  std::string id = inbox(c, owner)["items"][0]["id"];

  auto r = c.post_json("/v1/me/notifications/" + id + "/read", json::object(), bearer(other.token));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json()["type"], "/problems/notification-not-found");
  EXPECT_TRUE(inbox(c, owner)["items"][0]["read_at"].is_null()) << "someone else cannot mark it read";
  EXPECT_EQ(inbox(c, other)["total"], 0) << "nobody sees another person's notifications";
  auto unknown = c.post_json("/v1/me/notifications/ntf_nothing/read", json::object(), bearer(owner.token));
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json()["type"], "/problems/notification-not-found");

  auto anon = c.get("/v1/me/notifications");
  EXPECT_EQ(anon.status, 401u);
  EXPECT_EQ(c.post_json("/v1/me/notifications/" + id + "/read", json::object()).status, 401u);
}

TEST_F(Notifications, EveryEventOfTheLifecycle) {
  Person p = signed_in(c);
  Person o = officer();
  std::string id = submit(p);
  ASSERT_EQ(c.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(o.token)).status, 200u);
  ASSERT_EQ(act(o, id, "start_review").status, 200u);
  EXPECT_EQ(inbox(c, p)["total"], 1) << "starting a review is not an event the applicant is told of";
  ASSERT_EQ(act(o, id, "request_info", "Please add the second office address.").status, 200u);
  auto info = latest(inbox(c, p), "info_requested");
  EXPECT_EQ(info["event"], "info_requested");
  EXPECT_NE(info["body"].get<std::string>().find("Please add the second office address."), std::string::npos);
  ASSERT_EQ(act(p, id, "resubmit", "", permit_data()).status, 200u);
  ASSERT_EQ(act(o, id, "request_payment").status, 200u);
  EXPECT_EQ(inbox(c, p)["total"], 2) << "waiting for a payment is not a request for information";
  auto paid = c.post_json("/v1/applications/" + id + "/payments", {{"amount_pkr", "1500.00"}, {"reference", "PSID-" + id}},
                          bearer(o.token));
  ASSERT_EQ(paid.status, 201u) << paid.body;
  ASSERT_EQ(act(o, id, "approve").status, 200u);
  auto page = inbox(c, p);
  EXPECT_EQ(events_of(page), (std::vector<std::string>{"approved", "certificate_issued", "info_requested",
                                                       "payment_recorded", "submitted"}))
      << page.dump();
  for (const auto& n : page["items"]) {
    EXPECT_EQ(n["application_id"], id);
    EXPECT_EQ(n["body"].get<std::string>().find('{'), std::string::npos) << "every placeholder filled: " << n["body"];
    if (n["event"] == "payment_recorded") EXPECT_NE(n["body"].get<std::string>().find("1500.00"), std::string::npos);
  }

  // A rejection, with its reason.
  std::string id2 = submit(p);
  ASSERT_EQ(c.post_json("/v1/applications/" + id2 + "/claim", json::object(), bearer(o.token)).status, 200u);
  ASSERT_EQ(act(o, id2, "start_review").status, 200u);
  ASSERT_EQ(act(o, id2, "reject", "The addresses are not yours.").status, 200u);
  auto rejected = latest(inbox(c, p), "rejected");
  EXPECT_EQ(rejected["event"], "rejected");
  EXPECT_NE(rejected["body"].get<std::string>().find("The addresses are not yours."), std::string::npos);

  // The certificate (valid 10 days) gets its expiry notice from the periodic scan.
  ASSERT_TRUE(eventually([&] { return inbox(c, p, "?limit=100")["total"] == 8; })) << inbox(c, p, "?limit=100").dump();
  auto expiring = latest(inbox(c, p), "certificate_expiring");
  EXPECT_EQ(expiring["event"], "certificate_expiring");
  EXPECT_EQ(expiring["application_id"], id);
  // That later scans add nothing is tests/unit/notifications_test.cpp's NotificationExpiry.
}

TEST_F(Notifications, AnOrganisationsApplicationTellsTheFilerAndTheOwners) {
  Person owner = signed_in(c, "Firm Owner");
  Person member = signed_in(c, "Firm Member");
  Person other_member = signed_in(c, "Other Member");
  auto org = c.post_json("/v1/organisations", {{"name", "Indus Notices (Pvt) Ltd"}, {"ntn", "45" + owner.cnic.substr(0, 5)}},
                         bearer(owner.token));
  ASSERT_EQ(org.status, 201u) << org.body;
  std::string org_id = org.json()["id"];
  for (const Person* m : {&member, &other_member})
    ASSERT_EQ(c.post_json("/v1/organisations/" + org_id + "/members", {{"person", m->cnic}}, bearer(owner.token)).status,
              201u);
  std::string id = submit(member, org_id);
  EXPECT_EQ(inbox(c, member)["items"][0]["application_id"], id);
  EXPECT_EQ(inbox(c, owner)["items"][0]["application_id"], id);
  EXPECT_EQ(inbox(c, other_member)["total"], 0);

  // The owner files for the organisation: filer and owner at once, told once.
  const int owner_before = inbox(c, owner)["total"];
  std::string own = submit(owner, org_id);
  EXPECT_EQ(inbox(c, owner)["items"][0]["application_id"], own);
  EXPECT_EQ(inbox(c, owner)["total"], owner_before + 1) << "recipients are de-duplicated";
  EXPECT_EQ(inbox(c, member)["total"], 1) << "a member who did not file is not told";
}

TEST_F(Notifications, FileTransportWritesEachMessageOnce) {
  // The delivered files (<id>.eml, <id>.sms.txt; a repeated delivery would add <id>.2.eml beside
  // the first) in `dir` that mention `needle`.
  auto files_for = [](const std::string& dir, const std::string& needle) {
    std::vector<std::string> out;
    if (!std::filesystem::is_directory(dir)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file() || !(name.ends_with(".eml") || name.ends_with(".sms.txt"))) continue;
      std::ifstream in(e.path());
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find(needle) != std::string::npos) out.push_back(text);
    }
    return out;
  };
  auto tracking_of = [&](const Person& p, const std::string& id) {
    return c.get("/v1/applications/" + id, bearer(p.token)).json()["tracking_number"].get<std::string>();
  };
  Person p = signed_in(c);
  const std::string first = tracking_of(p, submit(p));
  ASSERT_TRUE(eventually([&] { return files_for(g_outbox_dir, first).size() == 1; })) << "e-mail file";
  std::string mail = files_for(g_outbox_dir, first)[0];
  EXPECT_NE(mail.find("To: <" + p.email + ">\r\n"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Subject: Application " + first), std::string::npos) << mail;
  EXPECT_NE(mail.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(mail.find("From: Darwaza Test <no-reply@darwaza.test>\r\n"), std::string::npos) << "--smtp-from: " << mail;
  ASSERT_TRUE(eventually([&] { return files_for(g_outbox_dir + "/sms", first).size() == 1; })) << "SMS file";
  EXPECT_NE(files_for(g_outbox_dir + "/sms", first)[0].find("To: " + p.mobile), std::string::npos);

  // A later message goes out in later worker rounds; by then the first is still there once.
  const std::string second = tracking_of(p, submit(p));
  ASSERT_TRUE(eventually([&] {
    return files_for(g_outbox_dir, second).size() == 1 && files_for(g_outbox_dir + "/sms", second).size() == 1;
  }));
  EXPECT_EQ(files_for(g_outbox_dir, first).size(), 1u) << "e-mail delivered twice";
  EXPECT_EQ(files_for(g_outbox_dir + "/sms", first).size(), 1u) << "SMS delivered twice";
}

// Its own server and SMTP sink: the sink refuses the first message, which must come again.
TEST(NotificationSmtp, DeliversWithRetryAndNeverTwice) {
  SmtpSink sink(/*refuse_first=*/1);
  ServerProcess s({"--catalog-dir", DARWAZA_TEST_FIXTURES "/notify-services", "--outbox-transport", "smtp",
                   "--smtp-host", "127.0.0.1", "--smtp-port", std::to_string(sink.port()), "--smtp-from",
                   "Darwaza <no-reply@darwaza.test>", "--outbox-poll-ms", "100", "--outbox-retry-base-ms", "200"});
  s.start();
  auto c = s.client();
  Person p = signed_in(c, "Urdu Reader");
  ASSERT_EQ(c.patch_json("/v1/me", {{"preferred_lang", "ur"}}, bearer(p.token)).status, 200u);
  auto submit = [&] {
    auto r = c.post_json("/v1/applications", {{"service_id", "test-short-permit"}, {"data", permit_data()}},
                         bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json()["tracking_number"].get<std::string>();
  };
  std::string tracking = submit();
  ASSERT_TRUE(sink.wait_for_accepted(1, kDeliveryTimeout)) << "no delivery; see " << s.log_path();
  ASSERT_EQ(sink.refused().size(), 1u);
  auto first = sink.accepted()[0];
  EXPECT_EQ(first.header("Message-ID"), sink.refused()[0].header("Message-ID")) << "the refused message came again";
  EXPECT_EQ(first.rcpt_to.at(0), "<" + p.email + ">");
  EXPECT_EQ(first.mail_from, "<no-reply@darwaza.test>");
  EXPECT_EQ(first.header("Subject").rfind("=?UTF-8?B?", 0), 0u) << first.header("Subject");
  EXPECT_NE(first.data.find(tracking), std::string::npos);
  EXPECT_NE(first.data.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(first.data.find("موصول"), std::string::npos) << "Urdu body";

  // A later message goes through after more worker rounds; the first is still there only once.
  submit();
  ASSERT_TRUE(sink.wait_for_accepted(2, kDeliveryTimeout));
  std::multiset<std::string> ids;
  for (const auto& m : sink.accepted()) ids.insert(m.header("Message-ID"));
  EXPECT_EQ(ids.count(first.header("Message-ID")), 1u);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 2u) << "no duplicate delivery";
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
