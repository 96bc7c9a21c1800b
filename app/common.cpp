#include <filesystem>
#include <sys/stat.h>

#include "commands.hpp"
#include "core/log.hpp"

namespace darwaza::cli {

std::string DataOptions::resolved_db_url() const {
  if (!db_url.empty()) return db_url;
  return "sqlite:" + (std::filesystem::path(data_dir) / "darwaza.db").string();
}

std::string DataOptions::signing_key_path() const {
  if (!signing_key.empty()) return signing_key;
  return (std::filesystem::path(data_dir) / "keys" / "signing.key").string();
}

std::string DataOptions::documents_path() const {
  if (!documents_dir.empty()) return documents_dir;
  return (std::filesystem::path(data_dir) / "documents").string();
}

void DataOptions::ensure_data_dir() const {
  std::error_code ec;
  if (!std::filesystem::exists(data_dir)) {
    std::filesystem::create_directories(data_dir, ec);
    if (ec) throw std::runtime_error("cannot create data folder " + data_dir + ": " + ec.message());
    ::chmod(data_dir.c_str(), 0700);
  }
}

std::unique_ptr<storage::Database> DataOptions::open_for_command(int reader_connections, bool bulk_load) const {
  logging::init({log_level, "off"});
  ensure_data_dir();
  storage::DatabaseOptions o;
  o.url = resolved_db_url();
  o.reader_connections = reader_connections;
  o.bulk_load = bulk_load;
  return storage::open_database(o);
}

void add_key_options(CLI::App& cmd, DataOptions& d) {
  cmd.add_option("--data", d.data_dir, "Folder for the database and keys (created owner-only)")
      ->envname("DARWAZA_DATA")
      ->capture_default_str();
  cmd.add_option("--signing-key", d.signing_key,
                 "The platform's Ed25519 signing key file, kept outside the database (created owner-only if "
                 "missing; its public key is written beside it as FILE.pub). Default: DATA/keys/signing.key. "
                 "`darwaza backup` copies only DATA/keys: keep a key elsewhere with your other secrets")
      ->envname("DARWAZA_SIGNING_KEY");
  cmd.add_option("--log-level", d.log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
}

void add_data_options(CLI::App& cmd, DataOptions& d) {
  add_key_options(cmd, d);
  cmd.add_option("--db", d.db_url, "Database URL: sqlite:PATH or postgresql://USER@HOST:PORT/DB (default: sqlite:DATA/darwaza.db)")->envname("DARWAZA_DB");
  cmd.add_option("--seed-dir", d.seed_dir, "Folder with agencies.json and other seed data")
      ->envname("DARWAZA_SEED_DIR")
      ->capture_default_str();
}

void add_documents_option(CLI::App& cmd, DataOptions& d) {
  cmd.add_option("--documents-dir", d.documents_dir,
                 "Folder of uploaded documents' content (created owner-only). Default: DATA/documents. Nodes "
                 "over one PostgreSQL database must all name one shared folder (a shared volume)")
      ->envname("DARWAZA_DOCUMENTS_DIR");
}

}  // namespace darwaza::cli
