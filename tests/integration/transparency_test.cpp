// End-to-end: the shipped indicators and engagements served by the real binary (growth figures
// computed and quoted), `darwaza indicators import`, engagement filters and follow-through, and
// who may record engagements (MoITT officers and platform admins; others refused).
#include <gtest/gtest.h>

#include <set>

#include <filesystem>
#include <fstream>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

ServerProcess* g_server = nullptr;

class Transparency : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_server = new ServerProcess();
    g_server->start();
  }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
  }
  HttpClient c = g_server->client();

  Person staff(const std::string& role, const std::string& agency = {}) {
    Person p = cli_user(*g_server, role, agency);
    p.token = login(c, p);
    return p;
  }
  static std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }
  static json new_engagement() {
    return {{"date", "2024-05-20"},
            {"country", "KR"},
            {"organisation", "Example Korean agency"},
            {"pakistani_side", "MoITT"},
            {"kind", "mou"},
            {"title", "Test MoU"},
            {"topics", {"IT parks"}},
            {"sources", {{{"name", "Press release"}, {"url", "https://moitt.gov.pk/news/test"}}}},
            {"commitments",
             {{{"description", "Pilot a shared data centre"}, {"date", "2024-05-20"},
               {"source_url", "https://moitt.gov.pk/news/test"}}}}};
  }
  std::string import_file(const std::string& name, const std::string& text, std::vector<std::string> extra, int& rc) {
    fs::path dir = make_temp_dir("darwaza-import");
    fs::path file = dir / name;
    std::ofstream(file) << text;
    std::vector<std::string> args = {"indicators", "import", file.string(), "--data", g_server->data_dir() + "/d"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string out;
    rc = run_darwaza(args, out);
    fs::remove_all(dir);
    return out;
  }
};

TEST_F(Transparency, ShippedIndicatorsGiveComputedAndQuotedGrowth) {
  auto list = c.get("/v1/indicators");
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_GE(list.json()["items"].size(), 10u);

  auto yoy = c.get("/v1/indicators/ict-export-remittances/yoy?period=2024-04");
  ASSERT_EQ(yoy.status, 200u) << yoy.body;
  auto y = yoy.json();
  EXPECT_EQ(y["current"]["value"], 310);
  EXPECT_EQ(y["base"]["period"], "2023-04");
  EXPECT_EQ(y["base"]["value"], 191);
  EXPECT_EQ(y["computed"]["label"], "computed");
  EXPECT_DOUBLE_EQ(y["computed"]["change_pct"].get<double>(), 62.3);
  ASSERT_EQ(y["quoted"].size(), 1u);
  EXPECT_EQ(y["quoted"][0]["label"], "quoted");
  EXPECT_DOUBLE_EQ(y["quoted"][0]["change_pct"].get<double>(), 62.3);

  auto fytd = c.get("/v1/indicators/ict-export-remittances/fytd?fy=2024-25&through=2024-11");
  ASSERT_EQ(fytd.status, 200u) << fytd.body;
  auto f = fytd.json();
  EXPECT_EQ(f["current"]["period"], "2024-07..2024-11");
  EXPECT_EQ(f["current"]["basis"], "range-total");
  EXPECT_EQ(f["current"]["value"], 1530);
  EXPECT_EQ(f["base"]["value"], 1150);
  EXPECT_EQ(f["base"]["fiscal_year"], "2023-24");
  EXPECT_DOUBLE_EQ(f["computed"]["change_pct"].get<double>(), 33.0);
  bool quoted_32_7 = false;
  for (const auto& q : f["quoted"]) quoted_32_7 |= q["change_pct"].get<double>() == 32.7 && q["label"] == "quoted";
  EXPECT_TRUE(quoted_32_7) << f.dump(2);
  // Without `through`, the last month this fiscal year's figures reach.
  EXPECT_EQ(c.get("/v1/indicators/ict-export-remittances/fytd?fy=2024-25").json()["current"]["period"], "2024-07..2024-11");

  auto series = c.get("/v1/indicators/submarine-cable-capacity").json();
  EXPECT_EQ(series["unit"], "Tbps");
  EXPECT_EQ(series["observations"][0]["value"], 9.281);
  EXPECT_EQ(series["observations"][0]["kind"], "undated");
  // The platform's own figures are listed (their values are tested with the registries).
  const json live = c.get("/v1/indicators/live").json();
  std::set<std::string> ids;
  for (const auto& f : live["items"]) ids.insert(f["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"park-occupancy", "zone-firms-by-country", "registered-freelancers",
                                        "applications-by-service"}));
}

