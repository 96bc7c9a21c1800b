// The bulk-load mode of the store (DatabaseOptions::bulk_load, used by `darwaza synth`): on
// PostgreSQL plain INSERTs become COPY rows sent before the write's next other statement. Run on
// both engines (on SQLite the option changes nothing, so the same assertions hold there):
// rows read back exactly as their inserts wrote them (escapes, NULLs, Urdu), a read inside the
// write sees the rows queued before it, and a bad row fails its whole write and nothing else.
// Also the application store's one-statement read of an application with its timeline.
#include <algorithm>
#include <tuple>

#include <gtest/gtest.h>

#include "applications/synth.hpp"
#include "catalog/catalog.hpp"
#include "catalog/definition.hpp"
#include "core/clock.hpp"
#include "identity/agencies.hpp"
#include "identity/synth.hpp"
#include "storage/database.hpp"
#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

namespace {

constexpr std::uint64_t kSeed = 11;
constexpr int kServices = 20;
constexpr int kApplications = 40;

std::unique_ptr<storage::Database> open_data(const std::string& data, bool bulk) {
  storage::DatabaseOptions o;
  o.url = test_db_url(data);
  if (o.url.empty()) o.url = "sqlite:" + data + "/darwaza.db";
  o.reader_connections = 2;
  o.bulk_load = bulk;
  return storage::open_database(o);
}

identity::User person(int i, const std::string& name) {
  identity::User u = identity::synth_citizen(kSeed, i, "argon2id-hash-placeholder", 1'700'000'000'000 + i);
  u.name = name;
  return u;
}

std::vector<catalog::DefinitionPtr> load_services(storage::Database& db, const Clock& clock) {
  auto agencies = identity::load_agencies_file(DARWAZA_SOURCE_DIR "/data/agencies.json");
  EXPECT_TRUE(agencies.ok());
  EXPECT_TRUE(identity::Agencies(db, clock).seed(*agencies).ok());
  std::vector<catalog::ServiceDefinition> defs;
  std::vector<catalog::DefinitionProblem> problems;
  for (const auto& j : catalog::synth_definitions(kServices, kSeed)) {
    auto d = catalog::parse_definition(j, j.value("id", "") + ".json", problems);
    if (d.ok()) defs.push_back(std::move(d).value());
  }
  EXPECT_TRUE(problems.empty());
  catalog::Catalog cat(db, clock);
  EXPECT_TRUE(cat.load(defs).ok());
  std::vector<catalog::DefinitionPtr> out;
  for (const auto& d : defs) out.push_back(*cat.current(d.id));
  return out;
}

void expect_same(const applications::Application& a, const applications::Application& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.tracking_number, b.tracking_number);
  EXPECT_EQ(a.service_id, b.service_id);
  EXPECT_EQ(a.service_version, b.service_version);
  EXPECT_EQ(a.agency_id, b.agency_id);
  EXPECT_EQ(a.applicant_user_id, b.applicant_user_id);
  EXPECT_EQ(a.org_id, b.org_id);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.fee_paisa, b.fee_paisa);
  EXPECT_EQ(a.paid_paisa, b.paid_paisa);
  EXPECT_EQ(a.assigned_to, b.assigned_to);
  EXPECT_EQ(a.certificate_id, b.certificate_id);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.submitted_at, b.submitted_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.decided_at, b.decided_at);
  EXPECT_EQ(a.state_entered_at, b.state_entered_at);
  EXPECT_EQ(a.sla_due_at, b.sla_due_at);
}

}  // namespace

