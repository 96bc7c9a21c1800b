// End-to-end (SQLite and PostgreSQL): the public registry search's cost is bounded whatever its
// words match. A search matching more than kMaxSearchHits (1,000) records ranks 1,000 of them,
// says its total is a lower bound (total_exact false), and refuses pages beyond them with 422;
// narrower words are ranked and counted in full, and a listing of fewer than
// kMaxCountedRecords (10,000) records counts them exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {
constexpr int kMaxSearchHits = 1000;  // registries::kMaxSearchHits
constexpr int kRecords = kMaxSearchHits + 50;

// `n` VPN registrations named "<name> Firm <i>", imported into the database of the data folder
// `data` with `darwaza registry import`.
void import_vpn_records(const std::string& data, int n, const std::string& name) {
  const std::string file = data + "-vpn.jsonl";
  {
    std::ofstream out(file);
    for (int i = 0; i < n; ++i)
      out << json{{"fields",
                   {{"registrant_name", fmt::format("{} Firm {}", name, i)}, {"cnic", fmt::format("35202-{:07}-1", i)},
                    {"email", fmt::format("window{}@example.pk", i)}, {"mobile", fmt::format("+92300{:07}", i)},
                    {"vpn_type", "ipsec"}, {"purpose", "Registry search window test"},
                    {"endpoints", {fmt::format("12.{}.{}.0/24", i / 256, i % 256)}}, {"isp", "PTCL"}}}}
                 .dump()
          << "\n";
  }
  std::string out;
  ASSERT_EQ(run_darwaza({"registry", "import", "pta-vpn-endpoints", file, "--data", data}, out), 0) << out;
}
}  // namespace

TEST(RegistrySearch, ABroadSearchRanksItsFirstThousandAndSaysMoreMatch) {
  ServerProcess s({"--registry-dir", DARWAZA_SOURCE_DIR "/data/registries", "--govstack-registries", "127.0.0.1:0",
                   "--rate-limit-per-minute", "0"});
  s.start();
  import_vpn_records(s.data_dir() + "/d", kRecords, "Window");

  auto c = s.client();
  const std::string base = "/v1/registries/pta-vpn-endpoints/records";
  auto first = c.get(base + "?q=window&page_size=100");
  ASSERT_EQ(first.status, 200u) << first.body;
  json j = first.json();
  EXPECT_EQ(j["total"], kMaxSearchHits);
  EXPECT_EQ(j["total_exact"], false);
  EXPECT_EQ(j["items"].size(), 100u);
  // The ten pages hold 1,000 different records (on SQLite the first registered; on PostgreSQL
  // the first the index returns); the eleventh page is refused.
  std::set<std::string> numbers;
  for (int page = 1; page <= kMaxSearchHits / 100; ++page) {
    auto r = c.get(fmt::format("{}?q=window&page_size=100&page={}", base, page));
    ASSERT_EQ(r.status, 200u) << r.body;
    const json page_json = r.json();  // kept: a range-for over r.json()["items"] would dangle
    for (const auto& item : page_json["items"]) numbers.insert(item["number"].get<std::string>());
  }
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(kMaxSearchHits));
  auto beyond = c.get(base + "?q=window&page_size=100&page=11");
  EXPECT_EQ(beyond.status, 422u) << beyond.body;
  EXPECT_EQ(beyond.json()["type"], "/problems/validation");
  EXPECT_EQ(beyond.json()["errors"][0]["path"], "/page");
  // Narrower words: ranked and counted in full ("104" and "1040".."1049"), best first.
  auto narrow = c.get(base + "?q=window%20firm%20104").json();
  EXPECT_EQ(narrow["total"], 11);
  EXPECT_EQ(narrow["total_exact"], true);
  EXPECT_EQ(narrow["items"][0]["fields"]["registrant_name"], "Window Firm 104");
  // A page past the last still says how many match (the count is then read on its own).
  auto past = c.get(base + "?q=window%20firm%20104&page=2").json();
  EXPECT_EQ(past["total"], 11);
  EXPECT_TRUE(past["items"].empty());
  // A search reads the registry searched and nothing else. Words that match a thousand VPN
  // registrations match no park; the parks' own words find parks only; and the registry's name
  // in the text index (SQLite: the token 'r' + hex of the name; PostgreSQL: the lexeme '#name')
  // is matched by no search word, not even as a prefix.
  auto parks = c.get("/v1/registries/stp-parks/records?q=window").json();
  EXPECT_EQ(parks["total"], 0) << parks;
  EXPECT_EQ(parks["total_exact"], true);
  auto park_words = c.get("/v1/registries/stp-parks/records?q=software%20park&page_size=100");
  ASSERT_EQ(park_words.status, 200u) << park_words.body;
  const json park_page = park_words.json();
  EXPECT_GT(park_page["total"].get<int>(), 0);
  for (const auto& item : park_page["items"]) EXPECT_EQ(item["registry"], "stp-parks") << item;
  for (const char* words : {"r70", "r7074612d76706e", "registry", "pta%20r7", "r7374"}) {
    auto r = c.get(base + "?q=" + words);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json()["total"], 0) << words;
  }
  EXPECT_EQ(c.get("/v1/registries/stp-parks/records?q=r7374").json()["total"], 0);
  // The GovStack Data API's list with `search` is the same search: count 1,000, no page past them
  // (400 invalid-page, as the specification answers an out-of-range page), no next link there.
  auto gs = s.client_of("govstack-registries");
  const std::string data = "/data/pta-vpn-endpoints/1.0";
  auto gs_first = gs.get(data + "?search=window&page_size=100");
  ASSERT_EQ(gs_first.status, 200u) << gs_first.body;
  EXPECT_EQ(gs_first.json()["count"], kMaxSearchHits);
  EXPECT_EQ(gs.get(data + "?search=window&page_size=100&page=10").json()["next"], nullptr);
  auto gs_beyond = gs.get(data + "?search=window&page_size=100&page=11");
  EXPECT_EQ(gs_beyond.status, 400u) << gs_beyond.body;
  EXPECT_EQ(gs_beyond.json()["type"], "/problems/invalid-page");
  // A listing without words counts every record.
  auto all = c.get(base + "?page_size=1").json();
  EXPECT_EQ(all["total"], kRecords);
  EXPECT_EQ(all["total_exact"], true);
}

