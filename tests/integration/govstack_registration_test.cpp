// End-to-end: the GovStack Registration API's officers' tasks, document uploads and statistics
// (../shared/govstack/registration-api), on the Registration listener, over the portal's own
// applications, workflow transitions, document store and audit log.
#include <gtest/gtest.h>

#include <set>

#include "core/clock.hpp"
#include "core/working_days.hpp"
#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

const json kPermitData = {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}};

class GovStackRegistration : public GovStackSuite {
 protected:
  static void SetUpTestSuite() { start_govstack({"registration"}, kTestServices); }

  // A test-permit (PTA) application filed by `p` through the portal; its id.
  std::string apply(const Person& p) {
    auto r = portal.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", kPermitData}}, bearer(p.token));
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json().value("id", "");
  }
  // The caller's open task on application `id` (null when there is none).
  json task_of(const Person& officer, const std::string& id) {
    auto r = reg.get("/tasks?fileId=" + id, bearer(officer.token));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().empty() ? json() : r.json()[0];
  }
  HttpResponse complete(const Person& officer, const std::string& task, const json& data) {
    return reg.post_json("/tasks/" + task + "/complete", {{"data", data}}, bearer(officer.token));
  }
  // What the audit log says was done to application `object_id` (reads aside), and by whom.
  std::set<std::string> audited_actions(const std::string& subject, const std::string& object_id) {
    Person auditor = staff("", "auditor");
    auto q = portal.get("/v1/audit/entries?subject_user=" + subject + "&action=application.", bearer(auditor.token));
    EXPECT_EQ(q.status, 200u) << q.body;
    std::set<std::string> out;
    const json found = q.json();
    for (const auto& e : found["items"])
      if (e["object_id"] == object_id && e["action"] != "application.read") out.insert(e["action"].get<std::string>() + " by " + e["actor"].get<std::string>());
    return out;
  }
  std::string multipart(const std::string& parts) {
    return parts + "--XyZbound--\r\n";
  }
  static std::string file_part(const std::string& bytes, const std::string& extra_headers = "",
                               const std::string& name = "file") {
    return "--XyZbound\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"papers.pdf\"\r\n" +
           extra_headers + "Content-Type: application/pdf\r\n\r\n" + bytes + "\r\n";
  }
  HttpResponse upload(const std::string& body, std::map<std::string, std::string> headers) {
    headers.emplace("Content-Type", "multipart/form-data; boundary=XyZbound");
    return reg.request("POST", "/documents", body, headers);
  }

  HttpClient reg = govstack("registration");
};

// ---- Tasks ------------------------------------------------------------------------------------

