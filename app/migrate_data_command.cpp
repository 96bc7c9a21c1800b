// `darwaza migrate-data --from sqlite:PATH --to postgresql://...`: moves a SQLite pilot to
// PostgreSQL, then checks that every table has the same number of rows on both sides, that the
// copy ends at the same audit entry (sequence and hash) as the source, and that the audit chain
// verifies on the new database with the platform key. The pilot may keep serving: the copy is one
// consistent snapshot of it, and says which audit entry it ends at; writes after that are not in
// it, so the switch-over is: stop the pilot's nodes, run migrate-data, start the nodes on PostgreSQL
// (a run while the pilot serves rehearses that and times it).
#include <iostream>

#include "audit/audit.hpp"
#include "commands.hpp"
#include "core/log.hpp"
#include "progress.hpp"
#include "storage/postgres/import_sqlite.hpp"

namespace darwaza::cli {
namespace {

constexpr int kExitMoved = 0;
constexpr int kExitMismatch = 1;
constexpr int kExitCannotMove = 2;

}  // namespace

void register_migrate_data(CLI::App& app, DataOptions& data) {
  struct Opts {
    std::string from, to;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "migrate-data", "Copy a SQLite database into an empty PostgreSQL database as one consistent snapshot (the pilot\n"
                      "may keep serving; its writes after the snapshot are not copied: stop it for the switch-over),\n"
                      "then verify row counts, the audit head and the audit chain.\n"
                      "Exit 0: moved and verified; 1: copied but a check failed; 2: nothing moved");
  add_key_options(*cmd, data);  // the databases are --from and --to
  cmd->add_option("--from", o->from, "Source: sqlite:PATH")->required();
  cmd->add_option("--to", o->to, "Target: postgresql://USER@HOST:PORT/DB (empty, or created by `darwaza migrate`)")
      ->required();
  cmd->callback([&data, o] {
    logging::init({data.log_level == "info" ? "warn" : data.log_level, "off"});
    if (!o->from.starts_with("sqlite:") || !storage::is_postgresql_url(o->to)) {
      std::cerr << "darwaza: --from must be sqlite:PATH and --to a postgresql:// URL\n";
      throw CLI::RuntimeError(kExitCannotMove);
    }
    const std::string public_key = platform_key(data).public_key_b64();
    storage::postgres::ImportReport report;
    try {
      ProgressBar bar("copy");
      report = storage::postgres::import_sqlite(storage::sqlite_path(o->from), o->to,
                                                [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
    } catch (const std::exception& e) {
      std::cerr << "darwaza: nothing moved: " << e.what() << "\n";
      throw CLI::RuntimeError(kExitCannotMove);
    }
    int exit_code = kExitMoved;
    std::int64_t rows = 0;
    const auto& counts = report.tables;
    for (const auto& c : counts) {
      rows += c.target;
      if (c.source != c.target) {
        std::cout << "MISMATCH " << c.table << ": " << c.source << " rows in SQLite, " << c.target << " in PostgreSQL\n";
        exit_code = kExitMismatch;
      }
    }
    if (!(report.source_head == report.target_head)) {
      std::cout << "MISMATCH audit head: SQLite ends at entry " << report.source_head.seq << " (" << report.source_head.hash
                << "), PostgreSQL at " << report.target_head.seq << " (" << report.target_head.hash << ")\n";
      exit_code = kExitMismatch;
    }
    std::cout << "copied as of audit entry " << report.source_head.seq
              << "; anything the pilot wrote after that is not in the copy\n";
    storage::DatabaseOptions dbo;
    dbo.url = o->to;
    dbo.reader_connections = 2;
    auto db = storage::open_database(dbo);
    ProgressBar bar("audit verify");
    auto rep = audit::verify(*db, public_key, [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
    bar.finish();
    if (!rep.ok) {
      std::cout << "audit chain BROKEN at entry " << rep.broken_at << ": " << rep.problem << "\n";
      exit_code = kExitMismatch;
    }
    std::cout << (exit_code == kExitMoved ? "OK: " : "CHECK FAILED: ") << counts.size() << " tables, " << rows
              << " rows copied; audit chain " << (rep.ok ? "verifies" : "broken") << " (" << rep.entries << " entries, "
              << rep.checkpoints << " signed checkpoints)\n";
    if (exit_code != kExitMoved) throw CLI::RuntimeError(exit_code);
  });
}

}  // namespace darwaza::cli
