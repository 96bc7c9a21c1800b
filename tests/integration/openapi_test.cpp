// The OpenAPI document and the route table must agree: every (method, path) the router serves is
// documented, nothing else is, and each operation's `x-access` equals the route's access policy.
// openapi.yaml is read with a line parser that relies on the layout its header comment fixes
// (path keys at 2 spaces, operations at 4, operation keys at 6): the project has no YAML library.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/server_process.hpp"

namespace darwaza::test {
namespace {

using RouteKey = std::pair<std::string, std::string>;  // METHOD, PATH

struct SpecOperation {
  std::string access;  // empty when the operation has no x-access line
  int line = 0;        // 1-based line of the operation key, for messages
};

struct Spec {
  std::map<RouteKey, SpecOperation> operations;
  std::vector<std::string> problems;  // layout errors: duplicates, tabs, missing `paths:`
};

std::string describe(const RouteKey& k) { return k.first + " " + k.second; }

std::size_t indent_of(const std::string& line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

std::string rstrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

bool is_http_method(const std::string& key) {
  static const char* const kMethods[] = {"get", "put", "post", "patch", "delete", "head", "options"};
  return std::any_of(std::begin(kMethods), std::end(kMethods), [&](const char* m) { return key == m; });
}

// Reads the `paths:` section: "  /path:" opens a path, "    get:" an operation under it, and
// "      x-access: ..." gives that operation's access policy.
Spec parse_spec(const std::string& file) {
  Spec spec;
  std::ifstream in(file);
  if (!in) {
    spec.problems.push_back("cannot read " + file);
    return spec;
  }
  bool in_paths = false, saw_paths = false;
  std::string path;
  SpecOperation* op = nullptr;
  std::string raw;
  for (int n = 1; std::getline(in, raw); ++n) {
    std::string line = rstrip(raw);
    if (line.find('\t') != std::string::npos) {
      spec.problems.push_back("line " + std::to_string(n) + ": tab character (indent with spaces)");
      continue;
    }
    std::size_t indent = indent_of(line);
    if (indent == line.size() || line[indent] == '#') continue;  // blank or comment
    if (indent == 0) {
      in_paths = line == "paths:";
      saw_paths = saw_paths || in_paths;
      path.clear();
      op = nullptr;
      continue;
    }
    if (!in_paths) continue;
    if (indent == 2) {
      op = nullptr;
      path.clear();
      if (line[2] == '/' && line.back() == ':') path = line.substr(2, line.size() - 3);
      else spec.problems.push_back("line " + std::to_string(n) + ": expected a path key at 2 spaces: " + line);
    } else if (indent == 4) {
      op = nullptr;
      std::string key = line.substr(4);
      if (key.empty() || key.back() != ':') continue;  // e.g. a `parameters:` list on one line
      key.pop_back();
      if (!is_http_method(key) || path.empty()) continue;
      RouteKey k{upper(key), path};
      auto [it, inserted] = spec.operations.emplace(k, SpecOperation{{}, n});
      if (!inserted) spec.problems.push_back("line " + std::to_string(n) + ": duplicate operation " + describe(k));
      op = &it->second;
    } else if (indent == 6 && op && line.compare(6, 9, "x-access:") == 0) {
      std::string value = line.substr(15);
      value.erase(0, indent_of(value));
      op->access = unquote(value);
    }
  }
  if (!saw_paths) spec.problems.push_back("no top-level `paths:` in " + file);
  return spec;
}

// The router's table, from `darwaza routes --json`: (METHOD, PATH) → access.
std::map<RouteKey, std::string> router_routes() {
  std::string out;
  int rc = run_darwaza({"routes", "--json"}, out);
  EXPECT_EQ(rc, 0) << out;
  std::map<RouteKey, std::string> routes;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') continue;  // tolerate stray non-JSON output
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "unparseable route line: " << line;
      continue;
    }
    RouteKey k{j.at("method").get<std::string>(), j.at("path").get<std::string>()};
    routes[k] = j.at("access").get<std::string>();
  }
  return routes;
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  Spec spec = parse_spec(DARWAZA_OPENAPI);
  for (const auto& p : spec.problems) ADD_FAILURE() << "openapi.yaml: " << p;
  auto routes = router_routes();
  ASSERT_FALSE(routes.empty()) << "`darwaza routes --json` printed no routes";

  std::vector<std::string> undocumented, unrouted;
  for (const auto& [k, access] : routes)
    if (!spec.operations.contains(k)) undocumented.push_back(describe(k));
  for (const auto& [k, op] : spec.operations)
    if (!routes.contains(k)) unrouted.push_back(describe(k) + " (openapi.yaml line " + std::to_string(op.line) + ")");

  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += "\n  " + x;
    return s;
  };
  EXPECT_TRUE(undocumented.empty()) << "Routes in the router but missing from openapi.yaml:" << join(undocumented);
  EXPECT_TRUE(unrouted.empty()) << "Operations in openapi.yaml that the router does not serve:" << join(unrouted);
}

TEST(OpenApi, AccessExtensionMatchesRouter) {
  Spec spec = parse_spec(DARWAZA_OPENAPI);
  auto routes = router_routes();
  for (const auto& [k, op] : spec.operations) {
    SCOPED_TRACE(describe(k) + " at openapi.yaml line " + std::to_string(op.line));
    EXPECT_FALSE(op.access.empty()) << "operation has no `x-access:` line at 6 spaces";
    auto it = routes.find(k);
    if (it == routes.end()) continue;  // reported by DocumentsEveryRouteAndNothingElse
    EXPECT_EQ(op.access, it->second) << "x-access differs from `darwaza routes`";
  }
}

TEST(OpenApi, ServedByTheServer) {
  ServerProcess s;
  s.start();
  auto c = s.client();
  auto r = c.get("/openapi.yaml");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.header("content-type").starts_with("application/yaml")) << r.header("content-type");
  EXPECT_TRUE(r.body.starts_with("openapi: 3.1")) << r.body.substr(0, 80);

  // The binary embeds the document at build time; what it serves is the file in the tree.
  std::ifstream in(DARWAZA_OPENAPI);
  std::string on_disk((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(r.body == on_disk) << "served document differs from " << DARWAZA_OPENAPI << " (rebuild?)";
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
}  // namespace darwaza::test
