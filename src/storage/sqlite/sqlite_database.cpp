#include "storage/sqlite/sqlite_database.hpp"

#include <filesystem>
#include <sys/stat.h>

#include "core/log.hpp"

namespace darwaza::storage::sqlite {
namespace {

constexpr const char* kPragmasWriter =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=4000;";
constexpr const char* kBegin = "BEGIN IMMEDIATE";
constexpr const char* kBeginRead = "BEGIN";
constexpr const char* kCheckpointOnClose = "PRAGMA wal_checkpoint(TRUNCATE)";

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, const DatabaseOptions& options)
    : GroupCommitDatabase(options, options.reader_connections), path_(std::move(path)) {
  bool fresh = !std::filesystem::exists(path_);
  std::unique_ptr<Connection> writer;
  {
    // The database holds personal data: owner-only from the first byte.
    mode_t old = ::umask(077);
    writer = std::make_unique<Connection>(path_, false);
    ::umask(old);
  }
  if (fresh) ::chmod(path_.c_str(), 0600);
  writer->exec_script(kPragmasWriter);
  sql::migrate(*writer, embedded::sqlite_migrations(), kBegin);
  start(std::move(writer));
}

SqliteDatabase::~SqliteDatabase() {
  stop();
  try {
    writer_connection()->exec_script(kCheckpointOnClose);
  } catch (const std::exception& e) {
    logging::app().warn("checkpoint on close failed: {}", e.what());
  }
}

std::unique_ptr<sql::Connection> SqliteDatabase::open_reader() { return std::make_unique<Connection>(path_, true); }

void SqliteDatabase::begin_write(sql::Connection& c) { c.query(kBegin).exec(); }

void SqliteDatabase::begin_read(sql::Connection& c) { c.query(kBeginRead).exec(); }

}  // namespace darwaza::storage::sqlite
