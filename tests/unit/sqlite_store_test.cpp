// The SQLite engine: migrations, durable group commit with per-write rollback, snapshots.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <filesystem>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "identity/errors.hpp"
#include "storage/database.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "temp_db.hpp"

using namespace darwaza;

namespace {

using testing_support::TempDb;

identity::User user(int i) {
  identity::User u;
  u.id = "usr_" + std::to_string(i);
  u.cnic = fmt::format("{:05}-{:07}-1", i, i);
  u.name = "U" + std::to_string(i);
  u.email = "u" + std::to_string(i) + "@example.pk";
  u.mobile = "+923000000000";
  u.password_hash = "x";
  return u;
}

}  // namespace

TEST(SqliteStore, MigratesToLatestVersion) {
  TempDb t;
  EXPECT_GE(t.db->schema_version(), 1);
  EXPECT_TRUE(t.db->ready());
  EXPECT_EQ(t.db->engine(), "sqlite");
}

TEST(SqliteStore, ConcurrentWritersAreAllCommittedAndShareCommits) {
  TempDb t;
  constexpr int kThreads = 32, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = th * kPerThread + i + 1;
        Status s = t.db->write([&](storage::Tx& tx) {
          tx.users().insert(user(n));
          return ok_status();
        });
        if (!s.ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::int64_t count = 0;
  ASSERT_TRUE(t.db->read([&](storage::Tx& tx) {
                    count = tx.users().count();
                    return ok_status();
                  }).ok());
  EXPECT_EQ(count, kThreads * kPerThread);
  // Group commit: fewer commits than writes under concurrency (each commit is one fsync).
  EXPECT_LT(t.commits.load(), kThreads * kPerThread);
}

TEST(SqliteStore, FailedWriteRollsBackAloneInItsBatch) {
  TempDb t;
  Status bad = t.db->write([&](storage::Tx& tx) -> Status {
    tx.users().insert(user(1));
    return identity::error(identity::Errc::duplicate_cnic);  // the function refuses: undo its insert
  });
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().type, "duplicate-cnic");
  Status thrown = t.db->write([&](storage::Tx& tx) -> Status {
    tx.users().insert(user(2));
    tx.users().insert(user(2));  // UNIQUE violation throws StorageError
    return ok_status();
  });
  EXPECT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().kind, ErrorKind::internal);
  ASSERT_TRUE(t.db->write([&](storage::Tx& tx) {
                    tx.users().insert(user(3));
                    return ok_status();
                  }).ok());
  std::int64_t count = -1;
  (void)t.db->read([&](storage::Tx& tx) {
    count = tx.users().count();
    return ok_status();
  });
  EXPECT_EQ(count, 1);
}