TEST_F(GovStackRegistration, TasksAreTheOwningAgencysOpenStepsAndOthersAreRefused) {
  Person citizen = signed_in(portal, "Task Applicant");
  Person officer = staff("pta");
  const std::string id = apply(citizen);

  json task = task_of(officer, id);
  ASSERT_TRUE(task.is_object());
  EXPECT_EQ(task["fileId"], id);
  EXPECT_EQ(task["mainTaskId"], id);
  EXPECT_EQ(task["serviceId"], "test-permit");
  EXPECT_EQ(task["eFormId"], "test-permit");
  EXPECT_EQ(task["name"], "Submitted");
  EXPECT_EQ(task["roleId"], "officer");
  EXPECT_EQ(task["assigneeId"], "");
  EXPECT_EQ(task["status"]["code"], "PENDING");
  const std::string task_id = task["taskId"];
  EXPECT_EQ(task_id.rfind(id + ".submitted.", 0), 0u) << task_id;
  auto same = reg.get("/tasks?mainTaskId=" + id, bearer(officer.token)).json();
  ASSERT_EQ(same.size(), 1u);
  EXPECT_EQ(same[0], task);
  EXPECT_TRUE(reg.get("/tasks?fileId=" + id + "&assigneeId=" + officer.id, bearer(officer.token)).json().empty());
  EXPECT_TRUE(reg.get("/tasks?fileId=" + id + "&firstResult=1", bearer(officer.token)).json().empty());
  auto all = reg.get("/tasks?maxResult=100", bearer(officer.token));
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_GE(all.json().size(), 1u);
  for (const char* bad : {"maxResult=0", "maxResult=101", "firstResult=-1", "firstResult=x", "firstResult=10001"}) {
    auto r = reg.get(std::string("/tasks?") + bad, bearer(officer.token));
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(problem_type(r), "/problems/invalid-parameter") << bad;
  }

  auto one = reg.get("/tasks/" + task_id, bearer(officer.token));
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json()["taskId"], task_id);
  EXPECT_EQ(one.json()["taskName"], "Submitted");
  EXPECT_EQ(one.json()["fileId"], id);
  EXPECT_EQ(one.json()["data"]["purpose"], kPermitData["purpose"]);
  EXPECT_TRUE(one.json()["formVariables"].contains("start_review")) << one.body;
  EXPECT_FALSE(one.json()["formVariables"].contains("withdraw")) << one.body;  // the applicant's way out

  // Unknown, malformed and other steps' ids.
  for (const std::string& bad : {std::string("app_nothing.submitted.1"), std::string("nonsense"), id + ".submitted.x",
                                id + ".under_review." + task_id.substr(task_id.rfind('.') + 1), id + ".submitted.1"}) {
    auto r = reg.get("/tasks/" + bad, bearer(officer.token));
    EXPECT_EQ(r.status, 404u) << bad;
    EXPECT_EQ(problem_type(r), "/problems/task-not-found") << bad;
  }

  // Refused: no credentials, the applicant, another agency's officer, the agency's API client.
  EXPECT_EQ(reg.get("/tasks").status, 401u);
  EXPECT_EQ(reg.get("/tasks/" + task_id).status, 401u);
  EXPECT_EQ(reg.get("/tasks", bearer(citizen.token)).status, 403u);
  EXPECT_EQ(reg.get("/tasks/" + task_id, bearer(citizen.token)).status, 403u);
  EXPECT_EQ(complete(citizen, task_id, {{"transition", "withdraw"}}).status, 403u);
  Person other = staff("pseb");
  EXPECT_TRUE(task_of(other, id).is_null());
  auto foreign = reg.get("/tasks/" + task_id, bearer(other.token));
  EXPECT_EQ(foreign.status, 404u);
  EXPECT_EQ(problem_type(foreign), "/problems/task-not-found");
  auto foreign_done = complete(other, task_id, {{"transition", "start_review"}});
  EXPECT_EQ(foreign_done.status, 404u) << foreign_done.body;
  const std::string member = member_of("pta");
  EXPECT_EQ(reg.get("/tasks", {{"Information-Mediator-Client", member}}).status, 403u);
  EXPECT_EQ(reg.get("/tasks/" + task_id, {{"Information-Mediator-Client", member}}).status, 403u);
  EXPECT_EQ(reg.request("POST", "/tasks/" + task_id + "/complete", R"({"data":{"transition":"start_review"}})",
                        {{"Information-Mediator-Client", member}, {"Content-Type", "application/json"}})
                .status,
            403u);
  // None of that moved the application.
  auto still = portal.get("/v1/applications/" + id, bearer(officer.token));
  EXPECT_EQ(still.json()["state"], "submitted");
  EXPECT_EQ(still.json()["assigned"], false);
}

