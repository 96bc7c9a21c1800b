// The web pages' static files (HTML shell, ES modules, CSS, i18n catalogues, vendored packages,
// fonts), read into memory once at start-up from --web-dir and served with their content type,
// a strong ETag (304 on If-None-Match), Cache-Control, and the pre-compressed FILE.gz beside a
// file when the client accepts gzip. Names are looked up in the loaded set, never joined onto a
// filesystem path, so a request cannot reach outside the folder.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/request.hpp"

namespace darwaza::http {

// Guards against serving a mistaken folder (a home directory, a build tree) from memory.
constexpr std::size_t kMaxStaticFiles = 2000;
constexpr std::size_t kMaxStaticTotalBytes = 64 * 1024 * 1024;
// Every file, vendored packages and fonts included, is revalidated (ETag, 304) on each use:
// the names carry no version, so a longer lifetime would keep a stale copy after an upgrade.
inline constexpr std::string_view kRevalidate = "no-cache";

class StaticFiles {
 public:
  StaticFiles() = default;  // serves nothing (no --web-dir)
  // Loads every regular file under root (relative names with '/'); an error when the folder is
  // missing or over the limits above.
  static Result<StaticFiles> load(const std::string& root);

  bool empty() const { return files_.empty(); }
  std::size_t size() const { return files_.size(); }
  // 200 with the file, 304 when If-None-Match matches, not_found otherwise.
  HandlerResult serve(const Request& req, const std::string& name) const;

 private:
  struct File {
    std::string body;
    std::string gzip;  // FILE.gz, when present
    std::string content_type;
    std::string etag;
  };
  std::map<std::string, File, std::less<>> files_;
};

// Content type by file extension (application/octet-stream when unknown).
std::string_view content_type_for(std::string_view name);

}  // namespace darwaza::http