TEST(BulkLoad, RowsReadBackAsTheirInsertsWroteThem) {
  const std::string data = make_temp_dir("dz-bulk");
  SystemClock clock;
  // Text that COPY's format must escape, and Urdu.
  const std::string odd_name = "Tab\there, new\nline, carriage\rreturn, back\\slash \\N, اردو نام";
  std::vector<identity::User> users = {person(0, odd_name), person(1, "Ayesha Khan"), person(2, "")};
  std::vector<applications::SynthApplication> apps;
  {
    auto db = open_data(data, /*bulk=*/true);
    auto services = load_services(*db, clock);
    applications::ApplicationSynth synth(services, kSeed, clock.now_ms());
    ASSERT_GT(synth.usable_services(), 0u);
    for (int i = 0; i < kApplications; ++i) apps.push_back(synth.make(i, users[i % users.size()].id));
    Status s = db->write([&](storage::Tx& tx) -> Status {
      for (const auto& u : users) tx.users().insert(u);
      // A read in the same write sees the rows inserted before it.
      auto back = tx.users().by_cnic(users[0].cnic);
      EXPECT_TRUE(back && back->name == odd_name);
      for (const auto& a : apps) applications::write_synth(tx, a);
      auto first = tx.applications().filed_by_id(apps[0].application.id);
      EXPECT_TRUE(first && first->events.size() == apps[0].events.size());
      return ok_status();
    });
    ASSERT_TRUE(s.ok()) << s.error().detail;
  }
  auto db = open_data(data, /*bulk=*/false);
  Status s = db->read([&](storage::Tx& tx) -> Status {
    EXPECT_EQ(tx.users().count(), static_cast<std::int64_t>(users.size()));
    for (const auto& u : users) {
      auto back = tx.users().by_id(u.id);
      if (!back) {
        ADD_FAILURE() << "user " << u.id << " missing";
        continue;
      }
      EXPECT_EQ(back->cnic, u.cnic);
      EXPECT_EQ(back->name, u.name);
      EXPECT_EQ(back->email, u.email);
      EXPECT_EQ(back->mobile, u.mobile);
      EXPECT_EQ(back->password_hash, u.password_hash);
      EXPECT_EQ(back->created_at, u.created_at);
    }
    std::size_t with_payment = 0;
    for (const auto& a : apps) {
      auto filed = tx.applications().filed_by_id(a.application.id);
      if (!filed) {
        ADD_FAILURE() << "application " << a.application.id << " missing";
        continue;
      }
      expect_same(filed->application, a.application);
      const auto& events = filed->events;
      EXPECT_EQ(events.size(), a.events.size());
      for (std::size_t i = 0; i < std::min(events.size(), a.events.size()); ++i) {
        EXPECT_EQ(events[i].at, a.events[i].at);
        EXPECT_EQ(events[i].actor_user_id, a.events[i].actor_user_id);
        EXPECT_EQ(events[i].kind, a.events[i].kind);
        EXPECT_EQ(events[i].from_state, a.events[i].from_state);
        EXPECT_EQ(events[i].to_state, a.events[i].to_state);
        EXPECT_EQ(events[i].transition, a.events[i].transition);
        EXPECT_EQ(events[i].comment, a.events[i].comment);
      }
      const auto& payments = filed->payments;
      EXPECT_EQ(payments.size(), a.payment ? 1u : 0u);
      if (a.payment && !payments.empty()) {
        ++with_payment;
        EXPECT_EQ(payments[0].amount_paisa, a.payment->amount_paisa);
        EXPECT_EQ(payments[0].reference, a.payment->reference);
      }
    }
    EXPECT_GT(with_payment, 0u) << "the sample should include paid applications";
    return ok_status();
  });
  ASSERT_TRUE(s.ok()) << s.error().detail;
}

TEST(BulkLoad, ABadRowFailsItsWholeWriteAndTheNextWriteLands) {
  const std::string data = make_temp_dir("dz-bulk");
  auto db = open_data(data, /*bulk=*/true);
  identity::User a = person(0, "First"), b = person(1, "Second"), clash = person(2, "Clash");
  clash.cnic = a.cnic;  // unique in the users table
  Status bad = db->write([&](storage::Tx& tx) -> Status {
    tx.users().insert(a);
    tx.users().insert(b);
    tx.users().insert(clash);
    return ok_status();
  });
  EXPECT_FALSE(bad.ok());
  std::int64_t count = -1;
  ASSERT_TRUE(db->read([&](storage::Tx& tx) -> Status {
                  count = tx.users().count();
                  return ok_status();
                }).ok());
  EXPECT_EQ(count, 0) << "no row of the failed write may land";

  Status good = db->write([&](storage::Tx& tx) -> Status {
    tx.users().insert(a);
    tx.users().insert(b);
    return ok_status();
  });
  ASSERT_TRUE(good.ok()) << good.error().detail;
  ASSERT_TRUE(db->read([&](storage::Tx& tx) -> Status {
                  count = tx.users().count();
                  return ok_status();
                }).ok());
  EXPECT_EQ(count, 2);
}

