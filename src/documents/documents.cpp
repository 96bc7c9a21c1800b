#include "documents/documents.hpp"
#include "audit/audit.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.hpp"

#include <fmt/format.h>

#include "core/log.hpp"

namespace darwaza::documents {
namespace {

bool write_all_synced(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Opened, not only looked up: a shared folder over NFS checks with the server on open, where a
// cached look-up could still see a file another node has just deleted.
bool content_present(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string clean_filename(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (out.size() >= kMaxFilenameChars) break;
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || c == '/' || c == '\\' || c == '"' ? '_' : c);
  }
  return out;
}

}  // namespace

Error document_not_found() {
  return make_error(ErrorKind::not_found, "document-not-found", "No such document",
                    "No document with that id is visible to you.");
}

std::optional<std::string> sniff_media_type(std::string_view b) {
  if (b.size() >= 5 && b.substr(0, 5) == "%PDF-") return "application/pdf";
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
  if (b.size() >= 3 && b.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return "image/jpeg";
  return std::nullopt;
}

Documents::Documents(storage::Database& db, const Clock& clock, std::string blob_root, Quota quota)
    : db_(db), clock_(clock), root_(std::move(blob_root)), quota_(quota) {}

namespace {
Status within_quota(const Quota& quota, const Usage& used, std::int64_t size) {
  if (used.documents + 1 <= quota.max_documents && used.bytes + size <= quota.max_bytes) return ok_status();
  Error e = make_error(ErrorKind::forbidden, "document-quota-exceeded", "Document quota exceeded",
                       "You have uploaded " + std::to_string(used.documents) + " documents (" +
                           std::to_string(used.bytes / (1024 * 1024)) + " MiB); the limit is " +
                           std::to_string(quota.max_documents) + " documents and " +
                           std::to_string(quota.max_bytes / (1024 * 1024)) + " MiB per person.");
  e.extensions["documents"] = used.documents;
  e.extensions["bytes"] = used.bytes;
  e.extensions["max_documents"] = quota.max_documents;
  e.extensions["max_bytes"] = quota.max_bytes;
  return e;
}
}  // namespace

std::string Documents::path_for(const std::string& sha) const { return root_ + "/" + sha.substr(0, 2) + "/" + sha; }

Status Documents::write_blob(const std::string& sha, std::string_view bytes) {
  std::string final_path = path_for(sha);
  if (content_present(final_path)) return ok_status();  // same content, already stored
  std::string dir = root_ + "/" + sha.substr(0, 2);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // Owner-only, the shard folders too (create_directories follows the umask, often 0755).
  ::chmod(root_.c_str(), 0700);
  ::chmod(dir.c_str(), 0700);
  std::string tmp = dir + "/." + sha + "." + crypto::random_hex(6);
  if (!write_all_synced(tmp, bytes)) {
    std::filesystem::remove(tmp, ec);
    return internal_error("cannot write document blob " + tmp);
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) return internal_error("cannot rename document blob: " + ec.message());
  sync_dir(dir);
  return ok_status();
}

Result<Document> Documents::upload(const Principal& who, std::string_view bytes, const std::string& filename) {
  if (bytes.empty())
    return make_error(ErrorKind::validation, "empty-document", "Empty document", "The request body is empty.");
  auto type = sniff_media_type(bytes);
  if (!type)
    return make_error(ErrorKind::unsupported_media_type, "unsupported-document-type", "Unsupported document type",
                      "Only PDF, JPEG and PNG files are accepted (recognised from their content).");
  Document d{crypto::random_id("doc"), crypto::sha256_hex(bytes), *type, static_cast<std::int64_t>(bytes.size()),
             clean_filename(filename), who.user_id, clock_.now_ms()};
  // Checked before the bytes are stored, and again in the write, where uploads are serialised.
  auto used = storage::read_value<Usage>(db_, [&](storage::Tx& tx) -> Result<Usage> { return tx.documents().usage(who.user_id); });
  if (!used.ok()) return used.take_error();
  if (Status s = within_quota(quota_, *used, d.size); !s.ok()) return s.take_error();
  // Content first: a row never points at missing bytes (an orphan blob is harmless).
  if (Status s = write_blob(d.sha256, bytes); !s.ok()) return s.take_error();
  Status s = db_.write([&](storage::Tx& tx) -> Status {
    if (Status q = within_quota(quota_, tx.documents().usage(who.user_id), d.size); !q.ok()) return q;
    // A purge committed since the write above may have taken this content (another document
    // held it, and was purged): writes serialise, so looking again here settles it.
    if (!content_present(path_for(d.sha256)))
      if (Status w = write_blob(d.sha256, bytes); !w.ok()) return w;
    tx.documents().insert(d);
    audit::record(tx, who, d.created_at, {"document.upload", "document", d.id, who.user_id, "", "", "ok"});
    return ok_status();
  });
  if (!s.ok()) return s.take_error();
  return d;
}

Result<int> Documents::purge_round(UnixMs cutoff, int& examined, std::vector<std::string>& unnamed) {
  const UnixMs now = clock_.now_ms();
  return storage::write_value<int>(db_, [&](storage::Tx& tx) -> Result<int> {
    examined = 0;
    unnamed.clear();
    int n = 0;
    for (const auto& d : tx.documents().unreferenced_before(cutoff, kMaxPurgedPerRound)) {
      ++examined;
      if (tx.documents().linked(d.id)) {  // marked by a draft edit, but another application names it
        tx.documents().clear_unreferenced(d.id);
        continue;
      }
      tx.documents().remove(d.id);
      audit::record(tx, audit::system_actor(), now, {"document.purge", "document", d.id, d.owner_user_id, "", "", "ok"});
      ++n;
      if (!tx.documents().content_named(d.sha256) &&
          std::find(unnamed.begin(), unnamed.end(), d.sha256) == unnamed.end())
        unnamed.push_back(d.sha256);
    }
    return n;
  });
}

Result<int> Documents::delete_unnamed(const std::vector<std::string>& sha256s) {
  if (sha256s.empty()) return 0;
  return storage::write_value<int>(db_, [&](storage::Tx& tx) -> Result<int> {
    std::error_code ec;
    int removed = 0;
    for (const auto& sha : sha256s)
      if (!tx.documents().content_named(sha) && std::filesystem::remove(path_for(sha), ec)) ++removed;
    return removed;
  });
}

Result<int> Documents::purge_unreferenced(std::int64_t older_than_ms, int max_rounds) {
  const UnixMs cutoff = clock_.now_ms() - older_than_ms;
  int total = 0;
  for (int round = 0; round < max_rounds; ++round) {
    int examined = 0;
    std::vector<std::string> unnamed;
    auto n = purge_round(cutoff, examined, unnamed);
    if (!n.ok()) return n;
    total += *n;
    // Rows first, content after: a stop in between leaves content nothing names, never the reverse.
    if (auto removed = delete_unnamed(unnamed); !removed.ok()) return removed.take_error();
    if (examined < kMaxPurgedPerRound) break;
  }
  return total;
}

namespace {
bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The names in one shard folder, without a stat each: content (its SHA-256, sorted) and the
// temporary files write_blob leaves when cut off (".<sha256>.<12 hex>"); nothing else is touched.
// False when the folder cannot be read to its end (a listing error ends the walk, never the node).
bool list_shard(const std::string& dir, const std::string& shard, std::vector<std::string>& content,
                std::vector<std::string>& temporaries) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  if (ec) return false;
  for (; it != end; it.increment(ec)) {
    if (ec) return false;
    const std::string name = it->path().filename().string();
    if (name.size() == 64 && name.starts_with(shard) && is_hex(name)) {
      content.push_back(name);
    } else if (name.size() == 1 + 64 + 1 + 12 && name[0] == '.' && name[65] == '.' &&
               is_hex(std::string_view(name).substr(1, 64)) && is_hex(std::string_view(name).substr(66))) {
      temporaries.push_back(name);
    }
  }
  if (ec) return false;
  std::sort(content.begin(), content.end());
  return true;
}

bool older_than(const std::filesystem::path& p, std::filesystem::file_time_type cutoff) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(p, ec);
  return !ec && t < cutoff;
}
}  // namespace

