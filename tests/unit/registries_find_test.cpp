// Field-equality matching (Registries::find / first_match) against a temporary database: only
// current records are found, a number is read directly, a match over too many candidates is
// refused rather than answered from a part of them, and deep pages never overflow an offset.
#include <gtest/gtest.h>

#include <set>

#include <fmt/format.h>

#include "identity/agencies.hpp"
#include "registries/registries.hpp"
#include "registries/schema.hpp"
#include "temp_db.hpp"

using namespace darwaza;
using nlohmann::json;

namespace {

constexpr UnixMs kStart = 1'795'000'000'000;  // 2026-11-18

struct World {
  World() : clock(kStart) {
    auto agencies = identity::load_agencies_file(DARWAZA_SOURCE_DIR "/data/agencies.json");
    EXPECT_TRUE(agencies.ok());
    EXPECT_TRUE(identity::Agencies(*tmp.db, clock).seed(*agencies).ok());
    regs = std::make_unique<registries::Registries>(*tmp.db, clock, false);
    EXPECT_TRUE(regs->open().ok());
    std::vector<registries::SchemaFile> files;
    EXPECT_TRUE(registries::check_registry_directory(DARWAZA_SOURCE_DIR "/tests/fixtures/govstack/registries", &files).empty());
    EXPECT_TRUE(regs->load(files).ok());
    admin.kind = Principal::Kind::user;
    admin.user_id = "usr_admin";
    admin.roles = {{Role::platform_admin, ""}};
  }
  ~World() { regs.reset(); }

  // `n` persons in `city`, numbered by the registry; their numbers in order.
  std::vector<std::string> add(int n, const std::string& city, int first_serial) {
    std::vector<registries::ImportRow> rows;
    auto s = regs->schema("gs-persons");
    for (int i = 0; i < n; ++i) {
      auto row = regs->parse_import_row(
          **s, {{"fields", {{"first_name", fmt::format("P{}", first_serial + i)}, {"last_name", "Test"}, {"city", city},
                            {"birth_certificate_id", fmt::format("RR-{}", 1'000'000 + first_serial + i)}}}});
      EXPECT_TRUE(row.ok()) << row.error().detail;
      rows.push_back(std::move(row).value());
    }
    std::vector<registries::Record> created;
    EXPECT_TRUE(regs->import_rows("gs-persons", std::move(rows), admin, &created).ok());
    std::vector<std::string> numbers;
    for (const auto& r : created) numbers.push_back(r.number);
    return numbers;
  }

  testing_support::TempDb tmp{"dz-find"};  // first member: removed last
  ManualClock clock;
  std::unique_ptr<registries::Registries> regs;
  Principal admin;
};

std::string type_of(const Error& e) { return e.type; }

TEST(RegistriesFind, OnlyCurrentRecordsAreFoundAndANumberIsReadDirectly) {
  World w;
  auto numbers = w.add(3, "Gilgit", 1);
  auto& regs = *w.regs;
  auto found = regs.find("gs-persons", {{"city", "Gilgit"}}, "", 1, 10);
  ASSERT_TRUE(found.ok()) << found.error().detail;
  EXPECT_EQ(found->total, 3);
  auto by_id = regs.find("gs-persons", {{"ID", numbers[1]}}, "", 1, 10);
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->total, 1);
  EXPECT_EQ(by_id->items[0].record.number, numbers[1]);
  EXPECT_FALSE(by_id->items[0].full);  // public fields only
  EXPECT_FALSE(by_id->items[0].fields.contains("birth_certificate_id"));
  // The number and another field must both hold.
  EXPECT_EQ(regs.find("gs-persons", {{"ID", numbers[1]}, {"city", "Gilgit"}}, "", 1, 10)->total, 1);
  EXPECT_EQ(regs.find("gs-persons", {{"ID", numbers[1]}, {"city", "Quetta"}}, "", 1, 10)->total, 0);
  EXPECT_EQ(regs.find("gs-persons", {{"ID", "GSP-1999-000001"}}, "", 1, 10)->total, 0);
  auto first = regs.first_match("gs-persons", {{"ID", numbers[1]}});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());

  // Suspended: not current, not found; reinstated: found again.
  ASSERT_TRUE(regs.change_status(w.admin, "gs-persons", numbers[1], "suspend", "checking").ok());
  EXPECT_EQ(regs.find("gs-persons", {{"ID", numbers[1]}}, "", 1, 10)->total, 0);
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Gilgit"}}, "", 1, 10)->total, 2);
  EXPECT_EQ(regs.find("gs-persons", json::object(), "Gilgit", 1, 10)->total, 2);
  EXPECT_FALSE(regs.first_match("gs-persons", {{"ID", numbers[1]}})->has_value());
  auto current = regs.get_current(w.admin, "gs-persons", numbers[1]);
  ASSERT_FALSE(current.ok());
  EXPECT_EQ(type_of(current.error()), "record-not-found");
  EXPECT_TRUE(regs.get(w.admin, "gs-persons", numbers[1]).ok());  // the portal still shows it
  ASSERT_TRUE(regs.change_status(w.admin, "gs-persons", numbers[1], "reinstate", "cleared").ok());
  EXPECT_EQ(regs.find("gs-persons", {{"ID", numbers[1]}}, "", 1, 10)->total, 1);
  EXPECT_TRUE(regs.get_current(w.admin, "gs-persons", numbers[1]).ok());

  // Revoked: gone for find, get_current and a second revoke; the portal's change_status says why.
  ASSERT_TRUE(regs.revoke(w.admin, "gs-persons", numbers[2], "duplicate").ok());
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Gilgit"}}, "", 1, 10)->total, 2);
  EXPECT_FALSE(regs.first_match("gs-persons", {{"ID", numbers[2]}})->has_value());
  auto again = regs.revoke(w.admin, "gs-persons", numbers[2], "again");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(type_of(again.error()), "record-not-found");
  auto portal_again = regs.change_status(w.admin, "gs-persons", numbers[2], "revoke", "again");
  ASSERT_FALSE(portal_again.ok());
  EXPECT_EQ(type_of(portal_again.error()), "status-change-invalid");
  // Revoking is the owning agency's: another agency's client may not.
  Principal other;
  other.kind = Principal::Kind::api_client;
  other.client_id = "cli_x";
  other.agency_id = "pta";
  EXPECT_EQ(type_of(regs.revoke(other, "gs-persons", numbers[0], "no").error()), "registry-access-denied");

  // A private field is never matched.
  EXPECT_EQ(type_of(regs.find("gs-persons", {{"birth_certificate_id", "RR-1000001"}}, "", 1, 10).error()),
            "field-not-searchable");
  EXPECT_EQ(type_of(regs.first_match("gs-persons", {{"city", {{"a", 1}}}}).error()), "field-not-searchable");
}

