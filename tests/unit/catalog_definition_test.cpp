#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "catalog/definition.hpp"
#include "identity/agencies.hpp"

using namespace darwaza::catalog;
using nlohmann::json;

namespace {

const std::string kServicesDir = DARWAZA_SOURCE_DIR "/data/services";
const std::string kAgenciesFile = DARWAZA_SOURCE_DIR "/data/agencies.json";

json tr(const char* en, const char* ur) { return {{"en", en}, {"ur", ur}}; }

// A small valid definition; each refusal test breaks one thing in it.
json base() {
  return {
      {"id", "test-service"},
      {"agency", "pta"},
      {"category", "telecom"},
      {"title", tr("Test service", "آزمائشی سروس")},
      {"description", tr("A service for tests.", "آزمائش کے لیے سروس۔")},
      {"applicant", "both"},
      {"keywords", {"test", "آزمائش"}},
      {"form",
       {
           {{"name", "full_name"}, {"type", "text"}, {"label", tr("Name", "نام")}, {"required", true}, {"max", 120}},
           {{"name", "kind"},
            {"type", "enum"},
            {"label", tr("Kind", "قسم")},
            {"options", {{{"value", "a"}, {"label", tr("A", "الف")}}, {{"value", "b"}, {"label", tr("B", "ب")}}}}},
           {{"name", "amount"}, {"type", "money"}, {"label", tr("Amount", "رقم")}, {"currency", "PKR"}},
           {{"name", "park"}, {"type", "registry_ref"}, {"label", tr("Park", "پارک")}, {"registry", "stp-parks"}},
           {{"name", "tags"}, {"type", "list"}, {"label", tr("Tags", "ٹیگ")}, {"pattern", "^[a-z]+$"}, {"max_items", 5}},
           {{"name", "count"}, {"type", "integer"}, {"label", tr("Count", "تعداد")}, {"min", 0}, {"max", 10}},
       }},
      {"workflow",
       {{"initial", "submitted"},
        {"states",
         {
             {{"id", "submitted"}, {"label", tr("Submitted", "جمع شدہ")}},
             {{"id", "under_review"}, {"label", tr("Under review", "زیرِ جائزہ")}, {"sla_working_days", 5}},
             {{"id", "approved"}, {"label", tr("Approved", "منظور شدہ")}, {"outcome", "approved"}},
             {{"id", "rejected"}, {"label", tr("Rejected", "مسترد")}, {"outcome", "rejected"}},
         }},
        {"transitions",
         {
             {{"id", "review"}, {"from", {"submitted"}}, {"to", "under_review"}, {"roles", {"officer"}},
              {"label", tr("Review", "جائزہ")}},
             {{"id", "approve"}, {"from", {"under_review"}}, {"to", "approved"}, {"roles", {"officer"}},
              {"label", tr("Approve", "منظور کریں")}},
             {{"id", "reject"}, {"from", {"under_review"}}, {"to", "rejected"}, {"roles", {"officer"}},
              {"comment_required", true}, {"label", tr("Reject", "مسترد کریں")}},
         }}}},
      {"certificate", {{"type", "test-certificate"}, {"validity_days", 365}, {"title", tr("Certificate", "سرٹیفکیٹ")}}},
      {"registry", {{"registry", "test-register"}}},
  };
}

std::vector<DefinitionProblem> problems_of(const json& j) {
  std::vector<DefinitionProblem> problems;
  auto r = parse_definition(j, "t.json", problems);
  EXPECT_EQ(r.ok(), problems.empty());
  return problems;
}

bool has_problem(const std::vector<DefinitionProblem>& ps, const std::string& path, const std::string& words = {}) {
  return std::any_of(ps.begin(), ps.end(), [&](const DefinitionProblem& p) {
    return p.path == path && p.message.find(words) != std::string::npos;
  });
}

std::string dump(const std::vector<DefinitionProblem>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.path + ": " + p.message + "\n";
  return s;
}

std::set<std::string> agency_ids() {
  std::set<std::string> ids;
  auto list = darwaza::identity::load_agencies_file(kAgenciesFile);
  EXPECT_TRUE(list.ok());
  if (list.ok())
    for (const auto& a : *list) ids.insert(a.id);
  return ids;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("darwaza-catalog-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

}  // namespace

TEST(CatalogDefinition, BaseIsValid) {
  auto ps = problems_of(base());
  EXPECT_TRUE(ps.empty()) << dump(ps);
}

TEST(CatalogDefinition, ShippedServicesAreValid) {
  std::vector<ServiceDefinition> defs;
  auto problems = check_directory(kServicesDir, &defs);
  EXPECT_TRUE(problems.empty()) << dump(problems);
  std::set<std::string> ids;
  for (const auto& d : defs) ids.insert(d.id);
  for (const char* id : {"stza-zone-developer-licence", "stza-zone-enterprise-licence", "stp-tenancy",
                         "pseb-it-company-registration", "pseb-freelancer-registration", "pseb-registration-renewal",
                         "erozgaar-training-enrolment", "pta-vpn-registration"})
    EXPECT_TRUE(ids.count(id)) << id;
  auto agencies = agency_ids();
  int fee_bearing = 0;
  for (const auto& d : defs) {
    EXPECT_TRUE(agencies.count(d.agency)) << d.id << " names agency " << d.agency;
    EXPECT_TRUE(d.certificate.has_value()) << d.id;
    EXPECT_TRUE(d.registry.has_value()) << d.id;
    if (d.fee.required()) ++fee_bearing;
  }
  EXPECT_GE(fee_bearing, 2);
}

TEST(CatalogDefinition, RoundTripsThroughToJson) {
  std::vector<ServiceDefinition> defs;
  ASSERT_TRUE(check_directory(kServicesDir, &defs).empty());
  std::vector<DefinitionProblem> problems;
  for (const auto& j : synth_definitions(30, 11)) defs.push_back(parse_definition(j, "synth", problems).value());
  ASSERT_TRUE(problems.empty()) << dump(problems);
  int version = 1;
  for (auto& d : defs) {
    d.version = version++;
    auto again = parse_definition(to_json(d), "round-trip", problems);
    ASSERT_TRUE(again.ok()) << d.id << "\n" << dump(problems);
    EXPECT_EQ(*again, d) << d.id;
    EXPECT_EQ(to_json(*again), to_json(d));
  }
}

TEST(CatalogDefinition, FeeKeepsPaisaExactly) {
  json j = base();
  j["fee"] = {{"amount_pkr", 19.99}};
  j["workflow"]["transitions"][1]["requires_payment"] = true;
  std::vector<DefinitionProblem> problems;
  auto d = parse_definition(j, "t.json", problems);
  ASSERT_TRUE(d.ok()) << dump(problems);
  EXPECT_EQ(d->fee.amount_paisa, 1999);
  EXPECT_EQ(parse_definition(to_json(*d), "t.json", problems)->fee.amount_paisa, 1999);
  j["fee"] = nullptr;
  j["workflow"]["transitions"][1].erase("requires_payment");
  EXPECT_FALSE(parse_definition(j, "t.json", problems)->fee.required());
}

TEST(CatalogDefinition, TypeSpecificKeysAcceptedWhereTheyApply) {
  json j = base();
  j["form"][4]["min"] = 1;  // list: length of each item
  j["form"][4]["max"] = 40;
  j["form"][4]["min_items"] = 1;
  j["form"][0]["pattern"] = "^[A-Za-z ]+$";
  j["form"].push_back({{"name", "papers"}, {"type", "document"}, {"label", tr("Papers", "کاغذات")}, {"max_items", 3}});
  j["form"].push_back({{"name", "ratio"}, {"type", "decimal"}, {"label", tr("Ratio", "تناسب")}, {"min", 0.5}});
  auto ps = problems_of(j);
  EXPECT_TRUE(ps.empty()) << dump(ps);
}

struct Refusal {
  const char* name;
  std::function<void(json&)> edit;
  const char* path;
  const char* words;  // a part of the message
};

TEST(CatalogDefinition, EachRefusalNamesItsPath) {
  const std::vector<Refusal> cases = {
      {"unknown top-level key", [](json& j) { j["colour"] = "green"; }, "/colour", "unknown key"},
      {"unknown field key", [](json& j) { j["form"][0]["colour"] = 1; }, "/form/0/colour", "unknown key"},
      {"unknown key escaped", [](json& j) { j["a/b"] = 1; }, "/a~1b", "unknown key"},
      {"id not a slug", [](json& j) { j["id"] = "Test_Service"; }, "/id", "[a-z0-9]"},
      {"id too short", [](json& j) { j["id"] = "t"; }, "/id", "[a-z0-9]"},
      {"id too long", [](json& j) { j["id"] = std::string(81, 'a'); }, "/id", "[a-z0-9]"},
      {"id missing", [](json& j) { j.erase("id"); }, "/id", "required"},
      {"agency not a slug", [](json& j) { j["agency"] = "PTA"; }, "/agency", "[a-z0-9]"},
      {"category not a slug", [](json& j) { j["category"] = "tele com"; }, "/category", "[a-z0-9]"},
      {"title without Urdu", [](json& j) { j["title"].erase("ur"); }, "/title/ur", "required"},
      {"title with blank English", [](json& j) { j["title"]["en"] = "  "; }, "/title/en", "empty"},
      {"description without Urdu", [](json& j) { j["description"]["ur"] = ""; }, "/description/ur", "empty"},
      {"title in a third language", [](json& j) { j["title"]["fr"] = "x"; }, "/title/fr", "unknown key"},
      {"applicant unknown", [](json& j) { j["applicant"] = "company"; }, "/applicant", "citizen, organisation or both"},
      {"keywords not strings", [](json& j) { j["keywords"] = {1}; }, "/keywords/0", "string"},
      {"empty form", [](json& j) { j["form"] = json::array(); }, "/form", "at least one"},
      {"field name not a name", [](json& j) { j["form"][0]["name"] = "FullName"; }, "/form/0/name", "[a-z]"},
      {"field name repeated", [](json& j) { j["form"][1]["name"] = "full_name"; }, "/form/1/name", "duplicate"},
      {"field type unknown", [](json& j) { j["form"][0]["type"] = "string"; }, "/form/0/type", "one of"},
      {"field type enumeration spelled in C++", [](json& j) { j["form"][1]["type"] = "enumeration"; }, "/form/1/type",
       "one of"},
      {"field label missing", [](json& j) { j["form"][0].erase("label"); }, "/form/0/label", "required"},
      {"field label without Urdu", [](json& j) { j["form"][0]["label"].erase("ur"); }, "/form/0/label/ur", "required"},
      {"help without Urdu", [](json& j) { j["form"][0]["help"] = {{"en", "Help"}}; }, "/form/0/help/ur", "required"},
      {"required not a boolean", [](json& j) { j["form"][0]["required"] = "yes"; }, "/form/0/required", "true or false"},
      {"enum without options", [](json& j) { j["form"][1]["options"] = json::array(); }, "/form/1/options",
       "at least one"},
      {"enum options missing", [](json& j) { j["form"][1].erase("options"); }, "/form/1/options", "required"},
      {"enum option repeated", [](json& j) { j["form"][1]["options"][1]["value"] = "a"; }, "/form/1/options/1/value",
       "duplicate"},
      {"enum option without Urdu label", [](json& j) { j["form"][1]["options"][0]["label"].erase("ur"); },
       "/form/1/options/0/label/ur", "required"},
      {"options on a text field", [](json& j) { j["form"][0]["options"] = j["form"][1]["options"]; }, "/form/0/options",
       "only allowed"},
      {"money in euros", [](json& j) { j["form"][2]["currency"] = "EUR"; }, "/form/2/currency", "PKR or USD"},
      {"money without currency", [](json& j) { j["form"][2].erase("currency"); }, "/form/2/currency", "required"},
      {"registry_ref without registry", [](json& j) { j["form"][3].erase("registry"); }, "/form/3/registry", "required"},
      {"registry_ref registry not a slug", [](json& j) { j["form"][3]["registry"] = "STP Parks"; }, "/form/3/registry",
       "[a-z0-9]"},
      {"min above max", [](json& j) { j["form"][5]["min"] = 11; }, "/form/5/min", "greater than max"},
      {"integer bound not whole", [](json& j) { j["form"][5]["max"] = 2.5; }, "/form/5/max", "whole"},
      {"negative text length", [](json& j) { j["form"][0]["min"] = -1; }, "/form/0/min", "negative"},
      {"min on a date", [](json& j) { j["form"][0]["type"] = "date"; }, "/form/0/max", "only allowed"},
      {"min_items above max_items", [](json& j) { j["form"][4]["min_items"] = 6; }, "/form/4/min_items",
       "greater than max_items"},
      {"max_items beyond bound", [](json& j) { j["form"][4]["max_items"] = kMaxItemsBound + 1; }, "/form/4/max_items",
       "between"},
      {"max_items on text", [](json& j) { j["form"][0]["max_items"] = 3; }, "/form/0/max_items", "only allowed"},
      {"pattern does not compile", [](json& j) { j["form"][4]["pattern"] = "([a-z"; }, "/form/4/pattern",
       "regular expression"},
      {"pattern on an integer", [](json& j) { j["form"][5]["pattern"] = "^[0-9]+$"; }, "/form/5/pattern",
       "only allowed"},
      {"workflow missing", [](json& j) { j.erase("workflow"); }, "/workflow", "required"},
      {"initial missing", [](json& j) { j["workflow"].erase("initial"); }, "/workflow/initial", "required"},
      {"initial names no state", [](json& j) { j["workflow"]["initial"] = "draft"; }, "/workflow/initial", "no state"},
      {"state id repeated", [](json& j) { j["workflow"]["states"][1]["id"] = "submitted"; }, "/workflow/states/1/id",
       "duplicate"},
      {"state id not a name", [](json& j) { j["workflow"]["states"][1]["id"] = "Under-Review"; },
       "/workflow/states/1/id", "[a-z]"},
      {"state without Urdu label", [](json& j) { j["workflow"]["states"][0]["label"]["ur"] = ""; },
       "/workflow/states/0/label/ur", "empty"},
      {"outcome unknown", [](json& j) { j["workflow"]["states"][3]["outcome"] = "done"; },
       "/workflow/states/3/outcome", "none, approved, rejected or withdrawn"},
      {"sla zero", [](json& j) { j["workflow"]["states"][1]["sla_working_days"] = 0; },
       "/workflow/states/1/sla_working_days", "between"},
      {"transition to no state", [](json& j) { j["workflow"]["transitions"][0]["to"] = "review"; },
       "/workflow/transitions/0/to", "no state"},
      {"transition from no state", [](json& j) { j["workflow"]["transitions"][0]["from"] = {"draft"}; },
       "/workflow/transitions/0/from/0", "no state"},
      {"transition from a terminal state",
       [](json& j) { j["workflow"]["transitions"][0]["from"] = {"submitted", "rejected"}; },
       "/workflow/transitions/0/from/1", "terminal"},
      {"transition id repeated", [](json& j) { j["workflow"]["transitions"][2]["id"] = "approve"; },
       "/workflow/transitions/2/id", "duplicate"},
      {"role unknown", [](json& j) { j["workflow"]["transitions"][0]["roles"] = {"clerk"}; },
       "/workflow/transitions/0/roles/0", "officer, agency_admin or applicant"},
      {"no roles", [](json& j) { j["workflow"]["transitions"][0]["roles"] = json::array(); },
       "/workflow/transitions/0/roles", "at least one"},
      {"unreachable state",
       [](json& j) {
         j["workflow"]["states"].push_back({{"id", "limbo"}, {"label", tr("Limbo", "معلق")}});
         j["workflow"]["transitions"].push_back({{"id", "leave"}, {"from", {"limbo"}}, {"to", "rejected"},
                                                 {"roles", {"officer"}}, {"label", tr("Leave", "نکلیں")}});
       },
       "/workflow/states/4", "unreachable"},
      {"dead-end state",
       [](json& j) {
         j["workflow"]["states"].push_back({{"id", "stuck"}, {"label", tr("Stuck", "پھنسا ہوا")}});
         j["workflow"]["transitions"].push_back({{"id", "park"}, {"from", {"under_review"}}, {"to", "stuck"},
                                                 {"roles", {"officer"}}, {"label", tr("Park", "روکیں")}});
       },
       "/workflow/states/4", "dead end"},
      {"no approving state", [](json& j) { j["workflow"]["states"][2]["outcome"] = "withdrawn"; }, "/workflow/states",
       "approved"},
      {"fee negative", [](json& j) { j["fee"] = {{"amount_pkr", -1}}; }, "/fee/amount_pkr", "negative"},
      {"fee with three decimals", [](json& j) { j["fee"] = {{"amount_pkr", 10.005}}; }, "/fee/amount_pkr", "2 decimals"},
      {"fee as a string", [](json& j) { j["fee"] = {{"amount_pkr", "100"}}; }, "/fee/amount_pkr", "number"},
      {"fee in another currency", [](json& j) { j["fee"] = {{"amount_usd", 10}}; }, "/fee/amount_usd", "unknown key"},
      {"fee without a payment step", [](json& j) { j["fee"] = {{"amount_pkr", 2000}}; }, "/fee", "requires_payment"},
      {"an approval around the payment step",
       [](json& j) {
         j["fee"] = {{"amount_pkr", 2000}};
         j["workflow"]["transitions"][1]["requires_payment"] = true;
         j["workflow"]["transitions"].push_back({{"id", "fast_track"}, {"from", {"submitted"}}, {"to", "approved"},
                                                 {"roles", {"agency_admin"}}, {"label", tr("Fast track", "فوری")}});
       },
       "/workflow/transitions/3/requires_payment", "fee unpaid"},
      {"payment step without a fee", [](json& j) { j["workflow"]["transitions"][1]["requires_payment"] = true; },
       "/workflow/transitions/1/requires_payment", "no fee"},
      {"certificate type not a slug", [](json& j) { j["certificate"]["type"] = "Test Certificate"; },
       "/certificate/type", "[a-z0-9]"},
      {"certificate validity negative", [](json& j) { j["certificate"]["validity_days"] = -1; },
       "/certificate/validity_days", "between"},
      {"certificate without title", [](json& j) { j["certificate"].erase("title"); }, "/certificate/title", "required"},
      {"registry not a slug", [](json& j) { j["registry"]["registry"] = "x"; }, "/registry/registry", "[a-z0-9]"},
      {"registry unknown key", [](json& j) { j["registry"]["name"] = "x"; }, "/registry/name", "unknown key"},
      {"version negative", [](json& j) { j["version"] = -1; }, "/version", "between"},
      {"not an object", [](json& j) { j = json::array(); }, "", "object"},
  };
  for (const auto& c : cases) {
    json j = base();
    c.edit(j);
    auto ps = problems_of(j);
    EXPECT_TRUE(has_problem(ps, c.path, c.words)) << c.name << ": expected " << c.path << " (" << c.words
                                                   << "), got:\n"
                                                   << dump(ps);
  }
}

TEST(CatalogDefinition, CollectsEveryProblemNotOnlyTheFirst) {
  json j = base();
  j["id"] = "BAD";
  j["form"][2]["currency"] = "EUR";
  j["workflow"]["transitions"][0]["roles"] = {"clerk"};
  std::vector<DefinitionProblem> problems;
  auto r = parse_definition(j, "many.json", problems);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, "invalid-service-definition");
  EXPECT_EQ(r.error().fields.size(), 3u) << dump(problems);
  EXPECT_EQ(problems.size(), 3u);
  for (const auto& p : problems) EXPECT_EQ(p.file, "many.json");
}

TEST(CatalogDefinition, CheckDirectoryReportsSyntaxDuplicatesAndOrder) {
  TempDir dir;
  json a = base();
  a["id"] = "same-id";
  dir.write("b.json", a.dump(2));
  dir.write("a.json", a.dump(2));  // same id: the later file by name is the duplicate
  dir.write("c.json", "{\n  \"id\": \"x\",\n  oops\n}\n");
  dir.write("d.json", R"({"id": "one", "id": "two"})");
  dir.write("notes.txt", "not a definition");
  std::vector<ServiceDefinition> defs;
  auto ps = check_directory(dir.path.string(), &defs);
  ASSERT_EQ(defs.size(), 1u);
  EXPECT_EQ(defs[0].id, "same-id");
  auto file = [&](const char* name) { return (dir.path / name).string(); };
  auto problem_in = [&](const std::string& f, const std::string& path, const std::string& words) {
    return std::any_of(ps.begin(), ps.end(), [&](const DefinitionProblem& p) {
      return p.file == f && p.path == path && p.message.find(words) != std::string::npos;
    });
  };
  EXPECT_TRUE(problem_in(file("b.json"), "/id", "also defined in " + file("a.json"))) << dump(ps);
  EXPECT_TRUE(problem_in(file("c.json"), "", "line 3, column 3")) << dump(ps);
  EXPECT_TRUE(problem_in(file("d.json"), "/id", "duplicate key")) << dump(ps);
  for (const auto& p : ps) EXPECT_NE(p.file, file("notes.txt"));
  auto missing = check_directory((dir.path / "absent").string(), nullptr);
  ASSERT_EQ(missing.size(), 1u);
}

TEST(CatalogDefinition, SynthIsValidVariedAndDeterministic) {
  auto a = synth_definitions(50, 42);
  ASSERT_EQ(a.size(), 50u);
  EXPECT_EQ(a, synth_definitions(50, 42));
  EXPECT_NE(a, synth_definitions(50, 43));
  auto agencies = agency_ids();
  std::set<std::string> ids, agencies_used, categories, types;
  int fee_bearing = 0;
  for (const auto& j : a) {
    std::vector<DefinitionProblem> problems;
    auto d = parse_definition(j, "synth", problems);
    ASSERT_TRUE(d.ok()) << j.dump(2) << "\n" << dump(problems);
    EXPECT_TRUE(ids.insert(d->id).second) << d->id;
    EXPECT_TRUE(agencies.count(d->agency)) << d->agency;
    agencies_used.insert(d->agency);
    categories.insert(d->category);
    EXPECT_GE(d->form.size(), 3u);
    EXPECT_LE(d->form.size(), 12u);
    for (const auto& f : d->form) types.insert(to_string(f.type));
    EXPECT_FALSE(d->title.ur.empty());
    EXPECT_NE(d->title.ur, d->title.en);
    if (d->fee.required()) ++fee_bearing;
  }
  EXPECT_GE(agencies_used.size(), 5u);
  EXPECT_GE(categories.size(), 5u);
  EXPECT_GE(types.size(), 12u);
  EXPECT_GT(fee_bearing, 0);
  EXPECT_LT(fee_bearing, 50);
}
