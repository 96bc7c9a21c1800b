// `darwaza audit verify|checkpoint`: the tamper-evident audit chain from the command line.
#include <filesystem>
#include <iostream>

#include "audit/audit.hpp"
#include "certificates/signing.hpp"
#include "commands.hpp"
#include "core/log.hpp"
#include "progress.hpp"
#include "storage/database.hpp"

namespace darwaza::cli {
namespace {

constexpr int kExitIntact = 0;
constexpr int kExitBroken = 1;
constexpr int kExitCannotCheck = 2;

std::unique_ptr<storage::Database> open_existing(DataOptions& data) {
  if (data.log_level == "info") data.log_level = "warn";
  return data.open_for_command(2);
}


void register_verify_chain(CLI::App& parent, DataOptions& data) {
  auto key_file = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand(
      "verify", "Walk the audit chain and its signed checkpoints; report the first broken link.\n"
                "Exit 0: intact; 1: broken (edited, deleted, reordered or inserted entries); 2: cannot check");
  add_data_options(*cmd, data);
  cmd->add_option("--public-key", *key_file,
                  "Public key (base64url) that signed the checkpoints (default: the platform key, --signing-key)");
  cmd->callback([&data, key_file] {
    std::string public_key = *key_file;
    if (public_key.empty()) public_key = platform_key(data).public_key_b64();
    std::unique_ptr<storage::Database> db;
    try {
      db = open_existing(data);
    } catch (const std::exception& e) {
      std::cerr << "darwaza: cannot open the database: " << e.what() << "\n";
      throw CLI::RuntimeError(kExitCannotCheck);
    }
    ProgressBar bar("audit verify");
    auto t0 = std::chrono::steady_clock::now();
    auto rep = audit::verify(*db, public_key, [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
    bar.finish();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!rep.ok) {
      std::cout << "BROKEN at entry " << rep.broken_at << ": " << rep.problem << "\n"
                << rep.entries << " entries before it verified\n";
      throw CLI::RuntimeError(kExitBroken);
    }
    std::cout << "OK: " << rep.entries << " entries, " << rep.checkpoints << " signed checkpoints ("
              << static_cast<long long>(secs > 0 ? rep.entries / secs : 0) << " entries/s)\n";
  });
}

void register_checkpoint(CLI::App& parent, DataOptions& data) {
  auto* cmd = parent.add_subcommand("checkpoint", "Sign a checkpoint of the current chain head now");
  add_data_options(*cmd, data);
  cmd->callback([&data] {
    auto key = platform_key(data);
    auto db = open_existing(data);
    SystemClock clock;
    audit::Audit a(*db, clock, key);
    auto r = a.checkpoint();
    if (!r.ok()) {
      std::cerr << "darwaza: " << operator_message(r.error()) << "\n";
      throw CLI::RuntimeError(kExitCannotCheck);
    }
    std::cout << (*r ? "checkpoint signed\n" : "nothing new to sign\n");
  });
}

// Appends N synthetic entries through the real append path (hash chain included), for the
// verify benchmark (bench/audit.sh). Refuses a database that serves real people.
void register_synth(CLI::App& parent, DataOptions& data) {
  constexpr int kSynthBatchEntries = 50'000;
  auto count = std::make_shared<std::int64_t>(0);
  auto* cmd = parent.add_subcommand("synth", "Benchmarks only: append N synthetic entries to an empty scratch database");
  add_data_options(*cmd, data);
  cmd->add_option("--count", *count, "How many entries")->required()->check(CLI::Range(static_cast<std::int64_t>(1), static_cast<std::int64_t>(100'000'000)));
  cmd->callback([&data, count] {
    auto db = open_existing(data);
    bool has_people = false;
    (void)db->read([&](storage::Tx& tx) -> Status {
      has_people = tx.users().count() > 0;
      return ok_status();
    });
    if (has_people) {
      std::cerr << "darwaza: refusing to add synthetic audit entries to a database with people in it\n";
      throw CLI::RuntimeError(kExitCannotCheck);
    }
    ProgressBar bar("audit synth");
    SystemClock clock;
    Principal officer;
    officer.kind = Principal::Kind::user;
    officer.user_id = "usr_synthetic";
    officer.roles = {{Role::officer, "pta"}};
    for (std::int64_t done = 0; done < *count;) {
      std::int64_t n = std::min<std::int64_t>(kSynthBatchEntries, *count - done);
      Status s = db->write([&](storage::Tx& tx) -> Status {
        for (std::int64_t i = 0; i < n; ++i)
          audit::record(tx, officer, clock.now_ms(),
                        {"application.read", "application", "app_" + std::to_string(done + i), "usr_citizen", "", "", "ok"});
        return ok_status();
      });
      if (!s.ok()) throw std::runtime_error(operator_message(s.error()));
      done += n;
      bar.update(done, *count);
    }
    bar.finish();
    std::cout << *count << " synthetic entries appended\n";
  });
}

}  // namespace

certificates::SigningKey platform_key(const DataOptions& data) {
  auto key = certificates::SigningKey::load_or_create(data.signing_key_path());
  if (!key.ok()) {
    std::cerr << "darwaza: " << operator_message(key.error()) << "\n";
    throw CLI::RuntimeError(2);  // "cannot check"
  }
  return std::move(key).value();
}

void register_audit(CLI::App& app, DataOptions& data) {
  auto* cmd = app.add_subcommand("audit", "The tamper-evident audit log: verify the chain, sign checkpoints");
  cmd->require_subcommand(1);
  register_verify_chain(*cmd, data);
  register_checkpoint(*cmd, data);
  register_synth(*cmd, data);
}

}  // namespace darwaza::cli
