// End-to-end: listings longer than the 10,000 they count (an agency's queue, a person's own
// applications), numbered pages to the 10,000th and cursors past it, over HTTP and GovStack.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

// A queue longer than the 10,000 it counts: its total says "more than" (total_exact false), its
// numbered pages end with the 10,000th and its cursor (`after`, each page's `next_after`) lists
// every application after that, and the GovStack task list still finds one queued past the
// 10,000th (it pages on by the cursor, not until the counted total). 10,050 copies of one
// application, submitted earlier and overdue since 1970, are put before it in the queue with SQL.
// The same 10,051 are the citizen's own list (GET /v1/applications): counted to 10,000, walked by
// its cursor newest first, each once (all of one creation time: ordered by id alone), with the
// same refusals; another person's cursor shows that person only their own; the GovStack file
// list pages on past the newest 100 of a service, and stops for a service with none.
TEST(Listings, PastTheTenThousandItCountsEveryApplicationIsListedAndFound) {
  ServerProcess server({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services", "--govstack-registration", "127.0.0.1:0"});
  server.start();
  HttpClient c = server.client();
  Person citizen = signed_in(c), pta = cli_user(server, "officer", "pta");
  pta.token = login(c, pta);
  const json data = {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}};
  auto filed = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", data}}, bearer(citizen.token));
  ASSERT_EQ(filed.status, 201u) << filed.body;
  const std::string id = filed.json()["id"];
  constexpr int kCopies = 10'050;
  ASSERT_EQ(run_sql_on(server,
             "INSERT INTO applications (id, tracking_number, service_id, service_version, agency_id, applicant_user_id, "
             "org_id, state, is_open, data, fee_paisa, paid_paisa, assigned_to, certificate_id, created_at, submitted_at, "
             "updated_at, decided_at, state_entered_at, sla_due_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
             "SELECT i + 1 FROM n WHERE i < " + std::to_string(kCopies) + ") SELECT a.id || '-' || n.i, "
             "a.tracking_number || '-' || n.i, service_id, service_version, agency_id, applicant_user_id, org_id, state, "
             "is_open, data, fee_paisa, paid_paisa, assigned_to, certificate_id, created_at, submitted_at - 100000 + n.i, "
             "updated_at, decided_at, state_entered_at, 1000 FROM n, applications a WHERE a.id = '" + id + "'"), "");
  const std::string queue = "/v1/agencies/pta/queue?page_size=100";
  auto first = c.get(queue, bearer(pta.token));
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(first.json()["total"], 10'000);
  EXPECT_EQ(first.json()["total_exact"], false);
  EXPECT_EQ(first.json()["items"][0]["id"], id + "-1");
  // Numbered pages end with the 10,000 counted; the last of them says where the cursor goes on.
  const json hundredth = c.get(queue + "&page=100", bearer(pta.token)).json();
  ASSERT_EQ(hundredth["items"].size(), 100u) << hundredth.dump().substr(0, 300);
  EXPECT_EQ(hundredth["items"][99]["id"], id + "-10000");
  ASSERT_TRUE(hundredth["next_after"].is_string()) << hundredth.dump().substr(0, 300);
  // The newest is the last: the page after the 10,000th holds the other 50 copies and it, and no
  // page follows it.
  const json last = c.get(queue + "&after=" + hundredth["next_after"].get<std::string>(), bearer(pta.token)).json();
  ASSERT_EQ(last["items"].size(), 51u) << last.dump().substr(0, 300);
  EXPECT_EQ(last["items"][0]["id"], id + "-10001");
  EXPECT_EQ(last["items"][50]["id"], id);
  EXPECT_TRUE(last["next_after"].is_null());
  // The whole queue by cursor, from the first page: every application once, oldest first.
  std::vector<std::string> listed;
  for (std::string after;;) {
    const json page = c.get(queue + (after.empty() ? "" : "&after=" + after), bearer(pta.token)).json();
    for (const auto& a : page["items"]) listed.push_back(a["id"]);
    if (page["next_after"].is_null()) break;
    after = page["next_after"];
  }
  ASSERT_EQ(listed.size(), static_cast<std::size_t>(kCopies + 1));
  EXPECT_EQ(listed.front(), id + "-1");
  EXPECT_EQ(listed[kCopies - 1], id + "-" + std::to_string(kCopies));
  EXPECT_EQ(listed.back(), id);
  // Refusals, each a field error of the 422 problem: a numbered page past the counted ones, a
  // cursor that is not one, a cursor with a page number.
  auto refused_at = [&](const std::string& listing, const Person& who, const std::string& query, const std::string& path,
                        const std::string& rule) {
    auto r = c.get(listing + "?" + query, bearer(who.token));
    ASSERT_EQ(r.status, 422u) << listing << " " << query << r.body;
    const json j = r.json();
    bool found = false;
    for (const auto& e : j["errors"]) found |= e["path"] == path && e["rule"] == rule;
    EXPECT_TRUE(found) << listing << " " << query << " " << r.body;
  };
  auto refused = [&](const std::string& query, const std::string& path, const std::string& rule) {
    refused_at("/v1/agencies/pta/queue", pta, query, path, rule);
  };
  refused("page_size=100&page=101", "/page", "page_after");
  refused("page=501", "/page", "page_after");
  for (const char* bad : {"x", "5", ".app_1", "012.app_1", "5.", "5.app.1", "5.app%201", "-5.app_1",
                          "1234567890123456.app_1"})
    refused(std::string("after=") + bad, "/after", "pattern");
  refused("after=5.app_1&page=2", "/page", "not_with");
  // The overdue queue: the copies, past one SLA due time (1970's), so that ties of its key are
  // ordered by id alone. Walked by cursor (SLA due time and id), each is listed once.
  std::vector<std::string> overdue;
  for (std::string after;;) {
    const json page =
        c.get("/v1/agencies/pta/queue?overdue=true&page_size=100" + (after.empty() ? "" : "&after=" + after),
              bearer(pta.token))
            .json();
    for (const auto& a : page["items"]) overdue.push_back(a["id"]);
    if (page["next_after"].is_null()) break;
    after = page["next_after"];
  }
  ASSERT_EQ(overdue.size(), static_cast<std::size_t>(kCopies));
  EXPECT_EQ(std::set<std::string>(overdue.begin(), overdue.end()).size(), overdue.size());
  // A cursor is no way into another agency's queue.
  EXPECT_EQ(c.get("/v1/agencies/pseb/queue?after=" + hundredth["next_after"].get<std::string>(), bearer(pta.token)).status,
            403u);
  auto reg = server.client_of("govstack-registration");
  auto task = reg.get("/tasks?mainTaskId=" + id, bearer(pta.token));
  ASSERT_EQ(task.status, 200u) << task.body;
  ASSERT_EQ(task.json().size(), 1u) << task.body;
  EXPECT_EQ(task.json()[0]["mainTaskId"], id);
  // The citizen's own list: the same 10,051, newest first; every copy has the original's creation
  // time, so the ids alone order them (descending).
  const json mine = c.get("/v1/applications?page_size=100", bearer(citizen.token)).json();
  EXPECT_EQ(mine["total"], 10'000);
  EXPECT_EQ(mine["total_exact"], false);
  ASSERT_TRUE(mine["next_after"].is_string()) << mine.dump().substr(0, 300);
  std::vector<std::string> own;
  for (std::string after;;) {
    const json page =
        c.get("/v1/applications?page_size=100" + (after.empty() ? "" : "&after=" + after), bearer(citizen.token)).json();
    for (const auto& a : page["items"]) own.push_back(a["id"]);
    if (page["next_after"].is_null()) break;
    after = page["next_after"];
  }
  std::vector<std::string> expected = listed;
  std::sort(expected.rbegin(), expected.rend());
  EXPECT_EQ(own, expected);
  const json hundredth_own = c.get("/v1/applications?page_size=100&page=100", bearer(citizen.token)).json();
  ASSERT_EQ(hundredth_own["items"].size(), 100u);
  EXPECT_EQ(hundredth_own["items"][99]["id"], expected[9'999]);
  refused_at("/v1/applications", citizen, "page_size=100&page=101", "/page", "page_after");
  refused_at("/v1/applications", citizen, "after=x", "/after", "pattern");
  refused_at("/v1/applications", citizen, "after=5.app_1&page=2", "/page", "not_with");
  // The citizen's cursor, used by another person, lists that person's own applications before
  // that position (one, made older than all of the citizen's) and none of the citizen's.
  Person stranger = signed_in(c);
  ASSERT_EQ(run_sql_on(server,
             "INSERT INTO applications (id, tracking_number, service_id, service_version, agency_id, applicant_user_id, "
             "org_id, state, is_open, data, fee_paisa, paid_paisa, assigned_to, certificate_id, created_at, submitted_at, "
             "updated_at, decided_at, state_entered_at, sla_due_at) SELECT 'app_stranger_old', 'DZ-STRANGER-OLD', "
             "service_id, service_version, agency_id, '" + stranger.id + "', NULL, state, is_open, data, fee_paisa, "
             "paid_paisa, assigned_to, certificate_id, 1, submitted_at, updated_at, decided_at, state_entered_at, "
             "sla_due_at FROM applications WHERE id = '" + id + "'"), "");
  const json theirs = c.get("/v1/applications?after=" + mine["next_after"].get<std::string>(), bearer(stranger.token)).json();
  ASSERT_EQ(theirs["items"].size(), 1u) << theirs.dump().substr(0, 300);
  EXPECT_EQ(theirs["items"][0]["id"], "app_stranger_old");
  // The GovStack file list pages on past the newest 100: the 101st newest, of its service; a
  // service the citizen never applied for lists nothing (after reading the newest it searches).
  auto file = reg.get("/applications?serviceId=test-permit&firstResult=100&maxResult=1", bearer(citizen.token));
  ASSERT_EQ(file.status, 200u) << file.body;
  ASSERT_EQ(file.json().size(), 1u) << file.body;
  EXPECT_EQ(file.json()[0]["fileId"], expected[100]);
  auto none = reg.get("/applications?serviceId=no-such-service", bearer(citizen.token));
  ASSERT_EQ(none.status, 200u) << none.body;
  EXPECT_TRUE(none.json().empty()) << none.body;
}
