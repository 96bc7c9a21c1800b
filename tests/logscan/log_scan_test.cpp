// Runs after every end-to-end and authorisation test (a ctest fixture cleanup) and reads the
// logs of every test server of the run (ServerProcess keeps them in DARWAZA_TEST_LOG_DIR): no
// password, bearer token, client secret or CNIC may appear in an access log or a server log.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

namespace {

struct Pattern {
  const char* what;
  std::regex re;
};

// What a leak looks like. The test passwords all start "correct horse battery" (support/
// fixtures.cpp); tokens and secrets are 32 random bytes, 43 base64url characters.
const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> p = {
      {"a CNIC", std::regex(R"((^|[^0-9])[0-9]{5}-[0-9]{7}-[0-9]([^0-9]|$))")},
      {"a test password", std::regex("correct horse battery|Demo-Pass")},
      {"a bearer token", std::regex("[Bb]earer [A-Za-z0-9_-]{16,}")},
      {"a 32-byte token or secret", std::regex("(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{43}([^A-Za-z0-9_-]|$)")},
      {"a password or secret field", std::regex(R"re("(password|client_secret|secret_seed|token)"\s*:)re")},
  };
  return p;
}

TEST(Logs, HoldNoPasswordTokenOrCnic) {
  namespace fs = std::filesystem;
  const fs::path dir = DARWAZA_TEST_LOG_DIR;
  ASSERT_TRUE(fs::is_directory(dir)) << "no server logs were collected in " << dir << "; did any server test run?";
  std::size_t files = 0, lines = 0, leaks = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      ++lines;
      for (const auto& p : patterns()) {
        if (std::regex_search(line, p.re)) {
          ++leaks;
          if (leaks <= 20) ADD_FAILURE() << entry.path().string() << ":" << n << " holds " << p.what << ":\n  " << line;
        }
      }
    }
  }
  EXPECT_GT(files, 0u) << "no server logs were collected in " << dir;
  EXPECT_GT(lines, 0u);
  EXPECT_EQ(leaks, 0u) << leaks << " log lines hold secrets or personal data";
  std::cout << "scanned " << files << " log files, " << lines << " lines: " << leaks << " leaks\n";
}

// The scan must be able to fail: each pattern catches its own sample.
TEST(Logs, PatternsCatchTheirSamples) {
  const std::vector<std::string> samples = {
      R"({"path":"/v1/x","actor":"35202-1234567-1"})", "password=correct horse battery 7",
      "Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "token FzT1c6x0cWmJ0q3g9n8S2eYk4hVbLr5uA7dPi1oQwXE end",
      R"({"client_secret": "x"})"};
  for (std::size_t i = 0; i < samples.size(); ++i)
    EXPECT_TRUE(std::regex_search(samples[i], patterns()[i].re)) << patterns()[i].what << " misses " << samples[i];
  EXPECT_FALSE(std::regex_search(std::string(R"({"ts":"2026-11-23T14:00:00Z","rid":"0123456789abcdef"})"),
                                 patterns()[0].re));
}

}  // namespace
