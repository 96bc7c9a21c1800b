// identity::Sessions with a manual clock: throttling back-off, windows, expiry, revocation.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/crypto.hpp"
#include "identity/accounts.hpp"
#include "identity/sessions.hpp"

using namespace darwaza;
using namespace darwaza::identity;

namespace {

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    dir_ = std::filesystem::temp_directory_path() / ("dz-sess-" + crypto::random_hex(6));
    std::filesystem::create_directories(dir_);
    storage::DatabaseOptions o;
    o.url = (dir_ / "s.db").string();
    db_ = storage::open_database(o);
    hasher_ = std::make_unique<PasswordHasher>(crypto::PasswordParams{1, 8 * 1024});
    accounts_ = std::make_unique<Accounts>(*db_, clock_, *hasher_);
    SessionConfig cfg;
    cfg.account_threshold = 3;
    cfg.address_threshold = 100;
    sessions_ = std::make_unique<Sessions>(*db_, clock_, *hasher_, cfg);
    auto u = accounts_->signup(Principal{}, {"35202-7654321-1", "Test", "t@example.pk", "+923001112223", "long enough pw", {}}, "en");
    ASSERT_TRUE(u.ok());
  }
  void TearDown() override {
    sessions_.reset();
    accounts_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  ManualClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Sessions> sessions_;
};

}  // namespace

TEST_F(SessionsTest, BackOffDoublesAndSuccessResets) {
  for (int i = 0; i < 2; ++i) EXPECT_EQ(sessions_->login(Principal{}, "t@example.pk", "wrong", "1.2.3.4").error().type, "bad-credentials");
  // Third failure reaches the threshold: locked for base (1 s).
  EXPECT_EQ(sessions_->login(Principal{}, "t@example.pk", "wrong", "1.2.3.4").error().type, "bad-credentials");
  auto locked = sessions_->login(Principal{}, "t@example.pk", "long enough pw", "1.2.3.4");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().type, "login-throttled");
  EXPECT_EQ(locked.error().retry_after_s, 1);
  clock_.advance_ms(1001);
  // Fourth failure: locked for 2 s.
  EXPECT_EQ(sessions_->login(Principal{}, "t@example.pk", "wrong", "1.2.3.4").error().type, "bad-credentials");
  auto again = sessions_->login(Principal{}, "t@example.pk", "long enough pw", "1.2.3.4");
  EXPECT_EQ(again.error().retry_after_s, 2);
  clock_.advance_ms(2001);
  auto ok = sessions_->login(Principal{}, "T@Example.PK", "long enough pw", "1.2.3.4");
  ASSERT_TRUE(ok.ok());
  // Success clears the account's counter.
  EXPECT_EQ(sessions_->login(Principal{}, "t@example.pk", "wrong", "1.2.3.4").error().type, "bad-credentials");
  EXPECT_TRUE(sessions_->login(Principal{}, "t@example.pk", "long enough pw", "1.2.3.4").ok());
}

TEST_F(SessionsTest, FailuresOutsideTheWindowDoNotAccumulate) {
  for (int i = 0; i < 2; ++i) (void)sessions_->login(Principal{}, "35202-7654321-1", "wrong", "5.6.7.8");
  clock_.advance_ms(sessions_->config().window_ms + 1);
  (void)sessions_->login(Principal{}, "35202-7654321-1", "wrong", "5.6.7.8");
  EXPECT_TRUE(sessions_->login(Principal{}, "35202-7654321-1", "long enough pw", "5.6.7.8").ok());
}

// Routes showing the person their own record get it with the session, without the password hash;
// others do not pay for reading it.
TEST_F(SessionsTest, AuthenticationReadsThePersonOnlyWhenAsked) {
  auto r = sessions_->login(Principal{}, "35202-7654321-1", "long enough pw", "9.9.9.9");
  ASSERT_TRUE(r.ok());
  auto plain = sessions_->authenticate(r->token);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(person_of(*plain), nullptr);
  auto with = sessions_->authenticate(r->token, true);
  ASSERT_TRUE(with.ok());
  const User* person = person_of(*with);
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->id, with->user_id);
  EXPECT_EQ(person->email, "t@example.pk");
  EXPECT_TRUE(person->password_hash.empty());
  auto mine = accounts_->user(*with);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->cnic, "35202-7654321-1");
  auto read_now = accounts_->user(*plain);  // no copy: read from the store, still without the hash
  ASSERT_TRUE(read_now.ok());
  EXPECT_EQ(read_now->cnic, "35202-7654321-1");
  EXPECT_TRUE(read_now->password_hash.empty());
}

TEST_F(SessionsTest, TokensExpireAndRevoke) {
  auto r = sessions_->login(Principal{}, "35202-7654321-1", "long enough pw", "9.9.9.9");
  ASSERT_TRUE(r.ok());
  auto p = sessions_->authenticate(r->token);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->is_user());
  clock_.advance_ms(sessions_->config().session_ttl_ms);
  EXPECT_FALSE(sessions_->authenticate(r->token).ok());
  auto r2 = sessions_->login(Principal{}, "35202-7654321-1", "long enough pw", "9.9.9.9");
  ASSERT_TRUE(r2.ok());
  auto signed_in = sessions_->authenticate(r2->token);
  ASSERT_TRUE(signed_in.ok());
  ASSERT_TRUE(sessions_->logout(*signed_in).ok());
  EXPECT_EQ(sessions_->authenticate(r2->token).error().type, "invalid-token");
  EXPECT_FALSE(sessions_->authenticate("").ok());
  EXPECT_FALSE(sessions_->authenticate(std::string(500, 'a')).ok());
}