TEST_F(GovStackRegistration, CompletingATaskIsThePortalsTransitionAuditedTheSameWay) {
  Person citizen = signed_in(portal, "Task Applicant Two");
  Person officer = staff("pta");
  const std::string id = apply(citizen);
  const std::string first = task_of(officer, id)["taskId"];

  // Bodies that name no transition of the workflow.
  auto complete_raw = [&](const std::string& body) {
    return reg.request("POST", "/tasks/" + first + "/complete", body,
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + officer.token}});
  };
  EXPECT_EQ(complete_raw("not json").status, 400u);
  EXPECT_EQ(complete_raw("{}").status, 422u);
  EXPECT_EQ(complete_raw(R"({"data":{}})").status, 422u);
  EXPECT_EQ(complete_raw(R"({"data":{"transition":"start_review","extra":1}})").status, 422u);
  EXPECT_EQ(complete_raw(R"({"data":{"transition":"start_review"},"other":1})").status, 422u);
  EXPECT_EQ(complete_raw(R"({"data":{"transition":"start_review","comment":5}})").status, 422u);
  auto unknown = complete(officer, first, {{"transition", "fly_to_the_moon"}});
  EXPECT_EQ(unknown.status, 409u) << unknown.body;
  EXPECT_EQ(problem_type(unknown), "/problems/transition-not-allowed");
  auto applicants = complete(officer, first, {{"transition", "withdraw"}});
  EXPECT_EQ(applicants.status, 409u) << applicants.body;
  EXPECT_EQ(problem_type(applicants), "/problems/transition-not-allowed");
  EXPECT_EQ(portal.get("/v1/applications/" + id, bearer(officer.token)).json()["assigned"], false);

  // Completing the task claims the application for the officer and makes the move.
  auto done = complete(officer, first, {{"transition", "start_review"}});
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json()["taskId"], first);
  EXPECT_EQ(done.json()["fileId"], id);
  EXPECT_EQ(done.json()["serviceId"], "test-permit");
  EXPECT_EQ(done.json()["status"]["code"], "PENDING");
  json result = done.json()["variables"]["result"]["data"];
  EXPECT_EQ(result["fromState"], "submitted");
  EXPECT_EQ(result["toState"], "under_review");
  const std::string second = result["nextTaskId"];
  EXPECT_EQ(task_of(officer, id)["taskId"], second);
  EXPECT_EQ(task_of(officer, id)["assigneeId"], officer.id);
  auto view = portal.get("/v1/applications/" + id, bearer(officer.token)).json();
  EXPECT_EQ(view["state"], "under_review");
  EXPECT_EQ(view["timeline"].back()["transition"], "start_review");
  EXPECT_EQ(view["timeline"].back()["by_role"], "officer");

  // The completed task is gone: completing it again is a conflict, reading it not found.
  auto again = complete(officer, first, {{"transition", "start_review"}});
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(problem_type(again), "/problems/step-changed");
  auto stale_other_move = complete(officer, first, {{"transition", "reject"}, {"comment", "late"}});
  EXPECT_EQ(problem_type(stale_other_move), "/problems/step-changed");
  EXPECT_EQ(reg.get("/tasks/" + first, bearer(officer.token)).status, 404u);

  // Another officer of the agency: the task is claimed by the first.
  Person colleague = staff("pta");
  auto theirs = complete(colleague, second, {{"transition", "request_payment"}});
  EXPECT_EQ(theirs.status, 409u) << theirs.body;
  EXPECT_EQ(problem_type(theirs), "/problems/claimed-by-another");

  // The workflow's own rules: a comment to reject, a payment to approve.
  auto no_comment = complete(officer, second, {{"transition", "reject"}});
  EXPECT_EQ(no_comment.status, 422u) << no_comment.body;
  EXPECT_EQ(problem_type(no_comment), "/problems/comment-required");
  auto to_payment = complete(officer, second, {{"transition", "request_payment"}});
  ASSERT_EQ(to_payment.status, 200u) << to_payment.body;
  const std::string third = to_payment.json()["variables"]["result"]["data"]["nextTaskId"];
  auto unpaid = complete(officer, third, {{"transition", "approve"}});
  EXPECT_EQ(unpaid.status, 409u) << unpaid.body;
  EXPECT_EQ(problem_type(unpaid), "/problems/payment-required");
  auto paid = portal.post_json("/v1/applications/" + id + "/payments", {{"amount_pkr", "1500.00"}, {"reference", "PSID-" + id}},
                               bearer(officer.token));
  ASSERT_EQ(paid.status, 201u) << paid.body;
  auto approved = complete(officer, third, {{"transition", "approve"}, {"comment", "All in order"}});
  ASSERT_EQ(approved.status, 200u) << approved.body;
  EXPECT_EQ(approved.json()["status"]["code"], "APPROVED");
  EXPECT_TRUE(approved.json()["variables"]["result"]["data"]["nextTaskId"].is_null());
  EXPECT_TRUE(task_of(officer, id).is_null());
  EXPECT_FALSE(portal.get("/v1/applications/" + id, bearer(citizen.token)).json()["certificate_id"].is_null());

  // The audit log holds what the portal's claim and transitions write, by the officer.
  const std::string by = " by " + officer.id;
  auto actions = audited_actions(citizen.id, id);
  for (const std::string a : {"application.claim", "application.transition.start_review",
                              "application.transition.request_payment", "application.transition.approve"})
    EXPECT_TRUE(actions.count(a + by)) << a << " in " << json(actions).dump();
  // ... exactly as when the same officer does the same in the portal.
  const std::string twin = apply(citizen);
  ASSERT_EQ(portal.post_json("/v1/applications/" + twin + "/claim", json::object(), bearer(officer.token)).status, 200u);
  for (const char* t : {"start_review", "request_payment"})
    ASSERT_EQ(apply_transition(portal, officer, twin, t).status, 200u) << t;
  ASSERT_EQ(portal.post_json("/v1/applications/" + twin + "/payments", {{"amount_pkr", "1500.00"}, {"reference", "PSID-" + twin}},
                             bearer(officer.token)).status, 201u);
  ASSERT_EQ(apply_transition(portal, officer, twin, "approve", "All in order").status, 200u);
  EXPECT_EQ(audited_actions(citizen.id, twin), actions);
}