// ApplicationRepo::filed_by_id / filed_by_tracking (GET /v1/applications/{id}: one statement on
// both engines): the application with exactly its own events in id order (even when their times
// run backwards) and its own payments in (recorded_at, id) order; an application with neither
// comes back with empty lists; unknown keys find nothing.
TEST(ApplicationStore, AFiledApplicationComesWithExactlyItsOwnTimelineInOrder) {
  const std::string data = make_temp_dir("dz-filed");
  SystemClock clock;
  auto db = open_data(data, /*bulk=*/false);
  auto services = load_services(*db, clock);
  identity::User owner = person(0, "Filed Owner");
  applications::ApplicationSynth synth(services, kSeed, clock.now_ms());
  ASSERT_GT(synth.usable_services(), 0u);
  auto mine = synth.make(0, owner.id), other = synth.make(1, owner.id);
  applications::Application bare = other.application;  // no events, no payments
  bare.id = "app-bare-0001";
  bare.tracking_number = "DZ-BARE-0000-0000-0001";
  using applications::Event;
  using applications::Payment;
  const std::string id = mine.application.id;
  const UnixMs t = 1'700'000'000'000;
  ASSERT_TRUE(db->write([&](storage::Tx& tx) -> Status {
    tx.users().insert(owner);
    applications::write_synth(tx, mine);
    applications::write_synth(tx, other);
    tx.applications().insert(bare);
    tx.applications().add_event(Event{0, id, t + 1000, owner.id, "applicant", "note", "", "", "", "later first"});
    tx.applications().add_event(Event{0, id, t + 500, "", "system", "note", "", "", "", "earlier second"});
    tx.applications().insert_payment(Payment{"pay-b", id, 300, "REF-B", "officer-1", t + 2000});
    tx.applications().insert_payment(Payment{"pay-c", id, 100, "REF-C", "officer-2", t + 1500});
    tx.applications().insert_payment(Payment{"pay-a", id, 200, "REF-A", "officer-1", t + 2000});
    return ok_status();
  }).ok());

  ASSERT_TRUE(db->read([&](storage::Tx& tx) -> Status {
    auto by_id = tx.applications().filed_by_id(id);
    auto by_tracking = tx.applications().filed_by_tracking(mine.application.tracking_number);
    EXPECT_TRUE(by_id && by_tracking);
    if (!by_id || !by_tracking) return ok_status();
    expect_same(by_id->application, mine.application);
    expect_same(by_tracking->application, mine.application);

    const auto& ev = by_id->events;
    EXPECT_EQ(ev.size(), mine.events.size() + 2);
    for (std::size_t i = 0; i < ev.size(); ++i) {
      EXPECT_EQ(ev[i].application_id, id);
      if (i > 0) EXPECT_LT(ev[i - 1].id, ev[i].id);
      if (i < mine.events.size()) EXPECT_EQ(ev[i].kind, mine.events[i].kind);
    }
    if (ev.size() >= 2) {
      const Event& a = ev[ev.size() - 2];
      const Event& b = ev.back();
      EXPECT_EQ(a.comment, "later first");
      EXPECT_EQ(a.at, t + 1000);
      EXPECT_EQ(a.actor_user_id, owner.id);
      EXPECT_EQ(a.actor_role, "applicant");
      EXPECT_EQ(b.comment, "earlier second");
      EXPECT_EQ(b.actor_user_id, "");
      EXPECT_EQ(b.from_state, "");
    }

    std::vector<Payment> want;
    if (mine.payment) want.push_back(*mine.payment);
    want.push_back(Payment{"pay-a", id, 200, "REF-A", "officer-1", t + 2000});
    want.push_back(Payment{"pay-b", id, 300, "REF-B", "officer-1", t + 2000});
    want.push_back(Payment{"pay-c", id, 100, "REF-C", "officer-2", t + 1500});
    std::sort(want.begin(), want.end(), [](const Payment& x, const Payment& y) {
      return std::tie(x.recorded_at, x.id) < std::tie(y.recorded_at, y.id);
    });
    const auto& got = by_id->payments;
    EXPECT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
      EXPECT_EQ(got[i].id, want[i].id);
      EXPECT_EQ(got[i].application_id, id);
      EXPECT_EQ(got[i].amount_paisa, want[i].amount_paisa);
      EXPECT_EQ(got[i].reference, want[i].reference);
      EXPECT_EQ(got[i].recorded_by, want[i].recorded_by);
      EXPECT_EQ(got[i].recorded_at, want[i].recorded_at);
    }
    // The tracking-number form reads the same rows.
    EXPECT_EQ(by_tracking->events.size(), ev.size());
    EXPECT_EQ(by_tracking->payments.size(), got.size());

    auto empty = tx.applications().filed_by_tracking(bare.tracking_number);
    EXPECT_TRUE(empty.has_value());
    if (empty) {
      EXPECT_EQ(empty->application.id, bare.id);
      EXPECT_TRUE(empty->events.empty());
      EXPECT_TRUE(empty->payments.empty());
    }
    auto theirs = tx.applications().filed_by_id(other.application.id);
    EXPECT_TRUE(theirs && theirs->events.size() == other.events.size());
    EXPECT_FALSE(tx.applications().filed_by_id("app-unknown").has_value());
    EXPECT_FALSE(tx.applications().filed_by_tracking("DZ-NONE-NONE-NONE-NONE").has_value());
    return ok_status();
  }).ok());
}

