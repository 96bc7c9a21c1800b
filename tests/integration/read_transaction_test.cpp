// Read transactions of the store (Database::read), on both engines. On PostgreSQL a reader sends
// its BEGIN in one pipeline with the first statement and does not wait for its COMMIT's answer
// (PgConnection::defer_begin, commit_without_waiting), so these check what that must keep true,
// on one reader connection so every read reuses the previous one's: a read is one snapshot, the
// next read sees what was committed since, a read that fails (before any statement, at its first
// statement, or later) leaves the connection usable, and the readiness probe asks the database.
// Also Database::read_statements, which on both engines runs its statements with no transaction.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "identity/synth.hpp"
#include "storage/database.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

namespace {

constexpr std::uint64_t kSeed = 5;

class ReadTransactions : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions o;
    const std::string dir = make_temp_dir("dz-read");
    o.url = test_db_url(dir);
    if (o.url.empty()) o.url = "sqlite:" + dir + "/darwaza.db";
    o.reader_connections = 1;  // every read on the same connection
    db_ = storage::open_database(o);
  }

  Status add_person(int i) {
    return db_->write([i](storage::Tx& tx) {
      tx.users().insert(identity::synth_citizen(kSeed, i, "hash", 1'700'000'000'000 + i));
      return ok_status();
    });
  }

  std::int64_t people() {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->read([&](storage::Tx& tx) {
      n = tx.users().count();
      return ok_status();
    }).ok());
    return n;
  }

  // The person count at the start and at the end of `read` (Database::read or read_statements),
  // with person `i` added by another thread's committed write in between.
  using ReadFn = Status (storage::Database::*)(const storage::TxFn&);
  std::pair<std::int64_t, std::int64_t> counts_around_a_write(ReadFn read, int i) {
    std::int64_t first = -1, second = -1;
    Status s = (db_.get()->*read)([&](storage::Tx& tx) {
      first = tx.users().count();
      Status w;
      std::thread writer([&] { w = add_person(i); });  // commits while the read is open
      writer.join();
      EXPECT_TRUE(w.ok());
      second = tx.users().count();
      return ok_status();
    });
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().detail);
    return {first, second};
  }

  std::unique_ptr<storage::Database> db_;
};

TEST_F(ReadTransactions, EachReadSeesWhatWasCommittedBeforeIt) {
  ASSERT_EQ(people(), 0);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(add_person(i).ok());
    EXPECT_EQ(people(), i);  // the previous read's transaction ended: a fresh snapshot
  }
}

TEST_F(ReadTransactions, AReadIsOneSnapshotEvenWhenAWriteCommitsDuringIt) {
  ASSERT_TRUE(add_person(1).ok());
  auto [first, second] = counts_around_a_write(&storage::Database::read, 2);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);  // without the BEGIN each statement would see the latest commit
  EXPECT_EQ(people(), 2);
}

TEST_F(ReadTransactions, AFailedReadLeavesTheConnectionUsable) {
  ASSERT_TRUE(add_person(1).ok());
  // Fails before any statement (nothing reached the server yet; the transaction function's
  // exception becomes an error status, so the read still ends through end_read).
  EXPECT_FALSE(db_->read([](storage::Tx&) -> Status { throw std::runtime_error("before any statement"); }).ok());
  EXPECT_EQ(people(), 1);
  // Fails at its first statement: a write in a read-only snapshot.
  EXPECT_FALSE(db_->read([](storage::Tx& tx) {
    tx.users().insert(identity::synth_citizen(kSeed, 9, "hash", 1'700'000'000'009));
    return ok_status();
  }).ok());
  // Fails after a statement.
  EXPECT_FALSE(db_->read([](storage::Tx& tx) -> Status {
    tx.users().count();
    throw std::runtime_error("after a statement");
  }).ok());
  ASSERT_TRUE(add_person(2).ok());
  EXPECT_EQ(people(), 2);
  EXPECT_TRUE(db_->ready());
}

// Database::read_statements: no transaction surrounds the statements (each sees the latest
// commit), on both engines. On both, writes fail, and snapshot reads on the same connection before
// and after behave as ever.
TEST_F(ReadTransactions, ReadStatementsSeeEachCommitAndRefuseWrites) {
  ASSERT_TRUE(add_person(1).ok());
  auto [first, second] = counts_around_a_write(&storage::Database::read_statements, 2);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);  // each statement on its own: the second sees the commit between them
  EXPECT_EQ(people(), 2);

  // A write is refused (PostgreSQL: the reader's session is read-only), at the first statement
  // or after one, and the connection serves the next reads of either kind.
  EXPECT_FALSE(db_->read_statements([](storage::Tx& tx) {
    tx.users().insert(identity::synth_citizen(kSeed, 9, "hash", 1'700'000'000'009));
    return ok_status();
  }).ok());
  EXPECT_FALSE(db_->read_statements([](storage::Tx& tx) {
    tx.users().count();
    tx.users().insert(identity::synth_citizen(kSeed, 10, "hash", 1'700'000'000'010));
    return ok_status();
  }).ok());
  EXPECT_FALSE(db_->read_statements([](storage::Tx&) -> Status { throw std::runtime_error("no statement"); }).ok());
  EXPECT_EQ(people(), 2);
  std::int64_t n = -1;
  EXPECT_TRUE(db_->read_statements([&](storage::Tx& tx) {
    n = tx.users().count();
    return ok_status();
  }).ok());
  EXPECT_EQ(n, 2);
  // A snapshot read right after still is one.
  auto [before, after] = counts_around_a_write(&storage::Database::read, 3);
  EXPECT_EQ(before, 2);
  EXPECT_EQ(after, 2);
  EXPECT_TRUE(db_->ready());
}