// ---- Documents --------------------------------------------------------------------------------

TEST_F(GovStackRegistration, DocumentsGoToThePortalsStore) {
  Person citizen = signed_in(portal, "Uploader");
  const std::string pdf = "%PDF-1.7\ngovstack upload " + citizen.id + "\n";
  auto up = upload(multipart(file_part(pdf)), bearer(citizen.token));
  ASSERT_EQ(up.status, 200u) << up.body;
  EXPECT_EQ(up.json()["code"], 200);
  EXPECT_EQ(up.json()["type"], "application/pdf");
  const std::string doc = up.json()["documentId"];
  EXPECT_NE(up.json()["url"].get<std::string>().find("/v1/documents/" + doc), std::string::npos);
  // The portal serves it to its owner, byte for byte, under its file name.
  auto back = portal.get("/v1/documents/" + doc, bearer(citizen.token));
  ASSERT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(back.body, pdf);
  EXPECT_NE(back.header("content-disposition").find("papers.pdf"), std::string::npos);
  // Content-addressed: the same bytes through the portal, or base64 in the part, hash the same.
  auto direct = portal.request("POST", "/v1/documents", pdf,
                               {{"Content-Type", "application/pdf"}, {"Authorization", "Bearer " + citizen.token}});
  ASSERT_EQ(direct.status, 201u) << direct.body;
  EXPECT_EQ(direct.json()["sha256"], up.json()["sha256"]);
  auto b64 = upload(multipart(file_part("JVBERi0xLjcK\r\nYjY0Cg==", "Content-Transfer-Encoding: base64\r\n")),
                    bearer(citizen.token));
  ASSERT_EQ(b64.status, 200u) << b64.body;
  EXPECT_EQ(portal.get("/v1/documents/" + b64.json()["documentId"].get<std::string>(), bearer(citizen.token)).body,
            "%PDF-1.7\nb64\n");
  // The upload is audited as the portal's.
  Person auditor = staff("", "auditor");
  auto audit = portal.get("/v1/audit/entries?subject_user=" + citizen.id + "&action=document.upload", bearer(auditor.token));
  std::set<std::string> docs;
  const json entries = audit.json();
  for (const auto& e : entries["items"]) docs.insert(e["object_id"].get<std::string>());
  EXPECT_TRUE(docs.count(doc)) << audit.body;

  // Failed uploads: 400 with the specification's systemError members.
  auto refused = [&](const HttpResponse& r, const std::string& type) {
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(problem_type(r), "/problems/" + type) << r.body;
    EXPECT_EQ(r.json()["code"], type);
    EXPECT_FALSE(r.json().value("message", "").empty());
    EXPECT_EQ(r.json()["traceId"], r.json()["request_id"]);
  };
  refused(reg.request("POST", "/documents", pdf, {{"Content-Type", "application/pdf"}, {"Authorization", "Bearer " + citizen.token}}),
          "invalid-multipart");
  refused(upload("no parts at all", bearer(citizen.token)), "invalid-multipart");
  refused(upload(multipart(file_part(pdf, "", "other")), bearer(citizen.token)), "file-required");
  refused(upload(multipart(file_part(pdf) + file_part(pdf)), bearer(citizen.token)), "one-file-per-upload");
  refused(upload(multipart(file_part("just some text")), bearer(citizen.token)), "unsupported-document-type");
  refused(upload(multipart(file_part("")), bearer(citizen.token)), "empty-document");
  refused(upload(multipart(file_part("!!not base64!!", "Content-Transfer-Encoding: base64\r\n")), bearer(citizen.token)),
          "invalid-base64");
  // The portal's size limit.
  auto big = upload(multipart(file_part("%PDF-1.7\n" + std::string(10 * 1024 * 1024, 'x'))), bearer(citizen.token));
  EXPECT_EQ(big.status, 413u) << big.body.substr(0, 300);
  // Who may upload: signed-in people, as on the portal.
  EXPECT_EQ(upload(multipart(file_part(pdf)), {}).status, 401u);
  const std::string member = member_of("pta");
  EXPECT_EQ(upload(multipart(file_part(pdf)), {{"Information-Mediator-Client", member}}).status, 403u);
}

