// Synthetic data for scale tests (`darwaza synth`): citizens unique and valid by index, and
// applications whose timelines follow their service's workflow.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "applications/form_validation.hpp"
#include "applications/synth.hpp"
#include "catalog/definition.hpp"
#include "identity/synth.hpp"
#include "identity/validate.hpp"

using namespace darwaza;

TEST(SynthCitizens, UniqueValidAndTheSameForTheSameSeed) {
  constexpr int kCount = 200'000;
  std::set<std::string> cnics, ids;
  for (int i = 0; i < kCount; ++i) {
    const std::string cnic = identity::synth_cnic(3, i);
    ASSERT_TRUE(identity::valid_cnic(cnic)) << cnic;
    ASSERT_GE(cnic[0], '1');
    ASSERT_LE(cnic[0], '7');
    cnics.insert(cnic);
    ids.insert(identity::synth_user_id(3, i));
  }
  EXPECT_EQ(cnics.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));

  auto a = identity::synth_citizen(3, 42, "hash", 1000);
  auto b = identity::synth_citizen(3, 42, "hash", 1000);
  EXPECT_EQ(a.cnic, b.cnic);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_NE(identity::synth_citizen(4, 42, "hash", 1000).cnic, a.cnic);
  EXPECT_EQ(identity::normalise_email(a.email), a.email);
  EXPECT_EQ(identity::normalise_mobile(a.mobile), a.mobile);
  EXPECT_EQ(a.id.size(), 24u);  // "usr_" and 20 characters, like crypto::random_id
  EXPECT_EQ(a.password_hash, "hash");
  for (int i = 0; i < 1000; ++i) {
    auto who = identity::synth_applicant(3, i, 17);
    ASSERT_GE(who, 0);
    ASSERT_LT(who, 17);
  }
}

TEST(SynthApplications, TimelinesFollowTheWorkflow) {
  std::vector<catalog::DefinitionPtr> services;
  std::vector<catalog::DefinitionProblem> problems;
  for (const auto& j : catalog::synth_definitions(60, 5)) {
    auto d = catalog::parse_definition(j, "synth.json", problems);
    ASSERT_TRUE(d.ok());
    d->version = 1;
    services.push_back(std::make_shared<catalog::ServiceDefinition>(std::move(d).value()));
  }
  const UnixMs now = 1'780'000'000'000;
  applications::ApplicationSynth synth(services, 5, now);
  ASSERT_GT(synth.usable_services(), 0u);
  std::map<std::string, int> by_state;
  std::set<std::string> tracking, used_services;
  for (int i = 0; i < 3000; ++i) {
    auto s = synth.make(i, "usr_someone");
    const auto& a = s.application;
    ++by_state[a.state];
    tracking.insert(a.tracking_number);
    used_services.insert(a.service_id);
    catalog::DefinitionPtr def;
    for (const auto& d : services)
      if (d->id == a.service_id) def = d;
    ASSERT_TRUE(def);
    EXPECT_NE(def->applicant, catalog::Applicant::organisation);
    EXPECT_LE(a.updated_at, now);
    ASSERT_FALSE(s.events.empty());
    // The data is stored as the service's own validation normalises a draft of it.
    auto again = applications::validate_form(def->form, nlohmann::json::parse(a.data), "en",
                                             applications::FormMode::draft);
    ASSERT_TRUE(again.ok()) << a.data;
    EXPECT_EQ(again->dump(), a.data);
    if (a.state == applications::kDraftState) {
      EXPECT_FALSE(a.submitted_at);
      EXPECT_FALSE(a.open);
      continue;
    }
    // Each event leaves the state the previous one entered; the last enters the current state.
    std::string state = applications::kDraftState;
    UnixMs at = a.created_at;
    for (const auto& e : s.events) {
      EXPECT_EQ(e.application_id, a.id);
      EXPECT_EQ(e.from_state, state);
      EXPECT_GE(e.at, at);
      at = e.at;
      if (e.kind == "transition") {
        auto* t = def->workflow.transition(e.transition);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->to, e.to_state);
      }
      state = e.to_state;
    }
    EXPECT_EQ(state, a.state);
    const auto* st = def->workflow.state(a.state);
    ASSERT_NE(st, nullptr);
    EXPECT_EQ(a.open, !st->terminal());
    EXPECT_EQ(a.decided_at.has_value(),
              st->outcome == catalog::Outcome::approved || st->outcome == catalog::Outcome::rejected);
    if (st->outcome == catalog::Outcome::approved && def->fee.required()) {
      ASSERT_TRUE(s.payment);
      EXPECT_EQ(a.paid_paisa, a.fee_paisa);
    }
  }
  EXPECT_EQ(tracking.size(), 3000u);
  EXPECT_GE(used_services.size(), synth.usable_services() / 2);
  // Realistic proportions: about half approved, some of every other outcome.
  EXPECT_GT(by_state["approved"], 1000);
  EXPECT_LT(by_state["approved"], 2000);
  for (const char* s : {"draft", "submitted", "under_review", "info_requested", "rejected", "withdrawn"})
    EXPECT_GT(by_state[s], 30) << s;
}
