// The engine-neutral statement interface the repositories are written against once.
// A Connection prepares each named SQL constant once and caches the statement by the constant's
// address; SQLite (storage/sqlite) and PostgreSQL via libpq (storage/postgres) implement it.
// SQL uses `?` or `?N` placeholders; where the engines' SQL must differ a repository picks
// per dialect (pick()), e.g. FTS5 against tsvector.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace darwaza::storage::sql {

enum class Dialect { sqlite, postgresql };

// One prepared statement; the Query handle below drives it.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_int(int i, std::int64_t v) = 0;
  virtual void bind_real(int i, double v) = 0;
  virtual void bind_null(int i) = 0;
  // Executes on the first call; true while a row is available.
  virtual bool step() = 0;
  // Rows changed by the last executed statement.
  virtual int changes() = 0;
  // The column's text, valid until the next step() or reset() (empty for NULL).
  virtual std::string_view text_view(int col) const = 0;
  std::string text(int col) const { return std::string(text_view(col)); }
  virtual std::int64_t integer(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual bool is_null(int col) const = 0;
  // Forgets the result and the bindings, ready for the next use.
  virtual void reset() = 0;
};

// A prepared statement in use; resets itself when it goes out of scope.
class Query {
 public:
  explicit Query(Statement& s) : s_(s) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query() { s_.reset(); }

  Query& bind(int i, std::string_view v) { s_.bind_text(i, v); return *this; }
  Query& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Query& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Query& bind(int i, std::int64_t v) { s_.bind_int(i, v); return *this; }
  Query& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Query& bind(int i, double v) { s_.bind_real(i, v); return *this; }
  Query& bind_null(int i) { s_.bind_null(i); return *this; }
  Query& bind(int i, const std::optional<std::int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }
  // Binds an empty string as NULL (for optional unique columns).
  Query& bind_or_null(int i, const std::string& v) { return v.empty() ? bind_null(i) : bind(i, v); }

  template <class... Args>
  Query& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // Steps once; true while a row is available.
  bool step() { return s_.step(); }
  // Runs a statement that returns no rows; returns the number of rows changed.
  int exec() {
    while (step()) {
    }
    return s_.changes();
  }

  std::string text(int col) const { return s_.text(col); }
  std::string_view text_view(int col) const { return s_.text_view(col); }
  std::int64_t integer(int col) const { return s_.integer(col); }
  double real(int col) const { return s_.real(col); }
  bool is_null(int col) const { return s_.is_null(col); }
  std::optional<std::int64_t> opt_integer(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
  }

 private:
  Statement& s_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  Query query(const char* sql) { return Query(statement(sql)); }
  // For a statement whose best plan depends on the values bound (a parameter LIMIT, a filter that
  // is off when its parameter is empty): planned for the values of each execution. On PostgreSQL
  // it goes as the unnamed statement and never gets a generic plan, which for `LIMIT $n` assumes
  // a large share of the rows is wanted and keeps filters that are off, so it may sort rows an
  // index holds in order, or read the table for a count an index answers. Planning costs a
  // little each time: only for such statements. SQLite plans once either way. A SQL constant is
  // used through query() or through this, not both.
  Query query_planned_per_use(const char* sql) { return Query(statement_planned_per_use(sql)); }
  // For statements without parameters (BEGIN, migrations); may hold several.
  virtual void exec_script(const char* sql) = 0;
  [[noreturn]] virtual void fail(const char* what) = 0;
  virtual Dialect dialect() const = 0;
  // Rows inserted, changed or deleted on this connection since it opened (rolled back ones too),
  // or nullopt when this connection does not count them (Darwaza's PostgreSQL connection). SQLite
  // counts rows its statements and their triggers change (not DDL, nor rows a REPLACE deletes;
  // the schema has neither triggers nor REPLACE).
  virtual std::optional<std::int64_t> total_changes() const { return std::nullopt; }
  // Whether a transaction is open on the connection.
  virtual bool in_transaction() const = 0;
  // The statement for this engine where the SQL must differ (each is a named constant).
  const char* pick(const char* sqlite_sql, const char* postgresql_sql) const {
    return dialect() == Dialect::sqlite ? sqlite_sql : postgresql_sql;
  }

 protected:
  // Prepared once per connection, cached by the SQL constant's address.
  virtual Statement& statement(const char* sql) = 0;
  virtual Statement& statement_planned_per_use(const char* sql) { return statement(sql); }
};

}  // namespace darwaza::storage::sql
