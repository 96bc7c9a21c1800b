// Writes that may run twice (storage::Rerun::allowed) share one savepoint when they follow one
// another in a batch, on both engines. These hold the writer with a first write until the writes
// under test are queued, so that they form the next batch together, and check: a write that fails
// after changing rows leaves no trace while its batch-mates commit (the writes before it run a
// second time); one that throws, or whose statement the database refuses, does the same; one that
// fails without changing rows sends nobody round again on SQLite, which counts changes (Darwaza's
// PostgreSQL connection does not, so there it does); each failure sends back only the writes since
// the one before; and a write of the ordinary kind (Rerun::never) between them runs once whatever
// happens around it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include "identity/errors.hpp"
#include "identity/synth.hpp"
#include "storage/database.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

using namespace darwaza;
using namespace darwaza::test;

namespace {

constexpr std::uint64_t kSeed = 11;
constexpr auto kWait = std::chrono::seconds(30);

class SharedSavepoint : public ::testing::Test {
 protected:
  void SetUp() override { db_ = open_test_database(make_temp_dir("dz-savepoint"), 2); }

  // What a write under test does: add person `person`, then succeed, refuse or throw (or add them
  // a second time: a statement the database refuses); or refuse before it has changed anything.
  enum class Ends { ok, refused, thrown, sql_error, refused_unchanged };

  // Queues one write per entry of `writes` behind a write that holds the writer until they are all
  // queued, so they make one batch; waits for their answers. Counts each write's runs in runs_.
  std::vector<Status> one_batch(const std::vector<std::tuple<int, Ends, storage::Rerun>>& writes) {
    std::promise<void> holding, release;
    auto released = release.get_future().share();
    struct Answers {  // shared with the completions: they may outlive a failed wait
      std::mutex mu;
      std::condition_variable cv;
      std::vector<std::optional<Status>> got;
    };
    auto answers = std::make_shared<Answers>();
    answers->got.resize(writes.size());
    auto post = [](std::function<void()> fn) { fn(); };
    db_->write_async(
        [&holding, released](storage::Tx&) {
          holding.set_value();
          released.wait();
          return ok_status();
        },
        post, [](Status) {});
    holding.get_future().wait();
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const int person = std::get<0>(writes[i]);  // not a structured binding: lambdas capture it
      const Ends ends = std::get<1>(writes[i]);
      const storage::Rerun rerun = std::get<2>(writes[i]);
      db_->write_async(
          [this, person, ends](storage::Tx& tx) -> Status {
            ++runs_[person];
            if (ends == Ends::refused_unchanged) return identity::error(identity::Errc::duplicate_cnic);
            const auto someone = identity::synth_citizen(kSeed, person, "hash", 1'700'000'000'000 + person);
            tx.users().insert(someone);
            if (ends == Ends::sql_error) tx.users().insert(someone);  // the same id again: refused
            if (ends == Ends::refused) return identity::error(identity::Errc::duplicate_cnic);
            if (ends == Ends::thrown) throw std::runtime_error("the write broke");
            return ok_status();
          },
          post,
          [answers, i](Status s) {
            std::lock_guard lock(answers->mu);
            answers->got[i] = std::move(s);
            answers->cv.notify_all();
          },
          rerun);
    }
    release.set_value();
    std::unique_lock lock(answers->mu);
    EXPECT_TRUE(answers->cv.wait_for(lock, kWait, [&] {
      for (const auto& a : answers->got)
        if (!a) return false;
      return true;
    }));
    std::vector<Status> out;
    for (auto& a : answers->got) out.push_back(a ? *a : internal_error("no answer"));
    return out;
  }

  bool stored(int person) {
    bool found = false;
    EXPECT_TRUE(db_->read([&](storage::Tx& tx) {
      found = tx.users().by_id(identity::synth_citizen(kSeed, person, "hash", 0).id).has_value();
      return ok_status();
    }).ok());
    return found;
  }

  std::unique_ptr<storage::Database> db_;
  std::map<int, std::atomic<int>> runs_;
};

constexpr auto kAllowed = storage::Rerun::allowed;
constexpr auto kNever = storage::Rerun::never;

TEST_F(SharedSavepoint, AWriteThatFailsAfterChangingRowsLeavesNoTraceAndTheWritesBeforeItRunAgain) {
  for (int p : {1, 2, 3}) runs_[p] = 0;
  auto answers = one_batch({{1, Ends::ok, kAllowed}, {2, Ends::refused, kAllowed}, {3, Ends::ok, kAllowed}});
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error().type, "duplicate-cnic");
  EXPECT_TRUE(answers[2].ok());
  EXPECT_TRUE(stored(1));
  EXPECT_FALSE(stored(2));
  EXPECT_TRUE(stored(3));
  // The write before the failure ran again; the failure stands as it was; the one after it ran
  // once, in a savepoint of its own group.
  EXPECT_EQ(runs_[1].load(), 2);
  EXPECT_EQ(runs_[2].load(), 1);
  EXPECT_EQ(runs_[3].load(), 1);
}

