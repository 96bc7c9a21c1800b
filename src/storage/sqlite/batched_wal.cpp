#include "storage/sqlite/batched_wal.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

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

// Every file this VFS wraps starts with this header; the default VFS's file follows it at
// kHeaderBytes (see real()).
struct Shim {
  sqlite3_file base;  // pMethods: one of the tables below
};

struct DbFile;

// A WAL file: the gathered bytes and where the current frame stands.
struct WalFile {
  Shim shim;
  char* buffer;  // the gathered bytes [at, at + len), kBufferBytes once allocated
  std::size_t len;
  sqlite3_int64 at;
  // The last call was a gathered frame header: its offset (-1: none; kAfterRead after a read) and
  // whether it ends a commit.
  sqlite3_int64 header_at;
  bool header_ends_commit;
  DbFile* db;  // the database file of the same connection, if opened through this VFS
};

// A database file: its connection's WAL file, written out before the log's write lock is released.
struct DbFile {
  Shim shim;
  WalFile* wal;
};

// Room for either header before the default VFS's file.
constexpr std::size_t kHeaderBytes = (std::max(sizeof(WalFile), sizeof(DbFile)) + 15) / 16 * 16;
sqlite3_file* real(sqlite3_file* pf) { return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(pf) + kHeaderBytes); }
const sqlite3_io_methods& real_methods(sqlite3_file* pf) { return *real(pf)->pMethods; }

// SQLite writes a frame as its 24-byte header, then the page. Header bytes 4-7 hold, in a
// commit's last frame only, the database size in pages after the commit (zero in other frames).
constexpr int kFrameHeaderBytes = 24;
bool is_commit_header(const void* data, int n) {
  if (n != kFrameHeaderBytes) return false;
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}
constexpr sqlite3_int64 kAfterRead = -2;

WalFile* wal_of(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }
DbFile* db_of(sqlite3_file* f) { return reinterpret_cast<DbFile*>(f); }

// Hands n bytes at `off` to the default VFS in pieces it can take.
int write_chunks(sqlite3_file* pf, const char* data, std::size_t n, sqlite3_int64 off) {
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < n && rc == SQLITE_OK;) {
    const std::size_t part = std::min(kChunkBytes, n - done);
    rc = real_methods(pf).xWrite(real(pf), data + done, static_cast<int>(part), off + static_cast<sqlite3_int64>(done));
    g_os_writes.fetch_add(1, std::memory_order_relaxed);
    done += part;
  }
  return rc;
}

int write_out(WalFile* f) {
  if (f->len == 0) return SQLITE_OK;
  const int rc = write_chunks(&f->shim.base, f->buffer, f->len, f->at);
  // Written or failed, the bytes are no longer held: a failure fails the transaction that made them.
  f->len = 0;
  return rc;
}

// Before any call on the log but a frame's own writes: nothing stays gathered, no frame is open.
int settle(sqlite3_file* pf, sqlite3_int64 header_at = -1) {
  WalFile* f = wal_of(pf);
  f->header_at = header_at;
  return write_out(f);
}

// ---- pass-through (every wrapped file) -----------------------------------------------------------

