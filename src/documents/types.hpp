// Supporting documents uploaded by applicants (PDF, JPEG, PNG), stored content-addressed.
#pragma once

#include <string>

#include "core/clock.hpp"

namespace darwaza::documents {

constexpr std::size_t kMaxDocumentBytes = 10 * 1024 * 1024;  // the upload route's body limit
constexpr std::size_t kMaxFilenameChars = 200;

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
