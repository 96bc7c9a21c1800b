// SQLite engine: WAL, foreign keys, synchronous=FULL, one writer thread with durable group
// commit (sql::GroupCommitDatabase), a pool of read-only connections, migrations compiled into
// the binary.
#pragma once

#include <string>

#include "storage/sql/group_commit_database.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace darwaza::storage::sqlite {

class SqliteDatabase final : public sql::GroupCommitDatabase {
 public:
  SqliteDatabase(std::string path, const DatabaseOptions& options);
  ~SqliteDatabase() override;

  std::string engine() const override { return "sqlite"; }
  const std::string& path() const { return path_; }

 protected:
  std::unique_ptr<sql::Connection> open_reader() override;
  void begin_write(sql::Connection& c) override;
  void begin_read(sql::Connection& c) override;

 private:
  std::string path_;
};

}  // namespace darwaza::storage::sqlite