int pass_close(sqlite3_file* pf) { return real_methods(pf).xClose(real(pf)); }
int pass_read(sqlite3_file* pf, void* out, int n, sqlite3_int64 off) { return real_methods(pf).xRead(real(pf), out, n, off); }
int pass_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  return real_methods(pf).xWrite(real(pf), data, n, off);
}
int pass_truncate(sqlite3_file* pf, sqlite3_int64 size) { return real_methods(pf).xTruncate(real(pf), size); }
int pass_sync(sqlite3_file* pf, int flags) { return real_methods(pf).xSync(real(pf), flags); }
int pass_file_size(sqlite3_file* pf, sqlite3_int64* size) { return real_methods(pf).xFileSize(real(pf), size); }
int pass_lock(sqlite3_file* pf, int level) { return real_methods(pf).xLock(real(pf), level); }
int pass_unlock(sqlite3_file* pf, int level) { return real_methods(pf).xUnlock(real(pf), level); }
int pass_check_reserved(sqlite3_file* pf, int* out) { return real_methods(pf).xCheckReservedLock(real(pf), out); }
int pass_file_control(sqlite3_file* pf, int op, void* arg) { return real_methods(pf).xFileControl(real(pf), op, arg); }
int pass_sector_size(sqlite3_file* pf) { return real_methods(pf).xSectorSize(real(pf)); }
int pass_device(sqlite3_file* pf) { return real_methods(pf).xDeviceCharacteristics(real(pf)); }
int pass_shm_map(sqlite3_file* pf, int region, int size, int extend, void volatile** out) {
  return real_methods(pf).xShmMap(real(pf), region, size, extend, out);
}
void pass_shm_barrier(sqlite3_file* pf) { real_methods(pf).xShmBarrier(real(pf)); }
int pass_shm_unmap(sqlite3_file* pf, int remove) { return real_methods(pf).xShmUnmap(real(pf), remove); }
int pass_fetch(sqlite3_file* pf, sqlite3_int64 off, int n, void** out) { return real_methods(pf).xFetch(real(pf), off, n, out); }
int pass_unfetch(sqlite3_file* pf, sqlite3_int64 off, void* p) { return real_methods(pf).xUnfetch(real(pf), off, p); }

// ---- WAL files -------------------------------------------------------------------------------------

int wal_close(sqlite3_file* pf) {
  WalFile* f = wal_of(pf);
  const int rc = write_out(f);
  if (f->db && f->db->wal == f) f->db->wal = nullptr;
  const int closed = pass_close(pf);
  std::free(f->buffer);
  f->buffer = nullptr;
  return rc != SQLITE_OK ? rc : closed;
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
  WalFile* f = wal_of(pf);
  g_gathered.fetch_add(1, std::memory_order_relaxed);
  const auto size = static_cast<std::size_t>(n);
  if (n == kFrameHeaderBytes && f->header_at != kAfterRead) {
    if (int rc = gather(f, data, size, off); rc != SQLITE_OK) return rc;
    f->header_at = off;
    f->header_ends_commit = is_commit_header(data, n);
    return SQLITE_OK;
  }
  if (f->header_at < 0 || off != f->header_at + kFrameHeaderBytes || size > kBufferBytes) {
    if (int rc = settle(pf); rc != SQLITE_OK) return rc;
    return write_chunks(pf, static_cast<const char*>(data), size, off);
  }
  f->header_at = -1;
  if (int rc = gather(f, data, size, off); rc != SQLITE_OK) return rc;
  // The page of a commit's last frame: the commit is written out now, before SQLite syncs it or
  // (with synchronous below FULL) publishes it to readers, and a failure fails this write.
  return f->header_ends_commit ? write_out(f) : SQLITE_OK;
}

int wal_read(sqlite3_file* pf, void* out, int n, sqlite3_int64 off) {
  if (int rc = settle(pf, kAfterRead); rc != SQLITE_OK) return rc;
  return pass_read(pf, out, n, off);
}
int wal_truncate(sqlite3_file* pf, sqlite3_int64 size) {
  if (int rc = settle(pf); rc != SQLITE_OK) return rc;
  return pass_truncate(pf, size);
}
int wal_sync(sqlite3_file* pf, int flags) {
  if (int rc = settle(pf); rc != SQLITE_OK) return rc;
  return pass_sync(pf, flags);
}
int wal_file_size(sqlite3_file* pf, sqlite3_int64* size) {
  if (int rc = settle(pf); rc != SQLITE_OK) return rc;
  return pass_file_size(pf, size);
}
int wal_file_control(sqlite3_file* pf, int op, void* arg) {
  if (int rc = settle(pf); rc != SQLITE_OK) return rc;
  return pass_file_control(pf, op, arg);
}

