// End-to-end: uploads that no application references are deleted after the retention
// (`darwaza documents purge`, which serve runs hourly with --unreferenced-document-days), with
// their content once no remaining document names it; what applications and drafts name stays.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "support/fixtures.hpp"
#include "support/test_database.hpp"
#include "core/crypto.hpp"

using namespace darwaza::test;
using nlohmann::json;

namespace {

// Moves every unreferenced mark `days` into the past: how the test stands in for time passing.
void age_marks(const ServerProcess& s, int days) {
  const std::string sql = "UPDATE unreferenced_documents SET since = since - " + std::to_string(days) + " * 86400000";
  ASSERT_EQ(run_sql_in(s.data_dir() + "/d", sql), "");
}

// Files of stored content under a documents folder (the content's names, not the temporary or
// set-aside ones, which start with a dot).
std::size_t stored_contents(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    n += e.is_regular_file() && e.path().filename().string()[0] != '.';
  return n;
}

// Uploads "%PDF-1.7\n" + text as `p`; returns the document's id.
std::string upload_pdf(HttpClient& c, const Person& p, const std::string& text) {
  auto r = c.request("POST", "/v1/documents", "%PDF-1.7\n" + text,
                     {{"Authorization", "Bearer " + p.token}, {"Content-Type", "application/pdf"}});
  EXPECT_EQ(r.status, 201u) << r.body;
  return r.json().value("id", std::string());
}

json with_letter(const std::string& doc) {
  return {{"purpose", "Remote development for export clients"}, {"endpoints", {"8.8.8.0/24"}}, {"supporting_letter", doc}};
}

// Runs `darwaza documents purge` (14 days) on the server's data; returns how many it purged, -1 if it failed.
int purge(const ServerProcess& s) {
  std::string out;
  if (run_darwaza({"documents", "purge", "--data", s.data_dir() + "/d"}, out) != 0) {
    ADD_FAILURE() << out;
    return -1;
  }
  const auto at = out.find("purged ");
  return at == std::string::npos ? -1 : std::stoi(out.substr(at + 7));
}

}  // namespace

// Uploads that no application references are deleted once unreferenced for the retention
// (`darwaza documents purge`, which serve runs hourly with --unreferenced-document-days): a lone
// upload, one taken out of a draft, and a second upload of filed content go; what a filed
// application or a draft names stays, and content goes only when no remaining document names it.
// An application naming a purged document is refused at its field.
TEST(DocumentPurge, UnreferencedUploadsGoAndReferencedOnesStay) {
  ServerProcess server({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
  server.start();
  HttpClient c = server.client();
  Person a = signed_in(c), b = signed_in(c);
  auto upload = [&](const Person& p, const std::string& text) { return upload_pdf(c, p, text); };
  const std::string lone = upload(a, "never used"), filed = upload(a, "filed letter"), twin = upload(b, "filed letter"),
                    dropped = upload(a, "first draft"), kept = upload(a, "second draft"),
                    pair_a = upload(a, "same scan"), pair_b = upload(b, "same scan");
  ASSERT_EQ(c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", with_letter(filed)}}, bearer(a.token)).status,
            201u);
  auto draft = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"draft", true}, {"data", with_letter(dropped)}},
                           bearer(a.token));
  ASSERT_EQ(draft.status, 201u) << draft.body;
  ASSERT_EQ(c.patch_json("/v1/applications/" + draft.json()["id"].get<std::string>(), {{"data", with_letter(kept)}},
                         bearer(a.token)).status,
            200u);
  const std::string docs = server.data_dir() + "/d/documents";
  EXPECT_EQ(stored_contents(docs), 5u);  // never used, filed letter, first draft, second draft, same scan

  EXPECT_EQ(purge(server), 0) << "nothing is 14 days old yet";
  age_marks(server, 15);
  EXPECT_EQ(purge(server), 5);  // lone, twin, dropped and the pair

  for (const auto& [who, id] : std::vector<std::pair<Person, std::string>>{{a, lone}, {b, twin}, {a, dropped}, {a, pair_a}, {b, pair_b}})
    EXPECT_EQ(c.get("/v1/documents/" + id, bearer(who.token)).status, 404u) << id;
  for (const auto& id : {filed, kept}) {
    auto r = c.get("/v1/documents/" + id, bearer(a.token));
    EXPECT_EQ(r.status, 200u) << r.body;
  }
  EXPECT_EQ(stored_contents(docs), 2u);  // the filed letter (the twin's too) and the second draft
  auto late = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"data", with_letter(lone)}}, bearer(a.token));
  EXPECT_EQ(late.status, 422u) << late.body;
  EXPECT_NE(late.body.find("/supporting_letter"), std::string::npos) << late.body;

  // Content purged can be uploaded again, and is stored again.
  const std::string again = upload(a, "never used");
  EXPECT_EQ(c.get("/v1/documents/" + again, bearer(a.token)).status, 200u);
  EXPECT_EQ(stored_contents(docs), 3u);
  EXPECT_EQ(purge(server), 0);
  ASSERT_EQ(server.stop(), 0);
  std::string out;
  ASSERT_EQ(run_darwaza({"audit", "verify", "--data", server.data_dir() + "/d"}, out), 0) << out;
}

