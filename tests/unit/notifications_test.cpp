// Notifications: templates per event and language, e-mail formatting, back-off, and the outbox
// worker's claim / retry / deliver-once rules over a real SQLite database.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>

#include <sodium.h>

#include "catalog/catalog.hpp"
#include "core/crypto.hpp"
#include "core/working_days.hpp"
#include "notifications/notifications.hpp"
#include "notifications/outbox.hpp"
#include "notifications/templates.hpp"
#include "notifications/transport.hpp"
#include "storage/database.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "temp_db.hpp"

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

TEST(NotificationTemplates, CompiledInTemplatesAreTheShippedFiles) {
  auto files = Templates::parse(shipped_files());
  ASSERT_TRUE(files.ok()) << files.error().detail;
  Vars v;
  for (const char* p : kPlaceholders) v[p] = std::string("<") + p + ">";
  for (const char* lang : kLanguages)
    for (EventKind e : kAllEvents) {
      auto built = Templates::builtin().render(e, lang, v);
      auto shipped = files->render(e, lang, v);
      EXPECT_EQ(built.title, shipped.title) << lang << " " << to_string(e);
      EXPECT_EQ(built.body, shipped.body) << lang << " " << to_string(e);
      EXPECT_EQ(built.sms, shipped.sms) << lang << " " << to_string(e);
    }
}

TEST(NotificationTemplates, EventNamesRoundTrip) {
  for (EventKind e : kAllEvents) EXPECT_EQ(event_from_string(to_string(e)), e);
  EXPECT_FALSE(event_from_string("expired").has_value());
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
    if (mail[i] == '\n') {
      EXPECT_TRUE(i > 0 && mail[i - 1] == '\r') << "bare LF at " << i;
    }
}

TEST(NotificationFileTransport, WritesWhatItIsGivenAndNeverReplacesAnEarlierDelivery) {
  crypto::init();
  auto dir = std::filesystem::temp_directory_path() / ("dz-files-" + crypto::random_hex(6));
  OutboxMessage m;
  m.id = "obx_1";
  m.recipient = "a@example.pk";
  m.subject = "Approved";
  m.body = "Your application was approved.";
  auto t = make_file_transport(dir.string(), "Darwaza Test <no-reply@darwaza.test>");
  const UnixMs first = 1'700'000'000'000, second = first + 86'400'000;
  ASSERT_TRUE(t->send(m, first).ok());
  ASSERT_TRUE(t->send(m, second).ok());  // delivered again (never meant to happen): both show
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"obx_1.2.eml", "obx_1.eml"})) << "no temporary file left behind";
  // From: is the configured sender and Date: the worker's clock, as the SMTP transport sends them.
  EXPECT_EQ(slurp(dir / "obx_1.eml"), format_email(m, "Darwaza Test <no-reply@darwaza.test>", first));
  EXPECT_EQ(slurp(dir / "obx_1.2.eml"), format_email(m, "Darwaza Test <no-reply@darwaza.test>", second));
  EXPECT_NE(slurp(dir / "obx_1.eml"), slurp(dir / "obx_1.2.eml"));

  m.channel = Channel::sms;
  m.recipient = "+923001234567";
  m.id = "obx_2";
  ASSERT_TRUE(t->send(m, first).ok());
  EXPECT_EQ(slurp(dir / "obx_2.sms.txt"), "To: +923001234567\n\nYour application was approved.\n");
  std::filesystem::remove_all(dir);
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

using testing_support::TempDb;

