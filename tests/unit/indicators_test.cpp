// Indicators: periods and fiscal years, reading import files with line numbers, the import rules
// (all or nothing, duplicates, unit mismatch, never overwriting), and the growth figures computed
// from the shipped data next to the ones their sources quote.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/crypto.hpp"
#include "indicators/indicators.hpp"
#include "storage/database.hpp"

using namespace darwaza;
using namespace darwaza::indicators;

namespace {

constexpr const char* kSeriesJson = R"({
  "series": [
    {"id": "exports", "title": "Exports", "unit": "USD million", "frequency": "monthly", "aggregation": "sum",
     "source": "Test source"},
    {"id": "subscribers", "title": "Subscribers", "unit": "million", "frequency": "monthly", "aggregation": "level",
     "source": "Test source"}
  ]
})";

bool has_problem(const std::vector<RowProblem>& v, const std::string& file, int line, const std::string& part) {
  return std::any_of(v.begin(), v.end(), [&](const RowProblem& p) {
    return p.file == file && p.line == line && p.message.find(part) != std::string::npos;
  });
}

std::string dump(const std::vector<RowProblem>& v) {
  std::string s;
  for (const auto& p : v) s += p.file + ":" + std::to_string(p.line) + ": " + p.message + "\n";
  return s;
}

class IndicatorStore : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    dir_ = std::filesystem::temp_directory_path() / ("dz-ind-" + crypto::random_hex(6));
    std::filesystem::create_directories(dir_);
    storage::DatabaseOptions o;
    o.url = (dir_ / "i.db").string();
    db_ = storage::open_database(o);
    service_ = std::make_unique<Indicators>(*db_, clock_);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  ImportBatch batch(const std::string& csv) {
    ImportBatch b;
    read_json("series.json", kSeriesJson, b);
    read_csv("figures.csv", csv, b);
    return b;
  }
  ImportReport import(const ImportBatch& b, ImportOptions o = {}) {
    auto r = service_->import(b, o);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ImportReport{};
  }
  std::size_t stored_figures(const std::string& id) {
    auto d = service_->get(id);
    return d.ok() ? d->observations.size() : 0;
  }

  std::filesystem::path dir_;
  ManualClock clock_{1700000000000};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<Indicators> service_;
};

}  // namespace

TEST(IndicatorPeriods, ParseEachFrequencyAndRanges) {
  EXPECT_EQ(parse_period("2024-04", Frequency::monthly)->str(), "2024-04");
  EXPECT_EQ(parse_period("2024-Q2", Frequency::quarterly)->str(), "2024-Q2");
  EXPECT_EQ(parse_period("2024", Frequency::annual)->str(), "2024");
  auto r = parse_period("2024-07..2024-11", Frequency::monthly);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->is_range());
  EXPECT_EQ(r->last - r->first, 4);
  EXPECT_FALSE(parse_period("2024-13", Frequency::monthly));
  EXPECT_FALSE(parse_period("2024-4", Frequency::monthly));
  EXPECT_FALSE(parse_period("2024-04", Frequency::annual));
  EXPECT_FALSE(parse_period("2024-Q5", Frequency::quarterly));
  EXPECT_FALSE(parse_period("2024-11..2024-07", Frequency::monthly));
  EXPECT_FALSE(parse_period("2024-07..2024-07", Frequency::monthly));
  EXPECT_FALSE(parse_period("1900-01", Frequency::monthly));
  EXPECT_FALSE(parse_period("", Frequency::monthly));
}

TEST(IndicatorPeriods, PakistanFiscalYearRunsJulyToJune) {
  auto july = parse_fiscal_year("2024-25");
  ASSERT_TRUE(july);
  EXPECT_EQ(unit_str(Frequency::monthly, *july), "2024-07");
  EXPECT_FALSE(parse_fiscal_year("2024-26"));
  EXPECT_FALSE(parse_fiscal_year("2024"));
  EXPECT_EQ(fiscal_year_of_month(parse_period("2025-06", Frequency::monthly)->first), "2024-25");
  EXPECT_EQ(fiscal_year_of_month(parse_period("2024-07", Frequency::monthly)->first), "2024-25");
  EXPECT_EQ(fiscal_year_of_month(parse_period("2024-06", Frequency::monthly)->first), "2023-24");
  EXPECT_EQ(fiscal_year_of_month(parse_period("1999-12", Frequency::monthly)->first), "1999-00");
}

