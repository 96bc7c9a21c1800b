// Supporting documents: upload (type from the content, not the name), content-addressed
// storage on disk, and downloads limited to the owner and the officers of agencies whose
// applications reference the document.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/principal.hpp"
#include "core/result.hpp"
#include "documents/types.hpp"
#include "storage/database.hpp"

namespace darwaza::documents {

// "application/pdf", "image/jpeg" or "image/png" from the leading bytes; nullopt otherwise.
std::optional<std::string> sniff_media_type(std::string_view bytes);

struct Download {
  Document document;
  std::string bytes;
};

class Documents {
 public:
  // blob_root: folder for the content (created owner-only).
  Documents(storage::Database& db, const Clock& clock, std::string blob_root, Quota quota = {});

  // Refused (403 document-quota-exceeded) when it would take the person past their quota.
  Result<Document> upload(const Principal& who, std::string_view bytes, const std::string& filename);
  Result<Download> download(const Principal& who, const std::string& id);
  // Deletes documents that no application has referenced (a draft's links count) for `older_than`
  // ms or more, each audited (document.purge), then the content no remaining document names. Works
  // in transactions of at most kMaxPurgedPerRound documents, at most `max_rounds` of them (a node
  // stopping waits for one call). Returns how many documents it deleted.
  Result<int> purge_unreferenced(std::int64_t older_than_ms, int max_rounds);
  // Deletes content files that no document names and leftover temporary files, once they are
  // `min_age_ms` old, in the shard folders first_shard .. first_shard + shards - 1 (of
  // kContentShards). Which files no document names is read first (one ordered read per shard);
  // each is deleted in a write that looks again (see delete_unnamed), so an upload of the same
  // bytes keeps or rewrites its content. A database naming no document at all, or a shard with
  // more than kSweepMaxUnnamed and 1 % unnamed, is logged and left alone. Returns how many files
  // it deleted.
  Result<int> sweep_unnamed_content(std::int64_t min_age_ms, int first_shard, int shards);

 private:
  std::string path_for(const std::string& sha256) const;
  Status write_blob(const std::string& sha256, std::string_view bytes);
  // One purge transaction: deletes up to kMaxPurgedPerRound documents; `examined` is how many
  // unreferenced marks it looked at, `unnamed` the content no remaining document names.
  Result<int> purge_round(UnixMs cutoff, int& examined, std::vector<std::string>& unnamed);
  // Deletes each content file that no document names, in a write of its own: writes are
  // serialised, so an upload of the same bytes either commits its row first (the file stays) or
  // finds the file gone in its own transaction and writes it again. Returns how many it deleted.
  Result<int> delete_unnamed(const std::vector<std::string>& sha256s);

  storage::Database& db_;
  const Clock& clock_;
  std::string root_;
  Quota quota_;
};

Error document_not_found();

}  // namespace darwaza::documents
