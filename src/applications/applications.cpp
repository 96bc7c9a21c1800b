#include "applications/applications.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "applications/errors.hpp"
#include "applications/form_validation.hpp"
#include "applications/internal.hpp"
#include "applications/steps.hpp"
#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "core/json_writer.hpp"
#include "core/money.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "notifications/notifications.hpp"
#include "registries/registries.hpp"

namespace darwaza::applications {

using catalog::ServiceDefinition;
using nlohmann::json;

namespace {

std::vector<std::string> allowed_for(const ServiceDefinition& def, const std::string& state,
                                     const std::function<bool(const catalog::Transition&)>& may) {
  std::vector<std::string> out;
  for (const auto& t : def.workflow.transitions) {
    if (std::find(t.from.begin(), t.from.end(), state) != t.from.end() && may(t)) out.push_back(t.id);
  }
  return out;
}

Status page_errors(int page, int page_size, const std::string& lang) {
  FieldErrors errs(lang);
  if (page < 1) errs.add("/page", "min", "1");
  if (page > kMaxPage) errs.add("/page", "max", std::to_string(kMaxPage));
  if (page_size < 1) errs.add("/page_size", "min", "1");
  if (page_size > kMaxPageSize) errs.add("/page_size", "max", std::to_string(kMaxPageSize));
  if (!errs.empty()) return errs.to_error();
  return ok_status();
}

}  // namespace

bool looks_like_tracking_number(std::string_view s) {
  return s.size() == kTrackingNumberLength && s.starts_with(kTrackingPrefix);
}

std::string new_tracking_number(UnixMs at) {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // 32 symbols, no 0/1/I/O, ASCII order
  constexpr int kTimeSymbols = 8;                                         // 40 bits of 4 ms steps
  const auto steps = static_cast<std::uint64_t>(std::max<UnixMs>(at - kTrackingEpochMs, 0) / 4);
  unsigned char b[kTimeSymbols];
  crypto::identifier_random_bytes(b, sizeof b);
  std::string out(kTrackingPrefix);
  for (int i = 0; i < 2 * kTimeSymbols; ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    const unsigned symbol = i < kTimeSymbols ? static_cast<unsigned>(steps >> (5 * (kTimeSymbols - 1 - i))) : b[i - kTimeSymbols];
    out += kAlphabet[symbol & 31u];
  }
  return out;
}

audit::Act act_on(const Application& a, std::string action) {
  return {std::move(action), "application", a.id, a.applicant_user_id, a.org_id, "", "ok"};
}

Result<std::vector<std::string>> documents_to_link(storage::Tx& tx, const ServiceDefinition& def, const json& data,
                                                   const std::vector<std::string>& owners, const std::string& lang) {
  FieldErrors errs(lang);
  std::vector<std::string> ids;
  auto check = [&](const json& v, const std::string& path) {
    if (!v.is_string()) return;
    auto d = tx.documents().by_id(v.get<std::string>());
    if (!d || std::find(owners.begin(), owners.end(), d->owner_user_id) == owners.end()) errs.add(path, "document");
    else ids.push_back(d->id);
  };
  for (const auto& f : def.form) {
    if (f.type != catalog::FieldType::document) continue;
    auto it = data.find(f.name);
    if (it == data.end()) continue;
    if (it->is_array()) {
      for (std::size_t i = 0; i < it->size(); ++i) check((*it)[i], "/" + f.name + "/" + std::to_string(i));
    } else {
      check(*it, "/" + f.name);
    }
  }
  if (!errs.empty()) return errs.to_error();
  return ids;
}

void link(storage::Tx& tx, const std::vector<std::string>& document_ids, const std::string& application_id) {
  for (const auto& id : document_ids) tx.documents().link(application_id, id);
}

Status link_documents(storage::Tx& tx, const ServiceDefinition& def, const json& data,
                      const std::vector<std::string>& owners, const std::string& application_id, const std::string& lang) {
  auto ids = documents_to_link(tx, def, data, owners, lang);
  if (!ids.ok()) return ids.take_error();
  link(tx, *ids, application_id);
  return ok_status();
}

namespace {

notifications::Fact fact_of(const Application& a, const ServiceDefinition& def, notifications::EventKind e) {
  notifications::Fact f;
  f.event = e;
  f.application_id = a.id;
  f.tracking_number = a.tracking_number;
  f.applicant_user_id = a.applicant_user_id;
  f.org_id = a.org_id;
  f.service = def.title;
  return f;
}

// The event the applicant is told of on entering `st`: a decision, or a state that waits for
// the applicant to change the application (one with a way out that lets them edit it; waiting
// for a payment is not one).
std::optional<notifications::EventKind> event_on_entering(const ServiceDefinition& def, const catalog::State& st) {
  if (st.outcome == catalog::Outcome::approved) return notifications::EventKind::approved;
  if (st.outcome == catalog::Outcome::rejected) return notifications::EventKind::rejected;
  if (sends_back(def, st)) return notifications::EventKind::info_requested;
  return std::nullopt;
}
}  // namespace

Applications::Applications(storage::Database& db, const Clock& clock, catalog::Catalog& catalog,
                           registries::Registries& registries, const certificates::SigningKey& key,
                           const notifications::Templates& templates, Options options)
    : db_(db),
      clock_(clock),
      catalog_(catalog),
      registries_(registries),
      key_(key),
      templates_(templates),
      options_(std::move(options)) {}

Applications::Access Applications::access_of_filer(const Principal& who, const Application& a) {
  Access acc;
  if (who.is_user()) {
    acc.applicant = who.user_id == a.applicant_user_id;
    acc.officer = who.is_staff_of(a.agency_id);
    acc.admin = who.is_admin_of(a.agency_id);
  }
  acc.recuse_if_applicant();
  return acc;
}

Applications::Access Applications::access_of(storage::Tx& tx, const Principal& who, const Application& a) {
  Access acc = access_of_filer(who, a);
  if (who.is_user() && !acc.applicant && !a.org_id.empty()) {
    acc.applicant = tx.organisations().membership(a.org_id, who.user_id).has_value();
    acc.recuse_if_applicant();  // a member of the firm is its applicant, officer or not
  }
  return acc;
}

View Applications::view_of(Application a, std::vector<Event> events, std::vector<Payment> payments,
                           catalog::DefinitionPtr def, const Access& acc) {
  View v;
  if (a.state != kDraftState)
    v.allowed_transitions = allowed_for(*def, a.state, [&](const catalog::Transition& t) { return acc.may(t.roles); });
  v.application = std::move(a);
  v.events = std::move(events);
  v.payments = std::move(payments);
  v.definition = std::move(def);
  return v;
}

Result<View> Applications::view_in(storage::Tx& tx, const Principal& who, const Application& a) {
  auto filed = tx.applications().filed_by_id(a.id);
  if (!filed) return error(Errc::not_found);  // not within the transaction that holds `a`
  filed->application = a;
  return view_in(tx, who, std::move(*filed));
}

Result<View> Applications::view_in(storage::Tx& tx, const Principal& who, storage::FiledApplication f) {
  auto def = catalog_.at_version(f.application.service_id, f.application.service_version);
  if (!def.ok()) return def.take_error();
  Access acc = access_of(tx, who, f.application);
  return view_of(std::move(f.application), std::move(f.events), std::move(f.payments), *def, acc);
}

std::string receipt_body(const Application& a, const ServiceDefinition& def) {
  // Canonical JSON: members in nlohmann's (byte-wise) order, integers and strings only.
  JsonWriter w(512, JsonWriter::Utf8::strict);
  w.begin_object()
      .member("agency", a.agency_id)
      .member("applicant", a.org_id.empty() ? a.applicant_user_id : a.org_id)
      .member("application_id", a.id)
      .member("data_sha256", crypto::sha256_hex(a.data))
      .member("fee_pkr", format_pkr(a.fee_paisa))
      .member("service_id", a.service_id)
      .key("service_title").begin_object().member("en", def.title.en).member("ur", def.title.ur).end_object()
      .member("service_version", a.service_version)
      .member("submitted_at", format_rfc3339(a.submitted_at.value_or(a.created_at)))
      .member("tracking_number", a.tracking_number)
      .end_object();
  return w.take();
}

void Applications::set_state(Application& a, const ServiceDefinition& def, const std::string& state_id,
                             UnixMs now) const {
  const catalog::State* st = def.workflow.state(state_id);
  a.state = state_id;
  a.state_entered_at = now;
  a.updated_at = now;
  a.sla_due_at = st && st->sla_working_days ? std::optional<UnixMs>(add_working_days(now, *st->sla_working_days, options_.holidays))
                                            : std::nullopt;
  a.open = !(st && st->terminal());
  if (st && (st->outcome == catalog::Outcome::approved || st->outcome == catalog::Outcome::rejected)) a.decided_at = now;
}

Status Applications::enter_state(storage::Tx& tx, Application& a, const ServiceDefinition& def,
                                 const std::string& state_id, UnixMs now, const Principal& who,
                                 const std::string& comment, registries::Effect& effect) {
  const catalog::State* st = def.workflow.state(state_id);
  set_state(a, def, state_id, now);
  // Written together at the end, so that the recipients are read once.
  std::vector<notifications::Fact> facts;
  if (auto event = st ? event_on_entering(def, *st) : std::nullopt) {
    facts.push_back(fact_of(a, def, *event));
    facts.back().comment = comment;
  }
  if (st && st->outcome == catalog::Outcome::approved)
    if (Status s = approve(tx, a, def, now, who, effect, facts); !s.ok()) return s;
  notifications::notify(tx, templates_, facts, now);
  return ok_status();
}

Status Applications::approve(storage::Tx& tx, Application& a, const ServiceDefinition& def, UnixMs now,
                             const Principal& who, registries::Effect& effect,
                             std::vector<notifications::Fact>& facts) {
  // Approval writes the registry record in the same transaction as the decision.
  json record = nullptr;
  if (def.registry) {
    auto e = registries_.on_approval(tx, def, a, who, now);
    if (!e.ok()) return e.take_error();
    effect = std::move(e).value();
    record = {{"registry", effect.registry},
              {"number", effect.number},
              {"valid_until", effect.valid_until.empty() ? json(nullptr) : json(effect.valid_until)},
              {"fields", effect.public_data}};
    tx.applications().add_event(
        Event{0, a.id, now, who.user_id, "system", "registry_record", "", "", "", effect.registry + "/" + effect.number});
  }
  if (!def.certificate || !a.certificate_id.empty()) return ok_status();

  // Approval issues the certificate in the same transaction as the decision.
  CertificateRow c = issue_certificate(tx, a, def, now, record);
  a.certificate_id = c.id;
  tx.applications().add_event(Event{0, a.id, now, who.user_id, "system", "certificate", "", "", "", c.id});
  facts.push_back(fact_of(a, def, notifications::EventKind::certificate_issued));
  facts.back().certificate_id = c.id;
  facts.back().valid_until = c.valid_until;
  return ok_status();
}

Status Applications::prepare_submit(storage::Tx& tx, Application& a, const ServiceDefinition& def, const json& data,
                                    UnixMs now, const std::string& lang) {
  if (Status s = registries_.check_references(tx, def, data, a, lang); !s.ok()) return s;
  a.submitted_at = now;
  set_state(a, def, def.workflow.initial, now);  // an initial state is never an approval: nothing else to apply
  return ok_status();
}

Event Applications::submission_event(const Principal& who, const Application& a, const ServiceDefinition& def,
                                     UnixMs now) {
  return Event{0, a.id, now, who.user_id, "applicant", "submitted", kDraftState, def.workflow.initial, "", ""};
}

void Applications::record_submission(storage::Tx& tx, const Principal& who, const Application& a,
                                     const ServiceDefinition& def, UnixMs now) {
  tx.applications().add_event(submission_event(who, a, def, now));
  std::vector<notifications::Fact> facts{fact_of(a, def, notifications::EventKind::submitted)};
  if (const catalog::State* st = def.workflow.state(def.workflow.initial))
    if (auto event = event_on_entering(def, *st)) facts.push_back(fact_of(a, def, *event));
  notifications::notify(tx, templates_, facts, now);
}

Result<View> Applications::update_draft(const Principal& who, const std::string& id, const json& data,
                                        const std::string& lang) {
  auto current = visible(who, id);
  if (!current.ok()) return current.take_error();
  if (current->application.state != kDraftState) return error(Errc::not_a_draft);
  // A draft is its author's alone (fellow members of its organisation may see it, not change it).
  if (current->application.applicant_user_id != who.user_id) return error(Errc::not_applicant);
  auto normalised = validate_form(current->definition->form, data, lang, FormMode::draft);
  if (!normalised.ok()) return normalised.take_error();
  UnixMs now = clock_.now_ms();
  return storage::write_value<View>(db_, [&](storage::Tx& tx) -> Result<View> {
    auto a = tx.applications().by_id(id);
    if (!a || a->state != kDraftState) return error(Errc::not_a_draft);
    a->data = normalised->dump();
    a->updated_at = now;
    // The draft's links are its current documents only: one taken out of it must not reach the
    // agency when it is submitted.
    tx.documents().unlink_all(a->id, now);
    if (Status s = link_documents(tx, *current->definition, *normalised, {a->applicant_user_id}, a->id, lang); !s.ok())
      return s.take_error();
    tx.applications().update(*a);
    audit::record(tx, who, now, act_on(*a, "application.draft.update"));
    return view_in(tx, who, *a);
  });
}

Result<Submitted> Applications::submit_draft(const Principal& who, const std::string& id, const std::string& lang) {
  auto current = visible(who, id);
  if (!current.ok()) return current.take_error();
  if (current->application.state != kDraftState) return error(Errc::not_a_draft);
  // A draft is its author's alone (fellow members of its organisation may see it, not change it).
  if (current->application.applicant_user_id != who.user_id) return error(Errc::not_applicant);
  // The draft is bound to the version it was started under; it must now pass in full.
  auto normalised = validate_form(current->definition->form, json::parse(current->application.data), lang, FormMode::submit);
  if (!normalised.ok()) return normalised.take_error();
  UnixMs now = clock_.now_ms();
  return with_receipt(storage::write_value<Committed>(db_, [&](storage::Tx& tx) -> Result<Committed> {
    auto a = tx.applications().by_id(id);
    if (!a || a->state != kDraftState) return error(Errc::not_a_draft);
    a->data = normalised->dump();
    if (Status s = prepare_submit(tx, *a, *current->definition, *normalised, now, lang); !s.ok()) return s.take_error();
    tx.applications().update(*a);
    record_submission(tx, who, *a, *current->definition, now);
    audit::record(tx, who, now, act_on(*a, "application.submit"));
    std::string body = receipt_body(*a, *current->definition);
    return Committed{Submitted{std::move(*a), std::string(), false, nullptr}, std::move(body)};
  }));
}

bool Applications::may_see(storage::Tx& tx, const Principal& who, const Application& a) {
  Access acc = access_of(tx, who, a);
  // Officers never see other people's drafts.
  return a.state == kDraftState ? acc.applicant : acc.any();
}

Result<Applications::Visible> Applications::visible(const Principal& who, const std::string& id) {
  bool applicant = false;
  auto a = storage::read_value<Application>(db_, [&](storage::Tx& tx) -> Result<Application> {
    auto found = tx.applications().by_id(id);
    if (!found || !may_see(tx, who, *found)) return error(Errc::not_found);
    applicant = access_of(tx, who, *found).applicant;
    return std::move(*found);
  });
  if (!a.ok()) return a.take_error();
  auto def = catalog_.at_version(a->service_id, a->service_version);
  if (!def.ok()) return def.take_error();
  return Visible{std::move(a).value(), std::move(def).value(), applicant};
}

Result<View> Applications::get(const Principal& who, const std::string& id) {
  return audit::read_personal<View>(
      db_, who, clock_.now_ms(),
      [&](storage::Tx& tx) -> Result<View> {
        auto f = looks_like_tracking_number(id) ? tx.applications().filed_by_tracking(id)
                                                : tx.applications().filed_by_id(id);
        if (!f || !may_see(tx, who, f->application)) return error(Errc::not_found);
        return view_in(tx, who, std::move(*f));
      },
      [&](const View& v) {
        // Staff reading an application of their own (as applicant) is not someone else's look.
        return v.application.applicant_user_id == who.user_id ? audit::Act{} : act_on(v.application, "application.read");
      },
      // The application with its timeline is one statement; an organisation member's membership,
      // when asked, is a separate fact.
      storage::ReadMode::per_statement);
}

std::string page_cursor(std::int64_t key, const std::string& id) { return std::to_string(key) + "." + id; }

std::optional<PagePosition> parse_page_cursor(std::string_view cursor) {
  // A time in Unix ms (up to 15 digits, no sign, no leading zero), a dot, an application id
  // (at most 64 letters, digits, '_' and '-': what an URL carries as it is).
  const auto dot = cursor.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 15 || (cursor[0] == '0' && dot > 1)) return std::nullopt;
  const std::string_view key = cursor.substr(0, dot), id = cursor.substr(dot + 1);
  if (!std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (id.empty() || id.size() > 64 || !std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      }))
    return std::nullopt;
  return PagePosition{std::stoll(std::string(key)), std::string(id)};
}