// ApplicationRepo::for_user (GET /v1/applications): a person's own applications and those of the
// organisations they belong to, newest first (creation time, then id), each once (one filed by
// the person for their organisation is in both sources), nobody else's; page after page by
// position and by offset the same list; the count bounded; the person's own only when asked.
TEST(ApplicationStore, APersonsApplicationsComeNewestFirstEachOnceAndPageByPosition) {
  const std::string data = make_temp_dir("dz-mine");
  SystemClock clock;
  auto db = open_data(data, /*bulk=*/false);
  auto services = load_services(*db, clock);
  identity::User me = person(0, "Mine Owner"), other = person(1, "Someone Else");
  applications::ApplicationSynth synth(services, kSeed, clock.now_ms());
  const UnixMs t = 1'700'000'000'000;
  auto org = [&](int i) {
    return identity::Organisation{"org-mine-" + std::to_string(i), "Firm " + std::to_string(i),
                                  "123456" + std::to_string(i) + "-1", "", me.id, t};
  };
  // (id suffix, applicant, organisation or "", creation time): ties of creation time within and
  // across the sources; the ids break them.
  struct Row {
    std::string id;
    const identity::User* by;
    std::string org;
    UnixMs at;
  };
  const std::vector<Row> rows = {
      {"a01", &me, "", t + 50},           {"a02", &me, "", t + 40},          {"a03", &me, "", t + 40},
      {"a04", &me, "", t + 10},           {"a05", &me, "org-mine-1", t + 40}, {"a06", &me, "org-mine-1", t + 5},
      {"b01", &other, "org-mine-1", t + 40}, {"b02", &other, "org-mine-1", t + 30}, {"b03", &other, "org-mine-1", t + 1},
      {"b04", &other, "org-mine-2", t + 50}, {"b05", &other, "org-mine-2", t + 20}, {"b06", &other, "org-mine-2", t + 40},
      {"c01", &other, "org-mine-3", t + 45}, {"c02", &other, "", t + 35},         {"c03", &me, "", t + 60}};
  ASSERT_TRUE(db->write([&](storage::Tx& tx) -> Status {
    tx.users().insert(me);
    tx.users().insert(other);
    for (int i = 1; i <= 3; ++i) tx.organisations().insert(org(i));
    // me: a member of firms 1 and 2, not of firm 3.
    tx.organisations().add_member({"org-mine-1", me.id, "", identity::OrgRole::owner, t}, me.id);
    tx.organisations().add_member({"org-mine-2", me.id, "", identity::OrgRole::member, t}, me.id);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      applications::Application a = synth.make(static_cast<int>(i), rows[i].by->id).application;
      a.id = "app-mine-" + rows[i].id;
      a.tracking_number = "DZ-MINE-0000-0000-" + std::to_string(1000 + i);
      a.org_id = rows[i].org;
      a.created_at = rows[i].at;
      tx.applications().insert(a);
    }
    return ok_status();
  }).ok());
  // What the person may see, newest first: their own, and firms 1 and 2's.
  std::vector<std::pair<UnixMs, std::string>> expected, own;
  for (const auto& r : rows) {
    if (r.by == &me || r.org == "org-mine-1" || r.org == "org-mine-2") expected.emplace_back(r.at, "app-mine-" + r.id);
    if (r.by == &me) own.emplace_back(r.at, "app-mine-" + r.id);
  }
  std::sort(expected.rbegin(), expected.rend());
  std::sort(own.rbegin(), own.rend());
  auto ids_of = [](const std::vector<std::pair<UnixMs, std::string>>& v) {
    std::vector<std::string> ids;
    for (const auto& [at, id] : v) ids.push_back(id);
    return ids;
  };
  auto list = [&](applications::MineFilter f) {
    f.user_id = me.id;
    return storage::read_value<storage::ApplicationPage>(
               *db, [&](storage::Tx& tx) -> Result<storage::ApplicationPage> { return tx.applications().for_user(f); })
        .value();
  };
  auto ids = [](const storage::ApplicationPage& p) {
    std::vector<std::string> out;
    for (const auto& a : p.items) out.push_back(a.id);
    return out;
  };
  auto all = list({.limit = 100});
  EXPECT_EQ(ids(all), ids_of(expected));
  EXPECT_EQ(all.total, static_cast<std::int64_t>(expected.size()));
  EXPECT_TRUE(all.total_exact);
  // Page after page by position (the last one's creation time and id), and by offset.
  for (int size : {1, 2, 3, 5}) {
    std::vector<std::string> walked, numbered;
    applications::MineFilter f{.limit = size};
    for (;;) {
      auto page = list(f);
      EXPECT_EQ(page.total, static_cast<std::int64_t>(expected.size()));  // the whole list's
      for (const auto& a : page.items) walked.push_back(a.id);
      if (page.items.size() < static_cast<std::size_t>(size)) break;
      f.before_key = page.items.back().created_at;
      f.before_id = page.items.back().id;
    }
    for (int offset = 0;; offset += size) {
      auto page = list({.offset = offset, .limit = size});
      for (const auto& a : page.items) numbered.push_back(a.id);
      if (page.items.size() < static_cast<std::size_t>(size)) break;
    }
    EXPECT_EQ(walked, ids_of(expected)) << size;
    EXPECT_EQ(numbered, ids_of(expected)) << size;
  }
  // A numbered page past the end is empty, and still counts the whole list.
  auto beyond = list({.offset = static_cast<int>(expected.size()), .limit = 2});
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.total, static_cast<std::int64_t>(expected.size()));
  // A position and an offset: the page starts that many after the position.
  auto rest = list({.before_key = expected[3].first, .before_id = expected[3].second, .offset = 2, .limit = 2});
  EXPECT_EQ(ids(rest), (std::vector<std::string>{expected[6].second, expected[7].second}));
  // The count stops at max_counted and says so.
  auto bounded = list({.limit = 2, .max_counted = 4});
  EXPECT_EQ(bounded.total, 4);
  EXPECT_FALSE(bounded.total_exact);
  EXPECT_EQ(ids(bounded), (std::vector<std::string>{expected[0].second, expected[1].second}));
  // A bound reached in an organisation's count (the person's own are 7 of the 13), and one just met.
  auto short_of_all = list({.limit = 1, .max_counted = static_cast<std::int64_t>(expected.size()) - 1});
  EXPECT_EQ(short_of_all.total, static_cast<std::int64_t>(expected.size()) - 1);
  EXPECT_FALSE(short_of_all.total_exact);
  auto just_all = list({.limit = 1, .max_counted = static_cast<std::int64_t>(expected.size())});
  EXPECT_EQ(just_all.total, static_cast<std::int64_t>(expected.size()));
  EXPECT_TRUE(just_all.total_exact);
  // The person's own only (those filed for a firm included).
  auto mine_only = list({.with_organisations = false, .limit = 100});
  EXPECT_EQ(ids(mine_only), ids_of(own));
  EXPECT_EQ(mine_only.total, static_cast<std::int64_t>(own.size()));
}
