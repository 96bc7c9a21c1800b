// Notifications: templates per event and language, e-mail formatting, back-off, and the outbox
// worker's claim / retry / deliver-once rules over a real SQLite database.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sodium.h>

#include "core/crypto.hpp"
#include "notifications/notifications.hpp"
#include "notifications/outbox.hpp"
#include "notifications/templates.hpp"
#include "notifications/transport.hpp"
#include "storage/database.hpp"

using namespace darwaza;
using namespace darwaza::notifications;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> shipped_files() {
  std::map<std::string, std::string> out;
  for (const char* lang : kLanguages)
    out[lang] = slurp(std::filesystem::path(DARWAZA_SOURCE_DIR) / "data" / "notifications" / (std::string(lang) + ".json"));
  return out;
}

std::string b64decode(const std::string& s) {
  std::string out(s.size(), '\0');
  std::size_t len = 0;
  sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(), s.size(), nullptr, &len,
                    nullptr, sodium_base64_VARIANT_ORIGINAL);
  out.resize(len);
  return out;
}

}  // namespace

TEST(NotificationTemplates, EveryEventHasATemplateInEveryLanguage) {
  auto files = shipped_files();
  auto t = Templates::parse(files);
  ASSERT_TRUE(t.ok()) << t.error().detail;
  for (const char* lang : kLanguages)
    for (EventKind e : kAllEvents) EXPECT_TRUE(t->has(e, lang)) << lang << " lacks " << to_string(e);
  // The compiled-in copy is the same data.
  for (EventKind e : kAllEvents) EXPECT_TRUE(Templates::builtin().has(e, "ur"));
}

