// One PostgreSQL connection (libpq) implementing the engine-neutral statement interface.
// The `?`/`?N` placeholders of the shared SQL become `$N` once, when a statement is first used;
// each statement is a server-side prepared statement per connection (and per parameter-type
// signature: integers go as int8, reals as float8, text as unknown so the server infers it),
// except those planned per use (query_planned_per_use), which go with their values each time.
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

// For a plain `INSERT INTO table (c1, c2, ...) VALUES (?, ?, ...)` (one `?` per column, nothing
// else): "COPY table (c1, c2, ...) FROM STDIN". Anything else (ON CONFLICT, RETURNING, literals,
// expressions, ?N): "".
std::string copy_statement_for(const char* sql);

// Appends `v` in COPY's text format (backslash, tab, newline and carriage return escaped).
void append_copy_text(std::string& out, std::string_view v);

class PgStatement final : public sql::Statement {
 public:
  enum class Plan { prepared, per_use };
  PgStatement(PgConnection& conn, const char* sql, Plan plan = Plan::prepared);
  Plan plan() const { return plan_; }
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
  void execute_once();

  PgConnection& conn_;
  Plan plan_;
  std::string sql_;
  int params_;  // set by rewrite_placeholders() while sql_ is initialised (declared after it)
  std::string copy_sql_;  // copy_statement_for(sql): how bulk mode sends this INSERT's rows
  bool queued_ = false;   // this execution became a COPY row (bulk mode)
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
  // read_only: every transaction on the session is READ ONLY (SET default_transaction_read_only),
  // so statements sent with no BEGIN (Database::read_statements) cannot write either.
  enum class Use { read_write, read_only };
  explicit PgConnection(std::string url, Use use = Use::read_write);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  void exec_script(const char* sql) override;
  [[noreturn]] void fail(const char* what) override;
  [[noreturn]] void fail(const char* what, const PGresult* r);
  // A failed COPY's result `r`: reads libpq's remaining results (the connection is usable again
  // for ROLLBACK), then throws.
  [[noreturn]] void fail_copy(PGresult* r);
  sql::Dialect dialect() const override { return sql::Dialect::postgresql; }
  bool in_transaction() const override;

  // The connection, ready for a command: reads any answer not waited for (commit_without_waiting),
  // and reconnects when the server went away.
  PGconn* handle();

  // Round trips saved on read transactions. defer_begin: `sql` (one BEGIN command) is sent in one
  // pipeline with the next prepared statement instead of waiting for its own answer. commit_without_waiting: sends COMMIT and returns; its answer is
  // read before the connection's next command. Only for read-only transactions, whose COMMIT
  // cannot lose anything.
  void defer_begin(const char* sql) { deferred_begin_ = sql; }
  void commit_without_waiting();
  // Ends a read that failed: drops a BEGIN the server never saw, else ROLLBACK.
  void rollback_read();
  // One execution of a statement with its values: the prepared statement `name` (PgStatement
  // prepares it on the connection first), or, when `name` is null, `sql` itself as the unnamed
  // statement, parsed and planned for these values.
  struct Execution {
    const std::string* name;
    const std::string* sql;
    int params;
    const Oid* types;
    const char* const* values;
  };
  // Runs it (after a deferred BEGIN, in one pipeline) on a connection the caller got ready with
  // handle(). Returns the result of a successful execution; throws StorageError otherwise.
  PGresult* execute(const Execution& e);

  // Whether a statement may be sent again after its connection is found lost: on a read-only
  // session, when it starts its transaction (a deferred BEGIN) or runs outside one, it has handed
  // nothing to its caller and cannot have written. start_statement is taken before it is sent;
  // resume_after_loss, after it failed, reconnects and re-arms the BEGIN when the failure was the
  // connection's (and returns false when it was the statement's, or the server is still gone).
  struct Start {
    bool retryable;
    const char* deferred_begin;
    std::uint64_t session;
  };
  Start start_statement();
  bool resume_after_loss(const Start& start);

  // Changes whenever the connection is re-established (server-side statements are gone then).
  std::uint64_t session() const { return session_; }
  std::string next_statement_name() { return "dz" + std::to_string(++statements_); }

  // Bulk mode (DatabaseOptions::bulk_load): executions of plain INSERTs (copy_statement_for) are
  // queued as COPY rows, one COPY per table in the order the tables were first written, and sent
  // before any other statement runs (flush_copies). Off by default.
  void set_bulk(bool on) { bulk_ = on; }
  bool bulk() const { return bulk_; }
  // Queues one row of `copy_sql` (a PgStatement's, which outlives the queue) from its parameters.
  void queue_copy_row(const std::string& copy_sql, const std::vector<std::string>& values,
                      const std::vector<char>& nulls);
  // Sends the queued rows; throws StorageError (rows dropped) when the server refuses one.
  void flush_copies();
  // Before any statement that is not a queued INSERT: a ROLLBACK (TO) drops the queued rows it
  // would undo; anything else sends them first.
  void before_statement(const char* sql);

 protected:
  sql::Statement& statement(const char* sql) override;
  sql::Statement& statement_planned_per_use(const char* sql) override;

 private:
  void configure_session();  // on every (re)connect
  void reconnect();  // a new server session: prepared statements are gone (session() changes)
  void send_deferred_begin();  // synchronously, when a simple command comes first
  PGresult* pipeline_after_begin(const Execution& e);
  sql::Statement& cached(const char* sql, PgStatement::Plan plan);
  std::string url_;
  Use use_;
  PGconn* conn_ = nullptr;
  std::uint64_t session_ = 1;
  std::uint64_t statements_ = 0;
  std::unordered_map<const char*, std::unique_ptr<PgStatement>> cache_;
  struct PendingCopy {
    const std::string* copy_sql;
    std::string rows;  // COPY text format, one line per row
  };
  const char* deferred_begin_ = nullptr;
  bool unread_ = false;  // a command was sent whose answer is not read yet
  bool configured_ = false;  // the session has its settings (configure_session) since the last (re)connect
  bool bulk_ = false;
  std::vector<PendingCopy> pending_;
};

}  // namespace darwaza::storage::postgres
