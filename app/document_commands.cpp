// `darwaza documents purge`: deletes uploads that no application has referenced for a number of
// days, and the content no remaining document names (what `serve` does every hour with
// --unreferenced-document-days), then content files no document names that are a day old (serve
// sweeps them a part at a time, all in a day), for an operator who wants it now or on their own
// schedule.
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "documents/documents.hpp"

namespace darwaza::cli {

void register_documents(CLI::App& app, DataOptions& data) {
  auto days = std::make_shared<int>(documents::kDefaultUnreferencedDays);
  auto* documents = app.add_subcommand("documents", "Uploaded documents");
  documents->require_subcommand(1);
  auto* purge = documents->add_subcommand(
      "purge", "Delete uploads that no application (a draft included) has referenced for DAYS days, and their content");
  add_data_options(*purge, data);
  add_documents_option(*purge, data);
  purge->add_option("--unreferenced-days", *days, "Delete those unreferenced for at least this many days")
      ->check(CLI::Range(1, 36500))
      ->capture_default_str();
  purge->callback([&data, days] {
    auto db = data.open_for_command(2);
    SystemClock clock;
    documents::Documents docs(*db, clock, data.documents_path());
    auto total = docs.purge_unreferenced(static_cast<std::int64_t>(*days) * kDayMs, std::numeric_limits<int>::max());
    if (!total.ok()) {
      std::cerr << "darwaza: " << operator_message(total.error()) << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "purged " << *total << " unreferenced documents\n";
    auto swept = docs.sweep_unnamed_content(documents::kUnnamedContentMinAgeMs, 0, documents::kContentShards);
    if (!swept.ok()) {
      std::cerr << "darwaza: " << operator_message(swept.error()) << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "deleted " << *swept << " content files no document names\n";
  });
}

}  // namespace darwaza::cli
