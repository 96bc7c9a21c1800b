#include "storage/sqlite/batched_wal.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <algorithm>

#include <sqlite3.h>

namespace darwaza::storage::sqlite {
namespace {

constexpr const char* kVfsName = "darwaza-batched-wal";
// Gathered bytes beyond which the buffer is written out before more are taken (a commit of a
// few hundred pages is ~1.5 MiB; a larger one simply writes out part-way).
constexpr std::size_t kBufferBytes = 4 * 1024 * 1024;
// Bytes per write handed to the default VFS: the unix VFS writes at most 128 KiB - 1 bytes per
// call (its seekAndWrite masks the length with 0x1ffff) and reports a longer write as a full
// disk, so the buffer goes out in chunks of whole 4 KiB pages below that.
constexpr std::size_t kChunkBytes = 31 * 4096;

std::atomic<std::uint64_t> g_gathered{0};
std::atomic<std::uint64_t> g_os_writes{0};
std::atomic<std::uint64_t> g_journal_writes{0};

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_vfs;

struct DbFile;

// A WAL or savepoint-journal file opened through this VFS: this header, then the default VFS's file.
struct WalFile {
  sqlite3_file base;   // pMethods: kWalMethods or kSplitMethods
  sqlite3_file* real;  // the default VFS's file, right after this struct
  char* buffer;        // the gathered bytes [at, at + len), kBufferBytes once allocated
  std::size_t len;
  sqlite3_int64 at;
  // The last call was a gathered frame header: its offset (-1: none) and whether it ends a commit.
  sqlite3_int64 header_at;
  bool header_ends_commit;
  DbFile* db;          // the database file of the same connection, if opened through this VFS
};

// A database file opened through this VFS: everything goes to the default VFS's file, which
// follows this header; the connection's WAL is written out before its write lock is released.
struct DbFile {
  sqlite3_file base;   // pMethods: kDbMethods
  sqlite3_file* real;
  WalFile* wal;
};

// SQLite writes a frame as its 24-byte header, then the page. Header bytes 4-7 hold, in a
// commit's last frame only, the database size in pages after the commit (zero in other frames).
constexpr int kFrameHeaderBytes = 24;
bool is_commit_header(const void* data, int n) {
  if (n != kFrameHeaderBytes) return false;
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

// header_at when the last call was a read (-1 after anything else that is not a header).
constexpr sqlite3_int64 kAfterRead = -2;

WalFile* self(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }
const sqlite3_io_methods& real_methods(WalFile* f) { return *f->real->pMethods; }

int write_out(WalFile* f) {
  if (f->len == 0) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f->len && rc == SQLITE_OK;) {
    const std::size_t n = std::min(kChunkBytes, f->len - done);
    rc = real_methods(f).xWrite(f->real, f->buffer + done, static_cast<int>(n), f->at + static_cast<sqlite3_int64>(done));
    g_os_writes.fetch_add(1, std::memory_order_relaxed);
    done += n;
  }
  // Written or failed, the bytes are no longer held: a failure fails the transaction that made them.
  f->len = 0;
  return rc;
}

int wal_close(sqlite3_file* pf) {
  WalFile* f = self(pf);
  int rc = write_out(f);
  if (f->db && f->db->wal == f) f->db->wal = nullptr;
  int closed = real_methods(f).xClose(f->real);
  std::free(f->buffer);
  f->buffer = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int wal_read(sqlite3_file* pf, void* out, int n, sqlite3_int64 off) {
  WalFile* f = self(pf);
  f->header_at = kAfterRead;
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xRead(f->real, out, n, off);
}

int write_through(WalFile* f, const void* data, int n, sqlite3_int64 off) {
  f->header_at = -1;
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  g_os_writes.fetch_add(1, std::memory_order_relaxed);
  return real_methods(f).xWrite(f->real, data, n, off);
}

int gather(WalFile* f, const void* data, std::size_t size, sqlite3_int64 off) {
  if (f->len > 0 && (off != f->at + static_cast<sqlite3_int64>(f->len) || f->len + size > kBufferBytes))
    if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  if (!f->buffer) {
    f->buffer = static_cast<char*>(std::malloc(kBufferBytes));
    if (!f->buffer) return SQLITE_IOERR_NOMEM;
  }
  if (f->len == 0) f->at = off;
  std::memcpy(f->buffer + f->len, data, size);
  f->len += size;
  return SQLITE_OK;
}

// Only the two writes of a frame appended by walWriteOneFrame are gathered: a 24-byte header
// (not right after a read: walRewriteChecksums rewrites headers in place after reading each
// frame), then the page right behind it. Anything else goes straight through, after what is
// gathered: the log's own header, pieces of a frame cut at a sync point, rewritten headers.
int wal_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  WalFile* f = self(pf);
  g_gathered.fetch_add(1, std::memory_order_relaxed);
  const auto size = static_cast<std::size_t>(n);
  const bool after_read = f->header_at == kAfterRead;
  if (n == kFrameHeaderBytes && !after_read) {
    if (int rc = gather(f, data, size, off); rc != SQLITE_OK) return rc;
    f->header_at = off;
    f->header_ends_commit = is_commit_header(data, n);
    return SQLITE_OK;
  }
  if (f->header_at < 0 || off != f->header_at + kFrameHeaderBytes || size > kBufferBytes)
    return write_through(f, data, n, off);
  f->header_at = -1;
  if (int rc = gather(f, data, size, off); rc != SQLITE_OK) return rc;
  // The page of a commit's last frame: the commit is written out now, before SQLite syncs it or
  // (with synchronous below FULL) publishes it to readers, and a failure fails this write.
  return f->header_ends_commit ? write_out(f) : SQLITE_OK;
}

int wal_truncate(sqlite3_file* pf, sqlite3_int64 size) {
  WalFile* f = self(pf);
  f->header_at = -1;
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xTruncate(f->real, size);
}

int wal_sync(sqlite3_file* pf, int flags) {
  WalFile* f = self(pf);
  f->header_at = -1;
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xSync(f->real, flags);
}

int wal_file_size(sqlite3_file* pf, sqlite3_int64* size) {
  WalFile* f = self(pf);
  f->header_at = -1;
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xFileSize(f->real, size);
}

int wal_file_control(sqlite3_file* pf, int op, void* arg) {
  WalFile* f = self(pf);
  f->header_at = -1;
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xFileControl(f->real, op, arg);
}

int wal_lock(sqlite3_file* pf, int level) { return real_methods(self(pf)).xLock(self(pf)->real, level); }
int wal_unlock(sqlite3_file* pf, int level) { return real_methods(self(pf)).xUnlock(self(pf)->real, level); }
int wal_check_reserved(sqlite3_file* pf, int* out) {
  return real_methods(self(pf)).xCheckReservedLock(self(pf)->real, out);
}
int wal_sector_size(sqlite3_file* pf) { return real_methods(self(pf)).xSectorSize(self(pf)->real); }
int wal_device(sqlite3_file* pf) { return real_methods(self(pf)).xDeviceCharacteristics(self(pf)->real); }

// Savepoint (statement) journals: SQLite keeps one in memory up to a threshold, then writes all
// of it to its file in one call (sqlite_connection.cpp); that write is handed over in chunks.
int split_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  WalFile* f = self(pf);
  g_journal_writes.fetch_add(1, std::memory_order_relaxed);
  const auto* bytes = static_cast<const char*>(data);
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < static_cast<std::size_t>(n) && rc == SQLITE_OK;) {
    const std::size_t part = std::min(kChunkBytes, static_cast<std::size_t>(n) - done);
    rc = real_methods(f).xWrite(f->real, bytes + done, static_cast<int>(part), off + static_cast<sqlite3_int64>(done));
    done += part;
  }
  return rc;
}
int pass_close(sqlite3_file* pf) { return real_methods(self(pf)).xClose(self(pf)->real); }
int pass_read(sqlite3_file* pf, void* out, int n, sqlite3_int64 off) {
  return real_methods(self(pf)).xRead(self(pf)->real, out, n, off);
}
int pass_truncate(sqlite3_file* pf, sqlite3_int64 size) { return real_methods(self(pf)).xTruncate(self(pf)->real, size); }
int pass_sync(sqlite3_file* pf, int flags) { return real_methods(self(pf)).xSync(self(pf)->real, flags); }
int pass_file_size(sqlite3_file* pf, sqlite3_int64* size) { return real_methods(self(pf)).xFileSize(self(pf)->real, size); }
int pass_file_control(sqlite3_file* pf, int op, void* arg) {
  return real_methods(self(pf)).xFileControl(self(pf)->real, op, arg);
}

