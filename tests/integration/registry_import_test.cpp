// End-to-end: `darwaza registry import` of more rows than one transaction takes (10,000 a batch).
// Each batch runs in one savepoint of the writer, whose journal is far past SQLite's in-memory
// threshold; a larger threshold (tried for submissions) made the second batch fail, and no test
// imported more than one batch then.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "support/fixtures.hpp"

using namespace darwaza::test;
using nlohmann::json;

TEST(RegistryImport, EveryBatchOfALargeImportLands) {
  const std::string dir = make_temp_dir("dz-import");
  const std::string data = dir + "/d", file = dir + "/vpn.jsonl";
  constexpr int kRows = 25000;  // three batches
  {
    std::ofstream out(file);
    for (int i = 0; i < kRows; ++i) {
      const std::string range = i % 3 ? fmt::format("11.{}.{}.0/24", i / 256, i % 256) : fmt::format("2a00:{:x}::/48", i);
      out << json{{"fields",
                   {{"registrant_name", fmt::format("Batch Firm {}", i)}, {"cnic", fmt::format("35202-{:07}-1", i)},
                    {"email", fmt::format("batch{}@example.pk", i)}, {"mobile", fmt::format("+92300{:07}", i)},
                    {"vpn_type", "ipsec"}, {"purpose", "Import of several batches"}, {"endpoints", {range}},
                    {"isp", "PTCL"}}}}.dump()
          << "\n";
    }
  }
  std::string out;
  ASSERT_EQ(run_darwaza({"registry", "load", DARWAZA_SOURCE_DIR "/data/registries", "--data", data}, out), 0) << out;
  ASSERT_EQ(run_darwaza({"registry", "import", "pta-vpn-endpoints", file, "--data", data}, out), 0) << out;
  EXPECT_NE(out.find(fmt::format("{} record(s) imported", kRows)), std::string::npos) << out;
  // Every row is stored: the export has one line per record after the header.
  ASSERT_EQ(run_darwaza({"registry", "export", "pta-vpn-endpoints", "--format", "csv", "--data", data}, out), 0);
  int lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_GE(lines, kRows + 1);
  std::filesystem::remove_all(dir);
}
