#include "storage/postgres/pg_connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <utility>

#include <fmt/format.h>

#include "storage/database.hpp"

namespace darwaza::storage::postgres {
namespace {
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kUnknownOid = 0;  // text parameters: the server infers the type from the context
constexpr const char* kConnectTimeoutS = "10";
constexpr const char* kKeepalivesIdleS = "30";
// On every (re)connect. A node that stalls inside a transaction (paused, cut off) would hold the
// cluster-wide write lock; the server ends such a session after a minute, freeing the other nodes.
constexpr const char* kSessionSettings =
    "SET client_min_messages = warning; SET idle_in_transaction_session_timeout = '60s'";
constexpr const char* kReadOnlySession = "SET default_transaction_read_only = on";
// A deferred BEGIN and the statement it goes out with.
constexpr int kPipelinedCommands = 2;
// Bulk mode hands libpq the queued COPY text in pieces of this size.
constexpr std::size_t kCopyChunkBytes = 1 << 20;

}  // namespace

std::string copy_statement_for(const char* sql) {
  static const std::regex kPlainInsert(R"(^\s*INSERT INTO (\w+) \(([\w ,]+)\) VALUES \(([? ,]+)\)\s*$)",
                                       std::regex::icase);
  std::cmatch m;
  if (!std::regex_match(sql, m, kPlainInsert)) return "";
  const std::string columns = m[2].str(), values = m[3].str();
  const auto count = [](const std::string& s, char c) { return std::count(s.begin(), s.end(), c); };
  if (count(values, '?') != count(columns, ',') + 1 || count(values, ',') != count(columns, ',')) return "";
  return "COPY " + m[1].str() + " (" + columns + ") FROM STDIN";
}

void append_copy_text(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

std::string rewrite_placeholders(const char* sql, int& params) {
  std::string out;
  params = 0;
  int next = 0;
  bool in_literal = false;
  for (const char* p = sql; *p; ++p) {
    char c = *p;
    if (c == '\'') in_literal = !in_literal;
    if (in_literal || c != '?') {
      out += c;
      continue;
    }
    int n = 0;
    while (p[1] >= '0' && p[1] <= '9') n = n * 10 + (*++p - '0');
    if (n == 0) n = ++next;
    if (n > params) params = n;
    out += '$';
    out += std::to_string(n);
  }
  return out;
}

PgStatement::PgStatement(PgConnection& conn, const char* sql, Plan plan)
    : conn_(conn), plan_(plan), sql_(rewrite_placeholders(sql, params_)), copy_sql_(copy_statement_for(sql)) {
  values_.resize(params_);
  nulls_.assign(params_, 1);
  types_.assign(params_, kUnknownOid);
}

PgStatement::~PgStatement() { PQclear(result_); }

void PgStatement::slot(int i, Oid type) {
  if (i < 1 || i > params_) {
    std::string what = fmt::format("bind index {} out of range [{}]", i, sql_);
    conn_.fail(what.c_str());
  }
  types_[i - 1] = type;
  nulls_[i - 1] = 0;
}

void PgStatement::bind_text(int i, std::string_view v) {
  slot(i, kUnknownOid);
  values_[i - 1].assign(v);
}

void PgStatement::bind_int(int i, std::int64_t v) {
  slot(i, kInt8Oid);
  values_[i - 1] = std::to_string(v);
}

void PgStatement::bind_real(int i, double v) {
  slot(i, kFloat8Oid);
  values_[i - 1] = fmt::format("{}", v);
}

void PgStatement::bind_null(int i) {
  slot(i, kUnknownOid);
  nulls_[i - 1] = 1;
}

void PgStatement::execute() {
  if (conn_.bulk() && !copy_sql_.empty()) {
    conn_.queue_copy_row(copy_sql_, values_, nulls_);
    queued_ = true;
    return;
  }
  conn_.before_statement(sql_.c_str());
  // A reader's first statement finding its server session gone (a restart or fail-over) is sent
  // again, once, on a new session: it has handed nothing to its caller and cannot have written.
  const PgConnection::Start start = conn_.start_statement();
  try {
    execute_once();
  } catch (const StorageError&) {
    if (!conn_.resume_after_loss(start)) throw;
    execute_once();
  }
}

void PgStatement::execute_once() {
  PGconn* pg = conn_.handle();
  std::vector<const char*> values(params_);
  for (int i = 0; i < params_; ++i) values[i] = nulls_[i] ? nullptr : values_[i].c_str();
  row_ = -1;
  if (plan_ == Plan::per_use) {
    result_ = conn_.execute({nullptr, &sql_, params_, types_.data(), values.data()});
    return;
  }
  if (prepared_session_ != conn_.session()) {
    prepared_.clear();
    prepared_session_ = conn_.session();
  }
  std::string signature;
  signature.reserve(params_);
  for (int i = 0; i < params_; ++i) signature += types_[i] == kInt8Oid ? 'i' : types_[i] == kFloat8Oid ? 'r' : 't';
  auto it = prepared_.find(signature);
  if (it == prepared_.end()) {
    std::string name = conn_.next_statement_name();
    PGresult* r = PQprepare(pg, name.c_str(), sql_.c_str(), params_, types_.data());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      std::string msg = fmt::format("prepare [{}]", sql_);
      conn_.fail(msg.c_str(), r);
    }
    PQclear(r);
    it = prepared_.emplace(signature, std::move(name)).first;
  }
  result_ = conn_.execute({&it->second, &sql_, params_, types_.data(), values.data()});
}

bool PgStatement::step() {
  if (!result_ && !queued_) execute();
  if (queued_) return false;  // a queued COPY row: no result rows
  if (row_ + 1 >= PQntuples(result_)) {
    row_ = PQntuples(result_);
    return false;
  }
  ++row_;
  return true;
}

int PgStatement::changes() {
  if (queued_) return 1;  // the row is inserted, or the COPY fails and the transaction with it
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_);
  return n && *n ? std::atoi(n) : 0;
}

