// The sweep of content no document names (Documents::sweep_unnamed_content) reads which files are
// unnamed, then deletes each in a write that looks again. Here an upload of the same bytes commits
// its row between that read and that write, which is the race the second look is for: the content
// must stay.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"
#include "documents/documents.hpp"
#include "identity/accounts.hpp"
#include "temp_db.hpp"

using namespace darwaza;
namespace fs = std::filesystem;

namespace {

// The database it wraps, which runs a function right after the nth read from when it is armed.
class ActsBetweenReads final : public storage::Database {
 public:
  explicit ActsBetweenReads(storage::Database& inner) : inner_(inner) {}
  void arm(int nth, std::function<void()> fn) {
    reads_ = 0;
    nth_ = nth;
    after_read_ = std::move(fn);
  }

  Status read(const storage::TxFn& fn) override { return counted(inner_.read(fn)); }
  Status read_statements(const storage::TxFn& fn) override { return counted(inner_.read_statements(fn)); }
  Status write(const storage::TxFn& fn) override { return inner_.write(fn); }
  void write_async(storage::TxFn fn, storage::Post post, storage::WriteDone done,
                   storage::Rerun rerun = storage::Rerun::never) override {
    inner_.write_async(std::move(fn), std::move(post), std::move(done), rerun);
  }
  bool ready() override { return inner_.ready(); }
  std::string engine() const override { return inner_.engine(); }
  int schema_version() override { return inner_.schema_version(); }

 private:
  Status counted(Status s) {
    if (++reads_ == nth_ && after_read_) after_read_();
    return s;
  }
  storage::Database& inner_;
  int reads_ = 0, nth_ = 0;
  std::function<void()> after_read_;
};

}  // namespace

TEST(ContentSweep, AnUploadCommittedBetweenItsReadAndItsWriteKeepsItsContent) {
  testing_support::TempDb tmp("dz-sweep");  // its folder also holds the documents; removed even on failure
  storage::Database* db = tmp.db.get();
  {
    ManualClock clock{1'700'000'000'000};
    identity::PasswordHasher hasher(crypto::PasswordParams{1, 8 * 1024});
    identity::Accounts accounts(*db, clock, hasher);
    auto user = accounts.signup(Principal{}, {"35202-7654321-1", "Sweep", "s@example.pk", "+923001112223", "long enough pw", {}}, "en");
    ASSERT_TRUE(user.ok());
    const std::string root = (tmp.dir / "documents").string();
    ActsBetweenReads between(*db);
    documents::Documents docs(between, clock, root);
    Principal owner;
    owner.kind = Principal::Kind::user;
    owner.user_id = user->id;
    ASSERT_TRUE(docs.upload(owner, "%PDF-1.7\nanother document, so the database names some content", "a.pdf").ok());

    // Content no document names yet, two days old: what a cut-off upload leaves.
    const std::string bytes = "%PDF-1.7\ncontent about to be named";
    const std::string sha = crypto::sha256_hex(bytes);
    const fs::path file = fs::path(root) / sha.substr(0, 2) / sha;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << bytes;
    fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::hours(48));

    // The sweep of that one shard reads twice (any document at all, then the shard's named
    // content); right after the second read, another upload of the same bytes commits its row.
    between.arm(2, [&] {
      Status s = db->write([&](storage::Tx& tx) -> Status {
        tx.documents().insert({"doc_between", sha, "application/pdf", static_cast<std::int64_t>(bytes.size()), "b.pdf",
                               user->id, clock.now_ms()});
        return ok_status();
      });
      ASSERT_TRUE(s.ok());
    });
    const int shard = std::stoi(sha.substr(0, 2), nullptr, 16);
    auto swept = docs.sweep_unnamed_content(documents::kUnnamedContentMinAgeMs, shard, 1);
    ASSERT_TRUE(swept.ok());
    EXPECT_EQ(*swept, 0);
    EXPECT_TRUE(fs::exists(file)) << "a document names it now";

    // With no such upload, the same sweep deletes it.
    between.arm(0, nullptr);
    ASSERT_TRUE(db->write([&](storage::Tx& tx) -> Status {
                    tx.documents().remove("doc_between");
                    return ok_status();
                  }).ok());
    swept = docs.sweep_unnamed_content(documents::kUnnamedContentMinAgeMs, shard, 1);
    ASSERT_TRUE(swept.ok());
    EXPECT_EQ(*swept, 1);
    EXPECT_FALSE(fs::exists(file));
  }
}