const sqlite3_io_methods kSplitMethods = {
    1,          pass_close, pass_read,          split_write,       pass_truncate,   pass_sync, pass_file_size,
    wal_lock,   wal_unlock, wal_check_reserved, pass_file_control, wal_sector_size, wal_device,
    nullptr,    nullptr,    nullptr,            nullptr,           nullptr,         nullptr,
};

// Version 1: SQLite uses no shared memory or memory mapping on a WAL file.
const sqlite3_io_methods kWalMethods = {
    1,          wal_close,  wal_read,           wal_write,        wal_truncate,    wal_sync, wal_file_size,
    wal_lock,   wal_unlock, wal_check_reserved, wal_file_control, wal_sector_size, wal_device,
    nullptr,    nullptr,    nullptr,            nullptr,          nullptr,         nullptr,
};

// ---- database files ------------------------------------------------------------------------------

DbFile* db_self(sqlite3_file* f) { return reinterpret_cast<DbFile*>(f); }
const sqlite3_io_methods& db_real(sqlite3_file* f) { return *db_self(f)->real->pMethods; }
sqlite3_file* db_inner(sqlite3_file* f) { return db_self(f)->real; }

int db_close(sqlite3_file* pf) {
  DbFile* f = db_self(pf);
  if (f->wal && f->wal->db == f) f->wal->db = nullptr;
  return db_real(pf).xClose(f->real);
}
int db_read(sqlite3_file* pf, void* out, int n, sqlite3_int64 off) { return db_real(pf).xRead(db_inner(pf), out, n, off); }
int db_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  return db_real(pf).xWrite(db_inner(pf), data, n, off);
}
int db_truncate(sqlite3_file* pf, sqlite3_int64 size) { return db_real(pf).xTruncate(db_inner(pf), size); }
int db_sync(sqlite3_file* pf, int flags) { return db_real(pf).xSync(db_inner(pf), flags); }
int db_file_size(sqlite3_file* pf, sqlite3_int64* size) { return db_real(pf).xFileSize(db_inner(pf), size); }
int db_lock(sqlite3_file* pf, int level) { return db_real(pf).xLock(db_inner(pf), level); }
int db_unlock(sqlite3_file* pf, int level) { return db_real(pf).xUnlock(db_inner(pf), level); }
int db_check_reserved(sqlite3_file* pf, int* out) { return db_real(pf).xCheckReservedLock(db_inner(pf), out); }
int db_file_control(sqlite3_file* pf, int op, void* arg) { return db_real(pf).xFileControl(db_inner(pf), op, arg); }
int db_sector_size(sqlite3_file* pf) { return db_real(pf).xSectorSize(db_inner(pf)); }
int db_device(sqlite3_file* pf) { return db_real(pf).xDeviceCharacteristics(db_inner(pf)); }
int db_shm_map(sqlite3_file* pf, int region, int size, int extend, void volatile** out) {
  return db_real(pf).xShmMap(db_inner(pf), region, size, extend, out);
}
// WAL_WRITE_LOCK in wal.c: the first lock slot, held exclusively by the one writer of the log.
constexpr int kWalWriteLockSlot = 0;
// Before the connection gives up the log's write lock, nothing of the log may stay gathered:
// another writer appends at the same offsets next, and a later write-out of frames this
// connection rolled back (spilled from its page cache, then abandoned) would overwrite that
// writer's commit. Committed frames are never here (written out with the commit's last frame),
// so a failure to write rolled-back frames loses nothing.
int db_shm_lock(sqlite3_file* pf, int offset, int n, int flags) {
  DbFile* f = db_self(pf);
  if (f->wal && offset == kWalWriteLockSlot && n == 1 && flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE)) {
    f->wal->header_at = -1;
    (void)write_out(f->wal);
  }
  return db_real(pf).xShmLock(f->real, offset, n, flags);
}
void db_shm_barrier(sqlite3_file* pf) { db_real(pf).xShmBarrier(db_inner(pf)); }
int db_shm_unmap(sqlite3_file* pf, int remove) { return db_real(pf).xShmUnmap(db_inner(pf), remove); }
int db_fetch(sqlite3_file* pf, sqlite3_int64 off, int n, void** out) { return db_real(pf).xFetch(db_inner(pf), off, n, out); }
int db_unfetch(sqlite3_file* pf, sqlite3_int64 off, void* p) { return db_real(pf).xUnfetch(db_inner(pf), off, p); }

