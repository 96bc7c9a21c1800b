// A VFS shim over SQLite's default (unix) VFS that hands a transaction's write-ahead-log writes
// to the operating system in a few large writes instead of two small ones per page.
//
// SQLite appends each page of a commit to the WAL as two writes (the 24-byte frame header, then
// the page), so a group commit of ~30 submissions made ~740 pwrite system calls; on this VM a
// system call costs microseconds. Through this VFS, contiguous writes to a WAL file are gathered
// in memory and handed over in chunks of ~124 KiB:
//   - right after the page of a commit's last frame (its header carries the database size), so
//     a commit is in the file before SQLite syncs it and before it publishes it to readers in
//     any process, whatever the connection's synchronous setting, and a failed write fails the
//     commit's own write call, as it would have without the shim;
//   - before any read, sync, size query, truncation, file control or close of the log, and when
//     a write is not contiguous with the gathered ones or the buffer is full.
// Only a frame's two writes as walWriteOneFrame appends them are gathered; anything else (the
// log's header, headers rewritten in place after a read, a frame cut at a sync point) goes
// straight through after what is gathered. Frames a transaction writes early (a page-cache
// spill) may still be gathered when it rolls back: they are written out before the connection
// releases the log's write lock (the database file's xShmLock), so they can never land on frames
// another writer appends after it. Savepoint and temporary journals are wrapped only to cut
// large writes (a spill from memory) into pieces the unix VFS takes. Other files (rollback
// journals, temporary databases) are the default VFS's own, untouched.
#pragma once

#include <cstdint>

namespace darwaza::storage::sqlite {

// Registers the VFS on first use (not as the default) and returns its name, for sqlite3_open_v2.
const char* batched_wal_vfs();

// Counters over every connection of the process, for tests and diagnostics.
struct BatchedWalStats {
  std::uint64_t gathered_writes = 0;  // WAL writes SQLite made
  std::uint64_t os_writes = 0;        // writes handed to the default VFS for them
  std::uint64_t journal_writes = 0;   // writes to savepoint and temporary journals (spills)
};
BatchedWalStats batched_wal_stats();

}  // namespace darwaza::storage::sqlite
