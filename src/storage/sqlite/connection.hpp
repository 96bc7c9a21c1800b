// One SQLite connection with a prepared-statement cache keyed by the SQL constant's address
// (every statement is a named constant next to the store that runs it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

namespace darwaza::storage::sqlite {

class Connection;

// A prepared statement in use; resets itself when it goes out of scope.
class Query {
 public:
  Query(Connection& conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  Query& bind(int i, std::string_view v);
  Query& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Query& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Query& bind(int i, std::int64_t v);
  Query& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Query& bind(int i, double v);
  Query& bind_null(int i);
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
  bool step();
  // Runs a statement that returns no rows; returns sqlite3_changes().
  int exec();

  std::string text(int col) const;
  std::int64_t integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  std::optional<std::int64_t> opt_integer(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
  }

 private:
  Connection& conn_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  Connection(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Query query(const char* sql);
  // For statements without parameters (PRAGMA, BEGIN, migrations); may hold several.
  void exec_script(const char* sql);
  sqlite3* handle() { return db_; }
  [[noreturn]] void fail(const char* what);

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

}  // namespace darwaza::storage::sqlite