// Ends the test database's other sessions (`pid`, or every one when it is 0), as a restart or
// fail-over ends them, and waits until they are gone (at most 5 s). The SQL is constant: a
// connection caches its statements by the text's address.
constexpr const char* kTerminate =
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND (?1::int = 0 OR pid = ?1::int)";
constexpr const char* kAlive =
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND (?1::int = 0 OR pid = ?1::int)";

void kill_sessions(storage::postgres::PgConnection& killer, std::int64_t pid) {
  auto kill = killer.query(kTerminate);
  kill.bind(1, pid);
  kill.step();
  for (int i = 0; i < 100; ++i) {
    auto alive = killer.query(kAlive);
    alive.bind(1, pid);
    alive.step();
    if (alive.integer(0) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "sessions still alive 5 s after they were ended";
}

void kill_other_sessions(storage::postgres::PgConnection& killer) { kill_sessions(killer, 0); }

// A fresh, migrated PostgreSQL database for a test of bare connections; its URL.
std::string migrated_database(const std::string& prefix) {
  storage::DatabaseOptions o;
  o.url = test_db_url(make_temp_dir(prefix));
  storage::open_database(o);
  return o.url;
}

}  // namespace

// A reader whose server session is killed (fail-over, restart, an administrator): the command
// that finds out may fail, never hang; the next read works on a new session with the connection's
// settings, whether the kill came while a read's COMMIT answer was still unread or not.
TEST(PgReaderConnection, SurvivesItsServerSessionBeingKilled) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  const std::string url = migrated_database("dz-pgkill");
  storage::postgres::PgConnection reader(url), killer(url);
  constexpr const char* kBegin = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  const auto read_one = [&](const char* sql) {
    reader.defer_begin(kBegin);
    auto q = reader.query(sql);
    EXPECT_TRUE(q.step());
    std::string v = q.text(0);
    reader.commit_without_waiting();
    return v;
  };
  const std::string timeout = read_one("SHOW idle_in_transaction_session_timeout");
  for (bool commit_unread : {true, false}) {
    SCOPED_TRACE(commit_unread ? "killed with a COMMIT answer unread" : "killed while idle");
    const std::string pid = read_one("SELECT pg_backend_pid()::text");
    if (!commit_unread) reader.query("SELECT 1").step();  // reads the COMMIT's answer
    kill_sessions(killer, std::stoll(pid));
    try {
      read_one("SELECT 1");  // may learn of the kill here
    } catch (const storage::StorageError&) {
    }
    EXPECT_EQ(read_one("SHOW idle_in_transaction_session_timeout"), timeout);
    EXPECT_NE(read_one("SELECT pg_backend_pid()::text"), pid);
  }
  // A read that fails before its first statement (Database::read's abort_read): the BEGIN the
  // server never saw is dropped, so the connection's next statement runs outside any transaction.
  reader.defer_begin(kBegin);
  reader.rollback_read();
  reader.query("SELECT 1").step();
  EXPECT_EQ(PQtransactionStatus(reader.handle()), PQTRANS_IDLE);
}

// A pooled reader's server session killed while it sat idle in the pool: the next read through
// it succeeds (its first statement is sent again on a new session), in a snapshot read and in a
// read of single statements, and so does a read whose first statement is a new one for the
// connection (prepared first).
TEST(PgReaderConnection, TheFirstReadAfterItsServerSessionWasKilledSucceeds) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  storage::DatabaseOptions o;
  o.url = test_db_url(make_temp_dir("dz-pgkill-reader"));
  o.reader_connections = 1;  // the read after the kill takes the killed connection
  auto db = storage::open_database(o);
  ASSERT_TRUE(db->write([](storage::Tx& tx) {
    tx.users().insert(identity::synth_citizen(kSeed, 1, "hash", 1'700'000'000'000));
    return ok_status();
  }).ok());
  const auto count = [](std::int64_t& n) {
    return [&n](storage::Tx& tx) {
      n = tx.users().count();
      return ok_status();
    };
  };
  std::int64_t n = -1;
  ASSERT_TRUE(db->read(count(n)).ok());
  ASSERT_TRUE(db->read_statements(count(n)).ok());
  storage::postgres::PgConnection killer(o.url);
  for (bool snapshot : {true, false}) {
    SCOPED_TRACE(snapshot ? "Database::read" : "Database::read_statements");
    kill_other_sessions(killer);
    n = -1;
    Status s = snapshot ? db->read(count(n)) : db->read_statements(count(n));
    EXPECT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(n, 1);
  }
  kill_other_sessions(killer);
  bool found = false;
  Status s = db->read([&](storage::Tx& tx) {
    found = tx.users().by_cnic(identity::synth_citizen(kSeed, 1, "hash", 0).cnic).has_value();
    return ok_status();
  });
  EXPECT_TRUE(s.ok()) << s.error().detail;
  EXPECT_TRUE(found);
}