TEST(IndicatorPeriods, PercentChangeRoundsToOneDecimal) {
  EXPECT_DOUBLE_EQ(*percent_change(310, 191), 62.3);
  EXPECT_DOUBLE_EQ(*percent_change(1530, 1150), 33.0);
  EXPECT_DOUBLE_EQ(*percent_change(90, 100), -10.0);
  EXPECT_FALSE(percent_change(5, 0));
}

TEST(IndicatorFiles, CsvReportsEveryBadRowWithItsLine) {
  ImportBatch b;
  read_csv("f.csv",
           "series,period,value,unit,notes\n"
           "exports,2024-04,310,USD million,fine\n"
           "exports,2024-05,\"1,530\",USD million,thousands separator\n"
           "exports,2024-06,1.5e3,USD million,exponent\n"
           "\n"
           "exports,2024-07,,USD million,no value\n"
           "exports,2024-08,300,,no unit\n"
           "exports,2024-09,300,USD million\n"
           "\"exports,2024-10,300,USD million,unbalanced\n"
           "exports,undated,12,USD million,\"quoted, with comma\"\n",
           b);
  EXPECT_EQ(b.observations.size(), 2u) << dump(b.problems);
  EXPECT_TRUE(has_problem(b.problems, "f.csv", 3, "not a plain decimal")) << dump(b.problems);
  EXPECT_TRUE(has_problem(b.problems, "f.csv", 4, "not a plain decimal"));
  EXPECT_TRUE(has_problem(b.problems, "f.csv", 6, "value is required"));
  EXPECT_TRUE(has_problem(b.problems, "f.csv", 7, "unit is required"));
  EXPECT_TRUE(has_problem(b.problems, "f.csv", 8, "4 fields where the header has 5"));
  EXPECT_TRUE(has_problem(b.problems, "f.csv", 9, "not valid CSV"));
  EXPECT_EQ(b.observations[1].obs.period, "");  // "undated"
  EXPECT_EQ(b.observations[1].obs.notes, "quoted, with comma");
}

TEST(IndicatorFiles, CsvHeaderMustNameKnownAndRequiredColumns) {
  ImportBatch b;
  read_csv("h.csv", "series,period,amount\nexports,2024-04,1\n", b);
  EXPECT_TRUE(has_problem(b.problems, "h.csv", 1, "unknown column \"amount\"")) << dump(b.problems);
  EXPECT_TRUE(has_problem(b.problems, "h.csv", 1, "missing column \"value\""));
  EXPECT_TRUE(b.observations.empty());
}

TEST(IndicatorFiles, JsonRowsCarryTheirLineNumbers) {
  ImportBatch b;
  read_json("f.json",
            "{\n"
            "  \"observations\": [\n"
            "    {\"series\": \"exports\", \"period\": \"2024-04\", \"value\": 310, \"unit\": \"USD million\"},\n"
            "    {\"series\": \"exports\", \"period\": \"2024-05\",\n"
            "     \"value\": \"lots\", \"unit\": \"USD million\"},\n"
            "    {\"series\": \"exports\", \"value\": 1, \"unit\": \"USD million\", \"colour\": \"red\"}\n"
            "  ],\n"
            "  \"extra\": []\n"
            "}\n",
            b);
  EXPECT_EQ(b.observations.size(), 1u);
  EXPECT_TRUE(has_problem(b.problems, "f.json", 4, "not a plain decimal")) << dump(b.problems);
  EXPECT_TRUE(has_problem(b.problems, "f.json", 6, "period is required"));
  EXPECT_TRUE(has_problem(b.problems, "f.json", 6, "\"colour\" is not accepted"));
  EXPECT_TRUE(has_problem(b.problems, "f.json", 0, "\"extra\" is not accepted"));
  ImportBatch broken;
  read_json("b.json", "{\"series\": [\n{]", broken);
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_NE(broken.problems[0].message.find("line 2"), std::string::npos) << broken.problems[0].message;
}