TEST_F(Transparency, IndicatorRefusalsAreProblems) {
  auto missing = c.get("/v1/indicators/no-such-series");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_TRUE(missing.header("content-type").starts_with("application/problem+json"));
  EXPECT_EQ(type_of(missing), "/problems/indicator-not-found");
  auto bad_period = c.get("/v1/indicators/ict-export-remittances/yoy?period=April");
  EXPECT_EQ(bad_period.status, 422u);
  EXPECT_EQ(bad_period.json()["errors"][0]["path"], "/period");
  EXPECT_EQ(type_of(c.get("/v1/indicators/ict-export-remittances/yoy?period=2019-01")), "/problems/observation-missing");
  EXPECT_EQ(c.get("/v1/indicators/ict-export-remittances/fytd?fy=2024").status, 422u);
  EXPECT_EQ(type_of(c.get("/v1/indicators/mobile-subscribers/fytd?fy=2024-25")), "/problems/indicator-not-additive");
}

TEST_F(Transparency, CliImportIsAllOrNothingWithLineNumbers) {
  int rc = 0;
  std::string out = import_file("bad.csv",
                                "series,period,value,unit\n"
                                "ict-export-remittances,2019-01,100,USD million\n"
                                "ict-export-remittances,2019-02,100,USD billion\n"
                                "ict-export-remittances,2019-01,101,USD million\n"
                                "ict-export-remittances,2024-04,999,USD million\n",
                                {}, rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("bad.csv:3: unit mismatch"), std::string::npos) << out;
  EXPECT_NE(out.find("bad.csv:4: duplicate period: 2019-01"), std::string::npos) << out;
  EXPECT_NE(out.find("bad.csv:5: 2024-04 of ict-export-remittances is stored as 310"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;
  EXPECT_EQ(c.get("/v1/indicators/ict-export-remittances/yoy?period=2020-01").status, 404u);

  out = import_file("bad.csv",
                    "series,period,value,unit\n"
                    "ict-export-remittances,2019-01,100,USD million\n"
                    "ict-export-remittances,2020-01,150,USD million\n"
                    "ict-export-remittances,2020-02,1e2,USD million\n",
                    {"--skip-bad"}, rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("bad.csv:4: value"), std::string::npos) << out;
  EXPECT_NE(out.find("2 figures added"), std::string::npos) << out;
  auto yoy = c.get("/v1/indicators/ict-export-remittances/yoy?period=2020-01").json();
  EXPECT_DOUBLE_EQ(yoy["computed"]["change_pct"].get<double>(), 50.0);
  EXPECT_TRUE(yoy["quoted"].empty());

  std::string none;
  EXPECT_NE(run_darwaza({"indicators", "import", "/no/such/file.csv"}, none), 0);
  EXPECT_NE(none.find("/no/such/file.csv"), std::string::npos) << none;
}

TEST_F(Transparency, EngagementListFiltersAndSummary) {
  auto all = c.get("/v1/engagements");
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_GE(all.json()["total"].get<int>(), 5);
  auto china = c.get("/v1/engagements?country=CN").json();
  for (const auto& e : china["items"]) EXPECT_EQ(e["country"], "CN");
  EXPECT_GE(china["total"].get<int>(), 2);
  auto agreed = c.get("/v1/engagements?status=agreed").json();
  bool z_park = false;
  for (const auto& e : agreed["items"]) z_park |= e["id"] == "stza-z-park-agreement";
  EXPECT_TRUE(z_park) << agreed.dump(2);
  // Newest first: the technology centre's day (28 Nov 2022) before the Z-Park agreement's month.
  auto y2022 = c.get("/v1/engagements?year=2022").json();
  ASSERT_GE(y2022["total"].get<int>(), 2);
  EXPECT_EQ(y2022["items"][0]["id"], "china-pakistan-technology-center");
  EXPECT_EQ(y2022["items"][0]["date"], "2022-11-28");
  EXPECT_EQ(y2022["items"][0]["date_precision"], "day");
  EXPECT_EQ(y2022["items"][1]["id"], "stza-z-park-agreement");
  EXPECT_EQ(y2022["items"][1]["date"], "2022-02");
  EXPECT_EQ(y2022["items"][1]["date_precision"], "month");
  for (const auto& e : y2022["items"]) EXPECT_TRUE(e["date"].get<std::string>().starts_with("2022")) << e.dump();
  auto leviathan = c.get("/v1/engagements/leviathan-group-delegation").json();
  EXPECT_EQ(leviathan["date"], nullptr);
  EXPECT_FALSE(leviathan["date_note"].get<std::string>().empty());
  EXPECT_EQ(c.get("/v1/engagements?country=China").status, 422u);
  EXPECT_EQ(c.get("/v1/engagements?status=done").status, 422u);
  EXPECT_EQ(type_of(c.get("/v1/engagements/nope")), "/problems/engagement-not-found");

  auto summary = c.get("/v1/engagements/summary");
  ASSERT_EQ(summary.status, 200u) << summary.body;
  auto s = summary.json();
  EXPECT_GE(s["by_status"]["agreed"].get<int>(), 1);
  EXPECT_GE(s["by_status"]["announced"].get<int>(), 3);
  EXPECT_EQ(s["reached"][0]["stage"], "agreed");
}

TEST_F(Transparency, OnlyMoittOfficersAndPlatformAdminsRecordEngagements) {
  auto anonymous = c.post_json("/v1/engagements", new_engagement());
  EXPECT_EQ(anonymous.status, 401u);
  Person citizen = signed_in(c);
  auto by_citizen = c.post_json("/v1/engagements", new_engagement(), bearer(citizen.token));
  EXPECT_EQ(by_citizen.status, 403u);
  EXPECT_EQ(type_of(by_citizen), "/problems/forbidden");
  Person stza = staff("officer", "stza");
  auto by_stza = c.post_json("/v1/engagements", new_engagement(), bearer(stza.token));
  EXPECT_EQ(by_stza.status, 403u);
  EXPECT_EQ(type_of(by_stza), "/problems/engagement-edit-forbidden");
  auto stage_by_stza = c.post_json("/v1/engagements/stza-z-park-agreement/commitments/z-park-tech-ecosystems/stages",
                                   {{"stage", "pilot"}, {"date", "2024-01-01"}, {"source_url", "https://stza.gov.pk/x"}},
                                   bearer(stza.token));
  EXPECT_EQ(stage_by_stza.status, 403u);
  EXPECT_EQ(type_of(stage_by_stza), "/problems/engagement-edit-forbidden");
  Person auditor = staff("auditor");
  EXPECT_EQ(c.post_json("/v1/engagements", new_engagement(), bearer(auditor.token)).status, 403u);

  Person moitt = staff("officer", "moitt");
  auto created = c.post_json("/v1/engagements", new_engagement(), bearer(moitt.token));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json()["commitments"][0]["status"], "announced");
  Person admin = staff("platform_admin");
  auto patched = c.patch_json("/v1/engagements/" + created.json()["id"].get<std::string>(),
                              {{"summary", "Signed in Seoul."}}, bearer(admin.token));
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(patched.json()["summary"], "Signed in Seoul.");
  EXPECT_EQ(patched.json()["title"], "Test MoU");
  auto patched_by_stza = c.patch_json("/v1/engagements/" + created.json()["id"].get<std::string>(),
                                      {{"summary", "x"}}, bearer(stza.token));
  EXPECT_EQ(type_of(patched_by_stza), "/problems/engagement-edit-forbidden");
}

TEST_F(Transparency, CommitmentStagesNeedDatesAndSources) {
  Person moitt = staff("officer", "moitt");
  auto created = c.post_json("/v1/engagements", new_engagement(), bearer(moitt.token));
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = created.json()["id"], commitment = created.json()["commitments"][0]["id"];
  std::string stages = "/v1/engagements/" + id + "/commitments/" + commitment + "/stages";
  const std::string src = "https://moitt.gov.pk/news/operational";

  auto undated = c.post_json(stages, {{"stage", "agreed"}, {"source_url", src}}, bearer(moitt.token));
  EXPECT_EQ(undated.status, 422u);
  EXPECT_EQ(undated.json()["errors"][0]["path"], "/date");
  auto unsourced = c.post_json(stages, {{"stage", "agreed"}, {"date", "2024-06-01"}}, bearer(moitt.token));
  EXPECT_EQ(unsourced.status, 422u);
  auto jump = c.post_json(stages, {{"stage", "operational"}, {"date", "2024-12-01"}, {"source_url", src}},
                          bearer(moitt.token));
  EXPECT_EQ(jump.status, 422u);
  EXPECT_EQ(type_of(jump), "/problems/stage-dates-required");
  auto early = c.post_json(stages, {{"stage", "agreed"}, {"date", "2024-05-01"}, {"source_url", src}}, bearer(moitt.token));
  EXPECT_EQ(type_of(early), "/problems/stage-date-out-of-order");

  auto done = c.post_json(stages,
                          {{"stage", "operational"},
                           {"date", "2024-12-01"},
                           {"source_url", src},
                           {"stage_dates", {{"agreed", "2024-06-19"}, {"pilot", "2024-09-01"}}}},
                          bearer(moitt.token));
  ASSERT_EQ(done.status, 200u) << done.body;
  auto d = done.json();
  EXPECT_EQ(d["status"], "operational");
  ASSERT_EQ(d["history"].size(), 4u);
  EXPECT_EQ(d["history"][1]["stage"], "agreed");
  EXPECT_EQ(d["history"][3]["source_url"], src);
  auto after = c.post_json(stages, {{"stage", "stalled"}, {"date", "2024-12-02"}, {"source_url", src}}, bearer(moitt.token));
  EXPECT_EQ(after.status, 409u);
  EXPECT_EQ(type_of(after), "/problems/commitment-closed");

  auto added = c.post_json("/v1/engagements/" + id + "/commitments",
                           {{"description", "Joint training"}, {"stage", "agreed"}, {"date", "2024-05-20"},
                            {"source_url", src}},
                           bearer(moitt.token));
  ASSERT_EQ(added.status, 201u) << added.body;
  EXPECT_EQ(added.json()["status"], "agreed");

  auto summary = c.get("/v1/engagements/summary?country=KR").json();
  EXPECT_GE(summary["by_status"]["operational"].get<int>(), 1);
  auto reached_operational = summary["reached"][2];
  EXPECT_EQ(reached_operational["stage"], "operational");
  EXPECT_GE(reached_operational["timed"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(reached_operational["min_days"].get<double>(), 195.0);  // 2024-05-20 → 2024-12-01
}

TEST(TransparencySeed, RestartAddsNothingTwice) {
  std::string dir = make_temp_dir("darwaza-seed");
  int engagements = 0, figures = 0;
  for (int run = 0; run < 2; ++run) {
    ServerProcess s({}, dir);
    s.start();
    auto c = s.client();
    int e = c.get("/v1/engagements").json()["total"];
    int f = c.get("/v1/indicators/ict-export-remittances").json()["observations"].size();
    if (run == 0) {
      engagements = e;
      figures = f;
    } else {
      EXPECT_EQ(e, engagements);
      EXPECT_EQ(f, figures);
    }
    EXPECT_EQ(s.stop(), 0);
  }
  fs::remove_all(dir);
}

}  // namespace
