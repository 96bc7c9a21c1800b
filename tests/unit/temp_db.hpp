// A fresh SQLite database in a temporary folder for one unit test, removed afterwards; counts
// commits.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "core/crypto.hpp"
#include "storage/database.hpp"

namespace darwaza::testing_support {

struct TempDb {
  // wal_checkpoint_pages: see DatabaseOptions (0: its default).
  explicit TempDb(const std::string& prefix = "dz-unit", int wal_checkpoint_pages = 0) {
    crypto::init();
    dir = std::filesystem::temp_directory_path() / (prefix + "-" + crypto::random_hex(6));
    std::filesystem::create_directories(dir);
    storage::DatabaseOptions o;
    o.url = "sqlite:" + (dir / "t.db").string();
    o.reader_connections = 8;
    o.on_commit = [this](double) { commits++; };
    if (wal_checkpoint_pages > 0) o.wal_checkpoint_pages = wal_checkpoint_pages;
    db = storage::open_database(o);
  }
  ~TempDb() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::atomic<int> commits{0};
  std::unique_ptr<storage::Database> db;
};

}  // namespace darwaza::testing_support