// The public search runs in the lane of costly reads (RouteOptions::costly_read; the server's
// bound on it is tested in CostlyReads.*), a record read by its number does not, and a lane wider
// than half the node's reader connections stops the start.
TEST(RegistrySearch, RunsInTheLaneOfCostlyReadsWhichLeavesReadersForTheRest) {
  std::string out;
  ASSERT_EQ(run_darwaza({"routes", "--json"}, out), 0) << out;
  std::map<std::string, bool> costly;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) {
      auto j = json::parse(line);
      costly[j["method"].get<std::string>() + " " + j["path"].get<std::string>()] = j.value("costly_read", false);
    }
  ASSERT_TRUE(costly.count("GET /v1/registries/{name}/records")) << out;
  EXPECT_TRUE(costly["GET /v1/registries/{name}/records"]);
  EXPECT_FALSE(costly["GET /v1/registries/{name}/records/{id}"]);
  EXPECT_FALSE(costly["POST /v1/applications"]);
  std::string why = refusal_to_start({"--max-costly-reads", "1000"});
  EXPECT_NE(why.find("--max-costly-reads 1000: at most"), std::string::npos) << why;
}

// Migration V014 on a database whose registry text index is as V013 left it (the words alone; the
// later steps undone too): the node that starts upgrades it, and each registry's search then finds its own records. On
// PostgreSQL a record indexed as a node of the previous version indexes it (the words alone,
// during a rolling upgrade) is found too: the table's trigger adds the registry.
TEST(RegistrySearch, AnIndexOfWordsAloneIsUpgradedAndRecordsIndexedTheOldWayAreFound) {
  const std::string dir = make_temp_dir("dz-v014");
  const std::string data = dir + "/d";
  int parks = 0;
  {
    ServerProcess s({"--registry-dir", DARWAZA_SOURCE_DIR "/data/registries"}, dir);
    s.start();
    import_vpn_records(data, 30, "Upgrade");
    parks = s.client().get("/v1/registries/stp-parks/records?q=software").json()["total"].get<int>();
    ASSERT_GT(parks, 0);
  }
  // The later migrations undone as well (those that are not simply applied again): a database is at one version.
  const std::string undo_later_steps =
      "DROP INDEX registry_records_by_status; DROP INDEX applications_open_queue; DROP INDEX applications_state_queue; "
      "DROP INDEX applications_service_queue; DROP INDEX applications_overdue_queue; "
      "CREATE INDEX applications_queue ON applications (agency_id, is_open, state, submitted_at); "
      "DROP INDEX applications_by_applicant_newest; DROP INDEX applications_by_org_newest; "
      "CREATE INDEX applications_by_applicant ON applications (applicant_user_id, created_at); "
      "CREATE INDEX applications_by_org ON applications (org_id, created_at) WHERE org_id IS NOT NULL; "
      "DROP INDEX notifications_dedupe; CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key); "
      "CREATE INDEX outbox_by_notification ON outbox (notification_id); "
      "DROP INDEX notifications_to_queue; ALTER TABLE notifications DROP COLUMN to_queue; "
      "ALTER TABLE notifications DROP COLUMN sms; "
      "DELETE FROM schema_migrations WHERE version >= 14;";
  const std::string back_to_v013 =
      testing_postgresql()
          ? "DROP TRIGGER registry_fts_registry ON registry_fts; DROP FUNCTION registry_fts_with_registry(); "
            "UPDATE registry_fts f SET doc = ts_delete(f.doc, ARRAY(SELECT '#' || r.registry FROM registry_records r "
            "WHERE r.seq = f.rowid)); " + undo_later_steps
          : "BEGIN; CREATE VIRTUAL TABLE words_only USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2'); "
            "INSERT INTO words_only (rowid, text) SELECT rowid, text FROM registry_fts; DROP TABLE registry_fts; "
            "ALTER TABLE words_only RENAME TO registry_fts; " + undo_later_steps + " COMMIT;";
  ASSERT_EQ(run_sql_in(data, back_to_v013), "");
  {
    ServerProcess s({}, dir);
    s.start();
    auto c = s.client();
    EXPECT_EQ(c.get("/v1/registries/stp-parks/records?q=software").json()["total"], parks);
    EXPECT_EQ(c.get("/v1/registries/stp-parks/records?q=upgrade").json()["total"], 0);
    EXPECT_EQ(c.get("/v1/registries/pta-vpn-endpoints/records?q=upgrade%20firm").json()["total"], 30);
    if (testing_postgresql()) {
      // A node of the previous version indexes a record again: the words alone.
      ASSERT_EQ(run_sql_in(data,
                           "DELETE FROM registry_fts WHERE rowid = (SELECT min(seq) FROM registry_records WHERE "
                           "registry = 'pta-vpn-endpoints'); INSERT INTO registry_fts (rowid, doc) SELECT min(seq), "
                           "to_tsvector('simple', 'Reindexed Firm') FROM registry_records WHERE registry = 'pta-vpn-endpoints'"),
                "");
      EXPECT_EQ(c.get("/v1/registries/pta-vpn-endpoints/records?q=reindexed").json()["total"], 1);
    }
  }
  std::filesystem::remove_all(dir);
}

