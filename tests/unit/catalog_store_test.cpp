// The SQLite catalog store: versions, current pointer, FTS5 search in English and Urdu.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/crypto.hpp"
#include "storage/database.hpp"
#include "storage/sql/catalog_repo.hpp"

using namespace darwaza;

TEST(FtsQuery, QuotesEveryWordAndDropsOperators) {
  using storage::sql::fts_query;
  EXPECT_EQ(fts_query("tech park"), "\"tech\"* \"park\"*");
  EXPECT_EQ(fts_query("  \"NEAR(a b)\" OR -x*  "), "\"NEAR\"* \"a\"* \"b\"* \"OR\"* \"x\"*");
  EXPECT_EQ(fts_query("وی پی این"), "\"وی\"* \"پی\"* \"این\"*");
  EXPECT_EQ(fts_query("!!! ..."), "");
  std::string many;
  for (int i = 0; i < 50; ++i) many += "w" + std::to_string(i) + " ";
  std::string q = fts_query(many);
  EXPECT_EQ(std::count(q.begin(), q.end(), '*'), 12);
}

namespace {
storage::StoredService svc(const std::string& id, int version, const std::string& title_en, const std::string& title_ur,
                           const std::string& agency = "pta") {
  storage::StoredService s;
  s.summary = {id, version, agency, "telecom", title_en, title_ur, "Description of " + title_en, "تفصیل", "both", 0};
  s.definition_json = "{}";
  s.checksum = id + std::to_string(version);
  s.keywords = "";
  return s;
}
}  // namespace

TEST(CatalogStore, VersionsSearchAndBrowse) {
  crypto::init();
  auto dir = std::filesystem::temp_directory_path() / ("dz-cat-" + crypto::random_hex(6));
  std::filesystem::create_directories(dir);
  storage::DatabaseOptions o;
  o.url = (dir / "c.db").string();
  auto db = storage::open_database(o);
  ASSERT_TRUE(db->write([](storage::Tx& tx) {
                  identity::Agency a{"pta", "Pakistan Telecommunication Authority", "پی ٹی اے", "authority", "", ""};
                  tx.agencies().upsert(a, 1);
                  identity::Agency b{"pseb", "Pakistan Software Export Board", "پی ایس ای بی", "board", "", ""};
                  tx.agencies().upsert(b, 1);
                  tx.catalog().insert_version(svc("vpn-registration", 1, "VPN registration", "وی پی این رجسٹریشن"), 1);
                  tx.catalog().insert_version(svc("vpn-registration", 2, "VPN registration for firms", "وی پی این رجسٹریشن"), 2);
                  tx.catalog().insert_version(svc("it-company", 1, "IT company registration", "آئی ٹی کمپنی رجسٹریشن", "pseb"), 3);
                  return ok_status();
                }).ok());
  ASSERT_TRUE(db->read([](storage::Tx& tx) {
                  auto cur = tx.catalog().current("vpn-registration");
                  EXPECT_EQ(cur->summary.version, 2);
                  EXPECT_EQ(tx.catalog().current_version("vpn-registration"), std::optional<int>(2));
                  EXPECT_EQ(tx.catalog().current_version("it-company"), std::optional<int>(1));
                  EXPECT_EQ(tx.catalog().current_version("no-such-service"), std::nullopt);
                  EXPECT_EQ(tx.catalog().version("vpn-registration", 1)->summary.title_en, "VPN registration");
                  EXPECT_EQ(tx.catalog().count_current(), 2);
                  auto en = tx.catalog().search({"firms vpn", "", "", 0, 10});
                  EXPECT_EQ(en.total, 1);
                  EXPECT_EQ(en.items.at(0).version, 2);
                  auto ur = tx.catalog().search({"رجسٹریشن", "", "", 0, 10});
                  EXPECT_EQ(ur.total, 2);
                  auto prefix = tx.catalog().search({"regis", "pseb", "", 0, 10});
                  EXPECT_EQ(prefix.total, 1);
                  EXPECT_EQ(prefix.items.at(0).id, "it-company");
                  auto browse = tx.catalog().search({"", "", "telecom", 0, 1});
                  EXPECT_EQ(browse.total, 2);
                  EXPECT_EQ(browse.items.size(), 1u);
                  EXPECT_EQ(tx.catalog().search({"\"; DROP TABLE services; --", "", "", 0, 10}).total, 0);
                  return ok_status();
                }).ok());
  db.reset();
  std::filesystem::remove_all(dir);
}
