// `darwaza registry ...`: registry schema files (docs/registries.md) and exports.
#include <fstream>
#include <iostream>
#include <memory>

#include "catalog/definition.hpp"
#include "commands.hpp"
#include "core/log.hpp"
#include "core/working_days.hpp"
#include "identity/agencies.hpp"
#include "progress.hpp"
#include "registries/registries.hpp"
#include "registries/schema.hpp"
#include "storage/database.hpp"

namespace darwaza::cli {
namespace {

using nlohmann::json;

void print_problems(const std::vector<catalog::DefinitionProblem>& problems) {
  for (const auto& p : problems) {
    if (p.path.empty()) std::cout << p.file << ": " << p.message << "\n";
    else std::cout << p.file << ": " << p.path << ": " << p.message << "\n";
  }
}

std::vector<registries::SchemaFile> read_registry_dir(const std::string& dir) {
  std::vector<registries::SchemaFile> files;
  auto problems = registries::check_registry_directory(dir, &files);
  print_problems(problems);
  if (!problems.empty()) {
    std::cerr << problems.size() << " problem(s) in " << dir << "\n";
    throw CLI::RuntimeError(1);
  }
  return files;
}

struct OpenDb {
  SystemClock clock;
  std::unique_ptr<storage::Database> db;
};

std::unique_ptr<OpenDb> open_db(DataOptions& data) {
  auto out = std::make_unique<OpenDb>();
  out->db = data.open_for_command(4);
  if (auto list = identity::load_agencies_file(data.seed_dir + "/agencies.json"); list.ok()) {
    identity::Agencies agencies(*out->db, out->clock);
    (void)agencies.seed(*list);
  }
  return out;
}

// The database and the named registry, for commands that work on one registry's records
// (address indexes left out: the server builds its own). Exits 2 when there is no such registry.
struct OpenRegistry {
  std::unique_ptr<OpenDb> h;
  std::unique_ptr<registries::Registries> regs;
  registries::SchemaPtr schema;
};

OpenRegistry open_registry(DataOptions& data, const std::string& name) {
  if (data.log_level == "info") data.log_level = "warn";  // records may go to standard output
  OpenRegistry out;
  // Read and import only: no agency seeding here, so an export writes nothing (not even an audit entry).
  out.h = std::make_unique<OpenDb>();
  out.h->db = data.open_for_command(4);
  out.regs = std::make_unique<registries::Registries>(*out.h->db, out.h->clock, /*address_indexes=*/false);
  if (Status s = out.regs->open(); !s.ok()) throw std::runtime_error(operator_message(s.error()));
  auto schema = out.regs->schema(name);
  if (!schema.ok()) {
    std::cerr << "darwaza: no registry \"" << name << "\"\n";
    throw CLI::RuntimeError(2);
  }
  out.schema = *schema;
  return out;
}

// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csv_cell(const json& v) {
  std::string s = v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void register_check(CLI::App& parent) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("check", "Validate every registry schema in DIR and the seed files they name");
  cmd->add_option("DIR", *dir, "Folder of registry schema files (*.json)")->required();
  cmd->callback([dir] {
    auto files = read_registry_dir(*dir);
    std::size_t seeds = 0;
    for (const auto& f : files) seeds += f.seed.size();
    std::cout << files.size() << " registries OK, " << seeds << " seed records\n";
  });
}

void register_load(CLI::App& parent, DataOptions& data) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("load", "Load or update registry schemas and their seed records (all or nothing)");
  add_data_options(*cmd, data);
  cmd->add_option("DIR", *dir, "Folder of registry schema files (*.json)")->required();
  cmd->callback([&data, dir] {
    auto files = read_registry_dir(*dir);
    auto h = open_db(data);
    registries::Registries regs(*h->db, h->clock, /*address_indexes=*/false);
    if (Status s = regs.open(); !s.ok()) throw std::runtime_error(operator_message(s.error()));
    auto report = regs.load(files);
    if (!report.ok()) {
      std::cerr << "darwaza: " << operator_message(report.error()) << "\nnothing was loaded\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << report->registries << " registries; " << report->seeded << " seed records added, "
              << report->unchanged << " already present\n";
  });
}

// Streams the registry as CSV (a header row, then a row per record) or JSON lines.
void register_export(CLI::App& parent, DataOptions& data) {
  struct Opts {
    std::string name;
    std::string format = "csv";
    std::string output;
    bool all_fields = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = parent.add_subcommand("export", "Export a registry's records (public fields unless --all-fields)");
  add_data_options(*cmd, data);
  cmd->add_option("NAME", o->name, "Registry name")->required();
  cmd->add_option("--format", o->format, "csv or json (JSON lines, one record per line)")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--output,-o", o->output, "File to write (default: standard output)");
  cmd->add_flag("--all-fields", o->all_fields,
                "Every field, including personal data (administrators with access to the database only)");
  cmd->callback([&data, o] {
    auto r = open_registry(data, o->name);
    auto& regs = *r.regs;
    const auto& schema = r.schema;
    const auto& h = r.h;
    std::ofstream file;
    if (!o->output.empty()) {
      file.open(o->output, std::ios::binary | std::ios::trunc);
      if (!file) throw std::runtime_error("cannot write " + o->output);
    }
    std::ostream& out = o->output.empty() ? std::cout : file;
    std::vector<std::string> columns;
    for (const auto& f : schema->fields)
      if (o->all_fields || (f.is_public && !registries::personal_type(f.field.type))) columns.push_back(f.field.name);
    const std::vector<std::string> fixed = {"number", "status", "valid_from", "valid_until"};
    if (o->format == "csv") {
      std::string header;
      for (const auto& c : fixed) header += (header.empty() ? "" : ",") + c;
      for (const auto& c : columns) header += "," + csv_cell(c);
      out << header << "\r\n";
    }
    const std::string today = pkt_date(h->clock.now_ms());
    ProgressBar bar("export " + o->name);
    Status st = regs.export_records(
        o->name, o->all_fields,
        [&](const registries::Record& r, const json& fields) {
          const std::string status = registries::shown_status(r, today);
          if (o->format == "json") {
            json line{{"number", r.number}, {"status", status}, {"valid_from", r.valid_from},
                      {"valid_until", r.valid_until.empty() ? json(nullptr) : json(r.valid_until)}, {"fields", fields}};
            if (o->all_fields) line["id"] = r.id;
            out << line.dump() << "\n";
            return;
          }
          std::string row = csv_cell(r.number) + "," + status + "," + r.valid_from + "," + r.valid_until;
          for (const auto& c : columns) row += "," + csv_cell(fields.contains(c) ? fields[c] : json());
          out << row << "\r\n";
        },
        [&](std::int64_t done, std::int64_t total) { bar.update(done, total); });
    bar.finish();
    out.flush();
    if (!st.ok()) throw std::runtime_error(operator_message(st.error()));
    if (!out) throw std::runtime_error("writing the export failed");
  });
}

// Reads JSON lines, checks every line first (reporting each bad one with its line number and
// importing nothing if any is bad), then writes in transactions of kImportBatchRows.
void register_import(CLI::App& parent, DataOptions& data) {
  constexpr std::size_t kImportBatchRows = 10'000;
  struct Opts {
    std::string name;
    std::string file;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = parent.add_subcommand(
      "import", "Import existing registrations from a JSON-lines FILE: {\"fields\": {...}, \"number\": ..., "
                "\"valid_until\": ...} per line");
  add_data_options(*cmd, data);
  cmd->add_option("NAME", o->name, "Registry name")->required();
  cmd->add_option("FILE", o->file, "JSON lines, one record per line")->required()->check(CLI::ExistingFile);
  cmd->callback([&data, o] {
    auto r = open_registry(data, o->name);
    auto& regs = *r.regs;
    const auto& schema = r.schema;
    std::ifstream in(o->file, std::ios::binary);
    std::vector<registries::ImportRow> rows;
    std::string line;
    std::size_t line_no = 0, bad = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      json j = json::parse(line, nullptr, false);
      auto row = j.is_discarded() ? Result<registries::ImportRow>(make_error(ErrorKind::invalid_request, "malformed-json",
                                                                            "Malformed JSON", "not valid JSON"))
                                  : regs.parse_import_row(*schema, j);
      if (!row.ok()) {
        if (++bad <= 1000) std::cout << o->file << ":" << line_no << ": " << operator_message(row.error()) << "\n";
        continue;
      }
      rows.push_back(std::move(row).value());
    }
    if (bad > 0) {
      std::cerr << bad << " bad line(s); nothing was imported\n";
      throw CLI::RuntimeError(1);
    }
    ProgressBar bar("import " + o->name);
    const std::int64_t total = static_cast<std::int64_t>(rows.size());
    std::int64_t done = 0;
    for (std::size_t i = 0; i < rows.size(); i += kImportBatchRows) {
      std::vector<registries::ImportRow> batch(std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(i)),
                                               std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(
                                                                           std::min(rows.size(), i + kImportBatchRows))));
      Principal cli;
      cli.user_id = "cli";
      auto n = regs.import_rows(o->name, std::move(batch), cli);
      if (!n.ok()) {
        bar.finish();
        std::cerr << "darwaza: " << operator_message(n.error()) << "\n" << done << " record(s) were imported before this batch\n";
        throw CLI::RuntimeError(1);
      }
      done += *n;
      bar.update(done, total);
    }
    bar.finish();
    std::cout << done << " record(s) imported into " << o->name << "\n";
  });
}

}  // namespace

void load_registry_dir(registries::Registries& regs, const std::string& dir) {
  std::vector<registries::SchemaFile> files;
  auto problems = registries::check_registry_directory(dir, &files);
  for (const auto& p : problems) logging::app().error("{}: {}: {}", p.file, p.path, p.message);
  if (!problems.empty()) throw std::runtime_error("registry schemas in " + dir + " have problems");
  auto report = regs.load(files);
  if (!report.ok()) throw std::runtime_error(operator_message(report.error()));
  logging::app().info("registries: {} loaded, {} seed records added, {} present", report->registries, report->seeded,
                      report->unchanged);
}

void register_registry(CLI::App& app, DataOptions& data) {
  auto* reg = app.add_subcommand("registry", "Digital registries: check and load schema files, import and export records");
  reg->require_subcommand(1);
  register_check(*reg);
  register_load(*reg, data);
  register_export(*reg, data);
  register_import(*reg, data);
}

}  // namespace darwaza::cli