TEST_F(IndicatorStore, GoodFileImportsAndReimportIsIdempotent) {
  auto b = batch("series,period,value,unit\nexports,2024-04,310,USD million\nexports,2023-04,191,USD million\n"
                 "exports,2024-07..2024-11,1530,USD million\n");
  auto r = import(b);
  EXPECT_TRUE(r.problems.empty()) << dump(r.problems);
  EXPECT_EQ(r.series_added, 2);
  EXPECT_EQ(r.observations_added, 3);
  auto again = import(b);
  EXPECT_EQ(again.observations_added, 0);
  EXPECT_EQ(again.observations_unchanged, 3);
  EXPECT_EQ(again.series_unchanged, 2);
  EXPECT_EQ(stored_figures("exports"), 3u);
}

TEST_F(IndicatorStore, AnyBadRowImportsNothingAndEveryBadRowIsReported) {
  auto b = batch("series,period,value,unit\n"
                 "exports,2024-04,310,USD million\n"   // 2: good
                 "exports,2024-04,311,USD million\n"   // 3: duplicate period
                 "exports,2024-05,300,USD billion\n"   // 4: unit mismatch
                 "nosuch,2024-05,300,USD million\n"    // 5: unknown series
                 "exports,2024-Q2,300,USD million\n"   // 6: not a monthly period
                 "subscribers,2024-01..2024-03,5,million\n");  // 7: a level has no range totals
  std::size_t progress_calls = 0;
  ImportOptions o;
  o.progress = [&](std::size_t done, std::size_t total) {
    ++progress_calls;
    EXPECT_LE(done, total);
  };
  auto r = import(b, o);
  EXPECT_FALSE(r.stored);
  EXPECT_EQ(progress_calls, b.rows());
  EXPECT_TRUE(has_problem(r.problems, "figures.csv", 3, "duplicate period: 2024-04 of exports (also at figures.csv:2)"))
      << dump(r.problems);
  EXPECT_TRUE(has_problem(r.problems, "figures.csv", 4, "unit mismatch"));
  EXPECT_TRUE(has_problem(r.problems, "figures.csv", 5, "unknown series"));
  EXPECT_TRUE(has_problem(r.problems, "figures.csv", 6, "not a monthly period"));
  EXPECT_TRUE(has_problem(r.problems, "figures.csv", 7, "measures a level"));
  EXPECT_EQ(r.problems.size(), 5u) << dump(r.problems);
  EXPECT_EQ(service_->list()->size(), 0u);  // not even the series

  ImportOptions skip;
  skip.skip_bad = true;
  auto partial = import(b, skip);
  EXPECT_TRUE(partial.stored);
  EXPECT_EQ(partial.observations_added, 1);
  EXPECT_EQ(partial.problems.size(), 5u);
  EXPECT_EQ(stored_figures("exports"), 1u);
}

TEST_F(IndicatorStore, StoredFiguresAreNeverOverwritten) {
  import(batch("series,period,value,unit\nexports,2024-04,310,USD million\n"));
  auto r = import(batch("series,period,value,unit\nexports,2024-04,999,USD million\nexports,2024-05,332,USD million\n"));
  EXPECT_TRUE(has_problem(r.problems, "figures.csv", 2, "never overwritten")) << dump(r.problems);
  EXPECT_EQ(stored_figures("exports"), 1u);
  ImportOptions keep;
  keep.keep_existing = true;
  auto seeded = import(batch("series,period,value,unit\nexports,2024-04,999,USD million\nexports,2024-05,332,USD million\n"), keep);
  EXPECT_TRUE(seeded.problems.empty());
  EXPECT_EQ(seeded.kept.size(), 1u);
  EXPECT_EQ(seeded.observations_added, 1);
  EXPECT_EQ(service_->get("exports")->observations.front().value, 310);

  ImportBatch changed;
  read_json("s.json", R"({"series": [{"id": "exports", "title": "Exports", "unit": "USD billion",
      "frequency": "monthly", "aggregation": "sum", "source": "Test source"}]})", changed);
  auto unit_change = import(changed);
  EXPECT_TRUE(has_problem(unit_change.problems, "s.json", 1, "never change")) << dump(unit_change.problems);
}

