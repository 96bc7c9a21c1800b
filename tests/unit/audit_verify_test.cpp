// audit::verify checks the chain in parts at once: whatever the cut, it must report exactly what
// one walk from the start reports, and find breaks at and across the cuts between parts.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

#include "audit/audit.hpp"
#include "temp_db.hpp"

using namespace darwaza;

namespace {

using testing_support::TempDb;

constexpr int kEntries = 2000;

// A chain of kEntries entries, written through the real append path.
void fill(TempDb& t) {
  ASSERT_TRUE(t.db->write([&](storage::Tx& tx) {
    for (int i = 0; i < kEntries; ++i)
      audit::record(tx, audit::system_actor(), 1000 + i,
                    {"registry.record.create", "registry_record", "rec_" + std::to_string(i)});
    return ok_status();
  }).ok());
}

// Tampers with the database file as an attacker with file access would.
void tamper(TempDb& t, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open((t.dir / "t.db").string().c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

audit::VerifyReport run(TempDb& t, int parts) {
  audit::VerifyOptions o;
  o.page_entries = 64;  // several pages per part
  o.parts = parts;
  return audit::verify(*t.db, "", {}, o);
}

// The report of one walk, and the same from 2, 4 and 7 parts (cuts at 500/1000/1500 for 4).
audit::VerifyReport expect_same_in_parts(TempDb& t) {
  auto one = run(t, 1);
  for (int parts : {2, 4, 7}) {
    auto many = run(t, parts);
    EXPECT_EQ(many.ok, one.ok) << parts << " parts";
    EXPECT_EQ(many.broken_at, one.broken_at) << parts << " parts";
    EXPECT_EQ(many.problem, one.problem) << parts << " parts";
    EXPECT_EQ(many.entries, one.entries) << parts << " parts";
  }
  return one;
}

// A fresh chain with `sql` applied to its file, verified in one walk and in parts.
audit::VerifyReport tampered(const std::string& sql) {
  TempDb t;
  fill(t);
  tamper(t, sql);
  return expect_same_in_parts(t);
}

}  // namespace

TEST(AuditVerify, IntactChainVerifiesInOneWalkAndInParts) {
  TempDb t;
  fill(t);
  auto rep = expect_same_in_parts(t);
  EXPECT_TRUE(rep.ok) << rep.problem;
  EXPECT_EQ(rep.entries, kEntries);
}

TEST(AuditVerify, EditAtTheFirstEntryOfAPartIsFound) {
  auto rep = tampered("UPDATE audit_log SET object_id = 'rec_x' WHERE seq = 501");
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.broken_at, 501);
  EXPECT_NE(rep.problem.find("edited"), std::string::npos) << rep.problem;
  EXPECT_EQ(rep.entries, 500);
}

TEST(AuditVerify, TheEarliestOfSeveralBreaksIsReported) {
  auto rep = tampered("UPDATE audit_log SET purpose = 'x' WHERE seq IN (1700, 1200)");
  EXPECT_EQ(rep.broken_at, 1200);
}

TEST(AuditVerify, EntriesDeletedAcrossACutAreFoundWithTheirWholeRange) {
  auto rep = tampered("DELETE FROM audit_log WHERE seq BETWEEN 498 AND 503");
  EXPECT_EQ(rep.broken_at, 498);
  EXPECT_NE(rep.problem.find("entries 498..503 are missing"), std::string::npos) << rep.problem;
}

TEST(AuditVerify, TheLastEntryOfAPartDeletedIsFound) {
  auto rep = tampered("DELETE FROM audit_log WHERE seq = 1000");
  EXPECT_EQ(rep.broken_at, 1000);
}

TEST(AuditVerify, EntriesSwappedAcrossACutAreFound) {
  auto rep = tampered(
      "UPDATE audit_log SET seq = -1 WHERE seq = 1000; UPDATE audit_log SET seq = 1000 WHERE seq = 1001; "
      "UPDATE audit_log SET seq = 1001 WHERE seq = -1;");
  EXPECT_EQ(rep.broken_at, 1000);
  EXPECT_NE(rep.problem.find("does not link"), std::string::npos) << rep.problem;
}