// A listing (no words) numbers its pages up to kMaxCountedRecords records; every page after
// that, and any page after another, is listed by `after` (the `next_after` of the page before),
// at the cost of a first page. Walking a registry of more than 10,000 records by cursor lists
// each record once, in registration order, the first 10,000 as the numbered pages list them;
// the GovStack Data API's next link turns to the cursor where the numbered pages end. A status
// filter pages the same way.
TEST(RegistrySearch, AListingGoesOnPastItsNumberedPagesByCursor) {
  constexpr int kCounted = 10'000;  // registries::kMaxCountedRecords
  constexpr int kListed = kCounted + 120;
  ServerProcess s({"--registry-dir", DARWAZA_SOURCE_DIR "/data/registries", "--govstack-registries", "127.0.0.1:0",
                   "--rate-limit-per-minute", "0"});
  s.start();
  import_vpn_records(s.data_dir() + "/d", kListed, "Cursor");
  auto c = s.client();
  const std::string base = "/v1/registries/pta-vpn-endpoints/records";

  std::vector<std::string> by_cursor;
  std::string after;
  for (int pages = 0; pages <= kListed / 100 + 1; ++pages) {
    auto r = c.get(base + "?page_size=100" + (after.empty() ? "" : "&after=" + after));
    ASSERT_EQ(r.status, 200u) << r.body;
    const json page = r.json();
    EXPECT_EQ(page["total"], kCounted);
    EXPECT_EQ(page["total_exact"], false);
    for (const auto& item : page["items"]) by_cursor.push_back(item["number"].get<std::string>());
    if (page["next_after"].is_null()) break;
    after = page["next_after"].get<std::string>();
  }
  ASSERT_EQ(by_cursor.size(), static_cast<std::size_t>(kListed));
  EXPECT_EQ(std::set<std::string>(by_cursor.begin(), by_cursor.end()).size(), by_cursor.size());
  // Registration order: the import numbered them in order.
  EXPECT_TRUE(std::is_sorted(by_cursor.begin(), by_cursor.end())) << by_cursor.front() << " " << by_cursor.back();
  // The numbered pages list the same first records; the last of them says where the cursor goes on.
  for (int page : {1, 2, kCounted / 100}) {
    const json j = c.get(fmt::format("{}?page_size=100&page={}", base, page)).json();
    ASSERT_EQ(j["items"].size(), 100u) << page;
    EXPECT_EQ(j["items"][0]["number"], by_cursor[(page - 1) * 100]) << page;
    EXPECT_EQ(j["items"][99]["number"], by_cursor[page * 100 - 1]) << page;
    const json next = c.get(base + "?page_size=100&after=" + j["next_after"].get<std::string>()).json();
    EXPECT_EQ(next["items"][0]["number"], by_cursor[page * 100]) << page;
  }
  // Refusals, each a field error of the 422 problem: a numbered page past them (saying that
  // `after` goes on), a cursor that is not one, a cursor with words or with a page number.
  auto refused = [&](const std::string& query, const std::string& path, const std::string& rule) {
    auto r = c.get(base + "?" + query);
    ASSERT_EQ(r.status, 422u) << query << r.body;
    const json j = r.json();
    EXPECT_EQ(j["type"], "/problems/validation") << query;
    bool found = false;
    for (const auto& e : j["errors"]) found |= e["path"] == path && e["rule"] == rule;
    EXPECT_TRUE(found) << query << " " << j.dump();
  };
  refused("page_size=100&page=101", "/page", "page_after");
  refused("page=501", "/page", "page_after");
  refused("page=100000&page_size=100", "/page", "page_after");
  for (const char* bad : {"x", "-1", "0", "012", "1e3", "1234567890123456789", "1%202"})
    refused(std::string("after=") + bad, "/after", "pattern");
  refused("after=5&q=cursor", "/after", "not_with");
  refused("after=5&page=2", "/page", "not_with");
  EXPECT_NE(c.get(base + "?page=101&page_size=100").body.find("next_after"), std::string::npos);
  // A cursor past the last record lists nothing, and no page after it.
  auto end = c.get(base + "?page_size=100&after=" + after + "00000");
  ASSERT_EQ(end.status, 200u) << end.body;
  EXPECT_TRUE(end.json()["items"].is_array());
  EXPECT_TRUE(end.json()["items"].empty());
  EXPECT_TRUE(end.json().contains("next_after"));
  EXPECT_TRUE(end.json()["next_after"].is_null());

  // A status filter: the records suspended, listed by cursor one at a time, and none else.
  Person admin = cli_user(s, "officer", "pta");
  admin.token = login(c, admin);
  const std::vector<std::string> suspended = {by_cursor[3], by_cursor[kCounted + 7], by_cursor[kListed - 1]};
  for (const auto& number : suspended) {
    auto r = c.post_json(base + "/" + number + "/status", {{"action", "suspend"}, {"reason", "cursor test"}},
                         bearer(admin.token));
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  std::vector<std::string> listed;
  after.clear();
  for (int pages = 0; pages < 10; ++pages) {
    const json j = c.get(base + "?status=suspended&page_size=1" + (after.empty() ? "" : "&after=" + after)).json();
    EXPECT_EQ(j["total"], 3);
    EXPECT_EQ(j["total_exact"], true);
    for (const auto& item : j["items"]) listed.push_back(item["number"].get<std::string>());
    if (j["next_after"].is_null()) break;
    after = j["next_after"].get<std::string>();
  }
  EXPECT_EQ(listed, suspended);
  // The last numbered page of the current records: one of those before it was suspended.
  EXPECT_EQ(c.get(base + "?status=active&page_size=1&page=10000").json()["items"][0]["number"], by_cursor[kCounted]);

  // GovStack: numbered links while numbered pages hold records, then the cursor; a page reached
  // by cursor has no link back. Its list shows current (active) records only.
  auto gs = s.client_of("govstack-registries");
  const std::string data = "/data/pta-vpn-endpoints/1.0";
  const json near_end = gs.get(data + "?page_size=100&page=99").json();
  EXPECT_EQ(near_end["next"], data + "?page=100&page_size=100");
  const json last_numbered = gs.get(data + "?page_size=100&page=100").json();
  ASSERT_TRUE(last_numbered["next"].is_string()) << last_numbered.dump();
  const std::string link = last_numbered["next"];
  EXPECT_EQ(link.find("page=101"), std::string::npos) << link;
  EXPECT_NE(link.find("after="), std::string::npos) << link;
  auto followed = gs.get(link);
  ASSERT_EQ(followed.status, 200u) << followed.body;
  const json beyond = followed.json();
  EXPECT_TRUE(beyond["previous"].is_null());
  ASSERT_FALSE(beyond["results"].empty());
  // by_cursor[kCounted] onwards, without the suspended ones (one of the first 10,000 moved every
  // active record one place up).
  EXPECT_EQ(beyond["results"][0]["ID"], by_cursor[kCounted + 1]);
  for (const char* q : {"page=101&page_size=100", "after=abc", "after=5&page=2", "after=5&search=cursor",
                        "after=5&query.vpn_type=ipsec"}) {
    auto r = gs.get(data + "?" + q);
    EXPECT_EQ(r.status, 400u) << q << r.body;
    EXPECT_EQ(problem_type(r), "/problems/invalid-page") << q;
  }
}