// Version 1: SQLite uses no shared memory or memory mapping on a WAL file.
const sqlite3_io_methods kWalMethods = {
    1,         wal_close,   wal_read,            wal_write,        wal_truncate,     wal_sync,    wal_file_size,
    pass_lock, pass_unlock, pass_check_reserved, wal_file_control, pass_sector_size, pass_device,
    nullptr,   nullptr,     nullptr,             nullptr,          nullptr,          nullptr,
};

// ---- savepoint and temporary journals --------------------------------------------------------------

// SQLite keeps such a journal in memory up to a threshold, then writes all of it to its file in
// one call (sqlite_connection.cpp); that write is handed over in chunks.
int split_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  g_journal_writes.fetch_add(1, std::memory_order_relaxed);
  return write_chunks(pf, static_cast<const char*>(data), static_cast<std::size_t>(n), off);
}

const sqlite3_io_methods kSplitMethods = {
    1,         pass_close,  pass_read,           split_write,       pass_truncate,    pass_sync,   pass_file_size,
    pass_lock, pass_unlock, pass_check_reserved, pass_file_control, pass_sector_size, pass_device,
    nullptr,   nullptr,     nullptr,             nullptr,           nullptr,          nullptr,
};

// ---- database files ------------------------------------------------------------------------------

int db_close(sqlite3_file* pf) {
  DbFile* f = db_of(pf);
  if (f->wal && f->wal->db == f) f->wal->db = nullptr;
  return pass_close(pf);
}

// WAL_WRITE_LOCK in wal.c: the first lock slot, held exclusively by the one writer of the log.
constexpr int kWalWriteLockSlot = 0;
// Before the connection gives up the log's write lock, nothing of the log may stay gathered:
// another writer appends at the same offsets next, and a later write-out of frames this
// connection rolled back (spilled from its page cache, then abandoned) would overwrite that
// writer's commit. Committed frames are never here (written out with the commit's last frame),
// so a failure to write rolled-back frames loses nothing.
int db_shm_lock(sqlite3_file* pf, int offset, int n, int flags) {
  DbFile* f = db_of(pf);
  if (f->wal && offset == kWalWriteLockSlot && n == 1 && flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE))
    (void)settle(&f->wal->shim.base);
  return real_methods(pf).xShmLock(real(pf), offset, n, flags);
}

const sqlite3_io_methods kDbMethods = {
    3,           db_close,         pass_read,           pass_write,        pass_truncate,    pass_sync,   pass_file_size,
    pass_lock,   pass_unlock,      pass_check_reserved, pass_file_control, pass_sector_size, pass_device, pass_shm_map,
    db_shm_lock, pass_shm_barrier, pass_shm_unmap,      pass_fetch,        pass_unfetch,
};

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
  const bool wal = (flags & SQLITE_OPEN_WAL) != 0, db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  const bool split = (flags & (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL)) != 0;
  // Anything else (rollback journals, temporary files) is the default VFS's own file, in place.
  if (!wal && !db && !split) return g_default->xOpen(g_default, name, pf, flags, out_flags);
  std::memset(pf, 0, kHeaderBytes);
  int rc = g_default->xOpen(g_default, name, real(pf), flags, out_flags);
  if (rc != SQLITE_OK || !real(pf)->pMethods) return rc;  // pMethods stays null: nothing to close
  pf->pMethods = db ? &kDbMethods : split ? &kSplitMethods : &kWalMethods;
  if (wal) {
    WalFile* f = wal_of(pf);
    f->header_at = -1;
    // The log's database file, opened by the same connection (through this VFS, or not at all).
    sqlite3_file* main = name ? sqlite3_database_file_object(name) : nullptr;
    if (main && main->pMethods == &kDbMethods) {
      f->db = db_of(main);
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