// An asynchronous write hands its result to the caller's `post`, and only once it is durable:
// nothing reaches the caller before the writer has committed, the result is the function's own
// (a refusal rolls back alone, as with write()), and the writer thread never runs the caller's next step.
TEST(SqliteStore, AsyncWriteAnswersThroughThePostOnceCommitted) {
  TempDb t;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::function<void()>> posted;  // the caller's "event loop"
  storage::Post post = [&](std::function<void()> fn) {
    std::lock_guard lock(mu);
    posted.push_back(std::move(fn));
    cv.notify_all();
  };
  auto run_posted = [&] {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return !posted.empty(); }));
    auto fn = std::move(posted.front());
    posted.erase(posted.begin());
    lock.unlock();
    fn();
  };
  const auto caller = std::this_thread::get_id();
  std::optional<Status> good, refused;
  std::thread::id ran_on, answered_on;
  int commits_seen = -1;
  const int commits_before = t.commits.load();
  t.db->write_async(
      [&](storage::Tx& tx) {
        ran_on = std::this_thread::get_id();
        tx.users().insert(user(1));
        return ok_status();
      },
      post,
      [&](Status s) {
        answered_on = std::this_thread::get_id();
        commits_seen = t.commits.load();
        good = std::move(s);
      });
  t.db->write_async(
      [&](storage::Tx& tx) -> Status {
        tx.users().insert(user(2));
        return identity::error(identity::Errc::duplicate_cnic);
      },
      post, [&](Status s) { refused = std::move(s); });
  run_posted();
  run_posted();
  ASSERT_TRUE(good && refused);
  EXPECT_TRUE(good->ok());
  EXPECT_NE(ran_on, caller);        // the writer ran the function
  EXPECT_EQ(answered_on, caller);   // the caller's loop ran the answer
  EXPECT_GT(commits_seen, commits_before);  // after the commit
  ASSERT_FALSE(refused->ok());
  EXPECT_EQ(refused->error().type, "duplicate-cnic");
  std::int64_t count = -1;
  (void)t.db->read([&](storage::Tx& tx) {
    count = tx.users().count();
    return ok_status();
  });
  EXPECT_EQ(count, 1);
  // write_value_async carries the function's value out the same way.
  std::optional<Result<std::string>> value;
  storage::write_value_async<std::string>(
      *t.db, [](storage::Tx& tx) -> Result<std::string> {
        tx.users().insert(user(3));
        return std::string("usr-3");
      },
      post, [&](Result<std::string> r) { value = std::move(r); });
  run_posted();
  ASSERT_TRUE(value && value->ok());
  EXPECT_EQ(**value, "usr-3");
}

TEST(SqliteStore, ReadsCannotWrite) {
  TempDb t;
  Status s = t.db->read([&](storage::Tx& tx) {
    tx.users().insert(user(1));
    return ok_status();
  });
  EXPECT_FALSE(s.ok());
}

// The writer commits without flushing the log; a write is answered only after a flush that
// began once it had committed (the syncer's), whether its caller waits or not.
TEST(SqliteStore, AWriteIsAnsweredOnlyAfterTheLogIsFlushed) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("dz-unit-" + crypto::random_hex(6));
  std::filesystem::create_directories(dir);
  std::atomic<int> flushes{0};
  storage::DatabaseOptions o;
  o.url = (dir / "f.db").string();
  o.on_sync = [&](double) { ++flushes; };
  {
    auto db = storage::open_database(o);
    for (int i = 0; i < 3; ++i) {
      const int before = flushes.load();
      ASSERT_TRUE(db->write([&](storage::Tx& tx) {
                      tx.users().insert(user(10 + i));
                      return ok_status();
                    }).ok());
      EXPECT_GT(flushes.load(), before) << "write " << i << " answered before a flush";
    }
    std::promise<int> seen;
    const int before = flushes.load();
    db->write_async([](storage::Tx& tx) {
                      tx.users().insert(user(20));
                      return ok_status();
                    },
                    [](std::function<void()> fn) { fn(); },  // answered on the syncer itself
                    [&](Status s) { seen.set_value(s.ok() ? flushes.load() : -1); });
    EXPECT_GT(seen.get_future().get(), before);
  }
  std::filesystem::remove_all(dir);
}

// An in-memory database (the route listing and the fuzz targets use one) has no log to flush:
// its writes are answered at commit.
TEST(SqliteStore, AnInMemoryDatabaseWritesWithoutALogToFlush) {
  storage::DatabaseOptions o;
  o.url = "sqlite::memory:";
  o.reader_connections = 1;
  auto db = storage::open_database(o);
  EXPECT_TRUE(db->write([&](storage::Tx& tx) {
                  tx.users().insert(user(1));
                  return ok_status();
                }).ok());
  EXPECT_TRUE(db->ready());
}

TEST(SqliteStore, DataPersistsAcrossReopen) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("dz-unit-" + crypto::random_hex(6));
  std::filesystem::create_directories(dir);
  storage::DatabaseOptions o;
  o.url = (dir / "p.db").string();
  {
    auto db = storage::open_database(o);
    ASSERT_TRUE(db->write([&](storage::Tx& tx) {
                      tx.users().insert(user(7));
                      return ok_status();
                    }).ok());
  }
  {
    auto db = storage::open_database(o);
    bool found = false;
    (void)db->read([&](storage::Tx& tx) {
      found = tx.users().by_cnic(user(7).cnic).has_value();
      return ok_status();
    });
    EXPECT_TRUE(found);
  }
  std::filesystem::remove_all(dir);
}

