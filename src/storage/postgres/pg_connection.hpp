// One PostgreSQL connection (libpq) implementing the engine-neutral statement interface.
// The `?`/`?N` placeholders of the shared SQL become `$N` once, when a statement is first used;
// each statement is a server-side prepared statement per connection (and per parameter-type
// signature: integers go as int8, reals as float8, text as unknown so the server infers it).
// Results come back in text format and are read from the PGresult.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "storage/sql/connection.hpp"

namespace darwaza::storage::postgres {

class PgConnection;

// Rewrites `?` and `?N` placeholders (outside quoted literals) to `$N`; sets `params` to the count.
std::string rewrite_placeholders(const char* sql, int& params);

class PgStatement final : public sql::Statement {
 public:
  PgStatement(PgConnection& conn, const char* sql);
  ~PgStatement() override;
  void bind_text(int i, std::string_view v) override;
  void bind_int(int i, std::int64_t v) override;
  void bind_real(int i, double v) override;
  void bind_null(int i) override;
  bool step() override;
  int changes() override;
  std::string_view text_view(int col) const override;
  std::int64_t integer(int col) const override;
  double real(int col) const override;
  bool is_null(int col) const override;
  void reset() override;

 private:
  void slot(int i, Oid type);
  void execute();

  PgConnection& conn_;
  std::string sql_;
  int params_;  // set by rewrite_placeholders() while sql_ is initialised (declared after it)
  std::vector<std::string> values_;
  std::vector<char> nulls_;
  std::vector<Oid> types_;
  // Server-side statement names by parameter-type signature, valid for one connection session.
  std::unordered_map<std::string, std::string> prepared_;
  std::uint64_t prepared_session_ = 0;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PgConnection final : public sql::Connection {
 public:
  explicit PgConnection(std::string url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  void exec_script(const char* sql) override;
  [[noreturn]] void fail(const char* what) override;
  [[noreturn]] void fail(const char* what, const PGresult* r);
  sql::Dialect dialect() const override { return sql::Dialect::postgresql; }

  PGconn* handle();
  // Changes whenever the connection is re-established (server-side statements are gone then).
  std::uint64_t session() const { return session_; }
  std::string next_statement_name() { return "dz" + std::to_string(++statements_); }

 protected:
  sql::Statement& statement(const char* sql) override;

 private:
  void configure_session();  // on every (re)connect
  std::string url_;
  PGconn* conn_ = nullptr;
  std::uint64_t session_ = 1;
  std::uint64_t statements_ = 0;
  std::unordered_map<const char*, std::unique_ptr<PgStatement>> cache_;
};

}  // namespace darwaza::storage::postgres
