#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.hpp"
#include "http/problem.hpp"

namespace darwaza::http {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string etag_of(std::string_view body) {
  // Weak: the gzip and identity bodies are one representation for caching purposes.
  return "W/\"" + crypto::blake2b256_hex(body) + "\"";
}

bool accepts_gzip(std::string_view accept_encoding) {
  // Enough for browsers, which always send "gzip" without q=0.
  return accept_encoding.find("gzip") != std::string_view::npos;
}

bool etag_listed(std::string_view if_none_match, std::string_view etag) {
  return if_none_match == "*" || if_none_match.find(etag) != std::string_view::npos;
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
      {".png", "image/png"},   {".ico", "image/x-icon"},  {".woff2", "font/woff2"},
      {".woff", "font/woff"},  {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes)
    if (name.ends_with(ext)) return type;
  return "application/octet-stream";
}

Result<StaticFiles> StaticFiles::load(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return make_error(ErrorKind::invalid_request, "web-dir", "Web folder missing", "No such folder: " + root);
  StaticFiles out;
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string name = fs::relative(it->path(), root).generic_string();
    if (name.ends_with(".gz")) continue;  // read with the file it compresses
    File f;
    f.body = read_all(it->path());
    fs::path gz = it->path();
    gz += ".gz";
    // A .gz older than its file is stale (the file was edited after scripts/build.sh): skip it.
    if (fs::is_regular_file(gz) && fs::last_write_time(gz) >= it->last_write_time()) f.gzip = read_all(gz);
    total += f.body.size() + f.gzip.size();
    if (out.files_.size() >= kMaxStaticFiles || total > kMaxStaticTotalBytes)
      return make_error(ErrorKind::invalid_request, "web-dir", "Web folder too large",
                        "The web folder holds more than the static-file limits allow: " + root);
    f.content_type = std::string(content_type_for(name));
    f.etag = etag_of(f.body);
    out.files_.emplace(std::move(name), std::move(f));
  }
  if (ec) return make_error(ErrorKind::invalid_request, "web-dir", "Web folder unreadable", ec.message());
  return out;
}

HandlerResult StaticFiles::serve(const Request& req, const std::string& name) const {
  auto it = files_.find(name);
  if (it == files_.end())
    return make_error(ErrorKind::not_found, "not-found", "Not found", "No such resource.");
  const File& f = it->second;
  const bool gz = !f.gzip.empty() && accepts_gzip(req.header(bhttp::field::accept_encoding));
  Reply r;
  r.headers.emplace_back("ETag", f.etag);
  r.headers.emplace_back("Cache-Control", std::string(kRevalidate));
  if (!f.gzip.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (etag_listed(req.header(bhttp::field::if_none_match), f.etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.status = 200;
  r.content_type = f.content_type;
  r.body = gz ? f.gzip : f.body;
  if (gz) r.headers.emplace_back("Content-Encoding", "gzip");
  return r;
}

}  // namespace darwaza::http
