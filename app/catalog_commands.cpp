// `darwaza catalog ...`: service definition files (docs/service-definition.md) from the command line.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "catalog/catalog.hpp"
#include "catalog/definition.hpp"
#include "core/log.hpp"
#include "storage/database.hpp"
#include "commands.hpp"
#include "identity/agencies.hpp"
#include "registries/registries.hpp"
#include "registries/schema.hpp"
#include "registries/service_links.hpp"

namespace darwaza::cli {
namespace {

constexpr int kMaxSynthCount = 1000000;

void print_problem(const catalog::DefinitionProblem& p) {
  if (p.path.empty()) std::cout << p.file << ": " << p.message << "\n";
  else std::cout << p.file << ": " << p.path << ": " << p.message << "\n";
}

// Definitions name their owner by id; a typo there would only surface when the catalog is loaded.
// The agency ids of `agencies_file`, or nothing (with a warning) when it cannot be read.
std::optional<std::set<std::string>> agency_ids(const std::string& agencies_file) {
  auto agencies = identity::load_agencies_file(agencies_file);
  if (!agencies.ok()) {
    std::cerr << "darwaza: agencies not checked: cannot read " << agencies_file << "\n";
    return std::nullopt;
  }
  std::set<std::string> ids;
  for (const auto& a : *agencies) ids.insert(a.id);
  return ids;
}

// The registry schemas of `dir` by name, or nothing (with a warning) when they cannot be read.
std::optional<std::map<std::string, registries::Schema>> registry_schemas(const std::string& dir) {
  std::vector<registries::SchemaFile> files;
  auto problems = registries::check_registry_directory(dir, &files);
  if (!problems.empty()) {
    std::cerr << "darwaza: registries not checked: " << dir << " has problems (see darwaza registry check)\n";
    return std::nullopt;
  }
  std::map<std::string, registries::Schema> out;
  for (auto& f : files) out.emplace(f.schema.name, std::move(f.schema));
  return out;
}

void register_check(CLI::App& catalog, DataOptions& data) {
  struct Opts {
    std::string dir;
    std::string agencies;
    std::string registries;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = catalog.add_subcommand(
      "check", "Validate every *.json service definition in DIR; prints each problem as `file: path: message`\n"
               "and exits 1 if there is any");
  add_data_options(*cmd, data);
  cmd->add_option("dir", o->dir, "Folder of definition files")->required();
  cmd->add_option("--agencies", o->agencies, "Agencies file the definitions' agency ids must appear in "
                                             "(default: SEED_DIR/agencies.json)");
  cmd->add_option("--registries", o->registries,
                  "Folder of registry schemas the definitions' registries must be in, with the fields their "
                  "approvals fill (default: SEED_DIR/registries)");
  cmd->callback([&data, o] {
    std::vector<catalog::ServiceDefinition> defs;
    auto agencies = agency_ids(o->agencies.empty() ? data.seed_dir + "/agencies.json" : o->agencies);
    auto schemas = registry_schemas(o->registries.empty() ? data.seed_dir + "/registries" : o->registries);
    catalog::DirectoryChecks checks;
    checks.agencies = agencies ? &*agencies : nullptr;
    if (schemas) checks.more = [&](const catalog::ServiceDefinition& d, const std::string& file) {
      return registries::check_service_links(d, file, [&](const std::string& name) -> const registries::Schema* {
        auto it = schemas->find(name);
        return it == schemas->end() ? nullptr : &it->second;
      });
    };
    auto problems = catalog::check_directory(o->dir, &defs, checks);
    for (const auto& p : problems) print_problem(p);
    if (!problems.empty()) {
      std::cerr << problems.size() << " problem(s)\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << defs.size() << " definitions OK\n";
  });
}

void register_synth(CLI::App& catalog) {
  struct Opts {
    int count = 0;
    std::string out = "synthetic-services";
    std::uint64_t seed = 1;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = catalog.add_subcommand("synth", "Write N synthetic, valid, bilingual service definitions (scale tests)");
  cmd->add_option("--count", o->count, "How many definitions")->required()->check(CLI::Range(1, kMaxSynthCount));
  cmd->add_option("--out", o->out, "Folder to write ID.json files into (created if missing)")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Generator seed; the same seed gives the same files")->capture_default_str();
  cmd->callback([o] {
    std::error_code ec;
    std::filesystem::create_directories(o->out, ec);
    if (ec) throw std::runtime_error("cannot create " + o->out + ": " + ec.message());
    auto defs = catalog::synth_definitions(o->count, o->seed);
    for (const auto& j : defs) {
      auto path = std::filesystem::path(o->out) / (j.at("id").get<std::string>() + ".json");
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f << j.dump(2) << "\n";
      if (!f) throw std::runtime_error("cannot write " + path.string());
    }
    // The registries they name, beside them (serve --registry-dir OUT/registries; catalog check
    // --registries OUT/registries).
    const auto schemas = catalog::synth_registry_schemas(defs);
    const std::filesystem::path registries = std::filesystem::path(o->out) / "registries";
    std::filesystem::create_directories(registries, ec);
    if (ec) throw std::runtime_error("cannot create " + registries.string() + ": " + ec.message());
    for (const auto& j : schemas) {
      auto path = registries / (j.at("name").get<std::string>() + ".json");
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f << j.dump(2) << "\n";
      if (!f) throw std::runtime_error("cannot write " + path.string());
    }
    std::cout << "wrote " << defs.size() << " definitions to " << o->out << " and the " << schemas.size()
              << " registries they name to " << registries.string() << "\n";
  });
}

// `catalog load DIR`: checks every file, then stores all definitions in one transaction (all or
// nothing). Unchanged definitions keep their version; changed ones get the next version, and
// applications stay bound to the version they were filed under.
void register_load(CLI::App& catalog, DataOptions& data) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = catalog.add_subcommand("load", "Load or update service definitions from DIR into the database (all or nothing)");
  add_data_options(*cmd, data);
  cmd->add_option("DIR", *dir, "Folder of service definition files (*.json)")->required();
  cmd->callback([&data, dir] {
    auto db = data.open_for_command(4);
    // Agencies come from the seed file, so that a fresh database can take definitions; the
    // definitions are checked against the database's agencies (and again in the load's transaction).
    SystemClock clock;
    identity::Agencies agencies(*db, clock);
    if (auto list = identity::load_agencies_file(data.seed_dir + "/agencies.json"); list.ok()) (void)agencies.seed(*list);
    std::optional<std::set<std::string>> known;
    if (auto list = agencies.list(); list.ok()) {
      known.emplace();
      for (const auto& a : *list) known->insert(a.id);
    }
    // The registries stored in the database: a definition must fit those it names. One not
    // stored yet is a warning, since registries may be loaded after the catalog.
    registries::Registries regs(*db, clock, /*address_indexes=*/false);
    if (Status s = regs.open(); !s.ok()) {
      std::cerr << "darwaza: " << operator_message(s.error()) << "\n";
      throw CLI::RuntimeError(1);
    }
    std::vector<std::string> unloaded;
    std::vector<catalog::ServiceDefinition> defs;
    catalog::DirectoryChecks checks;
    checks.agencies = known ? &*known : nullptr;
    checks.more = stored_registry_checks(regs, unloaded);
    auto problems = catalog::check_directory(*dir, &defs, checks);
    for (const auto& w : unloaded) std::cerr << "darwaza: warning: " << w << " (darwaza registry load)\n";
    for (const auto& p : problems) print_problem(p);
    if (!problems.empty()) {
      std::cerr << problems.size() << " problem(s); nothing was loaded\n";
      throw CLI::RuntimeError(1);
    }
    catalog::Catalog cat(*db, clock);
    auto report = cat.load(defs);
    if (!report.ok()) {
      std::cerr << "darwaza: " << operator_message(report.error()) << "\nnothing was loaded\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << defs.size() << " definitions: " << report->added << " added, " << report->updated << " updated, "
              << report->unchanged << " unchanged\n";
  });
}

}  // namespace

DefinitionCheck stored_registry_checks(const registries::Registries& regs, std::vector<std::string>& missing) {
  return [&regs, &missing](const catalog::ServiceDefinition& d, const std::string& file) {
    const auto stored = [&regs](const std::string& name) -> const registries::Schema* {
      auto s = regs.schema(name);
      return s.ok() ? s->get() : nullptr;
    };
    for (const auto& name : registries::registries_named(d))
      if (!stored(name)) missing.push_back("service " + d.id + " names registry " + name + ", which is not loaded");
    return registries::check_service_links(d, file, stored, registries::MissingRegistry::allowed);
  };
}

void register_catalog(CLI::App& app, DataOptions& data) {
  auto* catalog = app.add_subcommand("catalog", "Service definitions: check, load and generate definition files");
  catalog->require_subcommand(1);
  register_check(*catalog, data);
  register_synth(*catalog);
  register_load(*catalog, data);
}

}  // namespace darwaza::cli
