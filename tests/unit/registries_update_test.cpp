// Updates of a record's fields (Registries::update and friends) against a temporary database: the
// number and id stay, the history names who changed which fields, the audit entry is written in
// the same transaction as the change (a refused update leaves neither), the create rules apply
// again (schema, unique keys), a revoked record cannot change, matching updates are all or none
// and bounded, and the live IP index follows a VPN record's new addresses.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "identity/agencies.hpp"
#include "registries/registries.hpp"
#include "registries/schema.hpp"
#include "temp_db.hpp"

using namespace darwaza;
using nlohmann::json;

namespace {

constexpr UnixMs kStart = 1'795'000'000'000;  // 2026-11-18

Principal user(const std::string& id, std::vector<RoleGrant> roles = {}) {
  Principal p;
  p.kind = Principal::Kind::user;
  p.user_id = id;
  p.roles = std::move(roles);
  return p;
}

struct World {
  World() : clock(kStart) {
    auto agencies = identity::load_agencies_file(DARWAZA_SOURCE_DIR "/data/agencies.json");
    EXPECT_TRUE(agencies.ok());
    EXPECT_TRUE(identity::Agencies(*tmp.db, clock).seed(*agencies).ok());
    regs = std::make_unique<registries::Registries>(*tmp.db, clock, true);
    EXPECT_TRUE(regs->open().ok());
    EXPECT_TRUE(regs->load(schema_files()).ok());
  }
  ~World() { regs.reset(); }

  // The schema files World loads: GovStack's test registries and the VPN registry.
  static std::vector<registries::SchemaFile> schema_files() {
    std::vector<registries::SchemaFile> files;
    EXPECT_TRUE(registries::check_registry_directory(DARWAZA_SOURCE_DIR "/tests/fixtures/govstack/registries", &files).empty());
    std::vector<registries::SchemaFile> shipped;
    EXPECT_TRUE(registries::check_registry_directory(DARWAZA_SOURCE_DIR "/data/registries", &shipped).empty());
    for (auto& f : shipped)
      if (f.schema.name == "pta-vpn-endpoints") files.push_back(std::move(f));
    return files;
  }

  std::int64_t audit_head() {
    auto head = storage::read_value<std::int64_t>(*tmp.db, [](storage::Tx& tx) -> Result<std::int64_t> {
      return tx.audit().head().first;
    });
    EXPECT_TRUE(head.ok());
    return head.ok() ? *head : -1;
  }

  // A person created through create (the Data API's path); returns the record.
  registries::Record person(const std::string& first, const std::string& city, int serial) {
    auto r = regs->create(nitb_officer, "gs-persons",
                          {{"first_name", first}, {"last_name", "Update"}, {"city", city},
                           {"birth_certificate_id", fmt::format("RR-{}", 2'000'000 + serial)}},
                          "");
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return r.ok() ? *r : registries::Record{};
  }

  // The audit entries about one object, newest first.
  std::vector<audit::Entry> entries_about(const std::string& object_id) {
    auto all = storage::read_value<std::vector<audit::Entry>>(*tmp.db, [&](storage::Tx& tx) -> Result<std::vector<audit::Entry>> {
      storage::AuditQuery q;
      q.limit = 1000;
      std::vector<audit::Entry> out;
      for (auto& e : tx.audit().query(q))
        if (e.object_id == object_id) out.push_back(std::move(e));
      return out;
    });
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<audit::Entry>{};
  }