Result<int> Documents::sweep_unnamed_content(std::int64_t min_age_ms, int first_shard, int shards) {
  const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::milliseconds(min_age_ms);
  auto any = storage::read_value<bool>(db_, [](storage::Tx& tx) -> Result<bool> { return tx.documents().any(); });
  if (!any.ok()) return any.take_error();
  int deleted = 0;
  for (int i = 0; i < shards; ++i) {
    const std::string shard = fmt::format("{:02x}", (first_shard + i) % kContentShards);
    const std::string dir = root_ + "/" + shard;
    std::vector<std::string> files, temporaries;
    if (!list_shard(dir, shard, files, temporaries)) continue;  // missing (nothing stored there yet) or unreadable
    for (const auto& t : temporaries) {
      std::error_code ec;
      if (older_than(dir + "/" + t, cutoff) && std::filesystem::remove(dir + "/" + t, ec)) ++deleted;
    }
    // Which files no document names: one ordered read for the shard, then a stat for those only.
    auto named = storage::read_value<std::vector<std::string>>(
        db_, [&](storage::Tx& tx) -> Result<std::vector<std::string>> { return tx.documents().content_with_prefix(shard); });
    if (!named.ok()) return named.take_error();
    std::vector<std::string> unnamed;
    std::set_difference(files.begin(), files.end(), named->begin(), named->end(), std::back_inserter(unnamed));
    std::erase_if(unnamed, [&](const std::string& sha) { return !older_than(path_for(sha), cutoff); });
    if (unnamed.empty()) continue;
    // A node pointed at the wrong database (a new empty one, another platform's) would find most
    // files unnamed: it deletes nothing, and says so.
    if (!*any || (unnamed.size() > kSweepMaxUnnamed && unnamed.size() * 100 > files.size())) {
      logging::app().error("documents: {} of {} content files in {} are named by no document of this database; not "
                           "deleting them (is this node on the right database?)",
                           unnamed.size(), files.size(), dir);
      continue;
    }
    for (std::size_t at = 0; at < unnamed.size(); at += kSweepDeleteBatch) {
      const auto end = unnamed.begin() + static_cast<std::ptrdiff_t>(std::min(unnamed.size(), at + kSweepDeleteBatch));
      auto removed = delete_unnamed(std::vector<std::string>(unnamed.begin() + static_cast<std::ptrdiff_t>(at), end));
      if (!removed.ok()) return removed.take_error();
      deleted += *removed;
    }
  }
  return deleted;
}

Result<Download> Documents::download(const Principal& who, const std::string& id) {
  auto doc = audit::read_personal<Document>(
      db_, who, clock_.now_ms(),
      [&](storage::Tx& tx) -> Result<Document> {
        auto d = tx.documents().by_id(id);
        if (!d) return document_not_found();
        if (who.is_user() && d->owner_user_id == who.user_id) return std::move(*d);
        if (who.is_user() && tx.documents().shared_with_member(id, who.user_id)) return std::move(*d);
        for (const auto& agency : tx.documents().agencies_referencing(id))
          if (who.is_staff_of(agency)) return std::move(*d);
        return document_not_found();
      },
      [&](const Document& d) {
        return d.owner_user_id == who.user_id ? audit::Act{}
                                              : audit::Act{"document.read", "document", d.id, d.owner_user_id, "", "", "ok"};
      });
  if (!doc.ok()) return doc.take_error();
  std::ifstream in(path_for(doc->sha256), std::ios::binary);
  if (!in) return internal_error("document blob missing: " + doc->sha256);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (crypto::sha256_hex(bytes) != doc->sha256) return internal_error("document blob corrupt: " + doc->sha256);
  return Download{std::move(doc).value(), std::move(bytes)};
}

}  // namespace darwaza::documents
