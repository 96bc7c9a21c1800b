// End-to-end: `darwaza backup` while the server keeps taking applications, `darwaza restore` into
// a fresh data folder, and the restored platform holds what was acknowledged before the backup
// began, passes `audit verify` and serves it; secret files are owner-only throughout.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"

using namespace darwaza::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json permit_data() { return {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}}; }

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

// The number after "NAME " in the command's summary line; -1 when absent.
long long reported(const std::string& out, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(name + " ([0-9]+)"))) return -1;
  return std::stoll(m[1]);
}

// A person on `s` who has stored one document; returns the document's id.
std::string person_with_document(ServerProcess& s, Person& p) {
  HttpClient c = s.client();
  p = signed_in(c);
  auto doc = c.request("POST", "/v1/documents", "%PDF-1.7\nkept papers\n",
                       {{"Content-Type", "application/pdf"}, {"Authorization", "Bearer " + p.token}});
  EXPECT_EQ(doc.status, 201u) << doc.body;
  return doc.json().value("id", "");
}

TEST(Secrets, DataFolderKeyAndDatabaseAreOwnerOnly) {
  ServerProcess s({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
  s.start();
  Person p;
  ASSERT_FALSE(person_with_document(s, p).empty());
  fs::path d = s.data_dir() + "/d";
  EXPECT_EQ(mode_of(d), 0700u);
  if (!testing_postgresql()) {  // the SQLite files; PostgreSQL keeps its own files
    EXPECT_EQ(mode_of(d / "darwaza.db"), 0600u);
    EXPECT_EQ(mode_of(d / "darwaza.db-wal"), 0600u);
  }
  EXPECT_EQ(mode_of(d / "keys"), 0700u);
  EXPECT_EQ(mode_of(d / "keys" / "signing.key"), 0600u);
  EXPECT_EQ(mode_of(d / "documents"), 0700u);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(d / "documents")) {
    if (e.is_directory()) EXPECT_EQ(mode_of(e.path()), 0700u) << e.path();
    if (e.is_regular_file()) {
      EXPECT_EQ(mode_of(e.path()), 0600u) << e.path();
      ++files;
    }
  }
  EXPECT_EQ(files, 1);
}

TEST(Backup, RestoresAConsistentCopyTakenWhileServing) {
  if (testing_postgresql()) GTEST_SKIP() << "backup and restore copy SQLite; PostgreSQL uses pg_dump (checked on SQLite)";
  ServerProcess s({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
  s.start();
  Person p;
  std::string doc_id = person_with_document(s, p);
  ASSERT_FALSE(doc_id.empty());

  // A writer keeps submitting while the backup runs.
  std::atomic<long long> acknowledged{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    HttpClient w = s.client();
    while (!stop) {
      auto r = w.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", permit_data()}}, bearer(p.token));
      if (r.status == 201) ++acknowledged;
    }
  });
  // Bounded waits: a server that stops answering fails the test instead of hanging it.
  auto reaches = [&](long long n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (acknowledged < n && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return acknowledged >= n;
  };
  if (!reaches(20)) {
    stop = true;
    writer.join();
    FAIL() << "the server acknowledged only " << acknowledged << " submissions in 60 s";
  }

  std::string root = make_temp_dir("darwaza-backup");
  std::string out;
  long long before = acknowledged;
  int rc = run_darwaza({"backup", root + "/b", "--data", s.data_dir() + "/d"}, out);
  long long after = acknowledged;
  const bool kept_serving = reaches(after + 5);
  stop = true;
  writer.join();
  EXPECT_TRUE(kept_serving) << "no submissions acknowledged after the backup";
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(mode_of(root + "/b"), 0700u);
  EXPECT_EQ(mode_of(root + "/b/darwaza.db"), 0600u);
  EXPECT_EQ(mode_of(root + "/b/keys/signing.key"), 0600u);
  long long in_backup = reported(out, "applications");
  EXPECT_GE(in_backup, before) << out;
  EXPECT_LE(in_backup, after + 1) << out;  // + the one committed but not yet answered

  // A backup never overwrites.
  std::string again;
  EXPECT_NE(run_darwaza({"backup", root + "/b", "--data", s.data_dir() + "/d"}, again), 0);
  EXPECT_NE(again.find("not empty"), std::string::npos) << again;
  ASSERT_EQ(s.stop(), 0);

  // Restore into a fresh folder; a second restore there is refused.
  std::string fresh = make_temp_dir("darwaza-restored");
  std::string restored;
  ASSERT_EQ(run_darwaza({"restore", root + "/b", "--data", fresh + "/d"}, restored), 0) << restored;
  EXPECT_EQ(reported(restored, "applications"), in_backup) << restored;
  EXPECT_EQ(reported(restored, "users"), reported(out, "users")) << restored;
  EXPECT_EQ(mode_of(fresh + "/d/darwaza.db"), 0600u);
  EXPECT_EQ(mode_of(fresh + "/d/keys/signing.key"), 0600u);
  std::string twice;
  EXPECT_NE(run_darwaza({"restore", root + "/b", "--data", fresh + "/d"}, twice), 0);
  EXPECT_NE(twice.find("fresh data folder"), std::string::npos) << twice;
  std::string verified;
  EXPECT_EQ(run_darwaza({"audit", "verify", "--data", fresh + "/d"}, verified), 0) << verified;

  // The restored platform serves what the backup holds.
  ServerProcess r({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"}, fresh);
  r.start();
  HttpClient rc2 = r.client();
  std::string token = login(rc2, p);
  EXPECT_EQ(rc2.get("/v1/applications?page_size=1", bearer(token)).json()["total"], in_backup);
  EXPECT_EQ(rc2.get("/v1/documents/" + doc_id, bearer(token)).status, 200u);
  ASSERT_EQ(r.stop(), 0);
  EXPECT_EQ(run_darwaza({"audit", "verify", "--data", fresh + "/d"}, verified), 0) << verified;
  fs::remove_all(root);
  fs::remove_all(fresh);
}

// Documents kept outside the data folder (--documents-dir, a shared volume in a cluster): the
// server writes them there and nowhere else, a backup copies that folder, and a restore puts
// them in the folder it is given, from which a new server serves them.
TEST(Backup, FollowsTheDocumentsFolder) {
  if (testing_postgresql()) GTEST_SKIP() << "backup and restore copy SQLite; PostgreSQL uses pg_dump (checked on SQLite)";
  const std::string root = make_temp_dir("darwaza-docs-elsewhere");
  ServerProcess s({"--documents-dir", root + "/shared"});
  s.start();
  Person p;
  const std::string doc_id = person_with_document(s, p);
  ASSERT_FALSE(doc_id.empty());
  ASSERT_EQ(s.stop(), 0);
  EXPECT_FALSE(fs::exists(s.data_dir() + "/d/documents"));
  EXPECT_EQ(mode_of(root + "/shared"), 0700u);

  std::string out;
  ASSERT_EQ(run_darwaza({"backup", root + "/b", "--data", s.data_dir() + "/d", "--documents-dir", root + "/shared"}, out), 0)
      << out;
  std::size_t in_backup = 0;
  for (const auto& e : fs::recursive_directory_iterator(root + "/b/documents")) in_backup += e.is_regular_file();
  EXPECT_EQ(in_backup, 1u);
  const std::string fresh = make_temp_dir("darwaza-docs-restored");
  ASSERT_EQ(run_darwaza({"restore", root + "/b", "--data", fresh + "/d", "--documents-dir", fresh + "/volume"}, out), 0)
      << out;
  // A restore into a documents folder that holds content is refused.
  EXPECT_NE(run_darwaza({"restore", root + "/b", "--data", fresh + "/e", "--documents-dir", fresh + "/volume"}, out), 0);
  EXPECT_NE(out.find("fresh data folder"), std::string::npos) << out;

  ServerProcess r({"--documents-dir", fresh + "/volume"}, fresh);
  r.start();
  HttpClient c = r.client();
  const std::string token = login(c, p);
  auto doc = c.get("/v1/documents/" + doc_id, bearer(token));
  EXPECT_EQ(doc.status, 200u) << doc.body;
  EXPECT_EQ(doc.body, "%PDF-1.7\nkept papers\n");
  ASSERT_EQ(r.stop(), 0);
  fs::remove_all(root);
  fs::remove_all(fresh);
}

TEST(Backup, RefusesWhatItCannotDo) {
  if (testing_postgresql()) GTEST_SKIP() << "backup and restore copy SQLite; PostgreSQL uses pg_dump (checked on SQLite)";
  std::string out;
  std::string root = make_temp_dir("darwaza-backup-bad");
  EXPECT_NE(run_darwaza({"restore", root, "--data", root + "/d"}, out), 0);  // no darwaza.db in it
  EXPECT_NE(out.find("not a backup"), std::string::npos) << out;
  EXPECT_NE(run_darwaza({"backup", root + "/b", "--db", "postgresql://localhost/darwaza", "--data", root + "/d"}, out), 0);
  EXPECT_NE(out.find("pg_dump"), std::string::npos) << out;
  EXPECT_NE(run_darwaza({"restore", root, "--db", "postgresql://localhost/darwaza", "--data", root + "/e"}, out), 0);
  EXPECT_NE(out.find("pg_restore"), std::string::npos) << out;
  fs::remove_all(root);
}

}  // namespace
