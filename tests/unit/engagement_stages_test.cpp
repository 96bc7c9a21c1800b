// Engagement commitments: the stage rules (forward only, skipped stages need their dates, every
// change dated and sourced, dates never go backwards, operational and dropped are final) and the
// follow-through summary.
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/working_days.hpp"
#include "engagements/engagements.hpp"
#include "engagements/stages.hpp"

using namespace darwaza::engagements;

namespace {

constexpr const char* kToday = "2025-01-15";
constexpr const char* kSource = "https://moitt.gov.pk/news/1";

Commitment at(Stage s, const std::string& date) {
  Commitment c;
  c.id = "c1";
  c.status = s;
  c.history.push_back(StageChange{s, date, "", "", kSource, "", "seed", 0});
  return c;
}

StageMove move(const std::string& stage, const std::string& date, std::map<std::string, std::string> skipped = {}) {
  return StageMove{stage, date, kSource, "", std::move(skipped)};
}

std::string type_of(const darwaza::Result<std::vector<StageChange>>& r) { return r.ok() ? "ok" : r.error().type; }

}  // namespace

TEST(EngagementDates, PartialAndFullDates) {
  EXPECT_TRUE(valid_date("2022", false));
  EXPECT_TRUE(valid_date("2022-02", false));
  EXPECT_TRUE(valid_date("2024-02-29", true));
  EXPECT_FALSE(valid_date("2023-02-29", true));
  EXPECT_FALSE(valid_date("2022-02", true));
  EXPECT_FALSE(valid_date("2022-13", false));
  EXPECT_FALSE(valid_date("22-02-01", false));
  EXPECT_EQ(*day_number("1970-01-02"), 1);
  EXPECT_EQ(*day_number("2024-03-01") - *day_number("2024-02-01"), 29);
}

TEST(EngagementStages, NoJumpFromAnnouncedToOperationalWithoutDates) {
  Commitment c = at(Stage::announced, "2024-01-10");
  auto r = plan_stage_change(c, move("operational", "2024-12-01"), kToday, "en");
  EXPECT_EQ(type_of(r), "stage-dates-required");
  EXPECT_NE(r.error().detail.find("agreed, pilot"), std::string::npos) << r.error().detail;
  auto half = plan_stage_change(c, move("operational", "2024-12-01", {{"agreed", "2024-03-01"}}), kToday, "en");
  EXPECT_EQ(type_of(half), "stage-dates-required");

  auto ok = plan_stage_change(c, move("operational", "2024-12-01", {{"agreed", "2024-03-01"}, {"pilot", "2024-06-01"}}),
                              kToday, "en");
  ASSERT_TRUE(ok.ok()) << ok.error().detail;
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[0].stage, Stage::agreed);
  EXPECT_EQ((*ok)[1].date, "2024-06-01");
  EXPECT_EQ((*ok)[2].stage, Stage::operational);
  for (const auto& h : *ok) EXPECT_EQ(h.source_url, kSource);
}

TEST(EngagementStages, EveryChangeIsDatedAndSourced) {
  Commitment c = at(Stage::announced, "2024-01-10");
  auto no_date = plan_stage_change(c, StageMove{"agreed", "", kSource, "", {}}, kToday, "en");
  EXPECT_EQ(type_of(no_date), "validation");
  EXPECT_EQ(no_date.error().fields.at(0).path, "/date");
  auto month_only = plan_stage_change(c, StageMove{"agreed", "2024-03", kSource, "", {}}, kToday, "en");
  EXPECT_EQ(type_of(month_only), "validation");
  auto no_source = plan_stage_change(c, StageMove{"agreed", "2024-03-01", "", "", {}}, kToday, "en");
  EXPECT_EQ(type_of(no_source), "validation");
  EXPECT_EQ(no_source.error().fields.at(0).path, "/source_url");
  auto not_a_link = plan_stage_change(c, StageMove{"agreed", "2024-03-01", "a newspaper", "", {}}, kToday, "en");
  EXPECT_EQ(type_of(not_a_link), "validation");
  EXPECT_EQ(type_of(plan_stage_change(c, move("agreed", "2025-02-01"), kToday, "en")), "validation");  // future
  EXPECT_EQ(type_of(plan_stage_change(c, move("finished", "2024-03-01"), kToday, "en")), "validation");
  EXPECT_EQ(type_of(plan_stage_change(c, move("agreed", "2024-03-01"), kToday, "en")), "ok");
}

TEST(EngagementStages, ForwardOnlyAndDatesInOrder) {
  Commitment c = at(Stage::pilot, "2024-06-01");
  EXPECT_EQ(type_of(plan_stage_change(c, move("agreed", "2024-07-01"), kToday, "en")), "stage-not-allowed");
  EXPECT_EQ(type_of(plan_stage_change(c, move("pilot", "2024-07-01"), kToday, "en")), "stage-not-allowed");
  EXPECT_EQ(type_of(plan_stage_change(c, move("operational", "2024-05-01"), kToday, "en")), "stage-date-out-of-order");
  // A month-precise earlier stage allows any day of that month.
  Commitment month = at(Stage::agreed, "2022-02");
  EXPECT_EQ(type_of(plan_stage_change(month, move("pilot", "2022-02-10"), kToday, "en")), "ok");
  EXPECT_EQ(type_of(plan_stage_change(month, move("pilot", "2022-01-31"), kToday, "en")), "stage-date-out-of-order");
  // stage_dates may only name stages the change skips.
  EXPECT_EQ(type_of(plan_stage_change(c, move("operational", "2024-07-01", {{"agreed", "2024-06-02"}}), kToday, "en")),
            "stage-not-allowed");
}