std::string_view PgStatement::text_view(int col) const {
  if (PQgetisnull(result_, row_, col)) return {};
  return {PQgetvalue(result_, row_, col), static_cast<std::size_t>(PQgetlength(result_, row_, col))};
}

std::int64_t PgStatement::integer(int col) const {
  if (PQgetisnull(result_, row_, col)) return 0;
  const char* v = PQgetvalue(result_, row_, col);
  if (v[0] == 't' && v[1] == 0) return 1;  // booleans come back as t/f
  if (v[0] == 'f' && v[1] == 0) return 0;
  return std::strtoll(v, nullptr, 10);
}

double PgStatement::real(int col) const {
  if (PQgetisnull(result_, row_, col)) return 0;
  return std::strtod(PQgetvalue(result_, row_, col), nullptr);
}

bool PgStatement::is_null(int col) const { return PQgetisnull(result_, row_, col) != 0; }

void PgStatement::reset() {
  PQclear(result_);
  result_ = nullptr;
  queued_ = false;
  row_ = -1;
  nulls_.assign(params_, 1);
  types_.assign(params_, kUnknownOid);
}

PgConnection::PgConnection(std::string url, Use use) : url_(std::move(url)), use_(use) {
  // Defaults the URL may override (it is expanded in place of dbname, after them): give up on an
  // unreachable server, and notice a dead peer.
  const char* const keys[] = {"connect_timeout", "keepalives_idle", "dbname", nullptr};
  const char* const values[] = {kConnectTimeoutS, kKeepalivesIdleS, url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw StorageError("cannot connect to PostgreSQL: " + msg);
  }
  configure_session();
}

