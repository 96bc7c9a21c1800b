// SessionRepo::with_roles, the one statement every authenticated request makes, on both engines:
// the session and exactly its person's roles (sorted), none for a person without roles or for an
// API client's session (whose id must not pick up a person's roles), nothing for an unknown hash;
// and with_roles_and_person, which adds the person's record (no password hash) in that statement.
#include <gtest/gtest.h>

#include "identity/synth.hpp"
#include "storage/database.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

TEST(SessionLookup, ASessionComesWithExactlyItsPersonsRoles) {
  const std::string dir = make_temp_dir("dz-session");
  storage::DatabaseOptions o;
  o.url = test_db_url(dir);
  if (o.url.empty()) o.url = "sqlite:" + dir + "/darwaza.db";
  o.reader_connections = 1;
  auto db = storage::open_database(o);

  identity::User officer = identity::synth_citizen(3, 1, "hash", 1'700'000'000'000);
  identity::User citizen = identity::synth_citizen(3, 2, "hash", 1'700'000'000'000);
  const UnixMs now = 1'700'000'000'000, later = now + 3'600'000;
  using identity::Session;
  using identity::SessionKind;
  ASSERT_TRUE(db->write([&](storage::Tx& tx) {
    tx.users().insert(officer);
    tx.users().insert(citizen);
    tx.users().grant_role(officer.id, RoleGrant{Role::officer, "pta"}, "test", now);
    tx.users().grant_role(officer.id, RoleGrant{Role::agency_admin, "pseb"}, "test", now);
    tx.users().grant_role(officer.id, RoleGrant{Role::officer, "stza"}, "test", now);
    tx.sessions().insert(Session{"h-officer", SessionKind::user, officer.id, now, later, std::nullopt});
    tx.sessions().insert(Session{"h-citizen", SessionKind::user, citizen.id, now, later, std::nullopt});
    // A client's session whose client id equals the officer's user id: it must get no roles.
    tx.sessions().insert(Session{"h-client", SessionKind::client, officer.id, now, later, std::nullopt});
    return ok_status();
  }).ok());

  ASSERT_TRUE(db->read([&](storage::Tx& tx) {
    auto o1 = tx.sessions().with_roles("h-officer");
    EXPECT_TRUE(o1.has_value());
    if (o1) {
      EXPECT_EQ(o1->session.subject_id, officer.id);
      EXPECT_EQ(o1->session.kind, SessionKind::user);
      EXPECT_EQ(o1->session.expires_at, later);
      const auto expected = tx.users().roles_of(officer.id);  // the same grants in the same order
      EXPECT_EQ(expected.size(), 3u);
      EXPECT_EQ(o1->roles.size(), expected.size());
      for (std::size_t i = 0; i < std::min(expected.size(), o1->roles.size()); ++i) {
        EXPECT_EQ(o1->roles[i].role, expected[i].role);
        EXPECT_EQ(o1->roles[i].agency_id, expected[i].agency_id);
      }
    }
    auto c1 = tx.sessions().with_roles("h-citizen");
    EXPECT_TRUE(c1.has_value());
    if (c1) EXPECT_TRUE(c1->roles.empty());
    auto k1 = tx.sessions().with_roles("h-client");
    EXPECT_TRUE(k1.has_value());
    if (k1) {
      EXPECT_EQ(k1->session.kind, SessionKind::client);
      EXPECT_TRUE(k1->roles.empty());
    }
    EXPECT_FALSE(tx.sessions().with_roles("h-unknown").has_value());
    EXPECT_FALSE(o1 && o1->person.has_value());  // only asked for below

    // The same statement with the person's record (GET /v1/me): the same roles, the record
    // without its password hash, none for a client's session.
    auto o2 = tx.sessions().with_roles_and_person("h-officer");
    EXPECT_TRUE(o2 && o2->person);
    if (o2 && o2->person) {
      EXPECT_EQ(o2->roles.size(), 3u);
      EXPECT_EQ(o2->person->id, officer.id);
      EXPECT_EQ(o2->person->cnic, officer.cnic);
      EXPECT_EQ(o2->person->name, officer.name);
      EXPECT_EQ(o2->person->email, officer.email);
      EXPECT_EQ(o2->person->mobile, officer.mobile);
      EXPECT_EQ(o2->person->created_at, officer.created_at);
      EXPECT_TRUE(o2->person->password_hash.empty());
    }
    auto c2 = tx.sessions().with_roles_and_person("h-citizen");
    EXPECT_TRUE(c2 && c2->person && c2->person->id == citizen.id && c2->roles.empty());
    auto k2 = tx.sessions().with_roles_and_person("h-client");
    EXPECT_TRUE(k2 && !k2->person && k2->roles.empty());
    EXPECT_FALSE(tx.sessions().with_roles_and_person("h-unknown").has_value());
    return ok_status();
  }).ok());
}
