// CSRF tokens (http/csrf.hpp) and the static files (http/static_files.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "core/crypto.hpp"
#include "http/csrf.hpp"
#include "http/static_files.hpp"

namespace darwaza::http {
namespace {

const std::string kKeyA(32, 'a');
const std::string kKeyB(32, 'b');

TEST(CsrfTokens, OneTokenPerSessionThatOnlyThatSessionAccepts) {
  CsrfTokens csrf(kKeyA);
  std::string a = csrf.for_session("session-a");
  EXPECT_EQ(a, csrf.for_session("session-a"));
  EXPECT_NE(a, csrf.for_session("session-b"));
  EXPECT_TRUE(csrf.matches("session-a", a));
  EXPECT_FALSE(csrf.matches("session-b", a));
  EXPECT_FALSE(csrf.matches("session-a", ""));
  EXPECT_FALSE(csrf.matches("session-a", a.substr(1)));
  EXPECT_FALSE(csrf.matches("session-a", a + "x"));
  // The token reveals nothing usable as the session token itself.
  EXPECT_EQ(a.find("session-a"), std::string::npos);
}

// Nodes behind a load balancer, and a restarted node, build their tokens from the same key:
// each accepts the others' tokens; a different key accepts none of them.
TEST(CsrfTokens, SameKeyAcceptsEachOthersTokensOtherKeyDoesNot) {
  CsrfTokens node_a(kKeyA), node_b(kKeyA), other(kKeyB);
  EXPECT_TRUE(node_b.matches("same session", node_a.for_session("same session")));
  EXPECT_TRUE(node_a.matches("same session", node_b.for_session("same session")));
  EXPECT_NE(other.for_session("same session"), node_a.for_session("same session"));
  EXPECT_FALSE(other.matches("same session", node_a.for_session("same session")));
  EXPECT_FALSE(node_a.matches("same session", other.for_session("same session")));
}

// The CSRF key derivation: keyed BLAKE2b-256, checked against Python's hashlib.blake2b(data,
// key=bytes(range(32)), digest_size=32).
TEST(KeyedBlake2b, MatchesAnIndependentImplementationAndRefusesShortKeys) {
  crypto::init();
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(i));
  std::string mac = crypto::keyed_blake2b256(key, kCsrfKeyContext);
  ASSERT_EQ(mac.size(), 32u);
  std::string hex;
  for (unsigned char c : mac) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
  EXPECT_EQ(hex, "2dbe7e7f69568f6c42c48f511d883eda57d6a20f10c308819b767342e2ffbae3");
  EXPECT_THROW(crypto::keyed_blake2b256("too short", "data"), std::invalid_argument);
}

TEST(StaticFiles, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("pages/apply.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("i18n/ur.json"), "application/json; charset=utf-8");
  EXPECT_EQ(content_type_for("vendor/font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("notes"), "application/octet-stream");
}

TEST(StaticFiles, MissingFolderIsAnError) {
  EXPECT_FALSE(StaticFiles::load("/nonexistent/darwaza/web").ok());
  StaticFiles none;
  EXPECT_TRUE(none.empty());
}

// A web folder with a file beside it (outside it) that no name may reach.
class StaticFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    dir_ = std::filesystem::temp_directory_path() / ("dz-static-" + crypto::random_hex(6));
    write("web/index.html", "<!doctype html>");
    write("web/pages/a.js", "export const a = 1;");
    write("web/vendor/lib.min.js", "vendored();");
    write("secret.txt", "outside the web folder");
    auto loaded = StaticFiles::load((dir_ / "web").string());
    ASSERT_TRUE(loaded.ok());
    files_ = std::move(loaded).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& body) {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << body;
  }
  HandlerResult get(const std::string& name) const { return files_.serve(req_, name); }
  static std::string header(const Reply& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }

  std::filesystem::path dir_;
  StaticFiles files_;
  Request req_;
};

// The names a router hands over after decoding (/assets/%2e%2e/secret.txt gives ".." and
// "secret.txt"), and the still-encoded forms: none reaches the file beside the folder.
TEST_F(StaticFolder, NoNameReachesOutsideTheFolder) {
  ASSERT_TRUE(std::filesystem::exists(dir_ / "web" / ".." / "secret.txt"));
  auto inside = get("pages/a.js");
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->body, "export const a = 1;");
  const std::vector<std::string> outside = {"../secret.txt",     "pages/../../secret.txt", "vendor/../../secret.txt",
                                            "%2e%2e/secret.txt", "..%2Fsecret.txt",        "%2e%2e%2fsecret.txt",
                                            (dir_ / "secret.txt").string()};
  for (const std::string& name : outside) {
    auto r = get(name);
    ASSERT_FALSE(r.ok()) << name << " was served: " << r->body;
    EXPECT_EQ(r.error().kind, ErrorKind::not_found) << name;
  }
}

// ETags are the BLAKE2b-256 of the body; vendored files revalidate like the rest (their names
// carry no version, so a long max-age would serve a stale copy after an upgrade).
TEST_F(StaticFolder, EveryFileRevalidatesWithAContentETag) {
  for (std::string name : {"index.html", "pages/a.js", "vendor/lib.min.js"}) {
    auto r = get(name);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(header(*r, "Cache-Control"), "no-cache") << name;
    EXPECT_EQ(header(*r, "ETag"), "W/\"" + crypto::blake2b256_hex(r->body) + "\"") << name;
  }
  EXPECT_NE(header(*get("index.html"), "ETag"), header(*get("pages/a.js"), "ETag"));
}

}  // namespace
}  // namespace darwaza::http