// Straight on the new session: never inside a transaction (a deferred BEGIN stays deferred), so
// a later ROLLBACK cannot undo the settings.
void PgConnection::configure_session() {
  std::string settings = kSessionSettings;
  if (use_ == Use::read_only) settings = settings + "; " + kReadOnlySession;
  PGresult* r = PQexec(conn_, settings.c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("session settings", r);
  PQclear(r);
  configured_ = true;
}

PgConnection::~PgConnection() {
  cache_.clear();
  PQfinish(conn_);
}

bool PgConnection::in_transaction() const {
  if (!conn_) return false;
  const PGTransactionStatusType st = PQtransactionStatus(conn_);
  // INERROR: a statement failed inside it, which a ROLLBACK TO still mends; ACTIVE: a command
  // (a COPY) under way inside it.
  return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

PGconn* PgConnection::handle() {
  if (unread_) {  // a read-only COMMIT's answer: it ended its transaction whatever it says
    unread_ = false;
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }
  // The server went away (restart, fail-over): reconnect once; statements are re-prepared. A
  // session whose settings failed after a reconnect is not used as it is either.
  if (PQstatus(conn_) == CONNECTION_BAD || !configured_) reconnect();
  return conn_;
}

PgConnection::Start PgConnection::start_statement() {
  PGconn* pg = handle();  // reads an unread COMMIT answer first, so the status below is current
  const bool first = use_ == Use::read_only && (deferred_begin_ || PQtransactionStatus(pg) == PQTRANS_IDLE);
  return Start{first, deferred_begin_, session_};
}

bool PgConnection::resume_after_loss(const Start& start) {
  if (!start.retryable) return false;
  const bool lost = session_ != start.session || PQstatus(conn_) == CONNECTION_BAD;
  if (!lost) return false;  // the server answered: an error of the statement itself
  if (PQstatus(conn_) == CONNECTION_BAD || !configured_) {
    try {
      reconnect();
    } catch (const StorageError&) {
      return false;  // still unreachable: the caller gets the first error
    }
  }
  deferred_begin_ = start.deferred_begin;
  return true;
}

void PgConnection::reconnect() {
  configured_ = false;
  PQreset(conn_);
  ++session_;
  if (PQstatus(conn_) != CONNECTION_OK) fail("reconnect");
  configure_session();
}

sql::Statement& PgConnection::statement(const char* sql) { return cached(sql, PgStatement::Plan::prepared); }

sql::Statement& PgConnection::statement_planned_per_use(const char* sql) {
  return cached(sql, PgStatement::Plan::per_use);
}

sql::Statement& PgConnection::cached(const char* sql, PgStatement::Plan plan) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<PgStatement>(*this, sql, plan)).first;
  if (it->second->plan() != plan) fail("a statement used both prepared and planned per use");
  return *it->second;
}

void PgConnection::queue_copy_row(const std::string& copy_sql, const std::vector<std::string>& values,
                                  const std::vector<char>& nulls) {
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](const PendingCopy& p) { return p.copy_sql == &copy_sql; });
  if (it == pending_.end()) it = pending_.insert(pending_.end(), PendingCopy{&copy_sql, {}});
  std::string& rows = it->rows;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) rows += '\t';
    if (nulls[i]) {
      rows += "\\N";
    } else {
      append_copy_text(rows, values[i]);
    }
  }
  rows += '\n';
}

void PgConnection::flush_copies() {
  if (pending_.empty()) return;
  const std::vector<PendingCopy> pending = std::move(pending_);
  pending_.clear();
  for (const auto& p : pending) {
    PGresult* r = PQexec(handle(), p.copy_sql->c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) fail_copy(r);
    PQclear(r);
    for (std::size_t at = 0; at < p.rows.size(); at += kCopyChunkBytes) {
      const std::size_t n = std::min(kCopyChunkBytes, p.rows.size() - at);
      if (PQputCopyData(conn_, p.rows.data() + at, static_cast<int>(n)) != 1) fail("copy data");
    }
    if (PQputCopyEnd(conn_, nullptr) != 1) fail("copy end");
    r = PQgetResult(conn_);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail_copy(r);
    PQclear(r);
    while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
  }
}

void PgConnection::before_statement(const char* sql) {
  // Every SAVEPOINT flushes, so the queued rows all belong to whatever a ROLLBACK undoes.
  if (std::strncmp(sql, "ROLLBACK", 8) == 0) {
    pending_.clear();
  } else {
    flush_copies();
  }
}