namespace {

// Where a listing's page starts: a numbered page, or a cursor (`after`) on page 1. Numbered pages
// end with the applications a listing counts: deeper, OFFSET would read every application it
// skips, so pages go on by cursor, each at the cost of the first.
Result<std::optional<PagePosition>> page_start(int page, int page_size, const std::string& after,
                                               const std::string& lang) {
  if (Status s = page_errors(page, page_size, lang); !s.ok()) return s.take_error();
  FieldErrors errs(lang);
  std::optional<PagePosition> from;
  if (!after.empty()) {
    from = parse_page_cursor(after);
    if (!from) errs.add("/after", "pattern");
    if (page != 1) errs.add("/page", "not_with", "after");
  }
  if (static_cast<std::int64_t>(page - 1) * page_size >= kMaxCounted)
    errs.add("/page", "page_after", std::to_string((kMaxCounted - 1) / page_size + 1));
  if (!errs.empty()) return errs.to_error();
  return from;
}

// A page read with one application more than it shows: cut to page_size, with the cursor of its
// last application (key_of: its key in the listing's order) when more follow.
template <typename KeyOf>
ListedPage listed(storage::ApplicationPage read, int page_size, KeyOf key_of) {
  ListedPage out{std::move(read), ""};
  auto& items = out.page.items;
  if (static_cast<int>(items.size()) > page_size) {
    items.resize(page_size);
    out.next_after = page_cursor(key_of(items.back()), items.back().id);
  }
  return out;
}

}  // namespace

