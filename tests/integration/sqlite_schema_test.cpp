// SQLite's side of the schema: what the hot write statements cost per row, which EXPLAIN shows.
// A CHECK constraint `x IN (a, b, c)` of three values or more makes SQLite build a temporary
// table (OpenEphemeral) for every row written; migration V019 rewrites those of the outbox and of
// registry records, tables written at every submission and every registry record, as comparisons.
// V020 keeps an application's notifications (no certificate) out of the certificates' index, V021
// unkeyed notifications out of the dedupe index; V022 drops the outbox's index by notification.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include "storage/migration.hpp"
#include "storage/sql/group_commit_database.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

namespace {

// EXPLAIN's opcodes of one statement on the connection (its schema as that connection reads it).
std::string opcodes(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, ("EXPLAIN " + sql).c_str(), -1, &st, nullptr) != SQLITE_OK)
    return std::string("cannot prepare: ") + sqlite3_errmsg(db);
  std::string ops;
  while (sqlite3_step(st) == SQLITE_ROW) ops += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))) + " ";
  sqlite3_finalize(st);
  return ops;
}

int exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

const char* const kHotWrites[] = {
    "INSERT INTO outbox (id, notification_id, channel, recipient, subject, body, state, attempts, next_attempt_at, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
    "UPDATE outbox SET state = 'delivered', delivered_at = ? WHERE id = ?",
    "INSERT INTO registry_records (id, registry, registry_version, number, subject_user_id, subject_org_id, status, "
    "valid_from, valid_until, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "UPDATE registry_records SET status = ? WHERE id = ?",
};

// A new database file at `path`, migrated as a node's writer migrates it; `with_writer` then gets
// that connection, still open.
void migrated_file(const std::string& path, const std::function<void(sqlite3*)>& with_writer = {}) {
  storage::sqlite::Connection writer(path, false);
  storage::sql::migrate(writer, embedded::sqlite_migrations(), "BEGIN IMMEDIATE");
  if (with_writer) with_writer(writer.handle());
}

// A migrated database file in a folder of its own, open on a second connection; removed afterwards.
struct MigratedDb {
  MigratedDb() : dir(make_temp_dir("dz-sqlite-schema")) {
    migrated_file(dir + "/darwaza.db");
    if (sqlite3_open((dir + "/darwaza.db").c_str(), &db) != SQLITE_OK) {
      sqlite3_close(db);
      std::filesystem::remove_all(dir);
      throw std::runtime_error("cannot open the migrated file");  // the test fails, and goes no further
    }
  }
  ~MigratedDb() {
    sqlite3_close(db);
    std::filesystem::remove_all(dir);
  }
  // The first column of the first row of `sql`, as text ("" if no row; the error if it fails).
  std::string one_text(const std::string& sql) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return std::string("error: ") + sqlite3_errmsg(db);
    const unsigned char* v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : nullptr;
    std::string out = v ? reinterpret_cast<const char*>(v) : "";
    sqlite3_finalize(st);
    return out;
  }
  // The query plan's details of `sql`, joined.
  std::string plan(const std::string& sql) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) != SQLITE_OK)
      return std::string("error: ") + sqlite3_errmsg(db);
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) out += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return out;
  }
  std::string dir;
  sqlite3* db = nullptr;
};

}  // namespace

