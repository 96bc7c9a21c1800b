// An agency's queue in the store (SqlApplicationRepo::queue), on both engines, over applications
// `darwaza synth` wrote: the open queue and one state's queue come oldest submission first, as the
// whole table sorted says, page after page; drafts never; the count stops at max_counted and then
// says so (total_exact false). One service's open queue likewise. Every queue page after page by
// position (the cursor) lists the same as one read of it. Each queue statement, and each of a
// person's own list (mine_sql), reads its index in the listing's order: on SQLite by EXPLAIN QUERY
// PLAN, with and without ANALYZE statistics; on PostgreSQL by EXPLAIN of the prepared statement,
// custom and generic plans.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include "applications/types.hpp"
#include "storage/database.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/listing_statements.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

TEST(QueueStore, OldestFirstPageAfterPageWithABoundedCount) {
  const std::string dir = make_temp_dir("dz-queue");
  std::string url = test_db_url(dir);
  if (url.empty()) url = "sqlite:" + dir + "/darwaza.db";
  std::string out;
  ASSERT_EQ(run_darwaza({"synth", "--data", dir, "--db", url, "--citizens", "200", "--applications", "3000",
                         "--services", "40"},
                        out),
            0)
      << out;
  auto db = open_test_database(dir, 2);
  auto queue = [&](applications::QueueFilter f) {
    return storage::read_value<storage::ApplicationPage>(
               *db, [&](storage::Tx& tx) -> Result<storage::ApplicationPage> { return tx.applications().queue(f); })
        .value();
  };
  // The agency with the most open applications, and every one of them in the expected order.
  auto everything = queue({.agency = "pta", .limit = 100'000});
  ASSERT_GT(everything.items.size(), 20u);
  EXPECT_EQ(everything.total, static_cast<std::int64_t>(everything.items.size()));
  EXPECT_TRUE(everything.total_exact);
  auto older = [](const applications::Application& a, const applications::Application& b) {
    return a.submitted_at != b.submitted_at ? a.submitted_at < b.submitted_at : a.id < b.id;
  };
  EXPECT_TRUE(std::is_sorted(everything.items.begin(), everything.items.end(), older));
  for (const auto& a : everything.items) {
    EXPECT_TRUE(a.open) << a.id;
    EXPECT_NE(a.state, "draft") << a.id;
    EXPECT_EQ(a.agency_id, "pta") << a.id;
  }
  // Pages of 7 put together are the whole queue; the count stops at max_counted.
  std::vector<std::string> paged;
  for (int offset = 0;; offset += 7) {
    auto page = queue({.agency = "pta", .offset = offset, .limit = 7, .max_counted = 5});
    EXPECT_EQ(page.total, 5);
    EXPECT_FALSE(page.total_exact);
    for (const auto& a : page.items) paged.push_back(a.id);
    if (page.items.size() < 7) break;
  }
  ASSERT_EQ(paged.size(), everything.items.size());
  for (std::size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], everything.items[i].id) << i;
  // Page after page by position (a cursor's after_key and after_id: the last application's
  // submission time, or SLA due time in the overdue queue, and id): the same queue, in pages of
  // `size` (numbered pages also start after a position: the first page of what follows).
  auto walk = [&](applications::QueueFilter f, int size) {
    std::vector<std::string> ids;
    f.limit = size;
    for (;;) {
      auto page = queue(f);
      for (const auto& a : page.items) ids.push_back(a.id);
      if (page.items.size() < static_cast<std::size_t>(size)) return ids;
      const auto& last = page.items.back();
      f.after_key = *(f.overdue_only ? last.sla_due_at : last.submitted_at);
      f.after_id = last.id;
    }
  };
  auto ids_of = [](const std::vector<applications::Application>& items) {
    std::vector<std::string> ids;
    for (const auto& a : items) ids.push_back(a.id);
    return ids;
  };
  EXPECT_EQ(walk({.agency = "pta"}, 7), ids_of(everything.items));
  {
    const auto& mid = everything.items[everything.items.size() / 2];
    auto rest = queue({.agency = "pta", .after_key = *mid.submitted_at, .after_id = mid.id, .offset = 2, .limit = 3});
    ASSERT_EQ(rest.items.size(), 3u);
    EXPECT_EQ(rest.items[0].id, everything.items[everything.items.size() / 2 + 3].id);
    EXPECT_EQ(rest.total, static_cast<std::int64_t>(everything.items.size()));  // the whole queue's
  }
  // One service's open queue: the service with most of them, and one with a single open application.
  std::map<std::string, std::vector<std::string>> by_service;
  for (const auto& a : everything.items) by_service[a.service_id].push_back(a.id);
  auto busiest = std::max_element(by_service.begin(), by_service.end(),
                                  [](const auto& x, const auto& y) { return x.second.size() < y.second.size(); });
  ASSERT_GT(busiest->second.size(), 3u);
  std::vector<std::pair<std::string, std::vector<std::string>>> services{*busiest};
  auto single = std::find_if(by_service.begin(), by_service.end(), [](const auto& x) { return x.second.size() == 1; });
  if (single != by_service.end()) services.push_back(*single);
  for (const auto& [service, ids] : services) {
    std::vector<std::string> listed;
    for (int offset = 0;; offset += 2) {
      auto page = queue({.agency = "pta", .service = service, .offset = offset, .limit = 2, .max_counted = 3});
      EXPECT_EQ(page.total, std::min<std::int64_t>(3, static_cast<std::int64_t>(ids.size()))) << service;
      EXPECT_EQ(page.total_exact, ids.size() <= 3u) << service;
      for (const auto& a : page.items) listed.push_back(a.id);
      if (page.items.size() < 2) break;
    }
    EXPECT_EQ(listed, ids) << service;
    EXPECT_EQ(walk({.agency = "pta", .service = service}, 2), ids) << service;
  }
  EXPECT_TRUE(queue({.agency = "pta", .service = "no-such-service"}).items.empty());
  EXPECT_TRUE(queue({.agency = "pseb", .service = busiest->first}).items.empty());  // another agency's
  // The overdue queue, longest overdue first: the open applications past their SLA due time, as
  // of the median due time of the open queue.
  std::vector<UnixMs> due;
  for (const auto& a : everything.items)
    if (a.sla_due_at) due.push_back(*a.sla_due_at);
  ASSERT_GT(due.size(), 10u);
  std::nth_element(due.begin(), due.begin() + due.size() / 2, due.end());
  const UnixMs now = due[due.size() / 2];
  std::vector<applications::Application> overdue;
  for (const auto& a : everything.items)
    if (a.sla_due_at && *a.sla_due_at < now) overdue.push_back(a);
  std::sort(overdue.begin(), overdue.end(), [](const auto& a, const auto& b) {
    return *a.sla_due_at != *b.sla_due_at ? *a.sla_due_at < *b.sla_due_at : a.id < b.id;
  });
  ASSERT_GT(overdue.size(), 3u);
  auto overdue_ids = [&](auto keep) {
    std::vector<std::string> ids;
    for (const auto& a : overdue)
      if (keep(a)) ids.push_back(a.id);
    return ids;
  };
  std::vector<std::string> listed;
  for (int offset = 0;; offset += 3) {
    auto page = queue({.agency = "pta", .overdue_only = true, .now = now, .offset = offset, .limit = 3});
    EXPECT_EQ(page.total, static_cast<std::int64_t>(overdue.size()));
    for (const auto& a : page.items) listed.push_back(a.id);
    if (page.items.size() < 3) break;
  }
  EXPECT_EQ(listed, overdue_ids([](const auto&) { return true; }));
  EXPECT_EQ(walk({.agency = "pta", .overdue_only = true, .now = now}, 3), listed);
  // With a service, or a state, as well (checked on the way).
  auto listed_ids = [&](const applications::QueueFilter& f) {
    std::vector<std::string> ids;
    for (const auto& a : queue(f).items) ids.push_back(a.id);
    return ids;
  };
  const applications::Application& first = overdue.front();
  EXPECT_EQ(listed_ids({.agency = "pta", .service = first.service_id, .overdue_only = true, .now = now, .limit = 1000}),
            overdue_ids([&](const auto& a) { return a.service_id == first.service_id; }));
  EXPECT_EQ(listed_ids({.agency = "pta", .state = first.state, .overdue_only = true, .now = now, .limit = 1000}),
            overdue_ids([&](const auto& a) { return a.state == first.state; }));
  // One state's queue, decided ones included when asked for.
  for (const std::string state : {"submitted", "approved"}) {
    auto of_state = queue({.agency = "pta", .state = state, .limit = 100'000});
    ASSERT_FALSE(of_state.items.empty()) << state;
    EXPECT_TRUE(std::is_sorted(of_state.items.begin(), of_state.items.end(), older)) << state;
    for (const auto& a : of_state.items) EXPECT_EQ(a.state, state) << a.id;
    EXPECT_EQ(walk({.agency = "pta", .state = state}, 5), ids_of(of_state.items)) << state;
    auto bounded = queue({.agency = "pta", .state = state, .limit = 1, .max_counted = 3});
    EXPECT_EQ(bounded.total, std::min<std::int64_t>(3, static_cast<std::int64_t>(of_state.items.size())));
    EXPECT_EQ(bounded.total_exact, of_state.items.size() <= 3u);
    // With a service as well: the state's applications of that service, in the same order.
    const std::string service = of_state.items.back().service_id;
    std::vector<std::string> expected, listed;
    for (const auto& a : of_state.items)
      if (a.service_id == service) expected.push_back(a.id);
    auto of_service = queue({.agency = "pta", .state = state, .service = service, .limit = 100'000});
    for (const auto& a : of_service.items) listed.push_back(a.id);
    EXPECT_EQ(listed, expected) << state << " " << service;
    EXPECT_EQ(walk({.agency = "pta", .state = state, .service = service}, 2), expected) << state << " " << service;
    EXPECT_EQ(of_service.total, static_cast<std::int64_t>(expected.size()));
  }
  db.reset();
  std::filesystem::remove_all(dir);
}

// Which index each queue statement, and each statement of a person's own list, reads on SQLite: an
// index in the listing's order (no temporary B-tree for ORDER BY), before and after ANALYZE. SQLite uses a partial index only when the
// statement repeats its condition, which nothing else would notice drifting.
TEST(QueueStore, EachQueueStatementReadsItsIndexInOrder) {
  if (testing_postgresql()) GTEST_SKIP() << "EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by cost";
  const std::string dir = make_temp_dir("dz-queue-plan");
  std::string out;
  ASSERT_EQ(run_darwaza({"synth", "--data", dir, "--citizens", "100", "--applications", "500", "--services", "20"}, out),
            0)
      << out;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/darwaza.db").c_str(), &db), SQLITE_OK);
  auto plan = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string text;
    if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + std::string(sql)).c_str(), -1, &st, nullptr) != SQLITE_OK)
      return std::string("cannot prepare: ") + sqlite3_errmsg(db);
    while (sqlite3_step(st) == SQLITE_ROW)
      text += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "; ";
    sqlite3_finalize(st);
    return text;
  };
  using namespace storage::sql::queue_sql;
  // A count needs no order: any index of the same rows will do (the open queue's rows are in both
  // partial indexes keyed by agency first; after ANALYZE SQLite may take the service one).
  const std::string open_index = "USING INDEX applications_open_queue (agency_id=?)";
  const std::string open_rows = "USING INDEX applications_service_queue (agency_id=?)";
  const std::string service_index = "USING INDEX applications_service_queue (agency_id=? AND service_id=?)";
  const std::string state_index = "INDEX applications_state_queue (agency_id=? AND state=?)";
  const std::string overdue_index =
      "USING INDEX applications_overdue_queue (agency_id=? AND sla_due_at>? AND sla_due_at<?)";
  // A page seeks its position (a cursor's) in the index, which then holds the rest in order.
  const std::pair<const char*, std::vector<std::string>> expected[] = {
      {kOpenQueue, {"USING INDEX applications_open_queue (agency_id=? AND (submitted_at,id)>(?,?))"}},
      {kOpenQueueCount, {open_index, open_rows}},
      {kServiceQueue,
       {"USING INDEX applications_service_queue (agency_id=? AND service_id=? AND (submitted_at,id)>(?,?))"}},
      {kServiceQueueCount, {service_index}},
      {kStateQueue, {"INDEX applications_state_queue (agency_id=? AND state=? AND (submitted_at,id)>(?,?))"}},
      {kStateQueueCount, {state_index}},
      {kStateServiceQueue, {"INDEX applications_state_queue (agency_id=? AND state=? AND (submitted_at,id)>(?,?))"}},
      {kStateServiceQueueCount, {state_index}},
      {kOverdueQueue,
       {"USING INDEX applications_overdue_queue (agency_id=? AND (sla_due_at,id)>(?,?) AND sla_due_at<?)"}},
      {kOverdueQueueCount, {overdue_index}},
      // A person's own applications, and one organisation's, newest first from the position.
      {storage::sql::mine_sql::kOwnNewest,
       {"USING INDEX applications_by_applicant_newest (applicant_user_id=? AND (created_at,id)<(?,?))"}},
      {storage::sql::mine_sql::kOrgNewest,
       {"USING INDEX applications_by_org_newest (org_id=? AND (created_at,id)<(?,?))"}},
      // The positions a numbered page skips, from the indexes alone.
      {storage::sql::mine_sql::kOwnNewestKeys,
       {"USING COVERING INDEX applications_by_applicant_newest (applicant_user_id=? AND (created_at,id)<(?,?))"}},
      {storage::sql::mine_sql::kOrgNewestKeys,
       {"USING COVERING INDEX applications_by_org_newest (org_id=? AND (created_at,id)<(?,?))"}},
      {storage::sql::mine_sql::kOwnCount, {"USING COVERING INDEX applications_by_applicant_newest (applicant_user_id=?)"}},
      {storage::sql::mine_sql::kOrgOthersCount, {"USING COVERING INDEX applications_by_org_newest (org_id=?)"}},
  };
  for (const char* when : {"without statistics", "after ANALYZE"}) {
    for (const auto& [sql, indexes] : expected) {
      const std::string p = plan(sql);
      auto reads = [&](const std::string& index) { return p.find(index) != std::string::npos; };
      EXPECT_TRUE(std::any_of(indexes.begin(), indexes.end(), reads)) << when << ": " << p << " [" << sql << "]";
      EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << when << ": " << p << " [" << sql << "]";
    }
    ASSERT_EQ(sqlite3_exec(db, "ANALYZE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

// The same listings on PostgreSQL: each statement, prepared as the store prepares it, has a plan
// that reads its index in the listing's order, without a sort, whether PostgreSQL plans it for
// the values at hand (custom) or once for any values (generic: what a prepared statement may be
// given after its fifth execution; statements planned per use are checked custom only).
// Sequential scans, bitmap scans and sorts are priced out (enable_* off), so the plan shown is the
// best the statement's index allows: a Sort, a sequential scan or another index in it means the
// statement drifted from its index (a filter that is off when its parameter is empty, an order
// the index does not hold, a partial index's condition not implied). Cost-based choices on real
// data are bench/RESULTS.md's (session 22); this checks that the index plan exists.
TEST(QueueStore, EachListingStatementHasAnIndexPlanInOrderOnPostgreSQL) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL's plans (SQLite's: EachQueueStatementReadsItsIndexInOrder)";
  const std::string dir = make_temp_dir("dz-queue-pgplan");
  const std::string url = test_db_url(dir);
  std::string out;
  ASSERT_EQ(run_darwaza({"synth", "--data", dir, "--db", url, "--citizens", "100", "--applications", "500",
                         "--services", "20"},
                        out),
            0)
      << out;
  ASSERT_EQ(run_sql_at(url, "VACUUM ANALYZE applications"), "");
  using namespace storage::sql::queue_sql;
  using namespace storage::sql::mine_sql;
  struct Check {
    const char* sql;
    std::string args;                  // the values, as SQL literals
    std::vector<std::string> indexes;  // any of them
    bool generic;                      // also checked as a generic plan
  };
  const std::vector<std::string> open_rows{"applications_open_queue", "applications_service_queue"};
  const std::vector<Check> checks = {
      {kOpen.page, "'pta', 0, '', 21, 0", {"applications_open_queue"}, !kOpen.planned_per_use},
      {kOpen.count, "'pta', 10001", open_rows, !kOpen.planned_per_use},
      {kService.page, "'pta', 's1', 0, '', 21, 0", {"applications_service_queue"}, !kService.planned_per_use},
      {kService.count, "'pta', 's1', 10001", {"applications_service_queue"}, !kService.planned_per_use},
      {kState.page, "'pta', 'submitted', 0, '', 21, 0", {"applications_state_queue"}, !kState.planned_per_use},
      {kState.count, "'pta', 'submitted', 10001", {"applications_state_queue"}, !kState.planned_per_use},
      {kStateService.page, "'pta', 'submitted', 's1', 0, '', 21, 0", {"applications_state_queue"},
       !kStateService.planned_per_use},
      {kStateService.count, "'pta', 'submitted', 's1', 10001", {"applications_state_queue"},
       !kStateService.planned_per_use},
      {kOverdue.page, "'pta', 1900000000000, '', '', 0, '', 21, 0", {"applications_overdue_queue"},
       !kOverdue.planned_per_use},
      {kOverdue.count, "'pta', 1900000000000, '', '', 10001", {"applications_overdue_queue"}, !kOverdue.planned_per_use},
      {kOwnNewest, "'usr_x', 9223372036854775807, '', 21", {"applications_by_applicant_newest"}, true},
      {kOrgNewest, "'org_x', 9223372036854775807, '', 21", {"applications_by_org_newest"}, true},
      {kOwnNewestKeys, "'usr_x', 9223372036854775807, '', 21", {"applications_by_applicant_newest"}, true},
      {kOrgNewestKeys, "'org_x', 9223372036854775807, '', 21", {"applications_by_org_newest"}, true},
      {kOwnCount, "'usr_x', 10001", {"applications_by_applicant_newest"}, true},
      {kOrgOthersCount, "'org_x', 'usr_x', 10001", {"applications_by_org_newest"}, true},
  };
  for (const auto& c : checks) {
    int params = 0;
    const std::string sql = storage::postgres::rewrite_placeholders(c.sql, params);
    for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
      if (!c.generic && std::string(mode) == "force_generic_plan") continue;
      const std::string plan = query_text_at(
          url, std::string("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off; "
                           "SET plan_cache_mode = ") +
                   mode + "; PREPARE s AS " + sql + "; EXPLAIN EXECUTE s(" + c.args + ")");
      auto reads = [&](const std::string& index) { return plan.find(" using " + index + " ") != std::string::npos; };
      EXPECT_TRUE(std::any_of(c.indexes.begin(), c.indexes.end(), reads)) << mode << ":\n" << plan << "[" << sql << "]";
      EXPECT_EQ(plan.find("Sort"), std::string::npos) << mode << ":\n" << plan << "[" << sql << "]";
      EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << mode << ":\n" << plan << "[" << sql << "]";
    }
  }
  std::filesystem::remove_all(dir);
}
