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
  // ms or more, each audited (document.purge), and then the content no remaining document names;
  // at most kMaxPurgedPerRound per call. Returns how many documents it deleted.
  Result<int> purge_unreferenced(std::int64_t older_than_ms);

 private:
  std::string path_for(const std::string& sha256) const;
  Status write_blob(const std::string& sha256, std::string_view bytes);
  // Content a purge deletes is first moved aside (a name of its own) inside the purge's
  // transaction, then deleted once that commits, or put back if it does not.
  std::string set_aside(const std::string& sha256);

  storage::Database& db_;
  const Clock& clock_;
  std::string root_;
  Quota quota_;
};

Error document_not_found();

}  // namespace darwaza::documents