// ---- Statistics -------------------------------------------------------------------------------

TEST_F(GovStackRegistration, StatisticsCountTheOfficersDecisions) {
  Person citizen = signed_in(portal, "Statistics Applicant");
  Person officer = staff("pta");
  auto decide = [&](const std::vector<std::pair<std::string, std::string>>& moves) {
    const std::string id = apply(citizen);
    EXPECT_EQ(portal.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(officer.token)).status, 200u);
    for (const auto& [t, comment] : moves) EXPECT_EQ(apply_transition(portal, officer, id, t, comment).status, 200u) << t;
    return id;
  };
  const std::string rejected = decide({{"start_review", ""}, {"reject", "Incomplete"}});
  decide({{"start_review", ""}, {"request_info", "Which clients?"}});
  const std::string paid = decide({{"start_review", ""}, {"request_payment", ""}});  // waiting for a fee: not sent back
  ASSERT_EQ(portal.post_json("/v1/applications/" + paid + "/payments", {{"amount_pkr", "1500.00"}, {"reference", "PSID-" + paid}},
                             bearer(officer.token)).status, 201u);
  ASSERT_EQ(apply_transition(portal, officer, paid, "approve").status, 200u);
  decide({{"start_review", ""}});  // not decided

  // The day of the decisions, in PKT, from the applications' own timelines (made within
  // seconds; the test needs them on one day, so it starts over if midnight fell between them).
  auto decided_on = [&](const std::string& id) {
    auto view = portal.get("/v1/applications/" + id, bearer(officer.token)).json();
    return darwaza::pkt_date(*darwaza::parse_rfc3339(view["timeline"].back()["at"].get<std::string>()));
  };
  const std::string day = decided_on(paid);
  if (decided_on(rejected) != day) GTEST_SKIP() << "PKT midnight fell between the decisions";

  const std::string mine = "/data/statistics/1.0?operator=" + officer.id;
  auto all = reg.get(mine);  // public: no credentials
  ASSERT_EQ(all.status, 200u) << all.body;
  ASSERT_EQ(all.json().size(), 1u);
  json s = all.json()[0];
  EXPECT_EQ(s["approved"], 1);
  EXPECT_EQ(s["rejected"], 1);
  EXPECT_EQ(s["sentBack"], 1);
  EXPECT_EQ(s["processed"], 3);
  EXPECT_EQ(s["references"]["operator"], officer.id);
  EXPECT_EQ(s["references"]["timeframeDay"], false);
  EXPECT_FALSE(s["references"].contains("startDate"));

  auto daily = reg.get(mine + "&timeframe=day&startDate=" + day + "&endDate=" + day + "&registrationName=test-permit");
  ASSERT_EQ(daily.status, 200u) << daily.body;
  ASSERT_EQ(daily.json().size(), 1u);
  EXPECT_EQ(daily.json()[0]["processed"], 3);
  EXPECT_EQ(daily.json()[0]["references"]["startDate"], day);
  EXPECT_EQ(daily.json()[0]["references"]["endDate"], day);
  EXPECT_EQ(daily.json()[0]["references"]["timeframeDay"], true);
  EXPECT_EQ(daily.json()[0]["references"]["registrationName"], "test-permit");
  auto monthly = reg.get(mine + "&timeframe=month").json();
  ASSERT_EQ(monthly.size(), 1u);
  EXPECT_EQ(monthly[0]["references"]["startDate"], day.substr(0, 8) + "01");
  EXPECT_EQ(monthly[0]["references"]["endDate"].get<std::string>().substr(0, 8), day.substr(0, 8));
  EXPECT_EQ(monthly[0]["processed"], 3);
  auto yearly = reg.get(mine + "&timeframe=year&startDate=" + day).json();
  ASSERT_EQ(yearly.size(), 1u);
  EXPECT_EQ(yearly[0]["references"]["startDate"], day);  // clipped to the range asked for
  EXPECT_EQ(yearly[0]["references"]["endDate"], day.substr(0, 4) + "-12-31");

  // Filters that match none of them.
  auto before = reg.get(mine + "&startDate=2000-01-01&endDate=2000-01-31").json();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]["processed"], 0);
  EXPECT_EQ(before[0]["references"]["endDate"], "2000-01-31");
  EXPECT_TRUE(reg.get(mine + "&startDate=2000-01-01&endDate=2000-01-31&timeframe=week").json().empty());
  EXPECT_EQ(reg.get(mine + "&role=agency_admin").json()[0]["processed"], 0);
  EXPECT_EQ(reg.get(mine + "&role=officer").json()[0]["processed"], 3);
  EXPECT_EQ(reg.get(mine + "&registrationName=pta-vpn-registration").json()[0]["processed"], 0);
  // Everyone's decisions include this officer's.
  EXPECT_GE(reg.get("/data/statistics/1.0").json()[0]["approved"].get<int>(), 1);

  // Bad parameters.
  for (const char* bad : {"startDate=2026-13-01", "startDate=yesterday", "endDate=2026-02-30", "startDate=2026-1-01",
                          "startDate=2026-03-02&endDate=2026-03-01", "timeframe=hour", "timeframe=", "role=citizen"}) {
    auto r = reg.get(std::string("/data/statistics/1.0?") + bad);
    EXPECT_EQ(r.status, 400u) << bad << r.body;
    EXPECT_EQ(problem_type(r), "/problems/invalid-parameter") << bad;
  }
  auto unknown = reg.get("/data/statistics/1.0?registrationName=no-such-service");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(problem_type(unknown), "/problems/registration-not-found");
}

}  // namespace