// Fails the first `failures` sends, then succeeds; records every send.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(int failures, std::vector<std::string>* sent) : failures_(failures), sent_(sent) {}
  Status send(const OutboxMessage& m, UnixMs) override {
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

identity::User person(const std::string& id, const std::string& cnic, const std::string& email,
                      const std::string& mobile, const std::string& lang) {
  identity::User u;
  u.id = id;
  u.cnic = cnic;
  u.name = "Person " + id;
  u.email = email;
  u.mobile = mobile;
  u.password_hash = "x";
  u.preferred_lang = lang;
  return u;
}

// A person and one notification through notify() (its e-mail and SMS still to be queued).
std::string seed(storage::Database& db, UnixMs now) {
  std::string id;
  Status s = db.write([&](storage::Tx& tx) -> Status {
    auto u = person("usr_1", "12345-1234567-1", "ayesha@example.pk", "+923001234567", "ur");
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

// `n` notifications (their e-mail and SMS still to be queued) for one person.
std::vector<std::string> seed_many(storage::Database& db, UnixMs now, int n) {
  std::vector<std::string> ids;
  Status s = db.write([&](storage::Tx& tx) -> Status {
    auto u = person("usr_1", "12345-1234567-1", "ayesha@example.pk", "+923001234567", "en");
    tx.users().insert(u);
    for (int i = 0; i < n; ++i) {
      Fact f;
      f.event = EventKind::approved;
      f.tracking_number = "DZ-TEST-" + std::to_string(i);
      f.applicant_user_id = u.id;
      f.service = {"Test", "ٹیسٹ"};
      EXPECT_EQ(notify(tx, Templates::builtin(), f, now), 1);
    }
    for (const auto& item : tx.notifications().for_user(u.id, false, 0, n).items) ids.push_back(item.id);
    return ok_status();
  });
  EXPECT_TRUE(s.ok());
  return ids;
}

// Takes `send_ms` of the clock per message. While it sends, another dispatcher (`rival`: a
// second server node over the same database) may run whole rounds, as it would in parallel.
class SlowTransport final : public Transport {
 public:
  SlowTransport(ManualClock& clock, UnixMs send_ms, std::vector<std::string>* sent)
      : clock_(clock), send_ms_(send_ms), sent_(sent) {}
  void set_rival(OutboxWorker* rival) { rival_ = rival; }
  Status send(const OutboxMessage& m, UnixMs now) override {
    EXPECT_EQ(now, clock_.now_ms()) << "the worker's clock, not the system's";
    sent_->push_back(m.id);
    for (UnixMs step : {send_ms_ / 2, send_ms_ - send_ms_ / 2}) {
      clock_.advance_ms(step);
      if (rival_) {
        EXPECT_TRUE(rival_->run_once().ok());
      }
    }
    return ok_status();
  }

 private:
  ManualClock& clock_;
  UnixMs send_ms_;
  std::vector<std::string>* sent_;
  OutboxWorker* rival_ = nullptr;
};

// A worker (lease 120 s) whose e-mail and SMS transports take `send_ms` each, stated as
// `timeout_ms`; `rival`, if given, runs during each of its sends.
OutboxWorker slow_worker(storage::Database& db, ManualClock& clock, UnixMs send_ms, UnixMs timeout_ms,
                         std::vector<std::string>* sent, OutboxWorker* rival = nullptr) {
  auto email = std::make_unique<SlowTransport>(clock, send_ms, sent);
  auto sms = std::make_unique<SlowTransport>(clock, send_ms, sent);
  email->set_rival(rival);
  sms->set_rival(rival);
  return OutboxWorker(db, clock, std::move(email), std::move(sms), OutboxOptions{1000, 120'000, 5, timeout_ms});
}

std::vector<OutboxMessage> outbox_of(storage::Database& db, const std::string& notification) {
  std::vector<OutboxMessage> out;
  EXPECT_TRUE(db.read([&](storage::Tx& tx) {
                  out = tx.notifications().outbox_of(notification);
                  return ok_status();
                }).ok());
  return out;
}

// Asks the worker to stop during its first send (the server shutting down), then succeeds.
class StoppingTransport final : public Transport {
 public:
  explicit StoppingTransport(std::vector<std::string>* sent) : sent_(sent) {}
  void set_worker(OutboxWorker* w) { worker_ = w; }
  Status send(const OutboxMessage& m, UnixMs) override {
    worker_->stop();
    sent_->push_back(m.id);
    return ok_status();
  }

 private:
  OutboxWorker* worker_ = nullptr;
  std::vector<std::string>* sent_;
};

}  // namespace

TEST(OutboxWorker, StoppingEndsTheRoundAfterTheSendUnderWayAndGivesTheRestBack) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  auto ids = seed_many(*t.db, clock.now_ms(), 20);  // 40 messages: more than a claim takes
  std::vector<std::string> sent;
  auto email = std::make_unique<StoppingTransport>(&sent);
  StoppingTransport* e = email.get();
  OutboxWorker w(*t.db, clock, std::move(email), nullptr, OutboxOptions{1000, 120'000, 5, 10});
  e->set_worker(&w);
  auto r = w.run_once();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->queued, 20);
  EXPECT_EQ(r->claimed, 20) << "the e-mails (no SMS transport)";
  EXPECT_EQ(r->delivered, 1);
  EXPECT_EQ(r->released, 19);
  EXPECT_EQ(sent.size(), 1u);
  int pending = 0;
  for (const auto& n : ids)
    for (const auto& m : outbox_of(*t.db, n))
      if (m.channel == Channel::email && m.state == "pending") {
        ++pending;
        EXPECT_EQ(m.attempts, 0) << "given back untried";
      }
  EXPECT_EQ(pending, 19);
  EXPECT_EQ(w.run_once()->claimed, 0) << "a stopped worker starts no round";
}

TEST(OutboxWorker, RetriesWithBackoffThenDeliversOnce) {
  TempDb t("dz-notify");
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
  TempDb t("dz-notify");
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
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  seed(*t.db, clock.now_ms());
  ASSERT_TRUE(t.db->write([](storage::Tx& tx) { return queue_outbox(tx, kQueueBatch) == 1 ? ok_status() : internal_error("not queued"); }).ok());
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

TEST(OutboxWorker, ClaimBatchFitsHalfTheLeaseAtTheSendTimeout) {
  EXPECT_EQ(claim_batch(120'000, 30'000), 2);
  EXPECT_EQ(claim_batch(120'000, 60'000), 1);
  EXPECT_EQ(claim_batch(120'000, 100'000), 1) << "at least one";
  EXPECT_EQ(claim_batch(120'000, 100), kClaimBatch) << "at most kClaimBatch";
}

TEST(OutboxWorker, ASecondDispatcherNeverSendsWhatTheFirstIsSending) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  auto ids = seed_many(*t.db, clock.now_ms(), 20);  // 40 messages
  std::vector<std::string> sent;
  // Node B sends at once; node A takes the whole SMTP timeout (60 s) for each message, and node B
  // runs a round in the middle and at the end of each of A's sends.
  OutboxWorker b = slow_worker(*t.db, clock, 0, 60'000, &sent);
  OutboxWorker a = slow_worker(*t.db, clock, 60'000, 60'000, &sent, &b);
  auto r = a.run_once();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->claimed, 1) << "one 60 s send per 120 s lease";
  EXPECT_EQ(r->delivered, 1);
  std::set<std::string> once(sent.begin(), sent.end());
  EXPECT_EQ(once.size(), sent.size()) << "no message sent twice";
  EXPECT_EQ(sent.size(), 40u);
  for (const auto& n : ids)
    for (const auto& m : outbox_of(*t.db, n)) {
      EXPECT_EQ(m.state, "delivered");
      EXPECT_EQ(m.attempts, 1) << "claimed once";
    }
}

TEST(OutboxWorker, NoSendStartsWhenTheLeaseCouldRunOutDuringIt) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  auto ids = seed_many(*t.db, clock.now_ms(), 2);  // 4 messages
  std::vector<std::string> sent;
  // Sends (or the clock) run slower than the stated 20 s timeout: 50 s each. Batches of 3 (120 / 40):
  // sends start at 0 s and 50 s; at 100 s, 100 + 20 >= 120, so the third is given back untried.
  OutboxWorker w = slow_worker(*t.db, clock, 50'000, 20'000, &sent);
  auto r = w.run_once();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->claimed, 3);
  EXPECT_EQ(r->delivered, 2);
  EXPECT_EQ(r->released, 1);
  int pending = 0;
  for (const auto& n : ids)
    for (const auto& m : outbox_of(*t.db, n))
      if (m.state == "pending") {
        ++pending;
        EXPECT_EQ(m.attempts, 0) << "a released claim is not an attempt";
      }
  EXPECT_EQ(pending, 2);
  // Released at once: the next round takes them without waiting for the lease to expire.
  r = w.run_once();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 2);
  std::set<std::string> once(sent.begin(), sent.end());
  EXPECT_EQ(once.size(), sent.size()) << "no message sent twice";
}

TEST(OutboxQueue, QueuesEachNotificationsMessagesOnceToThePersonsContactsAtQueueTime) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  auto ids = seed_many(*t.db, clock.now_ms(), 5);
  auto queue = [&](int limit) {
    int taken = -1;
    EXPECT_TRUE(t.db->write([&](storage::Tx& tx) {
                      taken = queue_outbox(tx, limit);
                      return ok_status();
                    }).ok());
    return taken;
  };
  for (const auto& n : ids) EXPECT_TRUE(outbox_of(*t.db, n).empty()) << "notify() writes no outbox row";
  // The person changes their address before the messages are queued: the new one is used.
  ASSERT_TRUE(t.db->write([](storage::Tx& tx) {
                    auto u = tx.users().by_id("usr_1");
                    u->email = "ayesha.new@example.pk";
                    tx.users().update(*u);
                    return ok_status();
                  }).ok());
  EXPECT_EQ(queue(3), 3) << "a full batch";
  EXPECT_EQ(queue(3), 2) << "the rest: fewer than the limit";
  EXPECT_EQ(queue(3), 0) << "nothing is queued twice";
  for (const auto& n : ids) {
    auto rows = outbox_of(*t.db, n);
    ASSERT_EQ(rows.size(), 2u) << n;
    for (const auto& m : rows) {
      EXPECT_EQ(m.state, "pending");
      EXPECT_EQ(m.next_attempt_at, clock.now_ms()) << "due from the notification's time";
      EXPECT_EQ(m.recipient, m.channel == Channel::email ? "ayesha.new@example.pk" : "+923001234567");
      if (m.channel == Channel::email) EXPECT_NE(m.subject.find("DZ-TEST-"), std::string::npos);
      else EXPECT_TRUE(m.subject.empty());
      EXPECT_NE(m.body.find("DZ-TEST-"), std::string::npos) << "the text notify() rendered";
    }
  }
}

namespace {
// Calls `on_send` with each message, then succeeds.
class CallbackTransport final : public Transport {
 public:
  explicit CallbackTransport(std::function<void(const OutboxMessage&)> on_send) : on_send_(std::move(on_send)) {}
  Status send(const OutboxMessage& m, UnixMs) override {
    on_send_(m);
    return ok_status();
  }

 private:
  std::function<void(const OutboxMessage&)> on_send_;
};
}  // namespace

TEST(OutboxQueue, DeliveriesGoOnWhileABacklogIsQueued) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  auto ids = seed_many(*t.db, clock.now_ms(), kQueueBatch + 1);
  std::sort(ids.begin(), ids.end());  // oldest (queued first) to newest
  bool newest_queued_at_first_send = true;
  int sends = 0;
  auto email = std::make_unique<CallbackTransport>([&](const OutboxMessage&) {
    if (sends++ == 0) newest_queued_at_first_send = !outbox_of(*t.db, ids.back()).empty();
  });
  OutboxWorker w(*t.db, clock, std::move(email), nullptr, OutboxOptions{1000, 120'000, 5, 10});
  auto r = w.run_once();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(newest_queued_at_first_send) << "the first sends came before the whole backlog was queued";
  EXPECT_EQ(r->queued, kQueueBatch + 1);
  EXPECT_EQ(r->delivered, kQueueBatch + 1) << "every e-mail in the same round";
  EXPECT_EQ(sends, kQueueBatch + 1);
}

TEST(OutboxQueue, TheWorkerQueuesBeforeItClaimsAndANotificationOfAnOlderBinaryIsNotQueuedAgain) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  std::string n = seed(*t.db, clock.now_ms());
  // A notification as binaries before V023 wrote it: its messages went into the outbox with it.
  storage::sqlite::Connection((t.dir / "t.db").string(), false)
      .exec_script("INSERT INTO notifications (id, user_id, event, language, title, body, created_at) "
                   "VALUES ('ntf_old', 'usr_1', 'approved', 'en', 'Old', 'Old body', 1)");
  std::vector<std::string> sent;
  OutboxWorker w(*t.db, clock, std::make_unique<ScriptedTransport>(0, &sent), nullptr, OutboxOptions{1000, 60000, 5});
  auto r = w.run_once();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->queued, 1);
  EXPECT_EQ(r->delivered, 1) << "the e-mail, queued and sent in the same round";
  EXPECT_EQ(outbox_of(*t.db, n).size(), 2u);
  EXPECT_TRUE(outbox_of(*t.db, "ntf_old").empty());
  EXPECT_EQ(w.run_once()->queued, 0);
}

TEST(NotificationInbox, DedupeKeyWritesOnce) {
  TempDb t("dz-notify");
  Status s = t.db->write([&](storage::Tx& tx) {
    auto u = person("usr_2", "12345-1234567-2", "b@example.pk", "", "en");
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
    EXPECT_TRUE(tx.notifications().outbox_of(page.items.at(0).id).empty()) << "queued by the outbox worker";
    EXPECT_EQ(queue_outbox(tx, kQueueBatch), 1);
    auto out = tx.notifications().outbox_of(page.items.at(0).id);
    EXPECT_EQ(out.size(), 1u) << "no mobile: e-mail only";
    return ok_status();
  });
  EXPECT_TRUE(s.ok());
}

namespace {

// A person with one application and certificate per entry of `valid_until` ("" = no expiry);
// `revoked` marks which are revoked.
void seed_certificates(storage::Database& db, const std::vector<std::string>& valid_until,
                       const std::vector<bool>& revoked, UnixMs now) {
  Status s = db.write([&](storage::Tx& tx) -> Status {
    tx.agencies().upsert({"pta", "Pakistan Telecommunication Authority", "پی ٹی اے", "authority", "", ""}, now);
    storage::StoredService svc;
    svc.summary = {"test-permit", 1, "pta", "telecom", "Test permit", "ٹیسٹ", "A test", "ٹیسٹ", "both", 0};
    svc.definition_json = "{}";
    svc.checksum = "c";
    tx.catalog().insert_version(svc, now);
    tx.users().insert(person("usr_1", "12345-1234567-1", "ayesha@example.pk", "+923001234567", "en"));
    for (std::size_t i = 0; i < valid_until.size(); ++i) {
      applications::Application a;
      a.id = "app_" + std::to_string(i);
      a.tracking_number = "DZ-EXP-" + std::to_string(i);
      a.service_id = "test-permit";
      a.service_version = 1;
      a.agency_id = "pta";
      a.applicant_user_id = "usr_1";
      a.state = "approved";
      a.data = "{}";
      a.created_at = a.updated_at = a.state_entered_at = now;
      tx.applications().insert(a);
      applications::CertificateRow c;
      c.id = "crt_" + std::to_string(i);
      c.application_id = a.id;
      c.type = "permit";
      c.holder_user_id = "usr_1";
      c.agency_id = "pta";
      c.issued_at = now;
      c.valid_until = valid_until[i];
      c.status = revoked[i] ? "revoked" : "valid";
      c.document = "{}";
      tx.applications().insert_certificate(c);
    }
    return ok_status();
  });
  ASSERT_TRUE(s.ok());
}

}  // namespace

TEST(NotificationExpiry, ScanNoticesCertificatesEndingWithin30DaysOnce) {
  TempDb t("dz-notify");
  ManualClock clock(1'700'000'000'000);
  const UnixMs now = clock.now_ms();
  // Notified: ends today, ends in 30 days. Not: in 31 days, ended yesterday, revoked, no expiry.
  seed_certificates(*t.db,
                    {pkt_date(now), pkt_date_plus_days(now, kExpiryNoticeDays),
                     pkt_date_plus_days(now, kExpiryNoticeDays + 1), pkt_date_plus_days(now, -1),
                     pkt_date_plus_days(now, 10), ""},
                    {false, false, false, false, true, false}, now);
  catalog::Catalog catalog(*t.db, clock);
  Notifications n(*t.db, clock, catalog, Templates::builtin());
  auto first = n.scan_expiring();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 2);
  auto second = n.scan_expiring();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 0) << "each certificate is noticed once";
  Status s = t.db->read([&](storage::Tx& tx) {
    auto page = tx.notifications().for_user("usr_1", false, 0, 10);
    EXPECT_EQ(page.total, 2);
    std::set<std::string> certs;
    for (const auto& item : page.items) {
      EXPECT_EQ(item.event, "certificate_expiring");
      certs.insert(item.certificate_id);
    }
    EXPECT_EQ(certs, (std::set<std::string>{"crt_0", "crt_1"}));
    return ok_status();
  });
  EXPECT_TRUE(s.ok());
  // A day later the 31-day one is due, once.
  clock.advance_ms(24 * 3600 * 1000);
  EXPECT_EQ(*n.scan_expiring(), 1);
  EXPECT_EQ(*n.scan_expiring(), 0);
}