  testing_support::TempDb tmp{"dz-update"};  // first member: removed last
  ManualClock clock;
  std::unique_ptr<registries::Registries> regs;
  Principal nitb_officer = user("usr_nitb_officer", {{Role::officer, "nitb"}});
  Principal pta_officer = user("usr_pta_officer", {{Role::officer, "pta"}});
  Principal admin = user("usr_admin", {{Role::platform_admin, ""}});
};

std::string type_of(const Error& e) { return e.type; }

TEST(RegistriesUpdate, KeepsNumberAndIdRecordsHistoryAndAuditsInTheSameTransaction) {
  World w;
  auto& regs = *w.regs;
  const auto rec = w.person("Usha", "Quetta", 1);
  const std::size_t audited_before = w.entries_about(rec.id).size();
  w.clock.advance_ms(60'000);

  registries::RecordChange change;
  change.fields = {{"city", "Gwadar"}, {"last_name", "Bajaj"}};
  change.reason = "Moved";
  auto v = regs.update(w.nitb_officer, "gs-persons", rec.number, change);
  ASSERT_TRUE(v.ok()) << v.error().detail;
  EXPECT_EQ(v->record.id, rec.id);
  EXPECT_EQ(v->record.number, rec.number);
  EXPECT_EQ(v->fields["city"], "Gwadar");
  EXPECT_EQ(v->fields["last_name"], "Bajaj");
  EXPECT_EQ(v->fields["first_name"], "Usha");  // fields not given keep their values
  EXPECT_EQ(v->fields["birth_certificate_id"], "RR-2000001");
  EXPECT_EQ(v->record.updated_at, kStart + 60'000);
  EXPECT_EQ(v->record.created_at, rec.created_at);
  // The history: who, when, which fields (names only), why.
  ASSERT_EQ(v->events.size(), 2u);
  const auto& e = v->events.back();
  EXPECT_EQ(e.action, "updated");
  EXPECT_EQ(e.actor, "user:usr_nitb_officer");
  EXPECT_EQ(e.at, kStart + 60'000);
  EXPECT_EQ(e.fields, (std::vector<std::string>{"city", "last_name"}));
  EXPECT_EQ(e.reason, "Moved");
  EXPECT_EQ(e.from_status, "active");
  EXPECT_EQ(e.to_status, "active");
  EXPECT_TRUE(v->events.front().fields.empty());  // "created" names no fields
  // The audit entry of the change.
  auto audited = w.entries_about(rec.id);
  ASSERT_EQ(audited.size(), audited_before + 1);
  EXPECT_EQ(audited.front().action, "registry.record.update");
  EXPECT_EQ(audited.front().actor, "usr_nitb_officer");
  EXPECT_EQ(audited.front().actor_agency, "nitb");
  EXPECT_EQ(audited.front().object_type, "registry_record");
  EXPECT_EQ(audited.front().purpose, "Moved");
  EXPECT_EQ(audited.front().at, kStart + 60'000);
  // The public search finds the new value, not the old one.
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Gwadar"}}, "", 1, 10)->total, 1);
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Quetta"}}, "", 1, 10)->total, 0);

  // Removing an optional field (null) is a change of that field.
  registries::RecordChange drop;
  drop.fields = {{"city", nullptr}};
  auto dropped = regs.update(w.admin, "gs-persons", rec.id, drop);
  ASSERT_TRUE(dropped.ok()) << dropped.error().detail;
  EXPECT_FALSE(dropped->fields.contains("city"));
  EXPECT_EQ(dropped->events.back().fields, (std::vector<std::string>{"city"}));
  EXPECT_EQ(dropped->events.back().actor, "user:usr_admin");

  // A refused update (invalid value) writes nothing: no data, no history, no audit entry.
  const std::size_t audited_now = w.entries_about(rec.id).size();
  registries::RecordChange bad;
  bad.fields = {{"birth_certificate_id", "not-a-certificate"}, {"city", "Sibi"}};
  auto refused = regs.update(w.nitb_officer, "gs-persons", rec.id, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::validation);
  ASSERT_FALSE(refused.error().fields.empty());
  EXPECT_EQ(refused.error().fields[0].path, "/birth_certificate_id");
  auto after = regs.get(w.admin, "gs-persons", rec.id);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->fields.contains("city"));
  EXPECT_EQ(after->events.size(), 3u);
  EXPECT_EQ(w.entries_about(rec.id).size(), audited_now);
}

TEST(RegistriesUpdate, CreateRulesApplyAgainAndOnlyTheOwningAgencyMayUpdate) {
  World w;
  auto& regs = *w.regs;
  const auto a = w.person("Asha", "Sibi", 1);
  const auto b = w.person("Bina", "Sibi", 2);
  auto refusal = [&](const Principal& who, const std::string& id, json fields, std::string number = {}) {
    registries::RecordChange c;
    c.fields = std::move(fields);
    c.number = std::move(number);
    auto r = regs.update(who, "gs-persons", id, c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string("accepted") : type_of(r.error());
  };
  // Schema: required fields, patterns, unknown fields.
  EXPECT_EQ(refusal(w.nitb_officer, a.id, {{"first_name", nullptr}}), "validation");
  EXPECT_EQ(refusal(w.nitb_officer, a.id, {{"nickname", "A"}}), "validation");
  EXPECT_EQ(refusal(w.nitb_officer, a.id, {{"first_name", 42}}), "validation");
  EXPECT_EQ(refusal(w.nitb_officer, a.id, json::array()), "validation");
  // Unique keys: b may not take a's birth certificate id; the number never changes.
  EXPECT_EQ(refusal(w.nitb_officer, b.id, {{"birth_certificate_id", "RR-2000001"}}), "duplicate-record");
  EXPECT_EQ(refusal(w.nitb_officer, a.id, {{"city", "Zhob"}}, b.number), "number-unchangeable");
  registries::RecordChange same_number;
  same_number.fields = {{"city", "Zhob"}};
  same_number.number = a.number;
  EXPECT_TRUE(regs.update(w.nitb_officer, "gs-persons", a.id, same_number).ok());
  // Who: another agency's staff and clients, citizens, auditors may not.
  Principal pta_client;
  pta_client.kind = Principal::Kind::api_client;
  pta_client.client_id = "cli_pta";
  pta_client.agency_id = "pta";
  Principal nitb_client = pta_client;
  nitb_client.client_id = "cli_nitb";
  nitb_client.agency_id = "nitb";
  for (const Principal& who : {w.pta_officer, pta_client, user("usr_citizen"), user("usr_aud", {{Role::auditor, ""}})})
    EXPECT_EQ(refusal(who, a.id, {{"city", "Kalat"}}), "registry-access-denied") << who.actor();
  EXPECT_EQ(refusal(w.nitb_officer, "GSP-1999-000001", {{"city", "Kalat"}}), "record-not-found");
  EXPECT_EQ(type_of(regs.update(w.nitb_officer, "no-such", a.id, {}).error()), "registry-not-found");

  // The key a changes away from is free: b takes it (keys are claimed again with new values).
  registries::RecordChange move_key;
  move_key.fields = {{"birth_certificate_id", "RR-2000099"}};
  ASSERT_TRUE(regs.update(nitb_client, "gs-persons", a.id, move_key).ok());
  registries::RecordChange take_key;
  take_key.fields = {{"birth_certificate_id", "RR-2000001"}};
  auto taken = regs.update(w.nitb_officer, "gs-persons", b.id, take_key);
  ASSERT_TRUE(taken.ok()) << taken.error().detail;
  EXPECT_EQ(taken->events.back().actor, "user:usr_nitb_officer");

  // Suspended: the portal's update works, the Data API's (current records only) does not.
  ASSERT_TRUE(regs.change_status(w.nitb_officer, "gs-persons", a.id, "suspend", "checking").ok());
  registries::RecordChange city;
  city.fields = {{"city", "Kech"}};
  EXPECT_EQ(type_of(regs.update_current(nitb_client, "gs-persons", a.number, city).error()), "record-not-found");
  EXPECT_TRUE(regs.update(w.nitb_officer, "gs-persons", a.id, city).ok());
  // Revoked: no update at all.
  ASSERT_TRUE(regs.revoke(w.nitb_officer, "gs-persons", a.id, "duplicate").ok());
  EXPECT_EQ(type_of(regs.update(w.nitb_officer, "gs-persons", a.id, city).error()), "record-revoked");
  EXPECT_EQ(type_of(regs.update_current(w.nitb_officer, "gs-persons", a.id, city).error()), "record-not-found");
  EXPECT_EQ(type_of(regs.update_first(w.nitb_officer, "gs-persons", {{"ID", a.number}}, city).error()),
            "record-not-found");
}

TEST(RegistriesUpdate, MatchingUpdatesAreAllOrNoneAndBounded) {
  World w;
  auto& regs = *w.regs;
  for (int i = 0; i < 3; ++i) w.person(fmt::format("M{}", i), "Mastung", 10 + i);
  registries::RecordChange city;
  city.fields = {{"city", "Ormara"}};
  auto n = regs.update_all(w.nitb_officer, "gs-persons", {{"city", "Mastung"}}, city);
  ASSERT_TRUE(n.ok()) << n.error().detail;
  EXPECT_EQ(*n, 3);
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Ormara"}}, "", 1, 10)->total, 3);
  EXPECT_EQ(*regs.update_all(w.nitb_officer, "gs-persons", {{"city", "Mastung"}}, city), 0);
  // One key for three records: the second collides, so none changes.
  registries::RecordChange key;
  key.fields = {{"city", "Pasni"}, {"birth_certificate_id", "RR-7777777"}};
  auto dup = regs.update_all(w.nitb_officer, "gs-persons", {{"city", "Ormara"}}, key);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(type_of(dup.error()), "duplicate-record");
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Pasni"}}, "", 1, 10)->total, 0);
  // The first match only; private fields are not matched; other agencies are refused first.
  auto first = regs.update_first(w.nitb_officer, "gs-persons", {{"city", "Ormara"}}, key);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Pasni"}}, "", 1, 10)->total, 1);
  EXPECT_EQ(type_of(regs.update_all(w.nitb_officer, "gs-persons", {{"birth_certificate_id", "RR-7777777"}}, city).error()),
            "field-not-searchable");
  EXPECT_EQ(type_of(regs.update_all(w.pta_officer, "gs-persons", {{"city", "Nowhere"}}, city).error()),
            "registry-access-denied");

  // More matches than one update may change: refused, nothing changed.
  std::vector<registries::ImportRow> rows;
  auto s = regs.schema("gs-persons");
  for (std::size_t i = 0; i < registries::kMaxUpdateRecords + 1; ++i) {
    auto row = regs.parse_import_row(**s, {{"fields", {{"first_name", "Bulk"}, {"last_name", "Row"}, {"city", "Turbat"},
                                                       {"birth_certificate_id", fmt::format("RR-{}", 3'000'000 + i)}}}});
    ASSERT_TRUE(row.ok());
    rows.push_back(std::move(row).value());
  }
  ASSERT_TRUE(regs.import_rows("gs-persons", std::move(rows), w.admin).ok());
  auto broad = regs.update_all(w.nitb_officer, "gs-persons", {{"city", "Turbat"}}, city);
  ASSERT_FALSE(broad.ok());
  EXPECT_EQ(type_of(broad.error()), "too-many-records");
  EXPECT_EQ(broad.error().kind, ErrorKind::invalid_request);
  EXPECT_EQ(regs.find("gs-persons", {{"city", "Turbat"}}, "", 1, 10)->total,
            static_cast<std::int64_t>(registries::kMaxUpdateRecords) + 1);
}

TEST(RegistriesUpdate, AVpnRecordsNewAddressesReachTheLiveIndex) {
  World w;
  auto& regs = *w.regs;
  auto vpn = regs.create(w.pta_officer, "pta-vpn-endpoints",
                         {{"registrant_name", "Index Test"}, {"cnic", "35202-1234567-1"}, {"email", "i@example.pk"},
                          {"mobile", "+923001234567"}, {"vpn_type", "wireguard"}, {"endpoints", {"9.9.9.0/24"}},
                          {"purpose", "Remote development for a client's office network"}, {"isp", "PTCL"}},
                         "");
  ASSERT_TRUE(vpn.ok()) << vpn.error().detail;
  auto covered = [&](const std::string& address) {
    const std::string_view one[] = {address};
    auto r = regs.lookup(w.pta_officer, "pta-vpn-endpoints", one);
    EXPECT_TRUE(r.ok());
    return r.ok() && !r->matches(0).empty();
  };
  EXPECT_TRUE(covered("9.9.9.9"));
  EXPECT_FALSE(covered("1.1.1.1"));
  registries::RecordChange moved;
  moved.fields = {{"endpoints", {"1.1.1.0/24"}}};
  ASSERT_TRUE(regs.update(w.pta_officer, "pta-vpn-endpoints", vpn->id, moved).ok());
  EXPECT_FALSE(covered("9.9.9.9"));
  EXPECT_TRUE(covered("1.1.1.1"));
  // A suspended record's new addresses stay out of the index until it is reinstated.
  ASSERT_TRUE(regs.change_status(w.pta_officer, "pta-vpn-endpoints", vpn->id, "suspend", "abuse").ok());
  moved.fields = {{"endpoints", {"8.8.4.0/24"}}};
  ASSERT_TRUE(regs.update(w.pta_officer, "pta-vpn-endpoints", vpn->id, moved).ok());
  EXPECT_FALSE(covered("8.8.4.4"));
  ASSERT_TRUE(regs.change_status(w.pta_officer, "pta-vpn-endpoints", vpn->id, "reinstate", "cleared").ok());
  EXPECT_TRUE(covered("8.8.4.4"));
  EXPECT_FALSE(covered("1.1.1.1"));
}

// Every start with --registry-dir loads the same schemas again. That must write nothing: an
// audited schema write makes every node (this one included) rebuild its address indexes from
// all records, which for a million VPN ranges is seconds of CPU while the node is serving.
TEST(RegistriesUpdate, LoadingUnchangedSchemasAgainWritesNothing) {
  World w;
  auto& regs = *w.regs;
  ASSERT_TRUE(regs.create(w.pta_officer, "pta-vpn-endpoints",
                          {{"registrant_name", "Reload Test"}, {"cnic", "35202-1234567-1"}, {"email", "r@example.pk"},
                           {"mobile", "+923001234567"}, {"vpn_type", "wireguard"}, {"endpoints", {"9.9.9.0/24"}},
                           {"purpose", "Remote development for a client's office network"}, {"isp", "PTCL"}},
                          "").ok());
  ASSERT_TRUE(regs.follow_changes().ok());  // the first load's schema writes: one rebuild
  auto quiet = regs.follow_changes();
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(*quiet, 0);
  const std::int64_t head = w.audit_head();

  auto again = regs.load(World::schema_files());
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(w.audit_head(), head);
  auto followed = regs.follow_changes();
  ASSERT_TRUE(followed.ok());
  EXPECT_EQ(*followed, 0) << "an unchanged load made the index rebuild from every record";

  // A new version is a change: stored and audited as before.
  auto files = World::schema_files();
  for (auto& f : files)
    if (f.schema.name == "pta-vpn-endpoints") ++f.schema.version;
  ASSERT_TRUE(regs.load(files).ok());
  EXPECT_EQ(w.audit_head(), head + 1);
}

}  // namespace