TEST_F(IndicatorStore, FiscalYearToDateSumsMonthsOrUsesARangeTotal) {
  std::string csv = "series,period,value,unit\n";
  for (int m = 7; m <= 9; ++m) csv += "exports,2024-0" + std::to_string(m) + ",100,USD million\n";
  csv += "exports,2023-07..2023-09,200,USD million\nexports,2024-07..2024-09,290,USD million\n";
  import(batch(csv));
  auto c = service_->fiscal_year_to_date("exports", "2024-25", "", "en");
  ASSERT_TRUE(c.ok()) << c.error().detail;
  EXPECT_EQ(c->current.basis, "monthly-sum");
  EXPECT_EQ(c->current.value, 300);
  EXPECT_EQ(c->current.months, 3);
  EXPECT_EQ(*c->current.range_total, 290);  // shown beside, not used
  EXPECT_EQ(c->base.basis, "range-total");
  EXPECT_EQ(c->base_fiscal_year, "2023-24");
  EXPECT_DOUBLE_EQ(*c->computed_pct, 50.0);
  auto missing = service_->fiscal_year_to_date("exports", "2024-25", "2024-10", "en");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().type, "observation-missing");
  EXPECT_EQ(service_->fiscal_year_to_date("exports", "2024-25", "2025-07", "en").error().type, "validation");
  EXPECT_EQ(service_->fiscal_year_to_date("exports", "2024", "", "en").error().type, "validation");
  EXPECT_EQ(service_->fiscal_year_to_date("subscribers", "2024-25", "", "en").error().type, "indicator-not-additive");
  EXPECT_EQ(service_->year_over_year("exports", "2024-07..2024-09", "en").error().type, "validation");
  EXPECT_EQ(service_->year_over_year("nosuch", "2024-07", "en").error().type, "indicator-not-found");
}

// The figures the issue quotes, from the files in data/indicators: computed and quoted, each kept.
TEST_F(IndicatorStore, ShippedDataGivesTheArticlesGrowthFigures) {
  ImportBatch b;
  read_directory(DARWAZA_SOURCE_DIR "/data/indicators", b);
  auto r = import(b);
  ASSERT_TRUE(r.problems.empty()) << dump(r.problems);

  auto yoy = service_->year_over_year("ict-export-remittances", "2024-04", "en");
  ASSERT_TRUE(yoy.ok()) << yoy.error().detail;
  EXPECT_EQ(yoy->current.value, 310);
  EXPECT_EQ(yoy->base.value, 191);
  EXPECT_DOUBLE_EQ(*yoy->computed_pct, 62.3);
  ASSERT_EQ(yoy->quoted.size(), 1u);
  EXPECT_DOUBLE_EQ(yoy->quoted[0].change_pct, 62.3);

  auto fytd = service_->fiscal_year_to_date("ict-export-remittances", "2024-25", "2024-11", "en");
  ASSERT_TRUE(fytd.ok()) << fytd.error().detail;
  EXPECT_EQ(fytd->current.period, "2024-07..2024-11");
  EXPECT_EQ(fytd->current.basis, "range-total");
  EXPECT_EQ(fytd->current.value, 1530);
  EXPECT_EQ(fytd->base.value, 1150);
  EXPECT_DOUBLE_EQ(*fytd->computed_pct, 33.0);
  auto quoted = std::find_if(fytd->quoted.begin(), fytd->quoted.end(), [](const QuotedChange& q) { return q.change_pct == 32.7; });
  EXPECT_NE(quoted, fytd->quoted.end()) << "the source's +32.7 % is kept beside the computed +33.0 %";

  auto nov = service_->year_over_year("ict-export-remittances", "2024-11", "en");
  ASSERT_TRUE(nov.ok());
  EXPECT_EQ(nov->current.value, 324);
  auto d = service_->get("submarine-cable-capacity");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->observations.at(0).value, 9.281);
  EXPECT_EQ(d->observations.at(0).period, "");  // no dated source found: its notes say what was searched
  // Dated as the source dates them: the year MoITT stated the figure (13 Feb 2025), with its link.
  auto parks = service_->get("technology-parks");
  ASSERT_TRUE(parks.ok());
  ASSERT_EQ(parks->observations.size(), 1u);
  EXPECT_EQ(parks->observations.at(0).value, 43);
  EXPECT_EQ(parks->observations.at(0).period, "2025");
  EXPECT_FALSE(parks->observations.at(0).source_url.empty());
}
