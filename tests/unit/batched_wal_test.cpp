// The writer's VFS shim (storage/sqlite/batched_wal.hpp): a commit's WAL writes reach the file
// in a few large writes, every commit is readable at once by a connection of the default VFS
// (another process would see the same file), also without a sync before it is published, and a
// savepoint journal larger than one write of the unix VFS spills to its file and rolls back.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include <fmt/format.h>
#include <sqlite3.h>

#include "storage/sqlite/batched_wal.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

using namespace darwaza::storage::sqlite;

namespace {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dz-bwal-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

 private:
  std::string path_;
};

// A plain connection through SQLite's default VFS, as a reader in another process would have.
class PlainReader {
 public:
  explicit PlainReader(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  }
  ~PlainReader() { sqlite3_close(db_); }
  // "count:sum of lengths:sum of the first byte" of table t, or the error.
  std::string integrity() {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &st, nullptr) != SQLITE_OK) return sqlite3_errmsg(db_);
    std::string out = sqlite3_step(st) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                                                     : sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }
  std::string digest() {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT count(*), total(length(v)), total(unicode(v)) FROM t", -1, &st, nullptr) != SQLITE_OK)
      return std::string("error: ") + sqlite3_errmsg(db_);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW)
      out = fmt::format("{}:{}:{}", sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
    else
      out = std::string("error: ") + sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string row_text(std::mt19937& rng, std::size_t bytes) {
  std::string v(bytes, 'a');
  for (char& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

// The test table, after the connection's settings.
void create_table(Connection& c, const std::string& pragmas) {
  c.exec_script((pragmas + " CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);").c_str());
}

// INSERT statements of n random rows of `bytes` (+ up to `spread`) letters, and what digest()
// then adds up.
struct Rows {
  std::string sql;
  std::int64_t count = 0, length = 0, first = 0;
  std::string digest() const { return fmt::format("{}:{}:{}", count, length, first); }
};
Rows inserts(std::mt19937& rng, const char* table, int n, std::size_t bytes, std::size_t spread = 0) {
  Rows r;
  for (int i = 0; i < n; ++i) {
    std::string v = row_text(rng, bytes + (spread ? rng() % spread : 0));
    ++r.count;
    r.length += static_cast<std::int64_t>(v.size());
    r.first += v[0];
    r.sql += fmt::format("INSERT INTO {}(v) VALUES('{}');", table, v);
  }
  return r;
}

}  // namespace

TEST(BatchedWal, ACommitReachesTheFileInAFewLargeWrites) {
  TempFolder dir;
  Connection writer(dir.file("t.db"), false);
  create_table(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  std::mt19937 rng(7);
  const Rows rows = inserts(rng, "t", 600, 2000);
  const std::string sql = "BEGIN;" + rows.sql + "COMMIT;";
  const std::size_t bytes = static_cast<std::size_t>(rows.length);
  const BatchedWalStats before = batched_wal_stats();
  writer.exec_script(sql.c_str());
  const BatchedWalStats after = batched_wal_stats();
  const auto gathered = after.gathered_writes - before.gathered_writes;
  const auto os = after.os_writes - before.os_writes;
  // ~300 pages of 4 KiB: two writes each from SQLite, a dozen chunks of ~124 KiB to the OS.
  EXPECT_GE(gathered, 2 * bytes / 4096);
  EXPECT_GT(os, 0u);
  EXPECT_LE(os, gathered / 20) << gathered << " WAL writes became " << os;
  PlainReader reader(dir.file("t.db"));
  EXPECT_EQ(reader.digest(), rows.digest());
}

// With synchronous=OFF SQLite publishes a commit without syncing the log first: the frames must
// be in the file by then, or a reader follows the WAL index to bytes that are not there yet.
TEST(BatchedWal, EveryCommitIsReadableAtOnceWithoutASync) {
  TempFolder dir;
  Connection writer(dir.file("t.db"), false);
  create_table(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
  PlainReader reader(dir.file("t.db"));
  std::mt19937 rng(11);
  Rows all;
  for (int round = 0; round < 60; ++round) {
    const Rows rows = inserts(rng, "t", 1 + round % 7, 500, 3000);
    all.count += rows.count;
    all.length += rows.length;
    all.first += rows.first;
    const std::string sql = "BEGIN;" + rows.sql + "COMMIT;";
    writer.exec_script(sql.c_str());
    ASSERT_EQ(reader.digest(), all.digest()) << "after commit " << round;
  }
}

// A savepoint journal past the in-memory threshold is written to its file in one call of more
// than the unix VFS writes at once (128 KiB - 1 bytes); through the shim it lands, and rolling
// the savepoint back restores every row.
TEST(BatchedWal, ALargeSavepointJournalSpillsAndRollsBack) {
  TempFolder dir;
  Connection writer(dir.file("t.db"), false);
  create_table(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  std::mt19937 rng(13);
  writer.exec_script(("BEGIN;" + inserts(rng, "t", 2000, 1500).sql + "COMMIT;").c_str());
  PlainReader reader(dir.file("t.db"));
  const std::string before = reader.digest();
  // ~3 MiB of pages changed inside the savepoint: far past the threshold.
  const auto journal_writes = batched_wal_stats().journal_writes;
  writer.exec_script("BEGIN; SAVEPOINT job; UPDATE t SET v = 'z' || substr(v, 2);");
  EXPECT_GT(batched_wal_stats().journal_writes, journal_writes) << "the savepoint journal never spilled";
  writer.exec_script("ROLLBACK TO job; RELEASE job; COMMIT;");
  EXPECT_EQ(reader.digest(), before);
  writer.exec_script("BEGIN; SAVEPOINT job; UPDATE t SET v = 'z' || substr(v, 2); RELEASE job; COMMIT;");
  EXPECT_NE(reader.digest(), before);
  EXPECT_EQ(reader.digest().substr(0, 5), "2000:");
}

// A transaction too large for its page cache writes frames before its commit; rolled back, they
// must not stay gathered: the next writer (here another connection) appends at the same offsets,
// and a late write-out of the abandoned frames would overwrite its commit.
TEST(BatchedWal, ARolledBackSpillNeverLandsOnAnotherWritersCommit) {
  TempFolder dir;
  Connection a(dir.file("t.db"), false);
  create_table(a, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=10;");
  a.exec_script("PRAGMA wal_checkpoint(TRUNCATE);");
  // The log starts over with a's transaction, and its rollback re-reads pages from the database
  // file, not the log: nothing makes a write out its abandoned frames before b writes.
  std::mt19937 rng(17);
  a.exec_script(("BEGIN;" + inserts(rng, "t", 400, 1500).sql).c_str());
  a.exec_script("ROLLBACK;");
  // b's commit covers the offsets of a's abandoned frames.
  Connection b(dir.file("t.db"), false);
  const Rows rows = inserts(rng, "t", 400, 1500);
  b.exec_script(("PRAGMA synchronous=FULL; BEGIN;" + rows.sql + "COMMIT;").c_str());
  a.exec_script("SELECT count(*) FROM t;");  // a's next use of the log
  PlainReader reader(dir.file("t.db"));
  EXPECT_EQ(reader.integrity(), "ok");
  EXPECT_EQ(reader.digest(), rows.digest());
}

// When a transaction rewrites a page it spilled earlier, SQLite rewrites the frames' checksums in
// place at commit (a read, then a 24-byte header write, per frame), the commit frame's last. With
// synchronous=NORMAL nothing syncs after that: the header must be in the file anyway, or a
// recovery from the files (after a crash) would end the log before this commit.
TEST(BatchedWal, ChecksumsRewrittenAtCommitReachTheFile) {
  TempFolder dir;
  Connection w(dir.file("t.db"), false);
  create_table(w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=10;");
  std::mt19937 rng(19);
  w.exec_script(("BEGIN;" + inserts(rng, "t", 400, 1500).sql +
                 "UPDATE t SET v = 'z' || substr(v, 2) WHERE id <= 20; COMMIT;").c_str());
  // The files as a crash would leave them (the writer still open, nothing closed or synced).
  for (const char* suffix : {"", "-wal"})
    std::filesystem::copy_file(dir.file(std::string("t.db") + suffix), dir.file(std::string("copy.db") + suffix));
  PlainReader copy(dir.file("copy.db"));
  EXPECT_EQ(copy.integrity(), "ok");
  EXPECT_EQ(copy.digest().substr(0, 4), "400:");
}

// A temporary table's journal spills like a savepoint journal (same threshold).
TEST(BatchedWal, ATemporaryTablesLargeJournalSpills) {
  TempFolder dir;
  Connection w(dir.file("t.db"), false);
  w.exec_script("PRAGMA journal_mode=WAL; CREATE TEMP TABLE tt(id INTEGER PRIMARY KEY, v TEXT);");
  std::mt19937 rng(23);
  const std::string sql =
      "BEGIN;" + inserts(rng, "tt", 1000, 1500).sql + "COMMIT; BEGIN; UPDATE tt SET v = 'z' || substr(v, 2); ROLLBACK;";
  const auto journal_writes = batched_wal_stats().journal_writes;
  EXPECT_NO_THROW(w.exec_script(sql.c_str()));
  EXPECT_GT(batched_wal_stats().journal_writes, journal_writes) << "the temporary journal never spilled";
}
