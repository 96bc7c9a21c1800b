// Writes that may run twice (storage::Rerun::allowed) share one savepoint when they follow one
// another in a batch, on both engines. These hold the writer with a first write until the writes
// under test are queued, so that they form the next batch together, and check: a write that fails
// after changing rows leaves no trace while its batch-mates commit (they run a second time, each
// alone); one that throws does the same; one that fails without changing rows sends nobody round
// again on SQLite, which counts changes (PostgreSQL cannot tell, so there it does); and a write of
// the ordinary kind (Rerun::never) between them runs once whatever happens around it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>

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

  // What a write under test does: add person `person`, then succeed, refuse or throw; or refuse
  // before it has changed anything.
  enum class Ends { ok, refused, thrown, refused_unchanged };

  // Queues one write per entry of `writes` behind a write that holds the writer until they are all
  // queued, so they make one batch; waits for their answers. Counts each write's runs in runs_.
  std::vector<Status> one_batch(const std::vector<std::tuple<int, Ends, storage::Rerun>>& writes) {
    std::promise<void> holding, release;
    auto released = release.get_future().share();
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::optional<Status>> answers(writes.size());
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
      auto [person, ends, rerun] = writes[i];
      db_->write_async(
          [this, person, ends](storage::Tx& tx) -> Status {
            ++runs_[person];
            if (ends == Ends::refused_unchanged) return identity::error(identity::Errc::duplicate_cnic);
            tx.users().insert(identity::synth_citizen(kSeed, person, "hash", 1'700'000'000'000 + person));
            if (ends == Ends::refused) return identity::error(identity::Errc::duplicate_cnic);
            if (ends == Ends::thrown) throw std::runtime_error("the write broke");
            return ok_status();
          },
          post,
          [&, i](Status s) {
            std::lock_guard lock(mu);
            answers[i] = std::move(s);
            cv.notify_all();
          },
          rerun);
    }
    release.set_value();
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, kWait, [&] {
      for (const auto& a : answers)
        if (!a) return false;
      return true;
    }));
    std::vector<Status> out;
    for (auto& a : answers) out.push_back(a ? std::move(*a) : internal_error("no answer"));
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

TEST_F(SharedSavepoint, AWriteThatFailsAfterChangingRowsLeavesNoTraceAndTheOthersRunAgainAlone) {
  for (int p : {1, 2, 3}) runs_[p] = 0;
  auto answers = one_batch({{1, Ends::ok, kAllowed}, {2, Ends::refused, kAllowed}, {3, Ends::ok, kAllowed}});
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error().type, "duplicate-cnic");
  EXPECT_TRUE(answers[2].ok());
  EXPECT_TRUE(stored(1));
  EXPECT_FALSE(stored(2));
  EXPECT_TRUE(stored(3));
  // Together up to the failure, then each alone: the write after the failure ran only alone.
  EXPECT_EQ(runs_[1].load(), 2);
  EXPECT_EQ(runs_[2].load(), 2);
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
  EXPECT_EQ(runs_[5].load(), 2);
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
  // SQLite counts the rows a connection changes; PostgreSQL's connection does not, so there every
  // failure counts as one that changed rows.
  const int expected = testing_postgresql() ? 2 : 1;
  EXPECT_EQ(runs_[7].load(), expected);
  EXPECT_EQ(runs_[8].load(), expected);
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
  EXPECT_EQ(runs_[13].load(), 2);
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