TEST_F(SharedSavepoint, AWriteThatThrowsLeavesNoTraceAndTheOthersCommit) {
  for (int p : {4, 5, 6}) runs_[p] = 0;
  auto answers = one_batch({{4, Ends::ok, kAllowed}, {5, Ends::thrown, kAllowed}, {6, Ends::ok, kAllowed}});
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error().kind, ErrorKind::internal);
  EXPECT_TRUE(answers[2].ok());
  EXPECT_TRUE(stored(4));
  EXPECT_FALSE(stored(5));
  EXPECT_TRUE(stored(6));
  EXPECT_EQ(runs_[4].load(), 2);
  EXPECT_EQ(runs_[5].load(), 1);
  EXPECT_EQ(runs_[6].load(), 1);
}

// A statement the database refuses (on PostgreSQL it aborts the transaction until the rollback to
// the savepoint) leaves the batch's other writes committed.
TEST_F(SharedSavepoint, AStatementTheDatabaseRefusesLeavesNoTraceAndTheOthersCommit) {
  for (int p : {17, 18, 19}) runs_[p] = 0;
  auto answers = one_batch({{17, Ends::ok, kAllowed}, {18, Ends::sql_error, kAllowed}, {19, Ends::ok, kAllowed}});
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error().kind, ErrorKind::internal);
  EXPECT_TRUE(answers[2].ok());
  EXPECT_TRUE(stored(17));
  EXPECT_FALSE(stored(18));
  EXPECT_TRUE(stored(19));
  EXPECT_EQ(runs_[17].load(), 2);
  EXPECT_EQ(runs_[18].load(), 1);
  EXPECT_EQ(runs_[19].load(), 1);
}

// Nothing runs again for a failure at the front of a group, and each failure sends back only the
// writes between it and the one before.
TEST_F(SharedSavepoint, EachFailureSendsBackOnlyTheWritesSinceTheLastOne) {
  for (int p : {20, 21, 22, 23, 24, 25}) runs_[p] = 0;
  auto answers = one_batch({{20, Ends::refused, kAllowed},
                            {21, Ends::ok, kAllowed},
                            {22, Ends::refused, kAllowed},
                            {23, Ends::ok, kAllowed},
                            {24, Ends::refused, kAllowed},
                            {25, Ends::ok, kAllowed}});
  for (int i : {0, 2, 4}) EXPECT_FALSE(answers[i].ok()) << i;
  for (int i : {1, 3, 5}) EXPECT_TRUE(answers[i].ok()) << i;
  for (int p : {20, 22, 24}) EXPECT_FALSE(stored(p)) << p;
  for (int p : {21, 23, 25}) EXPECT_TRUE(stored(p)) << p;
  for (int p : {20, 22, 24, 25}) EXPECT_EQ(runs_[p].load(), 1) << p;
  for (int p : {21, 23}) EXPECT_EQ(runs_[p].load(), 2) << p;
}

TEST_F(SharedSavepoint, AFailureThatChangedNothingSendsNobodyRoundAgainWhereChangesAreCounted) {
  for (int p : {7, 8, 9}) runs_[p] = 0;
  auto answers =
      one_batch({{7, Ends::ok, kAllowed}, {8, Ends::refused_unchanged, kAllowed}, {9, Ends::ok, kAllowed}});
  EXPECT_TRUE(answers[0].ok());
  EXPECT_FALSE(answers[1].ok());
  EXPECT_TRUE(answers[2].ok());
  EXPECT_TRUE(stored(7));
  EXPECT_TRUE(stored(9));
  // SQLite counts the rows a connection changes; Darwaza's PostgreSQL connection does not, so
  // there every failure counts as one that changed rows: the write before it runs again.
  EXPECT_EQ(runs_[7].load(), testing_postgresql() ? 2 : 1);
  EXPECT_EQ(runs_[8].load(), 1);
  EXPECT_EQ(runs_[9].load(), 1);
}

TEST_F(SharedSavepoint, AnOrdinaryWriteRunsOnceBetweenWritesThatRunAgain) {
  for (int p : {10, 11, 12, 13}) runs_[p] = 0;
  auto answers = one_batch({{10, Ends::ok, kAllowed},
                            {11, Ends::ok, kNever},
                            {12, Ends::ok, kAllowed},
                            {13, Ends::refused, kAllowed}});
  EXPECT_TRUE(answers[0].ok());
  EXPECT_TRUE(answers[1].ok());
  EXPECT_TRUE(answers[2].ok());
  EXPECT_FALSE(answers[3].ok());
  for (int p : {10, 11, 12}) EXPECT_TRUE(stored(p)) << p;
  EXPECT_FALSE(stored(13));
  EXPECT_EQ(runs_[10].load(), 1);  // its group (alone before the ordinary write) did not fail
  EXPECT_EQ(runs_[11].load(), 1);
  EXPECT_EQ(runs_[12].load(), 2);
  EXPECT_EQ(runs_[13].load(), 1);
}

TEST_F(SharedSavepoint, WritesThatSucceedRunOnce) {
  for (int p : {14, 15, 16}) runs_[p] = 0;
  auto answers = one_batch({{14, Ends::ok, kAllowed}, {15, Ends::ok, kAllowed}, {16, Ends::ok, kAllowed}});
  for (const auto& a : answers) EXPECT_TRUE(a.ok());
  for (int p : {14, 15, 16}) {
    EXPECT_TRUE(stored(p)) << p;
    EXPECT_EQ(runs_[p].load(), 1) << p;
  }
}

}  // namespace
