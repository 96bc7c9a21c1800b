// End-to-end: the --config file (keys for the command run, [command] sections, unknown keys
// refused by name) and --signing-key (the platform key kept outside the data folder).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/fixtures.hpp"

using namespace darwaza::test;
namespace fs = std::filesystem;

namespace {

fs::path write_config(const fs::path& dir, const std::string& name, const std::string& text) {
  fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

std::string sqlite_url(const fs::path& p) { return "sqlite:" + p.string(); }

}  // namespace

TEST(ConfigFile, APlainKeyAppliesToTheCommandRunAndASectionToItsCommandOnly) {
  fs::path dir = make_temp_dir("darwaza-config");
  std::string out;
  // The data folder comes from the file too (so the test harness adds no --db of its own).
  const std::string data = "data = \"" + (dir / "data").string() + "\"\n";
  // `listen` is serve's: a file shared by serve and migrate leaves it to serve.
  auto flat = write_config(dir, "flat.toml",
                           data + "db = \"" + sqlite_url(dir / "flat.db") + "\"\nlisten = \"127.0.0.1:1\"\n");
  ASSERT_EQ(run_darwaza({"--config", flat.string(), "migrate"}, out), 0) << out;
  EXPECT_NE(out.find("database " + sqlite_url(dir / "flat.db")), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "flat.db"));
  EXPECT_FALSE(fs::exists(dir / "data" / "darwaza.db")) << "the file's db was ignored";

  auto sections = write_config(dir, "sections.toml",
                               data + "[serve]\ndb = \"" + sqlite_url(dir / "serve.db") + "\"\n[migrate]\ndb = \"" +
                                   sqlite_url(dir / "migrate.db") + "\"\n");
  ASSERT_EQ(run_darwaza({"--config", sections.string(), "migrate"}, out), 0) << out;
  EXPECT_TRUE(fs::exists(dir / "migrate.db"));
  EXPECT_FALSE(fs::exists(dir / "serve.db"));

  // The command line wins over the file.
  ASSERT_EQ(run_darwaza({"--config", flat.string(), "migrate", "--db", sqlite_url(dir / "cli.db")}, out), 0) << out;
  EXPECT_TRUE(fs::exists(dir / "cli.db"));
  fs::remove_all(dir);
}

TEST(ConfigFile, AKeyNoCommandHasIsRefusedByNameAndNothingRuns) {
  fs::path dir = make_temp_dir("darwaza-config");
  std::string data = (dir / "data").string(), out;
  auto typo = write_config(dir, "typo.toml", "dbb = \"" + sqlite_url(dir / "typo.db") + "\"\n");
  EXPECT_NE(run_darwaza({"--config", typo.string(), "migrate", "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("`dbb` is not an option"), std::string::npos) << out;
  auto wrong_section = write_config(dir, "section.toml", "[migrate]\nlisten = \"127.0.0.1:1\"\n");
  EXPECT_NE(run_darwaza({"--config", wrong_section.string(), "migrate", "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("`listen` in [migrate] is not an option of `migrate`"), std::string::npos) << out;
  auto no_command = write_config(dir, "command.toml", "[migrat]\ndb = \"x\"\n");
  EXPECT_NE(run_darwaza({"--config", no_command.string(), "migrate", "--data", data}, out), 0) << out;
  EXPECT_NE(out.find("[migrat] is not a darwaza command"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "data" / "darwaza.db")) << "a refused file must not run the command";
  fs::remove_all(dir);
}

TEST(ConfigFile, TheSigningKeyCanLiveOutsideTheDataFolder) {
  fs::path dir = make_temp_dir("darwaza-signing-key");
  fs::path key = dir / "secrets" / "platform.key";
  std::string public_key;
  {
    ServerProcess server({"--signing-key", key.string()});
    server.start();
    HttpClient c = server.client();
    auto published = c.get("/v1/keys/signing");
    ASSERT_EQ(published.status, 200u) << published.body;
    public_key = published.json()["public_key"];
    EXPECT_FALSE(fs::exists(fs::path(server.data_dir()) / "keys" / "signing.key"));
  }
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0) << "the key was not created at --signing-key";
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream pub(key.string() + ".pub");
  std::stringstream text;
  text << pub.rdbuf();
  EXPECT_NE(text.str().find(public_key), std::string::npos) << text.str();
  {
    // Started again, the node keeps the same key.
    ServerProcess again({"--signing-key", key.string()});
    again.start();
    EXPECT_EQ(again.client().get("/v1/keys/signing").json()["public_key"], public_key);
  }
  fs::remove_all(dir);
}
