// `darwaza backup PATH` and `darwaza restore PATH`: a consistent copy of a serving platform's
// data folder (database by the engine's online backup, then the signing key and the stored
// documents), and putting such a copy in place as a fresh data folder.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "storage/backup.hpp"

namespace darwaza::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDatabaseFile = "darwaza.db";
// Copied after the database snapshot: a document or key the snapshot names was on disk before
// the row naming it committed, so the copy holds it, unless a purge of unreferenced uploads
// deleted it in between (a document no application names: the restored platform's own purge
// deletes its row). In the backup they are these folders; in the data they are DATA/keys and the
// documents folder (--documents-dir, default DATA/documents).
constexpr const char* kKeysFolder = "keys";
constexpr const char* kDocumentsFolder = "documents";
constexpr int kExitFailed = 1;
// The tables whose rows the commands report (the rest are listed only in the summary count).
constexpr const char* kReportedTables[] = {"users", "applications", "certificates", "documents", "registry_records",
                                           "audit_log"};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "darwaza: " << message << "\n";
  throw CLI::RuntimeError(kExitFailed);
}

void make_owner_only_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
}

// Copies a folder tree with owner-only permissions (0700 folders, 0600 files); returns the
// number of files copied. A missing source is an empty tree. Hidden files (content being written)
// are left out, and so is a file deleted while the copy runs (a purged document's content).
std::size_t copy_owner_only(const fs::path& from, const fs::path& to) {
  std::size_t files = 0;
  if (!fs::is_directory(from)) return 0;
  make_owner_only_dir(to);
  for (const auto& entry : fs::recursive_directory_iterator(from)) {
    fs::path target = to / fs::relative(entry.path(), from);
    std::error_code ec;
    if (entry.is_directory()) {
      make_owner_only_dir(target);
    } else if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
      fs::copy_file(entry.path(), target, fs::copy_options::skip_existing, ec);
      if (ec && !fs::exists(entry.path())) continue;  // deleted since it was listed
      if (ec) fail("cannot copy " + entry.path().string() + ": " + ec.message());
      ::chmod(target.c_str(), 0600);
      ++files;
    }
  }
  return files;
}

void print_summary(const std::string& what, const storage::CopySummary& s, std::size_t files) {
  std::cout << what << ": " << s.rows_per_table.size() << " tables";
  for (const char* t : kReportedTables)
    if (auto n = s.rows(t); n >= 0) std::cout << ", " << t << " " << n;
  std::cout << "; " << files << " key and document files\n";
}

bool empty_or_missing(const fs::path& dir) { return !fs::exists(dir) || (fs::is_directory(dir) && fs::is_empty(dir)); }

// Each folder of a backup, with where it lives in the data.
std::vector<std::pair<std::string, fs::path>> folders(const DataOptions& data) {
  return {{kKeysFolder, fs::path(data.data_dir) / kKeysFolder}, {kDocumentsFolder, fs::path(data.documents_path())}};
}

}  // namespace

void register_backup(CLI::App& app, DataOptions& data) {
  auto dest = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("backup",
                                 "Copy the data folder into PATH (a new folder) while the server keeps serving:\n"
                                 "the database as one consistent snapshot, then the signing key and documents");
  add_data_options(*cmd, data);
  add_documents_option(*cmd, data);
  cmd->add_option("PATH", *dest, "New folder for the backup (created owner-only)")->required();
  cmd->callback([&data, dest] {
    fs::path out(*dest);
    if (!empty_or_missing(out)) fail(out.string() + " exists and is not empty; back up into a new folder");
    make_owner_only_dir(out);
    auto summary = storage::backup_database(data.resolved_db_url(), (out / kDatabaseFile).string());
    if (!summary.ok()) fail(operator_message(summary.error()));
    std::size_t files = 0;
    for (const auto& [name, live] : folders(data)) files += copy_owner_only(live, out / name);
    print_summary("backup written to " + out.string(), *summary, files);
  });
}

void register_restore(CLI::App& app, DataOptions& data) {
  auto src = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("restore",
                                 "Restore a backup folder made by `darwaza backup` into a fresh data folder (--data);\n"
                                 "then check it with `darwaza audit verify --data DATA`");
  add_data_options(*cmd, data);
  add_documents_option(*cmd, data);
  cmd->add_option("PATH", *src, "The backup folder")->required()->check(CLI::ExistingDirectory);
  cmd->callback([&data, src] {
    fs::path in(*src);
    for (const auto& [name, live] : folders(data))
      if (!empty_or_missing(live)) fail(live.string() + " exists; restore into a fresh data folder");
    make_owner_only_dir(data.data_dir);
    auto summary = storage::restore_database((in / kDatabaseFile).string(), data.resolved_db_url());
    if (!summary.ok()) fail(operator_message(summary.error()));
    std::size_t files = 0;
    for (const auto& [name, live] : folders(data)) files += copy_owner_only(in / name, live);
    print_summary("restored into " + data.data_dir, *summary, files);
  });
}

}  // namespace darwaza::cli