// What is never sent again after a lost session: a reader's statement inside a snapshot that
// already handed rows over (a new session would answer from another snapshot), and any statement
// of a read-write connection (it may have written). Each fails; the connection's next use works.
TEST(PgReaderConnection, NoStatementAfterTheFirstOfASnapshotNorAnyWriteIsSentAgain) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  const std::string url = migrated_database("dz-pgkill-noretry");
  using storage::postgres::PgConnection;
  PgConnection reader(url, PgConnection::Use::read_only), writer(url), killer(url);
  const auto pid_of = [](PgConnection& c) {
    auto q = c.query("SELECT pg_backend_pid()::text");
    EXPECT_TRUE(q.step());
    return q.text(0);
  };
  reader.defer_begin("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  const std::string reader_pid = pid_of(reader);  // the snapshot's first statement: rows handed over
  const std::string writer_pid = pid_of(writer);
  kill_other_sessions(killer);
  EXPECT_THROW(reader.query("SELECT 1").step(), storage::StorageError);
  EXPECT_THROW(writer.query("SELECT 1").step(), storage::StorageError);
  reader.rollback_read();
  EXPECT_NE(pid_of(reader), reader_pid);
  EXPECT_NE(pid_of(writer), writer_pid);
}

// The writer's server session killed (a restart or fail-over ends every session): the first write
// after it succeeds. Its batch's BEGIN finds the connection gone and, since nothing of the batch
// has run, starts it again on a new session instead of failing the batch's callers.
TEST(PgWriterConnection, TheFirstWriteAfterItsServerSessionWasKilledSucceeds) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  storage::DatabaseOptions o;
  o.url = test_db_url(make_temp_dir("dz-pgkill-writer"));
  auto db = storage::open_database(o);
  const auto write_one = [&] { return db->write([](storage::Tx&) { return ok_status(); }); };
  ASSERT_TRUE(write_one().ok());
  storage::postgres::PgConnection killer(o.url);
  kill_other_sessions(killer);
  Status first = write_one();
  EXPECT_TRUE(first.ok()) << first.error().detail;
  EXPECT_TRUE(write_one().ok());
}

// A statement planned per use (Connection::query_planned_per_use) is never a server-side prepared
// statement, so PostgreSQL plans it for each execution's values and never falls back to a generic
// plan: after many executions (a prepared statement may get its generic plan after the fifth),
// `pg_prepared_statements` holds the prepared statement and not it. Its values are bound as
// usual, in a deferred BEGIN's pipeline too, and a session lost between executions is survived.
TEST(PgReaderConnection, AStatementPlannedPerUseIsNeverPrepared) {
  if (!testing_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  const std::string url = migrated_database("dz-pgplan");
  using storage::postgres::PgConnection;
  PgConnection reader(url, PgConnection::Use::read_only), killer(url);
  constexpr const char* kPerUse = "SELECT ?1::bigint * 2 AS per_use_marker, ?2 || 'x'";
  constexpr const char* kPrepared = "SELECT ?1::bigint * 3 AS prepared_marker";
  constexpr const char* kPreparedHere =
      "SELECT count(*) FILTER (WHERE statement LIKE '%per_use' || '_marker%'), "  // not its own text
      "count(*) FILTER (WHERE statement LIKE '%prepared' || '_marker%') FROM pg_prepared_statements";
  for (std::int64_t i = 1; i <= 8; ++i) {
    if (i % 2) reader.defer_begin("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    {
      auto q = reader.query_planned_per_use(kPerUse);
      q.bind_all(i, std::string("v"));
      ASSERT_TRUE(q.step());
      EXPECT_EQ(q.integer(0), 2 * i);
      EXPECT_EQ(q.text(1), "vx");
    }
    auto p = reader.query(kPrepared);
    p.bind(1, i);
    ASSERT_TRUE(p.step());
    EXPECT_EQ(p.integer(0), 3 * i);
    if (i % 2) reader.commit_without_waiting();
  }
  {
    auto here = reader.query(kPreparedHere);
    ASSERT_TRUE(here.step());
    EXPECT_EQ(here.integer(0), 0);
    EXPECT_EQ(here.integer(1), 1);
  }
  kill_other_sessions(killer);  // the per-use statement is the first to find its session gone
  auto q = reader.query_planned_per_use(kPerUse);
  q.bind_all(std::int64_t{21}, std::string("y"));
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.integer(0), 42);
}
