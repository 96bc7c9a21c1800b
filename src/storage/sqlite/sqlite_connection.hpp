// One SQLite connection implementing the engine-neutral statement interface, with a
// prepared-statement cache keyed by the SQL constant's address.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "storage/sql/connection.hpp"

namespace darwaza::storage::sqlite {

class Connection;

class SqliteStatement final : public sql::Statement {
 public:
  SqliteStatement(Connection& conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  void bind_text(int i, std::string_view v) override;
  void bind_int(int i, std::int64_t v) override;
  void bind_real(int i, double v) override;
  void bind_null(int i) override;
  bool step() override;
  int changes() override;
  std::string_view text_view(int col) const override;
  std::int64_t integer(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const override { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  Connection& conn_;
  sqlite3_stmt* stmt_;
};

class Connection final : public sql::Connection {
 public:
  Connection(const std::string& path, bool read_only);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec_script(const char* sql) override;
  [[noreturn]] void fail(const char* what) override;
  sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
  std::optional<std::int64_t> total_changes() const override { return sqlite3_total_changes64(db_); }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* handle() { return db_; }

 protected:
  sql::Statement& statement(const char* sql) override;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> cache_;
};

}  // namespace darwaza::storage::sqlite