void PgConnection::commit_without_waiting() {
  if (deferred_begin_) {  // nothing was sent: there is no transaction to end
    deferred_begin_ = nullptr;
    return;
  }
  // A connection that broke during the read has no transaction left (handle() reconnects on its
  // next use), and a failed statement's ROLLBACK already ended it.
  if (PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  if (PQsendQuery(conn_, "COMMIT") != 1) fail("commit");
  unread_ = true;
}

void PgConnection::send_deferred_begin() {
  const char* begin = std::exchange(deferred_begin_, nullptr);
  PGresult* r = PQexec(handle(), begin);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("begin", r);
  PQclear(r);
}

namespace {
int send(PGconn* pg, const PgConnection::Execution& e) {
  return e.name ? PQsendQueryPrepared(pg, e.name->c_str(), e.params, e.values, nullptr, nullptr, 0)
                : PQsendQueryParams(pg, e.sql->c_str(), e.params, e.types, e.values, nullptr, nullptr, 0);
}
}  // namespace

PGresult* PgConnection::execute(const Execution& e) {
  PGresult* r = deferred_begin_ ? pipeline_after_begin(e)
                : e.name ? PQexecPrepared(conn_, e.name->c_str(), e.params, e.values, nullptr, nullptr, 0)
                         : PQexecParams(conn_, e.sql->c_str(), e.params, e.types, e.values, nullptr, nullptr, 0);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail("execute", r);
  return r;
}

PGresult* PgConnection::pipeline_after_begin(const Execution& e) {
  const char* begin = std::exchange(deferred_begin_, nullptr);
  PGconn* pg = handle();
  if (PQenterPipelineMode(pg) != 1) fail("pipeline");
  const bool sent = PQsendQueryParams(pg, begin, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
                    send(pg, e) == 1 &&
                    PQpipelineSync(pg) == 1;
  // One result per command, each followed by a null, then the sync point (after a failed
  // command the next ones answer PGRES_PIPELINE_ABORTED). More nulls than commands, or a
  // connection no longer OK, means libpq gave up on the exchange.
  std::vector<PGresult*> results;
  if (sent) {
    for (int nulls = 0; nulls <= kPipelinedCommands;) {
      PGresult* r = PQgetResult(pg);
      if (!r) {
        if (PQstatus(pg) != CONNECTION_OK) break;
        ++nulls;
        continue;
      }
      if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        break;
      }
      results.push_back(r);
    }
  }
  if (PQexitPipelineMode(pg) != 1) {  // answers left unread: the session cannot be trusted
    std::string msg = PQerrorMessage(pg);
    for (PGresult* r : results) PQclear(r);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    try {
      reconnect();
    } catch (const StorageError&) {  // the next handle() tries again
    }
    throw StorageError("postgresql pipeline: " + msg);
  }
  if (results.size() != 2 || PQresultStatus(results[0]) != PGRES_COMMAND_OK) {
    PGresult* first = results.empty() ? nullptr : results[0];
    for (std::size_t i = 1; i < results.size(); ++i) PQclear(results[i]);
    fail("begin", first);
  }
  PQclear(results[0]);
  return results[1];
}

void PgConnection::rollback_read() {
  if (deferred_begin_) {  // the server never saw the transaction
    deferred_begin_ = nullptr;
    return;
  }
  exec_script("ROLLBACK");
}

void PgConnection::exec_script(const char* sql) {
  if (deferred_begin_) send_deferred_begin();  // a script inside a read: the BEGIN goes first
  before_statement(sql);
  PGresult* r = PQexec(handle(), sql);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail("exec", r);
  PQclear(r);
}

void PgConnection::fail_copy(PGresult* r) {
  // The raw handle: no reconnect while an error is being reported.
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  fail("copy", r);
}

void PgConnection::fail(const char* what) {
  std::string msg = conn_ ? PQerrorMessage(conn_) : "no connection";
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  throw StorageError(fmt::format("postgresql {}: {}", what, msg));
}

void PgConnection::fail(const char* what, const PGresult* r) {
  const char* field = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = field ? field : "none";
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  PQclear(const_cast<PGresult*>(r));
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  throw StorageError(fmt::format("postgresql {}: {} (SQLSTATE {})", what, msg, state));
}

}  // namespace darwaza::storage::postgres
