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
  logging::init({data.log_level, "off"});
  storage::DatabaseOptions o;
  o.url = data.resolved_db_url();
  o.reader_connections = 2;
  return storage::open_database(o);
}

certificates::SigningKey platform_key(const DataOptions& data) {
  auto key = certificates::SigningKey::load_or_create(
      (std::filesystem::path(data.data_dir) / "keys" / "signing.key").string());
  if (!key.ok()) {
    std::cerr << "darwaza: " << key.error().detail << "\n";
    throw CLI::RuntimeError(kExitCannotCheck);
  }
  return std::move(key).value();
}

void register_verify_chain(CLI::App& parent, DataOptions& data) {
  auto key_file = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand(
      "verify", "Walk the audit chain and its signed checkpoints; report the first broken link.\n"
                "Exit 0: intact; 1: broken (edited, deleted, reordered or inserted entries); 2: cannot check");
  add_data_options(*cmd, data);
  cmd->add_option("--public-key", *key_file,
                  "Public key (base64url) that signed the checkpoints (default: the platform key in DATA/keys)");
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
      std::cerr << "darwaza: " << r.error().detail << "\n";
      throw CLI::RuntimeError(kExitCannotCheck);
    }
    std::cout << (*r ? "checkpoint signed\n" : "nothing new to sign\n");
  });
}

}  // namespace

void register_audit(CLI::App& app, DataOptions& data) {
  auto* cmd = app.add_subcommand("audit", "The tamper-evident audit log: verify the chain, sign checkpoints");
  cmd->require_subcommand(1);
  register_verify_chain(*cmd, data);
  register_checkpoint(*cmd, data);
}

}  // namespace darwaza::cli