// The change feed other nodes follow: written objects of a type, between two positions, in order.
TEST(SqliteStore, AuditWrittenObjectsAreTheChangeFeed) {
  TempDb t;
  const std::vector<audit::Act> acts = {
      {"registry.schema.load", "registry", "vpn"},                           // 1
      {"registry.record.create", "registry_record", "rec_a"},                // 2
      {"registry.record.read", "registry_record", "rec_a"},                  // 3: a read
      {"application.submit", "application", "app_1"},                       // 4: another type
      {"registry.record.suspend", "registry_record", "rec_b", "", "", "", "denied"},  // 5: refused
      {"registry.record.revoke", "registry_record", "rec_b"},                // 6
  };
  ASSERT_TRUE(t.db->write([&](storage::Tx& tx) {
    for (const auto& a : acts) audit::record(tx, audit::system_actor(), 1000, a);
    return ok_status();
  }).ok());
  std::vector<storage::WrittenObject> all, after_two, limited;
  ASSERT_TRUE(t.db->read([&](storage::Tx& tx) {
    all = tx.audit().written_objects(0, 6, "registry", 100);
    after_two = tx.audit().written_objects(2, 5, "registry", 100);
    limited = tx.audit().written_objects(0, 6, "registry", 2);
    return ok_status();
  }).ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].seq, 1);
  EXPECT_EQ(all[0].object_type, "registry");
  EXPECT_EQ(all[1].object_id, "rec_a");
  EXPECT_EQ(all[2].seq, 6);
  EXPECT_EQ(all[2].object_id, "rec_b");
  EXPECT_TRUE(after_two.empty());  // 3 is a read, 4 another type, 5 refused
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1].seq, 2);
}

// Steady writing never lets the write-ahead log grow past its limit: it is copied into the
// database file (by the checkpointer, or by the writer itself past its limit) and starts over.
// A checkpoint at 1,000 pages (limit 4,000) so that 48 MB of writing reaches the limit several times.
TEST(SqliteStore, SteadyWritingKeepsTheWalBounded) {
  constexpr int kCheckpointPages = 1000;
  TempDb t("dz-unit", kCheckpointPages);
  const auto main_file = t.dir / "t.db";
  const auto wal_file = t.dir / "t.db-wal";
  const std::string big(8000, 'x');  // about two pages a row
  constexpr int kBatches = 60, kRows = 100;
  constexpr std::uintmax_t kFrameBytes = 4096 + 24;
  // The limit, plus the batches written while a checkpoint already running (the checkpointer's)
  // finishes: the writer's own attempt at the limit then finds it busy. Two batches were too few on
  // a loaded CI machine (21.6 MB against 19.0 MB, once); the bound still fails a log that keeps growing.
  constexpr std::uintmax_t kBound = (kCheckpointPages * storage::sqlite::kWalLimitFactor + 4 * kRows * 3) * kFrameBytes;
  std::uintmax_t largest = 0;
  for (int batch = 0; batch < kBatches; ++batch) {
    Status s = t.db->write([&](storage::Tx& tx) {
      for (int i = 0; i < kRows; ++i) {
        auto u = user(batch * kRows + i + 1);
        u.name = big;
        tx.users().insert(u);
      }
      return ok_status();
    });
    ASSERT_TRUE(s.ok()) << s.error().detail;
    largest = std::max(largest, std::filesystem::file_size(wal_file));
  }
  EXPECT_LE(largest, kBound);
  // 48 MB were written and at most the bound is in the log: the rest is in the database file.
  constexpr std::uintmax_t kWritten = std::uintmax_t{kBatches} * kRows * 8000;
  EXPECT_GE(std::filesystem::file_size(main_file) + largest, kWritten);
}
