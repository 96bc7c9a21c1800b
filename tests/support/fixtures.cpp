#include "support/fixtures.hpp"

#include <atomic>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace darwaza::test {

Person new_person(const std::string& name) {
  static std::atomic<int> counter{0};
  int n = ++counter;
  int pid = static_cast<int>(getpid()) % 100000;
  Person p;
  p.cnic = fmt::format("{:05}-{:07}-{}", pid, n, n % 10);
  p.name = name;
  p.email = fmt::format("person{}.{}@example.pk", pid, n);
  p.mobile = fmt::format("+9230{:08}", (pid * 1000 + n) % 100000000);
  p.password = "correct horse battery " + std::to_string(n);
  return p;
}

std::string login(HttpClient& c, const Person& p) {
  auto r = c.post_json("/v1/auth/login", {{"login", p.cnic}, {"password", p.password}});
  EXPECT_EQ(r.status, 200u) << r.body;
  return r.json().value("token", "");
}

Person signed_in(HttpClient& c, const std::string& name) {
  Person p = new_person(name);
  auto r = c.post_json("/v1/auth/signup",
                       {{"cnic", p.cnic}, {"name", p.name}, {"email", p.email}, {"mobile", p.mobile}, {"password", p.password}});
  EXPECT_EQ(r.status, 201u) << r.body;
  p.id = r.json().value("id", "");
  p.token = login(c, p);
  return p;
}

Person cli_user(const ServerProcess& s, const std::string& role, const std::string& agency) {
  Person p = new_person(role + " " + agency);
  std::vector<std::string> args = {"user", "create", "--data", s.data_dir() + "/d", "--cnic", p.cnic, "--name",
                                   p.name, "--email", p.email, "--mobile", p.mobile, "--password-stdin"};
  if (!role.empty()) args.insert(args.end(), {"--role", role});
  if (!agency.empty()) args.insert(args.end(), {"--agency", agency});
  std::string out;
  int rc = run_darwaza(args, out, p.password + "\n");
  EXPECT_EQ(rc, 0) << out;
  auto pos = out.find("usr_");
  if (pos != std::string::npos) p.id = out.substr(pos, out.find_first_of(" \n", pos) - pos);
  return p;
}

}  // namespace darwaza::test