// A document two drafts name: dropped from the first, it stays while the second names it; dropped
// from the second as well, its days count from then, not from the first drop.
TEST(DocumentPurge, ADocumentTwoDraftsNameCountsFromItsLastLink) {
  ServerProcess server({"--catalog-dir", DARWAZA_TEST_FIXTURES "/services"});
  server.start();
  HttpClient c = server.client();
  Person a = signed_in(c);
  const std::string shared = upload_pdf(c, a, "letter for two drafts"), other = upload_pdf(c, a, "another letter");
  std::vector<std::string> drafts;
  for (int i = 0; i < 2; ++i) {
    auto r = c.post_json("/v1/applications", {{"service_id", "test-permit"}, {"draft", true}, {"data", with_letter(shared)}},
                         bearer(a.token));
    ASSERT_EQ(r.status, 201u) << r.body;
    drafts.push_back(r.json()["id"]);
  }
  auto drop_from = [&](const std::string& draft) {
    auto r = c.patch_json("/v1/applications/" + draft, {{"data", with_letter(other)}}, bearer(a.token));
    EXPECT_EQ(r.status, 200u) << r.body;
  };
  drop_from(drafts[0]);
  age_marks(server, 13);
  EXPECT_EQ(purge(server), 0);
  drop_from(drafts[1]);
  age_marks(server, 2);  // 15 days after the first drop, 2 after the last
  EXPECT_EQ(purge(server), 0);
  EXPECT_EQ(c.get("/v1/documents/" + shared, bearer(a.token)).status, 200u);
  age_marks(server, 13);
  EXPECT_EQ(purge(server), 1);
  EXPECT_EQ(c.get("/v1/documents/" + shared, bearer(a.token)).status, 404u);
  EXPECT_EQ(c.get("/v1/documents/" + other, bearer(a.token)).status, 200u);
}

// Content files that no document names (left by an upload cut off after storing its content, or
// by a purge stopped between its two transactions) and leftover temporary files are deleted by
// `darwaza documents purge` once a day old, and only then; content a document names stays however
// old it is, and an upload of swept bytes stores them again.
TEST(DocumentPurge, ContentNoDocumentNamesIsSweptOnceADayOld) {
  namespace fs = std::filesystem;
  ServerProcess server;
  server.start();
  HttpClient c = server.client();
  Person p = signed_in(c, "Sweep Citizen");
  upload_pdf(c, p, "kept: a document names this content");
  const std::string docs = server.data_dir() + "/d/documents";
  ASSERT_EQ(stored_contents(docs), 1u);
  fs::path named;
  for (const auto& e : fs::recursive_directory_iterator(docs))
    if (e.is_regular_file()) named = e.path();
  fs::last_write_time(named, fs::file_time_type::clock::now() - std::chrono::hours(48));
  // A purge pointed at another database (here a new, empty one) with this documents folder finds
  // every file unnamed: it deletes nothing and says why.
  std::string out;
  const std::string other = make_temp_dir("darwaza-sweep-other-db");
  ASSERT_EQ(run_darwaza({"documents", "purge", "--data", other, "--documents-dir", docs}, out), 0) << out;
  EXPECT_NE(out.find("deleted 0 content files"), std::string::npos) << out;
  EXPECT_NE(out.find("right database"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(named));
  fs::remove_all(other);

  // Left behind, as a cut-off upload leaves them: content of its own (its SHA-256 as name) and a
  // temporary file; one pair two days old, one pair just written.
  auto leave = [&](const std::string& text, const std::string& temp_suffix, bool old) {
    const std::string bytes = "%PDF-1.7\n" + text;
    const std::string sha = darwaza::crypto::sha256_hex(bytes);
    const fs::path dir = fs::path(docs) / sha.substr(0, 2);
    fs::create_directories(dir);
    std::ofstream(dir / sha) << bytes;
    std::ofstream(dir / ("." + sha + "." + temp_suffix)) << bytes;
    if (old)
      for (const auto& f : {dir / sha, dir / ("." + sha + "." + temp_suffix)})
        fs::last_write_time(f, fs::file_time_type::clock::now() - std::chrono::hours(48));
    return dir / sha;
  };
  const fs::path stale = leave("orphan: two days old", "a1b2c3d4e5f6", true);
  const fs::path fresh = leave("orphan: just written", "d4e5f6a1b2c3", false);

  ASSERT_EQ(run_darwaza({"documents", "purge", "--data", server.data_dir() + "/d"}, out), 0) << out;
  EXPECT_NE(out.find("deleted 2 content files"), std::string::npos) << out;  // the stale pair
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_TRUE(fs::exists(named)) << "a document names it";
  std::size_t temporaries = 0;
  for (const auto& e : fs::recursive_directory_iterator(docs))
    temporaries += e.path().filename().string().starts_with(".");
  EXPECT_EQ(temporaries, 1u) << "the two-day-old temporary file goes, the fresh one stays";

  // The swept bytes uploaded again: stored again, and downloadable.
  const std::string id = upload_pdf(c, p, "orphan: two days old");
  EXPECT_TRUE(fs::exists(stale));
  EXPECT_EQ(c.get("/v1/documents/" + id, bearer(p.token)).status, 200u);
  EXPECT_EQ(server.stop(), 0);
}
