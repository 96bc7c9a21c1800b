// Submitting an application (or saving a new draft) in three steps: plan_submit works out
// everything that needs no database on the caller's thread (the checked form, the new row, the
// receipt's content); commit_submit is the one transaction, on the single writer; finish_submit
// puts the signed receipt (the receipt signer's batch signature, or one made there) and the view
// together, off the writer. submit() waits for the write between
// them; submit_async() does not: the writer hands the result back through the caller's `post`.
#include "applications/internal.hpp"
#include "applications/applications.hpp"
#include "applications/errors.hpp"
#include "applications/form_validation.hpp"
#include "certificates/certificate.hpp"
#include "certificates/receipts.hpp"
#include "certificates/signing.hpp"
#include "core/crypto.hpp"
#include "core/json_writer.hpp"
#include "core/validation.hpp"

namespace darwaza::applications {

using catalog::ServiceDefinition;
using nlohmann::json;

namespace {
// The receipt's content an idempotency record keeps, as canonical text (empty: none, a draft's).
std::string old_receipt_body(const json& stored) {
  auto body = stored.find("receipt_body");
  return body == stored.end() || body->is_null() ? std::string() : certificates::canonical_json(*body);
}

// The timeline event of a new draft.
Event draft_created_event(const Principal& who, const Application& a, UnixMs now) {
  return Event{0, a.id, now, who.user_id, "applicant", "created", "", kDraftState, "", ""};
}
}  // namespace

struct Applications::SubmitPlan {
  Principal who;
  SubmitInput in;
  std::string lang;
  catalog::DefinitionPtr def;
  json data;  // the form data as validated and normalised
  std::string request_hash;  // with an idempotency key only
  std::string principal_key;
  UnixMs now = 0;
  Application fresh;  // the new row, before the transaction's checks set its submitted state
  std::string body;   // the receipt's content, canonical JSON (empty for a draft); copied into the commit's result
  std::string kept;   // what an idempotency key keeps, so that a replay answers with the same receipt
  // With an idempotency key, a request that fails the service's checks is still taken to the
  // writer: a retry of a request that succeeded before (the form has changed since, or the
  // service was withdrawn) answers with its first result, and only a new one gets this error.
  std::optional<Error> refused;
};

Result<Submitted> Applications::with_receipt(Result<Committed> c, std::string signed_receipt) const {
  // Signing is CPU work: done off the single writer, after the commit. A replay signs the content
  // the first answer had (kept with the key): signed alone, Ed25519 gives the same signature for
  // the same content and key; signed in a batch, another signature of the same content.
  if (!c.ok()) return c.take_error();
  Submitted out = std::move(c->submitted);
  if (!signed_receipt.empty()) {
    out.receipt = std::move(signed_receipt);
  } else if (!c->receipt_body.empty()) {
    out.receipt = std::move(certificates::sign_receipts(std::span(&c->receipt_body, 1), key_).at(0));
  }
  return out;
}

Result<std::shared_ptr<Applications::SubmitPlan>> Applications::plan_submit(const Principal& who, SubmitInput in,
                                                                            const std::string& lang) {
  FieldErrors errs(lang);
  if (in.service_id.empty()) errs.add("/service_id", "required");
  if (in.idempotency_key.size() > kMaxIdempotencyKeyChars)
    errs.add("/Idempotency-Key", "max_length", std::to_string(kMaxIdempotencyKeyChars));
  if (!errs.empty()) return errs.to_error();
  auto p = std::make_shared<SubmitPlan>();
  if (!in.idempotency_key.empty())  // what a replay with the key must match; nothing to match without one
    p->request_hash = crypto::sha256_hex(in.service_id + "\n" + in.on_behalf_of + "\n" +
                                         (in.draft ? "draft" : "submit") + "\n" + in.data.dump());
  p->principal_key = who.actor();
  p->now = clock_.now_ms();
  p->who = who;
  p->lang = lang;
  auto refuse = [&](Error e) -> Result<std::shared_ptr<SubmitPlan>> {
    if (in.idempotency_key.empty()) return e;
    p->refused = std::move(e);
    p->in = std::move(in);
    return p;
  };
  auto def_r = catalog_.current(in.service_id);
  if (!def_r.ok()) return refuse(def_r.take_error());
  const ServiceDefinition& def = **def_r;
  const bool for_org = !in.on_behalf_of.empty();
  if ((for_org && def.applicant == catalog::Applicant::citizen) ||
      (!for_org && def.applicant == catalog::Applicant::organisation))
    return refuse(error(Errc::wrong_applicant_kind));
  auto data = validate_form(def.form, in.data, lang, in.draft ? FormMode::draft : FormMode::submit);
  if (!data.ok()) return refuse(data.take_error());
  p->def = std::move(def_r).value();
  p->data = std::move(data).value();
  // Everything that needs no database is made here, on the caller's thread, so that the single
  // writer only writes: the row, the receipt's content and what an idempotency key keeps.
  Application& fresh = p->fresh;
  fresh.id = crypto::time_ordered_id("app", p->now);
  fresh.service_id = def.id;
  fresh.service_version = def.version;
  fresh.agency_id = def.agency;
  fresh.applicant_user_id = who.user_id;
  fresh.org_id = in.on_behalf_of;
  fresh.state = kDraftState;
  fresh.data = p->data.dump();
  fresh.fee_paisa = def.fee.amount_paisa;
  fresh.created_at = fresh.updated_at = fresh.state_entered_at = p->now;
  p->in = std::move(in);
  number(*p);
  return p;
}

void Applications::number(SubmitPlan& p) const {
  p.fresh.tracking_number = options_.tracking_numbers(p.now);
  if (!p.in.draft) p.body = receipt_body(p.fresh, *p.def);  // submitted_at: now, as created_at
  if (!p.in.idempotency_key.empty()) {
    JsonWriter kept;
    kept.begin_object().member("application_id", p.fresh.id).key("receipt_body");
    if (p.body.empty())
      kept.null();
    else
      kept.raw(p.body);
    p.kept = kept.end_object().take();
  }
}

Result<Applications::Committed> Applications::commit_submit(storage::Tx& tx, SubmitPlan& p) {
  const SubmitInput& in = p.in;
  if (!in.idempotency_key.empty()) {
    if (auto prior = tx.applications().idempotent(p.principal_key, in.idempotency_key)) {
      if (prior->request_hash != p.request_hash) return error(Errc::idempotency_key_reused);
      auto stored = json::parse(prior->response);
      auto a = tx.applications().by_id(stored.value("application_id", ""));
      if (!a) return internal_error("idempotency record points at a missing application");
      // Records written before receipts were signed after the commit hold the signed receipt.
      // (A draft's record of those binaries holds "receipt": null: no receipt.)
      auto old_receipt = stored.find("receipt");
      const bool signed_before = old_receipt != stored.end() && !old_receipt->is_null();
      return Committed{Submitted{std::move(*a), signed_before ? old_receipt->dump() : std::string(), true, nullptr},
                       old_receipt_body(stored)};
    }
  }
  if (p.refused) return *p.refused;
  if (!in.on_behalf_of.empty() && !tx.organisations().membership(in.on_behalf_of, p.who.user_id))
    return error(Errc::not_org_member);
  const ServiceDefinition& def = *p.def;
  Application a = p.fresh;
  if (!in.draft)
    if (Status s = prepare_submit(tx, a, def, p.data, p.now, p.lang); !s.ok()) return s.take_error();
  // Every refusal comes before the first write: a refusal after one would send the submissions
  // sharing this one's savepoint round again (storage::Rerun).
  auto documents = documents_to_link(tx, def, p.data, {p.who.user_id}, p.lang);
  if (!documents.ok()) return documents.take_error();
  // In its final state: the row is written once. Its tracking number may clash with one drawn in
  // the same 4 ms: then the plan draws again, and the receipt is written anew with the new number.
  for (int draws = 1; !tx.applications().try_insert(a); ++draws) {
    if (draws == kTrackingNumberDraws) return internal_error("no free tracking number in " + std::to_string(draws) + " draws");
    number(p);
    a.tracking_number = p.fresh.tracking_number;
  }
  link(tx, *documents, a.id);
  if (in.draft)
    tx.applications().add_event(draft_created_event(p.who, a, p.now));
  else
    record_submission(tx, p.who, a, def, p.now);
  if (!in.idempotency_key.empty())
    tx.applications().put_idempotent(p.principal_key, in.idempotency_key, {p.request_hash, 201, p.kept}, p.now);
  audit::record(tx, p.who, p.now, act_on(a, in.draft ? "application.draft" : "application.submit"));
  // p.body is copied, not moved: the writer may run this a second time (Rerun::allowed).
  return Committed{Submitted{std::move(a), std::string(), false, nullptr}, p.body};
}

Result<Submitted> Applications::finish_submit(const SubmitPlan& p, Result<Committed> c,
                                             std::string signed_receipt) const {
  auto out = with_receipt(std::move(c), std::move(signed_receipt));
  // A new application's timeline is the one event its transaction wrote, and it has no payments:
  // its view needs no read after the commit.
  if (out.ok() && !out->replayed) {
    const Application& a = out->application;
    Event first = p.in.draft ? draft_created_event(p.who, a, p.now) : submission_event(p.who, a, *p.def, p.now);
    out->view = std::make_shared<View>(view_of(a, {std::move(first)}, {}, p.def, access_of_filer(p.who, a)));
  }
  return out;
}

Result<Submitted> Applications::submit(const Principal& who, const SubmitInput& in, const std::string& lang) {
  auto plan = plan_submit(who, in, lang);
  if (!plan.ok()) return plan.take_error();
  SubmitPlan& p = **plan;
  return finish_submit(p, storage::write_value<Committed>(db_, [&](storage::Tx& tx) { return commit_submit(tx, p); }));
}

void Applications::submit_async(const Principal& who, SubmitInput in, const std::string& lang, storage::Post post,
                                std::function<void(Result<Submitted>)> done) {
  auto plan = plan_submit(who, std::move(in), lang);
  if (!plan.ok()) return done(plan.take_error());
  std::shared_ptr<SubmitPlan> p = std::move(plan).value();
  // The write's result is taken where the database hands it over (the thread that made the batch
  // durable), so that the receipts of one batch reach the signer together and share a signature;
  // everything else goes back to the caller's thread through `back`.
  auto on_the_spot = [](std::function<void()> task) { task(); };
  storage::write_value_async<Committed>(
      db_, [this, p](storage::Tx& tx) { return commit_submit(tx, *p); }, on_the_spot,
      [this, p, back = std::move(post), done = std::move(done)](Result<Committed> c) {
        auto committed = std::make_shared<Result<Committed>>(std::move(c));
        if (!committed->ok() || (*committed)->receipt_body.empty())
          return back([this, p, done, committed] { done(finish_submit(*p, std::move(*committed))); });
        // The body goes to the signer (no copy here, on the thread that completes writes: on
        // PostgreSQL, the single writer itself) and comes back signed, as JSON text.
        std::string body = std::move((*committed)->receipt_body);
        signer_.sign_async(std::move(body), [this, p, back, done, committed](Result<std::string> signed_receipt) {
          back([this, p, done, committed, signed_receipt = std::move(signed_receipt)]() mutable {
            if (!signed_receipt.ok()) return done(signed_receipt.take_error());
            done(finish_submit(*p, std::move(*committed), std::move(signed_receipt).value()));
          });
        });
      },
      // commit_submit's effects are its statements and its result (a clash of tracking numbers
      // redraws the plan's number, receipt and record together): it may run twice.
      storage::Rerun::allowed);
}

}  // namespace darwaza::applications