TEST(RegistriesFind, TooManyCandidatesIsRefusedNotTruncated) {
  World w;
  auto many = w.add(registries::kMaxMatchCandidates + 1, "Quetta", 1);
  auto few = w.add(2, "Chaman", registries::kMaxMatchCandidates + 10);
  auto& regs = *w.regs;
  auto broad = regs.find("gs-persons", {{"city", "Quetta"}}, "", 1, 10);
  ASSERT_FALSE(broad.ok());
  EXPECT_EQ(type_of(broad.error()), "query-too-broad");
  EXPECT_EQ(broad.error().kind, ErrorKind::invalid_request);
  EXPECT_NE(broad.error().detail.find(std::to_string(registries::kMaxMatchCandidates)), std::string::npos);
  EXPECT_EQ(type_of(regs.first_match("gs-persons", {{"city", "Quetta"}}).error()), "query-too-broad");
  // Narrower queries over the same records are answered: another field, a number, search words.
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Chaman"}}, "", 1, 10)->total, 2);
  auto one = regs.find("gs-persons", {{"ID", many[5000]}, {"city", "Quetta"}}, "", 1, 10);
  ASSERT_TRUE(one.ok()) << one.error().detail;
  EXPECT_EQ(one->total, 1);
  EXPECT_TRUE(regs.first_match("gs-persons", {{"first_name", "P77"}, {"city", "Quetta"}})->has_value());
  // Listing without a match is the search's paging, whatever the registry's size; its count
  // stops at kMaxCountedRecords, its numbered pages end there, and every later record is still
  // listed, by `after` from the last numbered page.
  static_assert(registries::kMaxMatchCandidates + 3 > registries::kMaxCountedRecords);
  auto listed = regs.find("gs-persons", json::object(), "", 3, 100);
  EXPECT_EQ(listed->total, registries::kMaxCountedRecords);
  EXPECT_FALSE(listed->total_exact);
  EXPECT_TRUE(listed->more);
  auto numbered = regs.find("gs-persons", json::object(), "", registries::kMaxCountedRecords / 100, 100);
  ASSERT_TRUE(numbered.ok()) << numbered.error().detail;
  EXPECT_TRUE(numbered->more);
  ASSERT_FALSE(numbered->next_after.empty());
  auto past = regs.find("gs-persons", json::object(), "", registries::kMaxCountedRecords / 100 + 1, 100);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(type_of(past.error()), "invalid-page");
  std::int64_t rest = 0;
  std::string after = numbered->next_after;
  for (int pages = 0; !after.empty() && pages < 1000; ++pages) {
    auto next = regs.find("gs-persons", json::object(), "", 1, 100, after);
    ASSERT_TRUE(next.ok()) << next.error().detail;
    rest += static_cast<std::int64_t>(next->items.size());
    EXPECT_EQ(next->more, !next->next_after.empty());
    after = next->next_after;
  }
  // Every record (all current here) is listed once: the numbered pages, then by cursor.
  EXPECT_EQ(rest + registries::kMaxCountedRecords, regs.count("gs-persons"));
  // A last page that is full has no next one either (10,003 = 7 x 1,429).
  static_assert((registries::kMaxMatchCandidates + 3) % 7 == 0);
  auto full_last = regs.find("gs-persons", json::object(), "", (registries::kMaxMatchCandidates + 3) / 7, 7);
  ASSERT_TRUE(full_last.ok());
  EXPECT_EQ(full_last->items.size(), 7u);
  EXPECT_FALSE(full_last->more);
  EXPECT_EQ(regs.first_match("gs-persons", json::object())->has_value(), true);
}

