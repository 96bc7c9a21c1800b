// End-to-end: the GovStack Registration API's application files (filed and updated by the
// applicant), officers' tasks, document uploads and statistics
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

  // The specification's applicationFileSubmit, filed or updated by `p` (raw body when given).
  static json file_body(const Person& p, const json& data) {
    return {{"applicantId", p.id},
            {"applicationName", "Permit for " + p.name},
            {"created", "2026-03-01T09:00:00Z"},
            {"formData", {{"data", data}, {"eFormId", "test-permit"}}}};
  }
  HttpResponse file(const std::string& service, const Person& p, const json& body, const std::string& key = "") {
    std::map<std::string, std::string> h = bearer(p.token);
    if (!key.empty()) h["Idempotency-Key"] = key;
    return reg.post_json("/services/" + service + "/applications", body, h);
  }
  HttpResponse update(const std::string& id, const Person& p, const json& body) {
    return reg.request("PUT", "/applications/" + id, body.dump(),
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + p.token}});
  }
  // A refusal with the specification's systemError members on the problem body.
  static void expect_refusal(const HttpResponse& r, unsigned status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(problem_type(r), "/problems/" + type) << r.body;
    EXPECT_EQ(r.json().value("code", ""), type) << r.body;
    EXPECT_FALSE(r.json().value("message", "").empty()) << r.body;
    EXPECT_EQ(r.json()["traceId"], r.json()["request_id"]) << r.body;
  }
  // The paths of a refusal's field errors.
  static std::set<std::string> error_paths(const HttpResponse& r) {
    std::set<std::string> out;
    const json body = r.json();
    for (const auto& e : body.value("errors", json::array())) out.insert(e["path"].get<std::string>());
    return out;
  }
  json portal_view(const Person& p, const std::string& id) {
    auto r = portal.get("/v1/applications/" + id, bearer(p.token));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
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

// ---- Application files ------------------------------------------------------------------------

TEST_F(GovStackRegistration, FilingAnApplicationIsThePortalsSubmitWithItsIdempotency) {
  Person citizen = signed_in(portal, "GovStack Filer");
  Person officer = staff("pta");
  auto filed = file("test-permit", citizen, file_body(citizen, kPermitData), "gs-file-1");
  ASSERT_EQ(filed.status, 200u) << filed.body;
  const json f = filed.json();
  const std::string id = f["fileId"];
  EXPECT_EQ(f["serviceId"], "test-permit");
  EXPECT_EQ(f["serviceName"], "Test permit");
  EXPECT_EQ(f["status"]["code"], "PENDING");
  EXPECT_EQ(f["status"]["title"], "Submitted");
  EXPECT_EQ(f["ended"], false);
  EXPECT_FALSE(f["registered"].get<std::string>().empty());
  EXPECT_EQ(f["applicationData"]["applicantId"], citizen.id);
  EXPECT_EQ(f["applicationData"]["formData"]["eFormId"], "test-permit");
  EXPECT_EQ(f["applicationData"]["formData"]["data"]["purpose"], kPermitData["purpose"]);
  EXPECT_EQ(f["applicationData"]["applicationName"].get<std::string>().rfind("DZ-", 0), 0u);  // the tracking number
  EXPECT_EQ(f["receipt"]["receipt"]["application_id"], id);
  EXPECT_EQ(filed.header("location"), "/applications/" + id);
  EXPECT_EQ(filed.header("idempotent-replayed"), "");

  // It is the portal's application: submitted, on the agency's queue, audited as the portal's submit.
  json view = portal_view(citizen, id);
  EXPECT_EQ(view["state"], "submitted");
  EXPECT_EQ(view["timeline"][0]["kind"], "submitted");
  EXPECT_TRUE(task_of(officer, id).is_object());
  EXPECT_TRUE(audited_actions(citizen.id, id).count("application.submit by " + citizen.id));
  auto read = reg.get("/applications/" + id, bearer(citizen.token));
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json()["fileId"], id);

  // A retry with the same key answers the same file; the key with other data is refused.
  auto again = file("test-permit", citizen, file_body(citizen, kPermitData), "gs-file-1");
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json()["fileId"], id);
  EXPECT_EQ(again.json()["receipt"], f["receipt"]);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  json other = kPermitData;
  other["purpose"] = "Something else entirely";
  expect_refusal(file("test-permit", citizen, file_body(citizen, other), "gs-file-1"), 409, "idempotency-key-reused");
  // Without a key, every call files a new application.
  auto fresh = file("test-permit", citizen, file_body(citizen, kPermitData));
  ASSERT_EQ(fresh.status, 200u) << fresh.body;
  EXPECT_NE(fresh.json()["fileId"], id);

  // A document uploaded through POST /documents travels in the form's document field; its link
  // may be listed in documentUrls, and the file lists it.
  const std::string pdf = "%PDF-1.7\nsupporting letter " + citizen.id + "\n";
  auto up = upload(multipart(file_part(pdf)), bearer(citizen.token));
  ASSERT_EQ(up.status, 200u) << up.body;
  json with_letter = kPermitData;
  with_letter["supporting_letter"] = up.json()["documentId"];
  json body = file_body(citizen, with_letter);
  body["documentUrls"] = {up.json()["url"]};
  auto lettered = file("test-permit", citizen, body);
  ASSERT_EQ(lettered.status, 200u) << lettered.body;
  EXPECT_EQ(lettered.json()["applicationData"]["documentUrls"], json::array({up.json()["url"]}));
  // The owning agency's officer can download it, as for a portal application.
  const std::string doc_path = "/v1/documents/" + up.json()["documentId"].get<std::string>();
  EXPECT_EQ(portal.get(doc_path, bearer(officer.token)).body, pdf);
}