const sqlite3_io_methods kDbMethods = {
    3,           db_close,      db_read,           db_write,        db_truncate,    db_sync,     db_file_size,
    db_lock,     db_unlock,     db_check_reserved, db_file_control, db_sector_size, db_device,   db_shm_map,
    db_shm_lock, db_shm_barrier, db_shm_unmap,     db_fetch,        db_unfetch,
};

// Room for either header before the default VFS's file.
constexpr std::size_t kHeaderBytes = (std::max(sizeof(WalFile), sizeof(DbFile)) + 15) / 16 * 16;
sqlite3_file* inner_of(sqlite3_file* pf) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(pf) + kHeaderBytes);
}

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
  const bool wal = (flags & SQLITE_OPEN_WAL) != 0, db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  const bool split = (flags & (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL)) != 0;
  // Anything else (rollback journals, temporary files) is the default VFS's own file, in place.
  if (!wal && !db && !split) return g_default->xOpen(g_default, name, pf, flags, out_flags);
  std::memset(pf, 0, kHeaderBytes);
  sqlite3_file* real = inner_of(pf);
  int rc = g_default->xOpen(g_default, name, real, flags, out_flags);
  if (rc != SQLITE_OK || !real->pMethods) return rc;  // pMethods stays null: nothing to close
  if (db) {
    DbFile* f = db_self(pf);
    f->real = real;
    f->base.pMethods = &kDbMethods;
    return SQLITE_OK;
  }
  WalFile* f = self(pf);
  f->real = real;
  f->header_at = -1;
  f->base.pMethods = split ? &kSplitMethods : &kWalMethods;
  if (wal && name) {
    // The log's database file, opened by the same connection (through this VFS, or not at all).
    sqlite3_file* main = sqlite3_database_file_object(name);
    if (main && main->pMethods == &kDbMethods) {
      f->db = db_self(main);
      f->db->wal = f;
    }
  }
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync) { return g_default->xDelete(g_default, name, sync); }
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_default->xAccess(g_default, name, flags, out); }
int vfs_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_default->xFullPathname(g_default, name, n, out);
}
void* vfs_dlopen(sqlite3_vfs*, const char* name) { return g_default->xDlOpen(g_default, name); }
void vfs_dlerror(sqlite3_vfs*, int n, char* out) { g_default->xDlError(g_default, n, out); }
void (*vfs_dlsym(sqlite3_vfs*, void* lib, const char* sym))(void) { return g_default->xDlSym(g_default, lib, sym); }
void vfs_dlclose(sqlite3_vfs*, void* lib) { g_default->xDlClose(g_default, lib); }
int vfs_randomness(sqlite3_vfs*, int n, char* out) { return g_default->xRandomness(g_default, n, out); }
int vfs_sleep(sqlite3_vfs*, int us) { return g_default->xSleep(g_default, us); }
int vfs_current_time(sqlite3_vfs*, double* out) { return g_default->xCurrentTime(g_default, out); }
int vfs_last_error(sqlite3_vfs*, int n, char* out) { return g_default->xGetLastError(g_default, n, out); }
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_default->xCurrentTimeInt64(g_default, out);
}

}  // namespace

const char* batched_wal_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_default = sqlite3_vfs_find(nullptr);
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(kHeaderBytes) + g_default->szOsFile;
    g_vfs.mxPathname = g_default->mxPathname;
    g_vfs.zName = kVfsName;
    g_vfs.xOpen = vfs_open;
    g_vfs.xDelete = vfs_delete;
    g_vfs.xAccess = vfs_access;
    g_vfs.xFullPathname = vfs_full_pathname;
    g_vfs.xDlOpen = vfs_dlopen;
    g_vfs.xDlError = vfs_dlerror;
    g_vfs.xDlSym = vfs_dlsym;
    g_vfs.xDlClose = vfs_dlclose;
    g_vfs.xRandomness = vfs_randomness;
    g_vfs.xSleep = vfs_sleep;
    g_vfs.xCurrentTime = vfs_current_time;
    g_vfs.xGetLastError = vfs_last_error;
    g_vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return kVfsName;
}

BatchedWalStats batched_wal_stats() {
  return {g_gathered.load(std::memory_order_relaxed), g_os_writes.load(std::memory_order_relaxed),
          g_journal_writes.load(std::memory_order_relaxed)};
}

}  // namespace darwaza::storage::sqlite
