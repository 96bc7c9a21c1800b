// The catalog's in-memory search index: its words, its agreement with the store's full-text
// search (SQLite FTS5 with bm25, the reference) on a synthetic catalog, and how nodes see a
// catalog another node changed.
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "catalog/definition.hpp"
#include "identity/agencies.hpp"
#include "temp_db.hpp"

using namespace darwaza;

namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  catalog::for_each_word(text, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

// Arabic short vowels are where the index means to differ from FTS5: FTS5 splits a word at
// them ("رُوز" → "ر" "وز"), the index drops them ("روز"). The comparison runs without them.
std::string without_vowel_marks(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char b0 = s[i], b1 = i + 1 < s.size() ? s[i + 1] : 0;
    const char32_t c = (b0 & 0xE0) == 0xC0 ? ((b0 & 0x1F) << 6) | (b1 & 0x3F) : 0;
    if (c >= 0x064B && c <= 0x065F) {
      i += 2;
      continue;
    }
    out += s[i++];
  }
  return out;
}

std::vector<catalog::ServiceDefinition> synthetic(int count, std::uint64_t seed, bool strip_vowel_marks = false) {
  std::vector<catalog::ServiceDefinition> defs;
  for (const auto& j : catalog::synth_definitions(count, seed)) {
    std::vector<catalog::DefinitionProblem> problems;
    auto d = catalog::parse_definition(j, "synth", problems);
    EXPECT_TRUE(d.ok() && problems.empty()) << j.dump();
    if (!d.ok()) continue;
    if (strip_vowel_marks) {
      d->title.ur = without_vowel_marks(d->title.ur);
      d->description.ur = without_vowel_marks(d->description.ur);
      for (auto& k : d->keywords) k = without_vowel_marks(k);
    }
    defs.push_back(std::move(d).value());
  }
  return defs;
}

struct Node {
  Node(storage::Database& db, const Clock& clock, catalog::SearchEngine engine) : catalog(db, clock, engine) {}
  catalog::Catalog catalog;
};

struct World {
  World() : clock(1'795'000'000'000) {
    auto agencies = identity::load_agencies_file(DARWAZA_SOURCE_DIR "/data/agencies.json");
    EXPECT_TRUE(agencies.ok());
    EXPECT_TRUE(identity::Agencies(*tmp.db, clock).seed(*agencies).ok());
  }
  std::vector<std::string> ids(const Result<storage::ServicePage>& page) {
    std::vector<std::string> out;
    if (page.ok())
      for (const auto& s : page->items) out.push_back(s.id);
    return out;
  }
  testing_support::TempDb tmp{"dz-search-index"};
  ManualClock clock;
};

}  // namespace

TEST(SearchIndexWords, SplitFoldAndNormalise) {
  EXPECT_EQ(words_of("Driving-Licence (RENEWAL), 2nd copy!"),
            (std::vector<std::string>{"driving", "licence", "renewal", "2nd", "copy"}));
  EXPECT_EQ(words_of("ڈرائیونگ لائسنس، تجدید۔"), (std::vector<std::string>{"ڈرائیونگ", "لائسنس", "تجدید"}));
  // Arabic-keyboard letters read as Urdu's, vowel marks dropped, Arabic-Indic digits as ASCII.
  EXPECT_EQ(words_of("كمپيوٹر"), words_of("کمپیوٹر"));
  EXPECT_EQ(words_of("لَائسَنس"), words_of("لائسنس"));
  EXPECT_EQ(words_of("۲۰۲۶ ٢٠٢٦"), (std::vector<std::string>{"2026", "2026"}));
  EXPECT_EQ(words_of("Ünïcode ÉTAT"), (std::vector<std::string>{"ünïcode", "état"}));
  // Malformed UTF-8 separates and never reads past the end.
  EXPECT_EQ(words_of(std::string("ab\xC3") ), (std::vector<std::string>{"ab"}));
  EXPECT_EQ(words_of(std::string("ab\xFF" "cd\xE2\x82")), (std::vector<std::string>{"ab", "cd"}));
  EXPECT_TRUE(words_of(" ,.;:!? «» —").empty());
}

