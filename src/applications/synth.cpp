#include "applications/synth.hpp"

#include <algorithm>
#include <array>

#include "applications/applications.hpp"
#include "applications/form_validation.hpp"
#include "core/crypto.hpp"
#include "core/money.hpp"
#include "core/rng.hpp"
#include "core/working_days.hpp"

namespace darwaza::applications {
namespace {

using nlohmann::json;

constexpr UnixMs kHistoryMs = 730 * kDayMs;     // applications were filed over the last two years
constexpr UnixMs kMaxStepMs = 6 * kDayMs;       // between one step of a timeline and the next
constexpr std::size_t kDataVariants = 4;        // form data variants kept per service

// Seeded per application, so that an index always gives the same application.
using Rng = SplitMix64;

// What an application ends as, with its share (percent) and the transitions that reach it from
// the initial state; "pay" records the fee. A step the service's workflow lacks ends the path early.
struct Plan {
  int percent;
  bool draft;
  std::vector<const char*> steps;
};
const std::array<Plan, 9> kPlans{{
    {4, true, {}},
    {8, false, {}},
    {12, false, {"start_review"}},
    {4, false, {"start_review", "request_info"}},
    {4, false, {"start_review", "accept"}},
    {44, false, {"start_review", "accept", "pay", "approve"}},
    {6, false, {"start_review", "request_info", "resubmit", "approve"}},
    {12, false, {"start_review", "reject"}},
    {6, false, {"withdraw"}},
}};

const char* comment_for(const std::string& transition) {
  if (transition == "request_info") return "Please attach a clearer copy of the supporting documents.";
  if (transition == "reject") return "The premises do not meet the requirements of the regulations.";
  return "";
}

// A plausible raw value for a field, or null for kinds that name other rows (documents,
// registry records), which synthetic data leaves out.
json raw_value(const catalog::FormField& f, Rng& rng) {
  using T = catalog::FieldType;
  switch (f.type) {
    case T::text:
      if (f.name == "vehicle_registration") return "LEA-" + std::to_string(1 + rng.below(9999));
      if (f.name == "previous_licence_number") return "LIC/" + std::to_string(2015 + rng.below(10)) + "/" + std::to_string(1000 + rng.below(9000));
      if (f.name == "secp_number") return std::to_string(1000000 + rng.below(9000000));
      if (f.name == "website") return "https://example" + std::to_string(rng.below(1000)) + ".pk";
      if (f.pattern) return nullptr;
      return "Synthetic " + f.label.en.substr(0, 40);
    case T::long_text: return "House " + std::to_string(1 + rng.below(400)) + ", Street " + std::to_string(1 + rng.below(40)) + ", Sector G-9/2, Islamabad";
    case T::integer: return static_cast<std::int64_t>(f.min.value_or(0)) + static_cast<std::int64_t>(rng.below(50));
    case T::decimal: return std::to_string(f.min.value_or(0) + static_cast<double>(rng.below(1000)) / 4.0);
    case T::money: return json{{"amount", std::to_string(10000 + rng.below(5000000))}, {"currency", f.currency}};
    case T::date: return "20" + std::to_string(20 + rng.below(6)) + "-0" + std::to_string(1 + rng.below(9)) + "-1" + std::to_string(rng.below(9));
    case T::enumeration: return f.options.empty() ? json(nullptr) : json(f.options[rng.below(f.options.size())].value);
    case T::boolean: return rng.below(2) == 1;
    case T::cnic: return "35202-" + std::to_string(1000000 + rng.below(9000000)) + "-" + std::to_string(rng.below(10));
    case T::ntn: return std::to_string(1000000 + rng.below(9000000)) + "-" + std::to_string(rng.below(10));
    case T::email: return "applicant" + std::to_string(rng.below(100000)) + "@example.pk";
    case T::phone: return "+923" + std::to_string(100000000 + rng.below(900000000));
    case T::ip_list: return json::array({"203.0.113." + std::to_string(rng.below(256)), "198.51.100.0/24"});
    case T::country: return "PK";
    case T::list: return json::array({"Consulting", "Installation"});
    case T::document:
    case T::registry_ref: return nullptr;
  }
  return nullptr;
}

// Normalised form data for a service, field by field through the service's own validation, so
// it is stored exactly as a draft of that form would be; a value the field refuses is left out.
std::string form_data(const catalog::ServiceDefinition& def, Rng& rng) {
  json data = json::object();
  for (const auto& f : def.form) {
    json v = raw_value(f, rng);
    if (v.is_null()) continue;
    auto one = validate_form({f}, json{{f.name, v}}, "en", FormMode::draft);
    if (one.ok() && one->contains(f.name)) data[f.name] = (*one)[f.name];
  }
  return data.dump();
}

}  // namespace

struct ApplicationSynth::Service {
  catalog::DefinitionPtr def;
  std::vector<std::string> data;  // kDataVariants normalised form data
};

ApplicationSynth::ApplicationSynth(const std::vector<catalog::DefinitionPtr>& services, std::uint64_t seed, UnixMs now)
    : seed_(seed), now_(now) {
  Rng rng(seed ^ 0x64617461ULL);
  for (const auto& d : services) {
    if (d->applicant == catalog::Applicant::organisation) continue;
    Service s{d, {}};
    for (std::size_t i = 0; i < kDataVariants; ++i) s.data.push_back(form_data(*d, rng));
    services_.push_back(std::move(s));
  }
}

ApplicationSynth::~ApplicationSynth() = default;

std::size_t ApplicationSynth::usable_services() const { return services_.size(); }

SynthApplication ApplicationSynth::make(std::int64_t index, const std::string& applicant_user_id) const {
  Rng rng(seed_ * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(index));
  // A few services take most applications: the square of a uniform draw leans to the first ones.
  const double u = rng.unit();
  const Service& svc = services_[static_cast<std::size_t>(u * u * static_cast<double>(services_.size()))];
  const catalog::ServiceDefinition& def = *svc.def;

  SynthApplication out;
  Application& a = out.application;
  a.id = crypto::random_id("app");
  a.service_id = def.id;
  a.service_version = def.version;
  a.agency_id = def.agency;
  a.applicant_user_id = applicant_user_id;
  a.state = kDraftState;
  a.data = svc.data[rng.below(svc.data.size())];
  a.fee_paisa = def.fee.amount_paisa;
  a.created_at = now_ - kMaxStepMs * 5 - static_cast<UnixMs>(rng.below(static_cast<std::uint64_t>(kHistoryMs)));
  a.tracking_number = new_tracking_number(a.created_at);
  a.updated_at = a.state_entered_at = a.created_at;

  int roll = static_cast<int>(rng.below(100)), acc = 0;
  const Plan* plan = &kPlans.back();
  for (const auto& p : kPlans)
    if (roll < (acc += p.percent)) {
      plan = &p;
      break;
    }
  if (plan->draft) {
    out.events.push_back(Event{0, a.id, a.created_at, applicant_user_id, "applicant", "created", "", kDraftState, "", ""});
    return out;
  }

  UnixMs t = a.created_at + static_cast<UnixMs>(rng.below(2 * 60 * 60 * 1000));
  a.submitted_at = t;
  out.events.push_back(Event{0, a.id, t, applicant_user_id, "applicant", "submitted", kDraftState, def.workflow.initial, "", ""});
  std::string state = def.workflow.initial;
  for (const char* step : plan->steps) {
    t += 1 + static_cast<UnixMs>(rng.below(static_cast<std::uint64_t>(kMaxStepMs)));
    if (std::string(step) == "pay") {
      if (!def.fee.required()) continue;
      std::string reference = "SYN" + std::to_string(seed_) + "-" + std::to_string(index);
      out.payment = Payment{crypto::random_id("pay"), a.id, a.fee_paisa, reference, "cli", t};
      a.paid_paisa = a.fee_paisa;
      out.events.push_back(Event{0, a.id, t, "", "officer", "payment", state, state, "",
                                 "PKR " + format_pkr(a.fee_paisa) + " ref " + reference});
      continue;
    }
    const catalog::Transition* tr = def.workflow.transition(step);
    if (!tr || std::find(tr->from.begin(), tr->from.end(), state) == tr->from.end()) {
      if (std::string(step) == "accept") continue;  // services without a fee approve straight from review
      break;
    }
    if (tr->requires_payment && a.paid_paisa < a.fee_paisa) break;
    const bool by_applicant = std::find(tr->roles.begin(), tr->roles.end(), "applicant") != tr->roles.end();
    out.events.push_back(Event{0, a.id, t, by_applicant ? applicant_user_id : "", by_applicant ? "applicant" : "officer",
                               "transition", state, tr->to, tr->id, comment_for(tr->id)});
    state = tr->to;
  }
  const catalog::State* st = def.workflow.state(state);
  a.state = state;
  a.state_entered_at = a.updated_at = t;
  a.open = !(st && st->terminal());
  if (st && (st->outcome == catalog::Outcome::approved || st->outcome == catalog::Outcome::rejected)) a.decided_at = t;
  if (st && st->sla_working_days) a.sla_due_at = add_working_days(t, *st->sla_working_days);
  return out;
}

void write_synth(storage::Tx& tx, const SynthApplication& s) {
  tx.applications().insert(s.application);
  for (const auto& e : s.events) tx.applications().add_event(e);
  if (s.payment) tx.applications().insert_payment(*s.payment);
}

}  // namespace darwaza::applications
