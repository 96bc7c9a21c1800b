// `darwaza indicators import FILE...`: loads indicator series, figures and quoted changes from
// CSV and JSON files (docs/transparency.md). Every bad row is reported as FILE:LINE: message, and
// nothing is imported if any row is bad unless --skip-bad is given.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "core/log.hpp"
#include "indicators/indicators.hpp"
#include "progress.hpp"
#include "storage/database.hpp"

namespace darwaza::cli {
namespace {

void print_rows(const std::vector<indicators::RowProblem>& rows, std::ostream& out) {
  for (const auto& p : rows) {
    if (p.line > 0) out << p.file << ":" << p.line << ": " << p.message << "\n";
    else out << p.file << ": " << p.message << "\n";
  }
}

struct ImportArgs {
  std::vector<std::string> files;
  bool skip_bad = false;
  bool dry_run = false;
};

int run_import(DataOptions& data, const ImportArgs& args) {
  indicators::ImportBatch batch;
  for (const auto& f : args.files) indicators::read_file(f, batch);
  auto db = data.open_for_command(2);
  SystemClock clock;
  indicators::Indicators service(*db, clock);
  ProgressBar bar(args.dry_run ? "checking" : "importing");
  indicators::ImportOptions options;
  options.skip_bad = args.skip_bad;
  options.dry_run = args.dry_run;
  options.progress = [&bar](std::size_t done, std::size_t total) {
    bar.update(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
  };
  auto report = service.import(batch, options);
  bar.finish();
  if (!report.ok()) {
    std::cerr << "darwaza: the import failed: " << operator_message(report.error())
              << "\nnothing was imported\n";
    return 1;
  }
  print_rows(report->problems, std::cout);
  if (!report->problems.empty() && !args.skip_bad) {
    std::cerr << report->problems.size() << " problem(s); nothing was imported (--skip-bad imports the good rows)\n";
    return 1;
  }
  std::cout << (args.dry_run ? "would import: " : "imported: ") << report->series_added << " series added, "
            << report->series_updated << " updated; " << report->observations_added << " figures added, "
            << report->observations_unchanged << " already stored; " << report->quotes_added
            << " quoted changes added, " << report->quotes_unchanged << " already stored";
  if (!report->problems.empty()) std::cout << "; " << report->problems.size() << " bad row(s) skipped";
  std::cout << "\n";
  return 0;
}

}  // namespace

void register_indicators(CLI::App& app, DataOptions& data) {
  auto* group = app.add_subcommand("indicators", "IT-sector indicators: import series and figures");
  group->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = group->add_subcommand(
      "import", "Import indicator files (*.csv figures, *.json series/figures/quoted changes); all or nothing.\n"
                "Every bad row is printed as FILE:LINE: message; exits 1 if any (unless --skip-bad)");
  add_data_options(*cmd, data);
  cmd->add_option("FILE", args->files, "CSV or JSON files, imported together")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--skip-bad", args->skip_bad, "Import the good rows, report and skip the bad ones");
  cmd->add_flag("--dry-run", args->dry_run, "Check the files against the database without importing");
  cmd->callback([&data, args] {
    if (int rc = run_import(data, *args); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace darwaza::cli