TEST(SearchIndex, AnswersAsTheStoresFullTextSearchDoes) {
  World w;
  auto defs = synthetic(1500, 7, /*strip_vowel_marks=*/true);
  Node memory(*w.tmp.db, w.clock, catalog::SearchEngine::memory);
  Node database(*w.tmp.db, w.clock, catalog::SearchEngine::database);
  ASSERT_TRUE(memory.catalog.load(defs).ok());
  const std::vector<std::string> queries = {
      "licence", "lic", "registration", "renewal certificate", "permit", "driving licence", "import export",
      "duplicate", "nothing-matches-this", "رجسٹریشن", "لائسنس", "تجدید", "اجازت نامہ", "ڈرائیونگ لائسنس",
      "a", "certificate", "hotel", "pharmacy"};
  const std::vector<std::pair<std::string, std::string>> filters = {{"", ""}, {"pta", ""}, {"", "health"}};
  int compared = 0, non_empty = 0;
  for (const auto& q : queries)
    for (const auto& [agency, category] : filters)
      for (int page : {1, 2, 7}) {
        auto a = memory.catalog.search(q, agency, category, page, 20, "en");
        auto b = database.catalog.search(q, agency, category, page, 20, "en");
        ASSERT_TRUE(a.ok() && b.ok()) << q;
        EXPECT_EQ(a->total, b->total) << q << " agency=" << agency << " category=" << category;
        EXPECT_EQ(w.ids(a), w.ids(b)) << q << " agency=" << agency << " category=" << category << " page " << page;
        ++compared;
        non_empty += a->items.empty() ? 0 : 1;
      }
  EXPECT_GT(non_empty, compared / 3) << "the queries should mostly find something";
  // Browsing and the category counts agree too.
  for (const auto& [agency, category] : filters)
    for (int page : {1, 3}) {
      auto a = memory.catalog.search("", agency, category, page, 50, "en");
      auto b = database.catalog.search("", agency, category, page, 50, "en");
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->total, b->total);
      EXPECT_EQ(w.ids(a), w.ids(b)) << agency << "/" << category << " page " << page;
    }
  for (const std::string agency : {"", "pta", "nobody"}) {
    auto a = memory.catalog.categories(agency);
    auto b = database.catalog.categories(agency);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), b->size()) << agency;
    for (std::size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].category, (*b)[i].category);
      EXPECT_EQ((*a)[i].services, (*b)[i].services);
    }
  }
}

// Other nodes' loads come in through refresh_index, which serve calls every kIndexRecheckMs; a
// search alone never asks the store once the index is up to date with this node's own loads.
TEST(SearchIndex, SeesItsOwnLoadsAtOnceAndOtherNodesAtItsNextRefresh) {
  World w;
  auto defs = synthetic(40, 11);
  Node a(*w.tmp.db, w.clock, catalog::SearchEngine::memory);
  Node b(*w.tmp.db, w.clock, catalog::SearchEngine::memory);
  ASSERT_TRUE(a.catalog.load(defs).ok());
  ASSERT_EQ(b.catalog.search("", "", "", 1, 100, "en")->total, 40);
  // Node a loads a new service with a distinctive word.
  auto extra = synthetic(41, 11).back();
  extra.id = "zz-unique-service";
  extra.title.en = "Quokka husbandry licence";
  ASSERT_TRUE(a.catalog.load({extra}).ok());
  EXPECT_EQ(a.catalog.search("quokka", "", "", 1, 20, "en")->total, 1);  // its own load: at once
  EXPECT_EQ(b.catalog.search("quokka", "", "", 1, 20, "en")->total, 0);  // b has not refreshed yet
  w.clock.advance_ms(catalog::kIndexRecheckMs);
  EXPECT_EQ(b.catalog.search("quokka", "", "", 1, 20, "en")->total, 0) << "a search does not ask the store";
  ASSERT_TRUE(b.catalog.refresh_index().ok());
  auto found = b.catalog.search("quokka", "", "", 1, 20, "en");
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].id, "zz-unique-service");
  // A new version of it (same count of services) is seen too.
  extra.title.en = "Wombat husbandry licence";
  ASSERT_TRUE(a.catalog.load({extra}).ok());
  ASSERT_TRUE(b.catalog.refresh_index().ok());
  EXPECT_EQ(b.catalog.search("quokka", "", "", 1, 20, "en")->total, 0);
  EXPECT_EQ(b.catalog.search("wombat", "", "", 1, 20, "en")->items.at(0).version, 2);
}

TEST(SearchIndex, PagesPastTheEndAndQueriesWithoutWordsAreEmpty) {
  World w;
  Node n(*w.tmp.db, w.clock, catalog::SearchEngine::memory);
  ASSERT_TRUE(n.catalog.load(synthetic(30, 3)).ok());
  auto all = n.catalog.search("", "", "", 1, 100, "en");
  ASSERT_EQ(all->total, 30);
  auto past = n.catalog.search("", "", "", 5, 20, "en");
  EXPECT_EQ(past->total, 30);
  EXPECT_TRUE(past->items.empty());
  auto punct = n.catalog.search("!!! ...", "", "", 1, 20, "en");
  EXPECT_EQ(punct->total, 0);
  EXPECT_TRUE(punct->items.empty());
}
