// Registry schema files: the shipped schemas are valid, each rule of the parser refuses what it
// should, and to_json is parse's inverse.
#include <gtest/gtest.h>

#include "core/working_days.hpp"
#include "registries/schema.hpp"

using namespace darwaza::registries;
using nlohmann::json;

namespace {

json minimal() {
  return {{"name", "test-register"},
          {"version", 1},
          {"agency", "pta"},
          {"title", {{"en", "Test register"}, {"ur", "ٹیسٹ رجسٹر"}}},
          {"subject", "citizen"},
          {"number_prefix", "TST"},
          {"fields",
           {{{"name", "holder"}, {"type", "text"}, {"label", {{"en", "Holder"}, {"ur", "حامل"}}}, {"public", true}},
            {{"name", "cnic"}, {"type", "cnic"}, {"label", {{"en", "CNIC"}, {"ur", "شناختی کارڈ"}}}},
            {{"name", "seats"}, {"type", "integer"}, {"label", {{"en", "Seats"}, {"ur", "نشستیں"}}}},
            {{"name", "pool"}, {"type", "registry_ref"}, {"registry", "pools"}, {"label", {{"en", "Pool"}, {"ur", "پول"}}}}}}};
}

std::vector<std::string> problems_of(const json& j) {
  std::vector<DefinitionProblem> problems;
  (void)parse_schema(j, "t.json", problems);
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.path + " " + p.message);
  return out;
}

bool has_problem_at(const json& j, const std::string& path) {
  for (const auto& p : problems_of(j))
    if (p.rfind(path + " ", 0) == 0) return true;
  return false;
}

TEST(RegistrySchema, ShippedSchemasAndSeedsAreValid) {
  std::vector<SchemaFile> files;
  auto problems = check_registry_directory(DARWAZA_SOURCE_DIR "/data/registries", &files);
  for (const auto& p : problems) ADD_FAILURE() << p.file << ": " << p.path << ": " << p.message;
  EXPECT_EQ(files.size(), 9u);
  std::size_t parks = 0;
  for (const auto& f : files)
    if (f.schema.name == "stp-parks") parks = f.seed.size();
  EXPECT_GE(parks, 10u);
}

TEST(RegistrySchema, MinimalParsesAndRoundTrips) {
  std::vector<DefinitionProblem> problems;
  auto s = parse_schema(minimal(), "t.json", problems);
  ASSERT_TRUE(s.ok()) << (problems.empty() ? "" : problems[0].path + " " + problems[0].message);
  EXPECT_TRUE(s->field("holder")->is_public);
  EXPECT_FALSE(s->field("cnic")->is_public);
  auto again = parse_schema(to_json(*s), "t.json", problems);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(to_json(*again), to_json(*s));
}

TEST(RegistrySchema, PersonalFieldsCanNeverBePublic) {
  json j = minimal();
  j["fields"][1]["public"] = true;
  EXPECT_TRUE(has_problem_at(j, "/fields/1/public"));
}

TEST(RegistrySchema, EachRuleRefuses) {
  auto with = [](const char* key, json value) {
    json j = minimal();
    j[key] = std::move(value);
    return j;
  };
  EXPECT_TRUE(has_problem_at(with("subject", "everyone"), "/subject"));
  EXPECT_TRUE(has_problem_at(with("number_prefix", "tst lower"), "/number_prefix"));
  EXPECT_TRUE(has_problem_at(with("unique", json::array({json::array({"nope"})})), "/unique/0/0"));
  EXPECT_TRUE(has_problem_at(with("capacity", {{"field", "holder"}}), "/capacity/field"));  // not an integer
  EXPECT_TRUE(has_problem_at(with("allocates", {{"ref_field", "holder"}}), "/allocates/ref_field"));
  EXPECT_TRUE(has_problem_at(with("allocates", {{"ref_field", "pool"}, {"amount_field", "holder"}}), "/allocates/amount_field"));
  EXPECT_TRUE(has_problem_at(with("ip_index", "holder"), "/ip_index"));
  EXPECT_TRUE(has_problem_at(with("validity_days", -1), "/validity_days"));
  EXPECT_TRUE(has_problem_at(with("surprise", 1), "/surprise"));
  json no_prefix = minimal();
  no_prefix.erase("number_prefix");
  EXPECT_TRUE(has_problem_at(no_prefix, "/number_prefix"));
  json dup = minimal();
  dup["fields"].push_back(dup["fields"][0]);
  EXPECT_TRUE(has_problem_at(dup, "/fields/4/name"));
  json docs = minimal();
  docs["fields"].push_back({{"name", "scan"}, {"type", "document"}, {"label", {{"en", "Scan"}, {"ur", "اسکین"}}}});
  EXPECT_TRUE(has_problem_at(docs, "/fields/4/type"));
}

TEST(RegistrySchema, RecordStatusShowsExpiry) {
  Record r;
  r.valid_until = "2026-01-31";
  EXPECT_EQ(shown_status(r, "2026-01-31"), "active");
  EXPECT_EQ(shown_status(r, "2026-02-01"), "expired");
  r.status = RecordStatus::suspended;
  EXPECT_EQ(shown_status(r, "2026-02-01"), "suspended");
  r.valid_until.clear();
  r.status = RecordStatus::active;
  EXPECT_EQ(shown_status(r, "2099-01-01"), "active");
}

TEST(RegistrySchema, DatePlusDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(darwaza::date_plus_days("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(darwaza::date_plus_days("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(darwaza::date_plus_days("2026-03-01", 365), "2027-03-01");
  EXPECT_EQ(darwaza::date_plus_days("not a date", 1), "");
}

}  // namespace
