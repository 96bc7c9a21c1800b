// libFuzzer target: bulk imports. First byte even: the indicators CSV reader; odd: registry
// JSON lines (`registry import`), each line checked against a shipped registry's schema.
#include <filesystem>
#include <fstream>

#include "core/clock.hpp"
#include "indicators/import_files.hpp"
#include "registries/registries.hpp"
#include "registries/schema.hpp"
#include "storage/database.hpp"

namespace {

struct Registry {
  std::unique_ptr<darwaza::storage::Database> db;
  darwaza::SystemClock clock;
  std::unique_ptr<darwaza::registries::Registries> regs;
  std::vector<darwaza::registries::Schema> schemas;
};

Registry& registry() {
  static Registry r = [] {
    Registry out;
    darwaza::storage::DatabaseOptions o;
    o.url = "sqlite::memory:";
    o.reader_connections = 1;
    out.db = darwaza::storage::open_database(o);
    out.regs = std::make_unique<darwaza::registries::Registries>(*out.db, out.clock, false);
    for (const char* name : {"pta-vpn-endpoints", "pseb-freelancers", "pseb-companies"}) {
      std::string file = std::string(DARWAZA_SOURCE_DIR "/data/registries/") + name + ".json";
      std::ifstream in(file);
      auto j = nlohmann::json::parse(in);
      std::vector<darwaza::catalog::DefinitionProblem> problems;
      auto s = darwaza::registries::parse_schema(j, file, problems);
      if (!s.ok()) std::abort();
      out.schemas.push_back(std::move(s).value());
    }
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    darwaza::indicators::ImportBatch batch;
    darwaza::indicators::read_csv("fuzz.csv", text, batch);
    return 0;
  }
  auto& r = registry();
  const auto& schema = r.schemas[(data[0] / 2) % r.schemas.size()];
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    auto line = nlohmann::json::parse(text.substr(pos, nl - pos), nullptr, /*allow_exceptions=*/false);
    if (!line.is_discarded()) (void)r.regs->parse_import_row(schema, line);
    pos = nl + 1;
  }
  return 0;
}