TEST(NotificationTemplates, AMissingEventOrUnknownPlaceholderIsRefused) {
  auto files = shipped_files();
  auto doc = nlohmann::json::parse(files["ur"]);
  doc["events"].erase("certificate_expiring");
  auto r = Templates::parse({{"en", files["en"]}, {"ur", doc.dump()}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("ur: no template for event certificate_expiring"), std::string::npos) << r.error().detail;

  doc = nlohmann::json::parse(files["en"]);
  doc["events"]["approved"]["body"] = "Approved {trackingnumber}";
  r = Templates::parse({{"en", doc.dump()}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("{trackingnumber}"), std::string::npos) << r.error().detail;

  doc = nlohmann::json::parse(files["en"]);
  doc["events"]["approved"].erase("sms");
  EXPECT_FALSE(Templates::parse({{"en", doc.dump()}}).ok());
}

TEST(NotificationTemplates, RenderFillsPlaceholdersInTheLanguage) {
  const auto& t = Templates::builtin();
  Vars v{{"tracking_number", "DZ-AAAA-BBBB-CCCC-DDDD"}, {"service", "VPN"}};
  auto en = t.render(EventKind::submitted, "en", v);
  EXPECT_EQ(en.title, "Application DZ-AAAA-BBBB-CCCC-DDDD received");
  EXPECT_NE(en.body.find("VPN"), std::string::npos);
  auto ur = t.render(EventKind::submitted, "ur", v);
  EXPECT_NE(ur.title.find("DZ-AAAA-BBBB-CCCC-DDDD"), std::string::npos);
  EXPECT_NE(ur.title.find("درخواست"), std::string::npos);
  EXPECT_EQ(ur.title.find('{'), std::string::npos);
  // Unknown languages fall back to English.
  EXPECT_EQ(t.render(EventKind::submitted, "fr", v).title, en.title);
  EXPECT_EQ(fill("{a} and {b} {c", {{"a", "1"}, {"b", "2"}}), "1 and 2 {c");
}

TEST(NotificationMail, UrduSubjectIsEncodedWordsAndDecodesBack) {
  const std::string subject = "درخواست DZ-AAAA-BBBB-CCCC-DDDD منظور ہو گئی اور سرٹیفکیٹ جاری کر دیا گیا";
  std::string enc = encode_header_words(subject);
  std::string decoded;
  std::size_t pos = 0;
  while ((pos = enc.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = enc.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u) << "an encoded-word is at most 75 characters";
    decoded += b64decode(enc.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  EXPECT_EQ(decoded, subject);
  EXPECT_EQ(encode_header_words("Plain ASCII"), "Plain ASCII");
  EXPECT_EQ(encode_header_words("Bcc: x\r\ny"), "Bcc: x  y") << "no header injection";
}

TEST(NotificationMail, MessageHasHeadersAndCrlfLines) {
  OutboxMessage m;
  m.id = "obx_1";
  m.recipient = "a@example.pk";
  m.subject = "منظور";
  m.body = "line one\nline two";
  std::string mail = format_email(m, "Darwaza <no-reply@darwaza.gov.pk>", 0);
  EXPECT_NE(mail.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(mail.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(mail.find("Message-ID: <obx_1@darwaza.gov.pk>\r\n"), std::string::npos);
  EXPECT_NE(mail.find("To: <a@example.pk>\r\n"), std::string::npos);
  EXPECT_NE(mail.find("\r\n\r\nline one\r\nline two\r\n"), std::string::npos);
  for (std::size_t i = 0; i < mail.size(); ++i)
    if (mail[i] == '\n') EXPECT_TRUE(i > 0 && mail[i - 1] == '\r') << "bare LF at " << i;
}

TEST(OutboxBackoff, DoublesFromTheBaseUpToTheCap) {
  EXPECT_EQ(retry_delay_ms(1, 1000), 1000);
  EXPECT_EQ(retry_delay_ms(2, 1000), 2000);
  EXPECT_EQ(retry_delay_ms(3, 1000), 4000);
  EXPECT_EQ(retry_delay_ms(5, 1000), 16000);
  EXPECT_EQ(retry_delay_ms(60, 1000), kMaxRetryDelayMs);
  EXPECT_EQ(retry_delay_ms(0, 1000), 1000);
}

namespace {

struct TempDb {
  TempDb() {
    crypto::init();
    dir = std::filesystem::temp_directory_path() / ("dz-notify-" + crypto::random_hex(6));
    std::filesystem::create_directories(dir);
    storage::DatabaseOptions o;
    o.url = "sqlite:" + (dir / "t.db").string();
    o.reader_connections = 4;
    db = storage::open_database(o);
  }
  ~TempDb() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<storage::Database> db;
};

// Fails the first `failures` sends, then succeeds; records every send.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(int failures, std::vector<std::string>* sent) : failures_(failures), sent_(sent) {}
  std::string name() const override { return "scripted"; }
  Status send(const OutboxMessage& m) override {
    if (failures_ > 0) {
      --failures_;
      return make_error(ErrorKind::unavailable, "x", "refused", "refused");
    }
    sent_->push_back(m.id);
    return ok_status();
  }

 private:
  int failures_;
  std::vector<std::string>* sent_;
};

// A person and one notification (with its e-mail and SMS queued) through notify().
std::string seed(storage::Database& db, UnixMs now) {
  std::string id;
  Status s = db.write([&](storage::Tx& tx) -> Status {
    identity::User u;
    u.id = "usr_1";
    u.cnic = "12345-1234567-1";
    u.name = "Ayesha";
    u.email = "ayesha@example.pk";
    u.mobile = "+923001234567";
    u.password_hash = "x";
    u.preferred_lang = "ur";
    tx.users().insert(u);
    Fact f;
    f.event = EventKind::approved;
    f.tracking_number = "DZ-TEST";
    f.applicant_user_id = u.id;
    f.service = {"Test", "ٹیسٹ"};
    EXPECT_EQ(notify(tx, Templates::builtin(), f, now), 1);
    id = tx.notifications().for_user(u.id, false, 0, 10).items.at(0).id;
    return ok_status();
  });
  EXPECT_TRUE(s.ok());
  return id;
}

std::vector<OutboxMessage> outbox_of(storage::Database& db, const std::string& notification) {
  std::vector<OutboxMessage> out;
  EXPECT_TRUE(db.read([&](storage::Tx& tx) {
                  out = tx.notifications().outbox_of(notification);
                  return ok_status();
                }).ok());
  return out;
}

}  // namespace

TEST(OutboxWorker, RetriesWithBackoffThenDeliversOnce) {
  TempDb t;
  ManualClock clock(1'700'000'000'000);
  std::string n = seed(*t.db, clock.now_ms());
  std::vector<std::string> sent;
  OutboxWorker w(*t.db, clock, std::make_unique<ScriptedTransport>(2, &sent), nullptr, OutboxOptions{1000, 60000, 5});

  auto r = w.run_once();  // attempt 1 fails
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->claimed, 1) << "only the e-mail: SMS has no transport and stays queued";
  EXPECT_EQ(r->retried, 1);
  auto rows = outbox_of(*t.db, n);
  ASSERT_EQ(rows.size(), 2u);
  const auto& email = rows[0].channel == Channel::email ? rows[0] : rows[1];
  EXPECT_EQ(email.state, "pending");
  EXPECT_EQ(email.next_attempt_at, clock.now_ms() + 1000);
  EXPECT_EQ(email.recipient, "ayesha@example.pk");
  EXPECT_NE(email.subject.find("DZ-TEST"), std::string::npos);

  EXPECT_EQ(w.run_once()->claimed, 0) << "not due before its back-off";
  clock.advance_ms(1000);
  EXPECT_EQ(w.run_once()->retried, 1);  // attempt 2 fails: next in 2 s
  clock.advance_ms(1999);
  EXPECT_EQ(w.run_once()->claimed, 0);
  clock.advance_ms(1);
  EXPECT_EQ(w.run_once()->delivered, 1);
  ASSERT_EQ(sent.size(), 1u);
  clock.advance_ms(10 * 60000);
  EXPECT_EQ(w.run_once()->claimed, 0) << "a delivered message is never sent again";
  EXPECT_EQ(sent.size(), 1u);
  for (const auto& m : outbox_of(*t.db, n))
    if (m.channel == Channel::email) {
      EXPECT_EQ(m.state, "delivered");
      EXPECT_EQ(m.attempts, 3);
    }
}

TEST(OutboxWorker, GivesUpAfterMaxAttempts) {
  TempDb t;
  ManualClock clock(1'700'000'000'000);
  std::string n = seed(*t.db, clock.now_ms());
  std::vector<std::string> sent;
  OutboxWorker w(*t.db, clock, nullptr, std::make_unique<ScriptedTransport>(100, &sent), OutboxOptions{10, 60000, 3});
  EXPECT_EQ(w.run_once()->retried, 1);
  clock.advance_ms(10);
  EXPECT_EQ(w.run_once()->retried, 1);
  clock.advance_ms(20);
  EXPECT_EQ(w.run_once()->failed, 1);
  clock.advance_ms(kMaxRetryDelayMs);
  EXPECT_EQ(w.run_once()->claimed, 0);
  for (const auto& m : outbox_of(*t.db, n))
    if (m.channel == Channel::sms) {
      EXPECT_EQ(m.state, "failed");
      EXPECT_EQ(m.last_error, "refused");
    }
}

TEST(OutboxWorker, ALeaseKeepsOtherWorkersOffUntilItExpires) {
  TempDb t;
  ManualClock clock(1'700'000'000'000);
  seed(*t.db, clock.now_ms());
  auto claim = [&](const std::string& owner) {
    std::vector<OutboxMessage> got;
    EXPECT_TRUE(t.db->write([&](storage::Tx& tx) {
                      got = tx.notifications().claim_outbox(owner, clock.now_ms(), clock.now_ms() + 5000, true, true, 10);
                      return ok_status();
                    }).ok());
    return got;
  };
  auto first = claim("node-a");
  EXPECT_EQ(first.size(), 2u);
  EXPECT_TRUE(claim("node-b").empty()) << "held by node-a";
  clock.advance_ms(5000);  // node-a died: its lease ran out
  auto second = claim("node-b");
  EXPECT_EQ(second.size(), 2u);
  // node-a's late outcome no longer applies; node-b's does, and is final.
  Status s = t.db->write([&](storage::Tx& tx) {
    EXPECT_FALSE(tx.notifications().outbox_delivered(first[0].id, "node-a", clock.now_ms()));
    EXPECT_TRUE(tx.notifications().outbox_delivered(second[0].id, "node-b", clock.now_ms()));
    EXPECT_FALSE(tx.notifications().outbox_retry(second[0].id, "node-b", clock.now_ms(), "late"));
    return ok_status();
  });
  EXPECT_TRUE(s.ok());
  clock.advance_ms(60000);
  auto third = claim("node-c");
  ASSERT_EQ(third.size(), 1u) << "only the undelivered one comes back";
  EXPECT_NE(third[0].id, second[0].id);
}

TEST(NotificationInbox, DedupeKeyWritesOnce) {
  TempDb t;
  Status s = t.db->write([&](storage::Tx& tx) {
    identity::User u;
    u.id = "usr_2";
    u.cnic = "12345-1234567-2";
    u.name = "B";
    u.email = "b@example.pk";
    u.mobile = "";
    u.password_hash = "x";
    tx.users().insert(u);
    Fact f;
    f.event = EventKind::certificate_expiring;
    f.applicant_user_id = u.id;
    f.certificate_id = "crt_1";
    f.valid_until = "2030-01-01";
    f.dedupe_key = "certificate_expiring:crt_1";
    EXPECT_EQ(notify(tx, Templates::builtin(), f, 1), 1);
    EXPECT_EQ(notify(tx, Templates::builtin(), f, 2), 0);
    auto page = tx.notifications().for_user(u.id, false, 0, 10);
    EXPECT_EQ(page.total, 1);
    EXPECT_EQ(page.items.at(0).language, "en");
    EXPECT_NE(page.items.at(0).title.find("2030-01-01"), std::string::npos);
    auto out = tx.notifications().outbox_of(page.items.at(0).id);
    EXPECT_EQ(out.size(), 1u) << "no mobile: e-mail only";
    return ok_status();
  });
  EXPECT_TRUE(s.ok());
}