// The connection that ran the migrations (a node's writer) and a connection opened afterwards
// both compile the hot writes without a temporary table, and the rules still hold.
TEST(SqliteSchema, HotWritesBuildNoTemporaryTable) {
  if (testing_postgresql()) GTEST_SKIP() << "SQLite's schema and bytecode";
  const std::string dir = make_temp_dir("dz-sqlite-schema");
  const std::string path = dir + "/darwaza.db";
  migrated_file(path, [](sqlite3* writer) {
    for (const char* sql : kHotWrites) {
      const std::string ops = opcodes(writer, sql);
      EXPECT_EQ(ops.find("cannot prepare"), std::string::npos) << ops;
      EXPECT_EQ(ops.find("OpenEphemeral"), std::string::npos) << "the migrating connection: " << sql << "\n" << ops;
    }
  });
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  for (const char* sql : kHotWrites) {
    const std::string ops = opcodes(db, sql);
    EXPECT_EQ(ops.find("OpenEphemeral"), std::string::npos) << "a new connection: " << sql << "\n" << ops;
  }
  // The rules are the same: each allowed value passes, anything else is refused.
  ASSERT_EQ(exec(db, "PRAGMA foreign_keys = OFF"), SQLITE_OK);
  for (const char* state : {"pending", "delivered", "failed"})
    EXPECT_EQ(exec(db, (std::string("INSERT INTO outbox (id, notification_id, channel, recipient, subject, body, "
                                    "state, next_attempt_at, created_at) VALUES ('o-") + state + "', 'n', 'email', "
                                    "'r', 's', 'b', '" + state + "', 0, 0)").c_str()),
              SQLITE_OK) << state << ": " << sqlite3_errmsg(db);
  EXPECT_EQ(exec(db, "UPDATE outbox SET state = 'sent' WHERE id = 'o-pending'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(exec(db, "UPDATE outbox SET state = NULL WHERE id = 'o-pending'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(exec(db, "INSERT INTO outbox (id, notification_id, channel, recipient, subject, body, state, "
                     "next_attempt_at, created_at) VALUES ('o-x', 'n', 'email', 'r', 's', 'b', 'Pending', 0, 0)"),
            SQLITE_CONSTRAINT);
  for (const char* status : {"active", "suspended", "revoked"})
    EXPECT_EQ(exec(db, (std::string("INSERT INTO registry_records (id, registry, registry_version, number, status, "
                                    "valid_from, data, created_at, updated_at) VALUES ('r-") + status + "', 'reg', 1, 'N-" +
                        status + "', '" + status + "', '2026-01-01', '{}', 0, 0)").c_str()),
              SQLITE_OK) << status << ": " << sqlite3_errmsg(db);
  EXPECT_EQ(exec(db, "UPDATE registry_records SET status = 'expired' WHERE id = 'r-active'"), SQLITE_CONSTRAINT);
  // The file is sound after its schema was rewritten in place.
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

// The index by certificate is partial (notifications without a certificate, every application's,
// write no entry into it), and the expiry scan's look-up (a certificate's expiry notice) reads it.
TEST(SqliteSchema, OnlyCertificatesNotificationsAreIndexedByCertificate) {
  if (testing_postgresql()) GTEST_SKIP() << "SQLite's schema and query plans";
  MigratedDb m;
  EXPECT_NE(m.one_text("SELECT sql FROM sqlite_schema WHERE name = 'notifications_by_certificate'")
                .find("WHERE certificate_id IS NOT NULL"),
            std::string::npos);
  // The expiry scan's test for an earlier notice reads the index.
  const std::string plan = m.plan("SELECT 1 FROM notifications n WHERE n.certificate_id = ? AND n.event = 'certificate_expiring'");
  EXPECT_NE(plan.find("notifications_by_certificate (certificate_id=? AND event=?)"), std::string::npos) << plan;
}

// V021: only keyed notifications (the expiry notice) are in the dedupe index, which still refuses a
// second notification with the same user and key, and still lets unkeyed ones repeat.
TEST(SqliteSchema, OnlyKeyedNotificationsAreInTheDedupeIndex) {
  if (testing_postgresql()) GTEST_SKIP() << "SQLite's schema";
  MigratedDb m;
  EXPECT_NE(m.one_text("SELECT sql FROM sqlite_schema WHERE name = 'notifications_dedupe'").find("WHERE dedupe_key IS NOT NULL"),
            std::string::npos);
  ASSERT_EQ(exec(m.db,
                 "PRAGMA foreign_keys = OFF;"
                 "INSERT INTO notifications (id, user_id, event, language, title, body, dedupe_key, created_at) "
                 "VALUES ('n1', 'u1', 'submitted', 'en', 't', 'b', NULL, 1), "
                 "('n2', 'u1', 'submitted', 'en', 't', 'b', NULL, 2), "
                 "('n3', 'u1', 'certificate_expiring', 'en', 't', 'b', 'certificate_expiring:c1', 3);"),
            SQLITE_OK)
      << sqlite3_errmsg(m.db);
  // The insert's own conflict target: the second notice for the same key is dropped, not an error.
  ASSERT_EQ(exec(m.db,
                 "INSERT INTO notifications (id, user_id, event, language, title, body, dedupe_key, created_at) "
                 "VALUES ('n4', 'u1', 'certificate_expiring', 'en', 't', 'b', 'certificate_expiring:c1', 4) "
                 "ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING"),
            SQLITE_OK)
      << sqlite3_errmsg(m.db);
  EXPECT_EQ(m.one_text("SELECT group_concat(id) FROM (SELECT id FROM notifications ORDER BY id)"), "n1,n2,n3");
  EXPECT_EQ(exec(m.db,
                 "INSERT INTO notifications (id, user_id, event, language, title, body, dedupe_key, created_at) "
                 "VALUES ('n5', 'u1', 'certificate_expiring', 'en', 't', 'b', 'certificate_expiring:c1', 5)"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(m.one_text("PRAGMA integrity_check"), "ok");
}

// V022: no index of the outbox by notification (no statement reads it so).
TEST(SqliteSchema, TheOutboxIsNotIndexedByNotification) {
  if (testing_postgresql()) GTEST_SKIP() << "SQLite's schema";
  MigratedDb m;
  const std::string names = m.one_text("SELECT group_concat(name) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'outbox'");
  EXPECT_EQ(names.find("outbox_by_notification"), std::string::npos) << names;
  EXPECT_NE(names.find("outbox_due"), std::string::npos) << names;
}

// V023: the notifications still to be queued for the outbox are the only ones in their index, the
// outbox worker's pick reads it, and to_queue is 1 or NULL.
TEST(SqliteSchema, OnlyNotificationsStillToQueueAreInTheirIndex) {
  if (testing_postgresql()) GTEST_SKIP() << "SQLite's schema and query plans";
  MigratedDb m;
  EXPECT_NE(m.one_text("SELECT sql FROM sqlite_schema WHERE name = 'notifications_to_queue'").find("WHERE to_queue = 1"),
            std::string::npos);
  const std::string plan = m.plan("SELECT id FROM notifications WHERE to_queue = 1 ORDER BY id LIMIT 10");
  EXPECT_NE(plan.find("notifications_to_queue"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << "read in id order: " << plan;
  EXPECT_EQ(exec(m.db,
                 "PRAGMA foreign_keys = OFF; INSERT INTO notifications (id, user_id, event, language, title, body, "
                 "created_at, to_queue) VALUES ('n1', 'u1', 'submitted', 'en', 't', 'b', 1, 2)"),
            SQLITE_CONSTRAINT);
}