TEST_F(GovStackRegistration, FilingRefusesOthersBadBodiesAndUnknownServices) {
  Person citizen = signed_in(portal, "GovStack Careless Filer");
  const json good = file_body(citizen, kPermitData);
  auto raw = [&](const std::string& body, std::map<std::string, std::string> h) {
    h.emplace("Content-Type", "application/json");
    return reg.request("POST", "/services/test-permit/applications", body, h);
  };

  // Who: only a signed-in person, filing as themselves.
  EXPECT_EQ(raw(good.dump(), {}).status, 401u);
  EXPECT_EQ(raw(good.dump(), {{"Information-Mediator-Client", member_of("pta")}}).status, 403u);
  Person someone = signed_in(portal, "Someone Named");
  expect_refusal(file("test-permit", citizen, file_body(someone, kPermitData)), 403, "applicant-mismatch");

  // Unknown service: the specification's 404.
  auto unknown = file("no-such-service", citizen, good);
  expect_refusal(unknown, 404, "service-not-found");
  EXPECT_EQ(unknown.json()["detail"], "Service was not found");

  // Bodies of the wrong shape: 400 with the field list.
  expect_refusal(raw("not json", bearer(citizen.token)), 400, "malformed-json");
  struct Bad {
    json body;
    std::string path;
  };
  json no_form = good;
  no_form.erase("formData");
  json no_applicant = good;
  no_applicant.erase("applicantId");
  json numeric_applicant = good;
  numeric_applicant["applicantId"] = 42;
  json listed_data = good;
  listed_data["formData"]["data"] = json::array({"purpose"});
  json unknown_member = good;
  unknown_member["receiptEmail"] = "x@example.pk";
  json bad_created = good;
  bad_created["created"] = "yesterday";
  json stray_url = good;
  stray_url["documentUrls"] = {"http://127.0.0.1/v1/documents/doc_nothing"};
  for (const Bad& b : {Bad{no_form, "/formData"}, Bad{no_applicant, "/applicantId"}, Bad{numeric_applicant, "/applicantId"},
                       Bad{listed_data, "/formData/data"}, Bad{unknown_member, "/receiptEmail"},
                       Bad{bad_created, "/created"}, Bad{stray_url, "/documentUrls/0"}}) {
    auto r = file("test-permit", citizen, b.body);
    expect_refusal(r, 400, "validation");
    EXPECT_TRUE(error_paths(r).count(b.path)) << b.path << " " << r.body;
  }
  json other_form = good;
  other_form["formData"]["eFormId"] = "pta-vpn-registration";
  expect_refusal(file("test-permit", citizen, other_form), 400, "wrong-form");

  // The form's own rules: the portal's 422 field errors, as the specification's 400, under formData.data.
  auto missing = file("test-permit", citizen, file_body(citizen, {{"endpoints", {"not an address"}}}));
  expect_refusal(missing, 400, "validation");
  EXPECT_TRUE(error_paths(missing).count("/formData/data/purpose")) << missing.body;
  EXPECT_TRUE(error_paths(missing).count("/formData/data/endpoints/0")) << missing.body;
  json foreign_doc = kPermitData;
  foreign_doc["supporting_letter"] = "doc_of_nobody";
  auto not_mine = file("test-permit", citizen, file_body(citizen, foreign_doc));
  expect_refusal(not_mine, 400, "validation");
  EXPECT_TRUE(error_paths(not_mine).count("/formData/data/supporting_letter")) << not_mine.body;
  // A service for organisations only: the specification's applicant is a person.
  json firm = file_body(citizen, json::object());
  firm["formData"]["eFormId"] = "test-firm-licence";
  expect_refusal(file("test-firm-licence", citizen, firm), 400, "wrong-applicant-kind");

  // None of them filed anything.
  EXPECT_TRUE(reg.get("/applications", bearer(citizen.token)).json().empty());
}