Result<ListedPage> Applications::mine(const Principal& who, int page, int page_size, const std::string& lang,
                                      const std::string& after, std::int64_t max_counted) {
  auto from = page_start(page, page_size, after, lang);
  if (!from.ok()) return from.take_error();
  MineFilter f;
  f.user_id = who.user_id;
  f.max_counted = max_counted;
  if (*from) {
    f.before_key = (*from)->key;
    f.before_id = std::move((*from)->id);
  }
  f.offset = (page - 1) * page_size;
  f.limit = page_size + 1;  // one more: whether a further page holds any
  return storage::read_value<ListedPage>(db_, [&](storage::Tx& tx) -> Result<ListedPage> {
    return listed(tx.applications().for_user(f), page_size, [](const Application& a) { return a.created_at; });
  });
}

Result<ListedPage> Applications::queue(const Principal& who, QueueFilter f, int page, int page_size,
                                       const std::string& lang, const std::string& after) {
  auto from = page_start(page, page_size, after, lang);
  if (!from.ok()) return from.take_error();
  if (!who.is_staff_of(f.agency)) return make_error(ErrorKind::forbidden, "forbidden", "Forbidden", "Not your agency.");
  if (*from) {
    f.after_key = (*from)->key;
    f.after_id = std::move((*from)->id);
  }
  f.offset = (page - 1) * page_size;
  f.limit = page_size + 1;  // one more: whether a further page holds any
  f.now = clock_.now_ms();
  return storage::read_value<ListedPage>(db_, [&](storage::Tx& tx) -> Result<ListedPage> {
    return listed(tx.applications().queue(f), page_size, [&f](const Application& a) {
      return f.overdue_only ? a.sla_due_at.value_or(0) : a.submitted_at.value_or(0);
    });
  });
}

