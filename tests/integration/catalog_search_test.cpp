// End-to-end: catalog search and browsing with each search engine a node can use: the in-memory
// index (`--catalog-search memory`, the default) and the database's own full-text search
// (`--catalog-search database`: SQLite FTS5, or PostgreSQL tsvector with the 'simple'
// configuration when the suite runs on PostgreSQL). The same questions, the same answers.
#include <gtest/gtest.h>

#include <set>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

class CatalogSearch : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--catalog-dir", DARWAZA_SOURCE_DIR "/data/services", "--catalog-search", GetParam()});
    server_->start();
  }
  json get(const std::string& target) {
    HttpClient c = server_->client();
    auto r = c.get(target);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return r.status == 200u ? r.json() : json::object();
  }
  static std::vector<std::string> ids(const json& page) {
    std::vector<std::string> out;
    for (const auto& item : page.value("items", json::array())) out.push_back(item["id"]);
    return out;
  }
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(CatalogSearch, EnglishWordsFindAndRankTheServices) {
  auto vpn = get("/v1/services?q=vpn");
  ASSERT_FALSE(ids(vpn).empty());
  EXPECT_EQ(ids(vpn).front(), "pta-vpn-registration");
  // Both zone licences carry the word in their titles; they rank above anything that only
  // mentions it further down.
  auto licence = ids(get("/v1/services?q=licence"));
  ASSERT_GE(licence.size(), 2u);
  EXPECT_EQ(std::set<std::string>(licence.begin(), licence.begin() + 2),
            (std::set<std::string>{"stza-zone-developer-licence", "stza-zone-enterprise-licence"}));
  // Two words: the service with both in its title comes first.
  auto two = ids(get("/v1/services?q=zone%20developer"));
  ASSERT_FALSE(two.empty());
  EXPECT_EQ(two.front(), "stza-zone-developer-licence");
  auto none = get("/v1/services?q=xylophonequartz");
  EXPECT_EQ(none["total"], 0);
  EXPECT_TRUE(none["items"].empty());
}

TEST_P(CatalogSearch, UrduWordsFindTheServicesAndAnswerInUrdu) {
  auto licence = get("/v1/services?q=%D9%84%D8%A7%D8%A6%D8%B3%D9%86%D8%B3&lang=ur");  // لائسنس
  auto found = ids(licence);
  ASSERT_GE(found.size(), 2u) << licence.dump();
  EXPECT_EQ(std::set<std::string>(found.begin(), found.begin() + 2),
            (std::set<std::string>{"stza-zone-developer-licence", "stza-zone-enterprise-licence"}));
  EXPECT_EQ(licence["items"][0]["title"].get<std::string>().find("لائسنس") != std::string::npos, true)
      << licence["items"][0]["title"];
  auto registration = ids(get("/v1/services?q=%D8%B1%D8%AC%D8%B3%D9%B9%D8%B1%DB%8C%D8%B4%D9%86&lang=ur"));  // رجسٹریشن
  std::set<std::string> got(registration.begin(), registration.end());
  for (const char* id : {"pseb-freelancer-registration", "pseb-it-company-registration", "pta-vpn-registration"})
    EXPECT_TRUE(got.count(id)) << id;
}

TEST_P(CatalogSearch, BrowseByAgencyAndCategoryInPages) {
  auto pseb = get("/v1/services?agency=pseb");
  EXPECT_EQ(pseb["total"], 3);
  std::set<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    auto one = get("/v1/services?agency=pseb&page_size=1&page=" + std::to_string(page));
    ASSERT_EQ(one["items"].size(), 1u) << page;
    EXPECT_EQ(one["total"], 3);
    EXPECT_EQ(one["items"][0]["agency"], "pseb");
    seen.insert(one["items"][0]["id"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), 3u) << "pages overlap";
  EXPECT_TRUE(get("/v1/services?agency=pseb&page_size=1&page=4")["items"].empty());
  auto zones = get("/v1/services?category=technology-zones");
  EXPECT_EQ(zones["total"], 2);
  for (const auto& item : zones["items"]) EXPECT_EQ(item["category"], "technology-zones");
  // Words and a filter together: only the agency's matching services.
  auto pta = ids(get("/v1/services?q=registration&agency=pta"));
  EXPECT_EQ(pta, std::vector<std::string>{"pta-vpn-registration"});
  auto categories = get("/v1/categories?agency=stza");
  ASSERT_EQ(categories["items"].size(), 1u) << categories.dump();
  EXPECT_EQ(categories["items"][0]["category"], "technology-zones");
  EXPECT_EQ(categories["items"][0]["services"], 2);
}

TEST_P(CatalogSearch, BadQueriesAreRefusedWithAProblem) {
  HttpClient c = server_->client();
  EXPECT_EQ(c.get("/v1/services?q=licence&page=0").status, 422u);
  EXPECT_EQ(c.get("/v1/services?q=licence&page_size=1000").status, 422u);
  EXPECT_EQ(c.get("/v1/services?q=" + std::string(600, 'a')).status, 422u);
  // Operators of the query language are words, never syntax errors.
  EXPECT_EQ(c.get("/v1/services?q=%22zone%20AND%20(licence%20OR%20NEAR*").status, 200u);
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogSearch, ::testing::Values("memory", "database"),
                         [](const auto& info) { return info.param; });

}  // namespace