TEST_F(GovStackRegistration, UpdatingAFileEditsADraftAndAnswersARequestForMoreInformation) {
  Person citizen = signed_in(portal, "GovStack Updater");
  Person officer = staff("pta");
  auto draft = portal.post_json("/v1/applications",
                                {{"service_id", "test-permit"}, {"data", {{"purpose", "First thoughts"}}}, {"draft", true}},
                                bearer(citizen.token));
  ASSERT_EQ(draft.status, 201u) << draft.body;
  const std::string id = draft.json()["id"];

  // A draft's data is replaced; it stays a draft.
  json edited = {{"purpose", "Second thoughts"}};
  auto updated = update(id, citizen, file_body(citizen, edited));
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(updated.json()["fileId"], id);
  EXPECT_EQ(updated.json()["status"]["code"], "PENDING");
  EXPECT_EQ(updated.json()["registered"], "");
  EXPECT_EQ(updated.json()["applicationData"]["formData"]["data"], edited);
  EXPECT_EQ(portal_view(citizen, id)["state"], "draft");
  EXPECT_EQ(portal_view(citizen, id)["data"], edited);
  auto bad_draft = update(id, citizen, file_body(citizen, {{"endpoints", {"not an address"}}}));
  expect_refusal(bad_draft, 400, "validation");
  EXPECT_TRUE(error_paths(bad_draft).count("/formData/data/endpoints/0")) << bad_draft.body;

  // Others: no credentials, another person, someone else's applicantId, an unknown file.
  EXPECT_EQ(reg.request("PUT", "/applications/" + id, file_body(citizen, edited).dump(),
                        {{"Content-Type", "application/json"}}).status,
            401u);
  Person other = signed_in(portal, "Not The Applicant");
  auto foreign = update(id, other, file_body(other, kPermitData));
  expect_refusal(foreign, 404, "application-not-found");
  EXPECT_EQ(foreign.json()["detail"], "Application file was not found");
  expect_refusal(update(id, citizen, file_body(other, kPermitData)), 403, "applicant-mismatch");
  expect_refusal(update("app_nothing", citizen, file_body(citizen, kPermitData)), 404, "application-not-found");
  json other_form = file_body(citizen, kPermitData);
  other_form["formData"]["eFormId"] = "pta-vpn-registration";
  expect_refusal(update(id, citizen, other_form), 400, "wrong-form");
  EXPECT_EQ(portal_view(citizen, id)["data"], edited);

  // Submitted: the officers' turn, nothing to edit.
  ASSERT_EQ(update(id, citizen, file_body(citizen, kPermitData)).status, 200u);
  ASSERT_EQ(portal.post_json("/v1/applications/" + id + "/submit", json::object(), bearer(citizen.token)).status, 201u);
  auto submitted = update(id, citizen, file_body(citizen, kPermitData));
  expect_refusal(submitted, 409, "not-editable");
  EXPECT_EQ(submitted.json()["state"], "submitted");

  // The officer asks for more information: the file is sent back, and the answer resubmits it.
  ASSERT_EQ(portal.post_json("/v1/applications/" + id + "/claim", json::object(), bearer(officer.token)).status, 200u);
  ASSERT_EQ(apply_transition(portal, officer, id, "start_review").status, 200u);
  ASSERT_EQ(apply_transition(portal, officer, id, "request_info", "Which clients?").status, 200u);
  EXPECT_EQ(reg.get("/applications/" + id, bearer(citizen.token)).json()["status"]["code"], "SENDBACK");
  // The officer sees the file but is not its applicant.
  expect_refusal(update(id, officer, file_body(officer, kPermitData)), 403, "not-the-applicant");
  json answer = kPermitData;
  answer["purpose"] = "Remote development for export clients in Germany and Japan";
  auto resubmitted = update(id, citizen, file_body(citizen, answer));
  ASSERT_EQ(resubmitted.status, 200u) << resubmitted.body;
  EXPECT_EQ(resubmitted.json()["status"]["code"], "PENDING");
  EXPECT_EQ(resubmitted.json()["status"]["title"], "Under review");
  EXPECT_EQ(resubmitted.json()["applicationData"]["formData"]["data"]["purpose"], answer["purpose"]);
  json view = portal_view(citizen, id);
  EXPECT_EQ(view["state"], "under_review");
  EXPECT_EQ(view["data"]["purpose"], answer["purpose"]);
  EXPECT_EQ(view["timeline"].back()["transition"], "resubmit");
  EXPECT_EQ(view["timeline"].back()["by_role"], "applicant");
  auto actions = audited_actions(citizen.id, id);
  for (const std::string a : {"application.draft.update", "application.transition.resubmit"})
    EXPECT_TRUE(actions.count(a + " by " + citizen.id)) << a << " in " << json(actions).dump();
  expect_refusal(update(id, citizen, file_body(citizen, answer)), 409, "not-editable");

  // Waiting for the fee is waiting on the applicant, but not for new data; decided is decided.
  ASSERT_EQ(apply_transition(portal, officer, id, "request_payment").status, 200u);
  auto unpaid = update(id, citizen, file_body(citizen, answer));
  expect_refusal(unpaid, 409, "not-editable");
  EXPECT_EQ(unpaid.json()["state"], "awaiting_payment");
  ASSERT_EQ(approve_application(portal, officer, id).status, 200u);
  auto decided = update(id, citizen, file_body(citizen, answer));
  expect_refusal(decided, 409, "not-editable");
  EXPECT_EQ(decided.json()["state"], "approved");
  EXPECT_NE(decided.json()["detail"].get<std::string>().find("Approved"), std::string::npos) << decided.body;
  EXPECT_EQ(portal_view(citizen, id)["data"]["purpose"], answer["purpose"]);
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