Result<View> Applications::claim(const Principal& who, const std::string& id) {
  UnixMs now = clock_.now_ms();
  return storage::write_value<View>(db_, [&](storage::Tx& tx) -> Result<View> {
    auto a = tx.applications().by_id(id);
    if (!a || a->state == kDraftState) return error(Errc::not_found);
    Access acc = access_of(tx, who, *a);
    if (acc.recused) return error(Errc::own_application);
    if (!acc.officer) return acc.any() ? Result<View>(make_error(ErrorKind::forbidden, "forbidden", "Forbidden",
                                                                 "Only the owning agency's officers can claim."))
                                       : Result<View>(error(Errc::not_found));
    if (!a->open) return error(Errc::transition_not_allowed, "The application is already decided.");
    if (a->assigned_to == who.user_id) return view_in(tx, who, *a);
    if (!a->assigned_to.empty() && !acc.admin) return error(Errc::claimed_by_another);
    a->assigned_to = who.user_id;
    a->updated_at = now;
    tx.applications().update(*a);
    tx.applications().add_event(Event{0, a->id, now, who.user_id, acc.role(), "claimed", a->state, a->state, "", ""});
    audit::record(tx, who, now, act_on(*a, "application.claim"));
    return view_in(tx, who, *a);
  });
}

Result<View> Applications::transition(const Principal& who, const std::string& id, const TransitionInput& in,
                                      const std::string& lang) {
  if (in.comment.size() > kMaxCommentChars) {
    FieldErrors errs(lang);
    errs.add("/comment", "max_length", std::to_string(kMaxCommentChars));
    return errs.to_error();
  }
  auto before = visible(who, id);
  if (!before.ok()) return before.take_error();
  catalog::DefinitionPtr def = before->definition;
  const catalog::Transition* t = def->workflow.transition(in.transition);
  std::optional<json> new_data;
  if (in.data) {
    if (!t || !t->applicant_edits) {
      FieldErrors errs(lang);
      errs.add("/data", "unknown_field");
      return errs.to_error();
    }
    auto v = validate_form(def->form, *in.data, lang, FormMode::submit);
    if (!v.ok()) return v.take_error();
    new_data = std::move(v).value();
  }
  UnixMs now = clock_.now_ms();
  registries::Effect effect;
  auto out = storage::write_value<View>(db_, [&](storage::Tx& tx) -> Result<View> {
    // Re-read inside the write: writes are serialised, so this is the state the move applies to.
    auto a = tx.applications().by_id(id);
    if (!a) return error(Errc::not_found);
    Access acc = access_of(tx, who, *a);
    if (in.task) {
      // On an officer's task the caller acts as an officer of the owning agency, never as the applicant.
      if (!acc.officer) return error(acc.recused ? Errc::own_application : Errc::not_found);
      if (a->state != in.task->state || a->state_entered_at != in.task->entered_at) return error(Errc::step_changed);
      acc.applicant = false;
    }
    if (acc.recused && t && std::find(t->roles.begin(), t->roles.end(), "applicant") == t->roles.end())
      return error(Errc::own_application);
    auto allowed = allowed_for(*def, a->state, [&](const catalog::Transition& x) { return acc.may(x.roles); });
    if (!t || a->state == kDraftState || std::find(allowed.begin(), allowed.end(), t->id) == allowed.end()) {
      Error e = error(Errc::transition_not_allowed);
      e.extensions["state"] = a->state;
      e.extensions["allowed"] = allowed;
      return e;
    }
    bool acting_as_applicant = acc.applicant && acc.may({"applicant"}) &&
                               std::find(t->roles.begin(), t->roles.end(), "applicant") != t->roles.end();
    if (!acting_as_applicant && !acc.admin) {
      if (a->assigned_to.empty()) return error(Errc::not_claimed);
      if (a->assigned_to != who.user_id) return error(Errc::claimed_by_another);
    }
    if (t->comment_required && in.comment.empty()) return error(Errc::comment_required);
    if (t->requires_payment && a->paid_paisa < a->fee_paisa) {
      Error e = error(Errc::payment_required);
      e.extensions["fee_pkr"] = format_pkr(a->fee_paisa);
      e.extensions["paid_pkr"] = format_pkr(a->paid_paisa);
      return e;
    }
    if (new_data) {
      // Documents sent before stay linked: the agency has seen them and keeps its record.
      if (Status s = link_documents(tx, *def, *new_data, {a->applicant_user_id, who.user_id}, a->id, lang); !s.ok())
        return s.take_error();
      a->data = new_data->dump();
      if (Status s = registries_.check_references(tx, *def, *new_data, *a, lang); !s.ok()) return s.take_error();
    }
    // The move is recorded before entering the state, so that what entering causes (a
    // certificate) follows it on the timeline.
    tx.applications().add_event(Event{0, a->id, now, who.user_id, acting_as_applicant ? "applicant" : acc.role(),
                                      "transition", a->state, t->to, t->id, in.comment});
    if (Status s = enter_state(tx, *a, *def, t->to, now, who, in.comment, effect); !s.ok()) return s.take_error();
    tx.applications().update(*a);
    audit::record(tx, who, now, act_on(*a, "application.transition." + t->id));
    return view_in(tx, who, *a);
  });
  if (out.ok()) registries_.committed(effect);
  return out;
}

