// The CLI11 command tree: each sub-command registers its options and its run function.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "catalog/definition.hpp"
#include "certificates/signing.hpp"
#include "core/crypto.hpp"
#include "storage/database.hpp"

namespace darwaza::registries {
class Registries;
}

namespace darwaza::cli {

// Where the data lives; shared by every command that opens the database.
struct DataOptions {
  std::string data_dir = "./darwaza-data";
  std::string db_url;  // default: sqlite:<data_dir>/darwaza.db
  std::string seed_dir = DARWAZA_SOURCE_DIR "/data";
  std::string log_level = "info";
  std::string signing_key;  // default: <data_dir>/keys/signing.key
  std::string documents_dir;  // default: <data_dir>/documents

  std::string resolved_db_url() const;
  // The platform's Ed25519 signing key file (--signing-key; its public key is beside it, as .pub).
  std::string signing_key_path() const;
  // Uploaded documents' content (--documents-dir): every node of a cluster must see one folder.
  std::string documents_path() const;
  // Creates the data folder with owner-only permissions if missing.
  void ensure_data_dir() const;
  // For one-shot commands: logging to stderr at --log-level, the data folder, the database
  // (created and migrated) with a few reader connections.
  // `bulk_load`: see storage::DatabaseOptions::bulk_load (bulk loaders only).
  std::unique_ptr<storage::Database> open_for_command(int reader_connections, bool bulk_load = false) const;
};

// --data, --signing-key, --db, --seed-dir and --log-level.
void add_data_options(CLI::App& cmd, DataOptions& d);
// --documents-dir: for the commands that read or write uploaded documents' content.
void add_documents_option(CLI::App& cmd, DataOptions& d);
// Only --data, --signing-key and --log-level: for commands that name their databases themselves.
void add_key_options(CLI::App& cmd, DataOptions& d);

void register_serve(CLI::App& app, DataOptions& data);
void register_migrate(CLI::App& app, DataOptions& data);
void register_user(CLI::App& app, DataOptions& data);
void register_version(CLI::App& app);
void register_routes_command(CLI::App& app);
// `darwaza catalog check|synth` (app/catalog_commands.cpp).
void register_catalog(CLI::App& app, DataOptions& data);
// catalog::DirectoryChecks::more for definitions loaded into a database: what they ask of the
// registries stored there (`regs`, opened), by registries::check_service_links. A registry not
// stored yet is not a problem (it may be loaded after the catalog): a warning for it is appended
// to `missing`. Both must outlive the check.
using DefinitionCheck =
    std::function<std::vector<catalog::DefinitionProblem>(const catalog::ServiceDefinition&, const std::string&)>;
DefinitionCheck stored_registry_checks(const registries::Registries& regs, std::vector<std::string>& missing);
// `darwaza registry check|load|export` (app/registry_commands.cpp).
void register_registry(CLI::App& app, DataOptions& data);
// Checks and loads a folder of registry schemas (serve --registry-dir); throws on any problem.
void load_registry_dir(registries::Registries& regs, const std::string& dir);
// The platform signing key (--signing-key, default DATA/keys/signing.key; created if missing);
// exits 2 when it cannot be read.
certificates::SigningKey platform_key(const DataOptions& data);
// `darwaza migrate-data --from sqlite:PATH --to postgresql://...` (app/migrate_data_command.cpp).
void register_migrate_data(CLI::App& app, DataOptions& data);
// `darwaza audit verify|checkpoint` (app/audit_commands.cpp).
void register_audit(CLI::App& app, DataOptions& data);
// `darwaza indicators import FILE...` (app/indicators_commands.cpp).
void register_indicators(CLI::App& app, DataOptions& data);
// `darwaza backup PATH` and `darwaza restore PATH` (app/backup_commands.cpp).
void register_backup(CLI::App& app, DataOptions& data);
void register_restore(CLI::App& app, DataOptions& data);
// `darwaza synth`: synthetic citizens, services and applications for scale tests (app/synth_command.cpp).
void register_synth_command(CLI::App& app, DataOptions& data);
// `darwaza documents purge` (app/document_commands.cpp).
void register_documents(CLI::App& app, DataOptions& data);
// `darwaza verify FILE`: offline check of a signed certificate (app/verify_command.cpp).
void register_verify(CLI::App& app, DataOptions& data);

}  // namespace darwaza::cli
