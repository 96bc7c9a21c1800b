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

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_vfs;

// A WAL file opened through this VFS: this header, then the default VFS's file.
struct WalFile {
  sqlite3_file base;   // pMethods: kWalMethods
  sqlite3_file* real;  // the default VFS's file, right after this struct
  char* buffer;        // the gathered bytes [at, at + len), kBufferBytes once allocated
  std::size_t len;
  sqlite3_int64 at;
  bool commit_frame;   // the last write was the header of a commit's last frame
};

// SQLite writes a frame as its 24-byte header, then the page. Header bytes 4-7 hold, in a
// commit's last frame only, the database size in pages after the commit (zero in other frames).
constexpr int kFrameHeaderBytes = 24;
bool is_commit_header(const void* data, int n) {
  if (n != kFrameHeaderBytes) return false;
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

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
  int closed = real_methods(f).xClose(f->real);
  std::free(f->buffer);
  f->buffer = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int wal_read(sqlite3_file* pf, void* out, int n, sqlite3_int64 off) {
  WalFile* f = self(pf);
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xRead(f->real, out, n, off);
}

int wal_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  WalFile* f = self(pf);
  g_gathered.fetch_add(1, std::memory_order_relaxed);
  const auto size = static_cast<std::size_t>(n);
  const bool ends_commit = f->commit_frame;
  f->commit_frame = is_commit_header(data, n);
  if (f->len > 0 && (off != f->at + static_cast<sqlite3_int64>(f->len) || f->len + size > kBufferBytes))
    if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  if (size > kBufferBytes) {
    g_os_writes.fetch_add(1, std::memory_order_relaxed);
    return real_methods(f).xWrite(f->real, data, n, off);
  }
  if (!f->buffer) {
    f->buffer = static_cast<char*>(std::malloc(kBufferBytes));
    if (!f->buffer) return SQLITE_IOERR_NOMEM;
  }
  if (f->len == 0) f->at = off;
  std::memcpy(f->buffer + f->len, data, size);
  f->len += size;
  // The page of a commit's last frame: the commit is written out now, before SQLite syncs it or
  // (with synchronous below FULL) publishes it to readers, and a failure fails this write.
  return ends_commit ? write_out(f) : SQLITE_OK;
}

int wal_truncate(sqlite3_file* pf, sqlite3_int64 size) {
  WalFile* f = self(pf);
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xTruncate(f->real, size);
}

int wal_sync(sqlite3_file* pf, int flags) {
  WalFile* f = self(pf);
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xSync(f->real, flags);
}

int wal_file_size(sqlite3_file* pf, sqlite3_int64* size) {
  WalFile* f = self(pf);
  if (int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xFileSize(f->real, size);
}

int wal_file_control(sqlite3_file* pf, int op, void* arg) {
  WalFile* f = self(pf);
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

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
  // Anything but a WAL file or a savepoint journal is the default VFS's own file, in place.
  const bool wal = (flags & SQLITE_OPEN_WAL) != 0, split = (flags & SQLITE_OPEN_SUBJOURNAL) != 0;
  if (!wal && !split) return g_default->xOpen(g_default, name, pf, flags, out_flags);
  WalFile* f = self(pf);
  std::memset(f, 0, sizeof(WalFile));
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  int rc = g_default->xOpen(g_default, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || !f->real->pMethods) return rc;  // base.pMethods stays null: nothing to close
  f->base.pMethods = wal ? &kWalMethods : &kSplitMethods;
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
    g_vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + g_default->szOsFile;
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
  return {g_gathered.load(std::memory_order_relaxed), g_os_writes.load(std::memory_order_relaxed)};
}

}  // namespace darwaza::storage::sqlite