Result<View> Applications::record_payment(const Principal& who, const std::string& id, const std::string& amount_pkr,
                                          const std::string& reference, const std::string& lang) {
  FieldErrors errs(lang);
  auto amount = parse_pkr(amount_pkr);
  if (!amount) errs.add("/amount_pkr", "min", "0.01");
  if (reference.empty()) errs.add("/reference", "required");
  else if (reference.size() > 100) errs.add("/reference", "max_length", "100");
  if (!errs.empty()) return errs.to_error();
  UnixMs now = clock_.now_ms();
  return storage::write_value<View>(db_, [&](storage::Tx& tx) -> Result<View> {
    auto a = tx.applications().by_id(id);
    if (!a || a->state == kDraftState) return error(Errc::not_found);
    Access acc = access_of(tx, who, *a);
    bool agency_client = who.is_client() && who.agency_id == a->agency_id;
    if (!acc.officer && !agency_client) return error(acc.recused ? Errc::own_application : Errc::not_found);
    if (!a->open) return error(Errc::closed);
    if (tx.applications().payment_by_reference(reference)) return error(Errc::duplicate_payment);
    Payment p{crypto::random_id("pay"), a->id, *amount, reference, who.actor(), now};
    tx.applications().insert_payment(p);
    a->paid_paisa += *amount;
    a->updated_at = now;
    tx.applications().update(*a);
    tx.applications().add_event(Event{0, a->id, now, who.user_id, agency_client ? "api_client" : acc.role(), "payment",
                                      a->state, a->state, "", "PKR " + format_pkr(*amount) + " ref " + reference});
    auto def = catalog_.at_version(a->service_id, a->service_version);
    if (!def.ok()) return def.take_error();
    auto f = fact_of(*a, **def, notifications::EventKind::payment_recorded);
    f.amount_pkr = format_pkr(*amount);
    notifications::notify(tx, templates_, f, now);
    audit::record(tx, who, now, act_on(*a, "application.payment"));
    return view_in(tx, who, *a);
  });
}

}  // namespace darwaza::applications
