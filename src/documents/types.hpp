// Supporting documents uploaded by applicants (PDF, JPEG, PNG), stored content-addressed.
#pragma once

#include <cstdint>

#include <string>

#include "core/clock.hpp"

namespace darwaza::documents {

constexpr std::size_t kMaxDocumentBytes = 10 * 1024 * 1024;  // the upload route's body limit
constexpr std::size_t kMaxFilenameChars = 200;

// What one person may keep uploaded (serve --document-quota-mib, --document-quota-count): enough
// for many applications' letters and scans, not a way to fill the platform's disk 10 MB at a time.
struct Quota {
  std::int64_t max_bytes = 250LL * 1024 * 1024;
  std::int64_t max_documents = 1000;
};

// Uploads that no application references are deleted after this long (serve
// --unreferenced-document-days): long enough to finish a form, short enough that papers a person
// never filed are not kept.
constexpr int kDefaultUnreferencedDays = 14;
// Documents one purge transaction deletes at most, and the transactions of one hourly run of a
// node (Documents::purge_unreferenced): a backlog is worked off over several hours, and a node
// stopping waits for one run at most.
constexpr int kMaxPurgedPerRound = 500;
constexpr int kMaxPurgeRoundsPerRun = 20;
// Content files no document names (an upload whose write failed or was cut off after its content
// was stored, a purge stopped between its two transactions) and leftover temporary files are
// deleted once this old (Documents::sweep_unnamed_content): an upload stores its content before
// its row, and no upload takes a day.
constexpr std::int64_t kUnnamedContentMinAgeMs = 24LL * 3600 * 1000;
// Content is kept in 256 shard folders (the first two hex digits of its SHA-256); serve sweeps
// kSweepShardsPerRun of them each hour, all of them in a day.
constexpr int kContentShards = 256;
constexpr int kSweepShardsPerRun = 11;
// Files one write deletes (each unlink under the write lock; on a shared volume, a network call).
constexpr std::size_t kSweepDeleteBatch = 50;
// A shard in which more files than this, and more than 1 % of them, are unnamed is not swept: the
// sign of a node on the wrong database (docs/deployment.md), not of cut-off uploads.
constexpr std::size_t kSweepMaxUnnamed = 100;

// What one person has uploaded so far.
struct Usage {
  std::int64_t documents = 0;
  std::int64_t bytes = 0;
};

struct Document {
  std::string id;
  std::string sha256;
  std::string media_type;
  std::int64_t size = 0;
  std::string filename;
  std::string owner_user_id;
  UnixMs created_at = 0;
};

}  // namespace darwaza::documents