TEST(RegistriesFind, ASearchRanksItsFirstHitsAndSaysWhenMoreMatch) {
  World w;
  const int n = registries::kMaxSearchHits + 5;
  auto numbers = w.add(n, "Quetta", 1);
  auto& regs = *w.regs;
  // Every record matches "quetta": the search ranks the first kMaxSearchHits registered, and its
  // total says more match.
  auto first = regs.search("gs-persons", "quetta", "active", 1, 100);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(first->total, registries::kMaxSearchHits);
  EXPECT_FALSE(first->total_exact);
  EXPECT_EQ(first->items.size(), 100u);
  EXPECT_TRUE(first->more);
  // Its pages hold those records, each once, and end with them.
  std::set<std::string> seen;
  const int pages = registries::kMaxSearchHits / 100;
  for (int p = 1; p <= pages; ++p) {
    auto page = regs.search("gs-persons", "quetta", "active", p, 100);
    ASSERT_TRUE(page.ok()) << p;
    for (const auto& v : page->items) EXPECT_TRUE(seen.insert(v.record.number).second) << v.record.number;
  }
  EXPECT_EQ(seen, std::set<std::string>(numbers.begin(), numbers.begin() + registries::kMaxSearchHits));
  EXPECT_FALSE(regs.search("gs-persons", "quetta", "active", pages, 100)->more);  // the ranked matches end
  auto beyond = regs.search("gs-persons", "quetta", "active", pages + 1, 100);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().kind, ErrorKind::validation);
  ASSERT_EQ(beyond.error().fields.size(), 1u);
  EXPECT_EQ(beyond.error().fields[0].path, "/page");
  EXPECT_EQ(beyond.error().fields[0].rule, "max");
  EXPECT_TRUE(regs.search("gs-persons", "quetta", "active", 50, 20).ok());   // offset 980: the last 20
  EXPECT_FALSE(regs.search("gs-persons", "quetta", "active", 51, 20).ok());  // offset 1000
  // Narrower words: every match is ranked and counted ("P77", "P770".."P779").
  auto narrow = regs.search("gs-persons", "quetta p77", "active", 1, 100);
  ASSERT_TRUE(narrow.ok());
  EXPECT_EQ(narrow->total, 11);
  EXPECT_TRUE(narrow->total_exact);
  // Listing without words counts exactly up to kMaxCountedRecords, and a field match compares
  // every candidate up to kMaxMatchCandidates (in registration order, not through the ranked window).
  auto all = regs.search("gs-persons", "", "active", 1, 10);
  EXPECT_EQ(all->total, n);
  EXPECT_TRUE(all->total_exact);
  auto city = regs.find("gs-persons", {{"city", "Quetta"}}, "", 11, 100);
  ASSERT_TRUE(city.ok()) << city.error().detail;
  EXPECT_EQ(city->total, n);
  ASSERT_EQ(city->items.size(), 5u);
  EXPECT_EQ(city->items.back().record.number, numbers.back());
}

TEST(RegistriesFind, DeepPagesAreRefusedWithoutOverflow) {
  World w;
  w.add(3, "Hunza", 1);
  auto& regs = *w.regs;
  for (int page : {registries::kMaxPage + 1, 999'999'999, 2'147'483'647}) {
    auto s = regs.search("gs-persons", "", "active", page, registries::kMaxPageSize);
    ASSERT_FALSE(s.ok()) << page;
    EXPECT_EQ(s.error().kind, ErrorKind::validation) << page;
    auto f = regs.find("gs-persons", {{"city", "Hunza"}}, "", page, registries::kMaxPageSize);
    ASSERT_FALSE(f.ok()) << page;
    EXPECT_EQ(type_of(f.error()), "invalid-page") << page;
  }
  // The deepest page allowed is answered (empty), not refused: a listing's last numbered page
  // (its numbered pages end at kMaxCountedRecords records) and a match's kMaxPage.
  auto last = regs.search("gs-persons", "", "active", registries::kMaxCountedRecords / registries::kMaxPageSize,
                          registries::kMaxPageSize);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->items.empty());
  EXPECT_EQ(last->total, 3);
  auto past = regs.search("gs-persons", "", "active", registries::kMaxCountedRecords / registries::kMaxPageSize + 1,
                          registries::kMaxPageSize);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().kind, ErrorKind::validation);
  auto last_match = regs.find("gs-persons", {{"city", "Hunza"}}, "", registries::kMaxPage, registries::kMaxPageSize);
  ASSERT_TRUE(last_match.ok());
  EXPECT_EQ(last_match->total, 3);
  EXPECT_TRUE(last_match->items.empty());
}

}  // namespace