TEST(EngagementStages, StallResumeDropAndFinalStages) {
  Commitment c = at(Stage::agreed, "2024-03-01");
  auto stall = plan_stage_change(c, move("stalled", "2024-04-01"), kToday, "en");
  ASSERT_TRUE(stall.ok());
  c.history.push_back(stall->back());
  c.status = Stage::stalled;
  EXPECT_EQ(type_of(plan_stage_change(c, move("stalled", "2024-05-01"), kToday, "en")), "stage-not-allowed");
  EXPECT_EQ(type_of(plan_stage_change(c, move("announced", "2024-05-01"), kToday, "en")), "stage-not-allowed");
  EXPECT_EQ(type_of(plan_stage_change(c, move("agreed", "2024-05-01"), kToday, "en")), "ok");  // resumes
  EXPECT_EQ(type_of(plan_stage_change(c, move("pilot", "2024-05-01"), kToday, "en")), "ok");
  EXPECT_EQ(type_of(plan_stage_change(c, move("dropped", "2024-05-01"), kToday, "en")), "ok");
  EXPECT_EQ(type_of(plan_stage_change(at(Stage::dropped, "2024-01-01"), move("agreed", "2024-05-01"), kToday, "en")),
            "commitment-closed");
  EXPECT_EQ(type_of(plan_stage_change(at(Stage::operational, "2024-01-01"), move("stalled", "2024-05-01"), kToday, "en")),
            "commitment-closed");
}

TEST(EngagementSummary, CountsStagesAndTimesDayPreciseOnes) {
  Engagement e;
  Commitment fast = at(Stage::announced, "2024-01-01");
  fast.history.push_back(StageChange{Stage::agreed, "2024-01-11", "", "", kSource, "", "", 0});
  fast.status = Stage::agreed;
  Commitment slow = at(Stage::announced, "2024-01-01");
  slow.history.push_back(StageChange{Stage::agreed, "2024-01-31", "", "", kSource, "", "", 0});
  slow.history.push_back(StageChange{Stage::pilot, "2024-03-01", "", "", kSource, "", "", 0});
  slow.status = Stage::pilot;
  Commitment undated = at(Stage::agreed, "2022-02");  // counted as agreed, not timed
  Commitment dropped = at(Stage::announced, "");
  dropped.history.push_back(StageChange{Stage::dropped, "2024-05-01", "", "", kSource, "", "", 0});
  dropped.status = Stage::dropped;
  e.commitments = {fast, slow, undated, dropped};
  auto s = follow_through({e, Engagement{}});
  EXPECT_EQ(s.engagements, 2);
  EXPECT_EQ(s.commitments, 4);
  EXPECT_EQ(s.by_status[static_cast<int>(Stage::agreed)].second, 2);
  EXPECT_EQ(s.by_status[static_cast<int>(Stage::pilot)].second, 1);
  EXPECT_EQ(s.by_status[static_cast<int>(Stage::dropped)].second, 1);
  const auto& agreed = s.reached[0];
  EXPECT_EQ(agreed.stage, Stage::agreed);
  EXPECT_EQ(agreed.reached, 3);
  EXPECT_EQ(agreed.measured, 2);
  EXPECT_DOUBLE_EQ(*agreed.median_days, 20.0);
  EXPECT_EQ(*agreed.min_days, 10);
  EXPECT_EQ(*agreed.max_days, 30);
  EXPECT_EQ(s.reached[1].reached, 1);
  EXPECT_EQ(*s.reached[1].median_days, 60.0);
  EXPECT_EQ(s.reached[2].reached, 0);
  EXPECT_FALSE(s.reached[2].median_days);
}

// The shipped seed file keeps the same rules: a commitment starts no later than agreed (a later
// first stage would hide when the ones before it were reached), every later entry is a move the
// rules accept from the entries before it, and no date lies in the future.
TEST(EngagementStages, ShippedSeedFileKeepsTheStageRules) {
  auto list = load_engagements_file(DARWAZA_SOURCE_DIR "/data/engagements.json");
  ASSERT_TRUE(list.ok()) << list.error().detail;
  ASSERT_FALSE(list->empty());
  const std::string today = darwaza::pkt_date(darwaza::SystemClock{}.now_ms());
  for (const auto& e : *list) {
    EXPECT_TRUE(e.date.empty() || e.date <= today) << e.id << " is dated " << e.date;
    EXPECT_TRUE(!e.date.empty() || !e.date_note.empty()) << e.id << " has neither a date nor a note saying why";
    for (const auto& c : e.commitments) {
      ASSERT_FALSE(c.history.empty()) << c.id;
      const StageChange& first = c.history.front();
      EXPECT_TRUE(first.stage == Stage::announced || first.stage == Stage::agreed) << c.id << " starts at " << to_string(first.stage);
      EXPECT_TRUE(!first.date.empty() || !first.date_note.empty()) << c.id << ": an undated stage says why";
      Commitment so_far = c;
      so_far.history = {first};
      so_far.status = first.stage;
      for (std::size_t k = 1; k < c.history.size(); ++k) {
        const StageChange& h = c.history[k];
        auto planned = plan_stage_change(so_far, StageMove{to_string(h.stage), h.date, h.source_url, h.note, {}}, today, "en");
        ASSERT_TRUE(planned.ok()) << c.id << " entry " << k << ": " << planned.error().detail;
        so_far.history.push_back(h);
        so_far.status = h.stage;
      }
      EXPECT_EQ(c.status, c.history.back().stage) << c.id;
    }
  }
}
