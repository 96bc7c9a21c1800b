// The applications service: submit (with idempotency), drafts, the timeline, officers' queues,
// claims, workflow transitions, payments, and certificates issued on approval.
// Every rule about who may do what to an application lives here.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/working_days.hpp"
#include "applications/types.hpp"
#include "catalog/catalog.hpp"
#include "certificates/receipts.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace darwaza::certificates {
class SigningKey;
}
namespace darwaza::notifications {
class Templates;
struct Fact;
}
namespace darwaza::registries {
class Registries;
struct Effect;
}

namespace darwaza::applications {

constexpr std::size_t kMaxIdempotencyKeyChars = 100;
constexpr std::size_t kMaxCommentChars = 4000;
constexpr int kMaxPageSize = 100;
constexpr int kMaxPage = 100'000;  // deepest page listed: (page - 1) * page_size stays far inside an int

struct SubmitInput {
  std::string service_id;
  std::string on_behalf_of;   // organisation id, or empty
  nlohmann::json data = nlohmann::json::object();
  std::string idempotency_key;
  bool draft = false;
};

struct View;

// A page of a listing (an agency's queue, a person's applications), and, when a further page holds
// applications, the cursor that lists it (page_cursor: the page's last application's position);
// empty on the last page.
struct ListedPage {
  storage::ApplicationPage page;
  std::string next_after;
};

struct Submitted {
  Application application;
  // The signed receipt as JSON text (certificates::sign_receipts); empty for drafts.
  std::string receipt;
  bool replayed = false;   // answered from the idempotency record
  // A new application's view as its own transaction wrote it (the caller filed it, so nothing
  // else is needed to build it); null for replays and drafts submitted later: read it then.
  std::shared_ptr<View> view;
};

// New form data from the applicant: a draft's data is replaced (update_draft); an application
// sent back to the applicant is resubmitted with it through the workflow's transition that lets
// the applicant edit (transition); in any other state it is refused (409 not-editable, naming
// the state). Someone who may see the application but did not apply: 403 not-the-applicant.
struct AmendInput {
  nlohmann::json data = nlohmann::json::object();
  // When set, the service whose form `data` was filled in (GovStack's eFormId): another
  // service's is refused (422 wrong-form), the data is not this application's.
  std::string service_id;
};

// One step of an application's workflow: the state it is in and when it entered it. Entering
// the same state again is a new step.
struct Step {
  std::string state;
  UnixMs entered_at = 0;
};

struct TransitionInput {
  std::string transition;
  std::string comment;
  std::optional<nlohmann::json> data;  // resubmitted form data (transitions with applicant_edits)
  // Set when completing an officer's task (the GovStack tasks): the move applies to this step
  // only (else step_changed), and only an officer of the owning agency may make it.
  std::optional<Step> task;
};

// An application as a caller may see it, with its timeline and what the caller may do next.
struct View {
  Application application;
  std::vector<Event> events;
  std::vector<Payment> payments;
  std::vector<std::string> allowed_transitions;
  catalog::DefinitionPtr definition;
};

// DZ-TTTT-TTTT-RRRR-RRRR, in 32 unambiguous symbols (no 0/1/I/O) taken in ASCII order: 8 symbols
// of the time `at` (4 ms steps since kTrackingEpochMs, 40 bits: until the year 2159), then 8
// random ones (40 bits). Numbers made later sort after earlier ones, so the index of tracking
// numbers grows at one end: random ones cost each submission a page of the write-ahead log and
// of the checkpoint. Unguessable by the random part (2^40 in each 4 ms); a number grants nothing
// by itself (every read checks who asks). Two of the same 4 ms can clash: the insert says so, and
// the submission draws again (commit_submit).
inline constexpr const char* kTrackingPrefix = "DZ-";
inline constexpr std::size_t kTrackingNumberLength = 22;
inline constexpr UnixMs kTrackingEpochMs = 1'577'836'800'000;  // 2020-01-01T00:00:00Z
inline constexpr int kTrackingNumberDraws = 8;  // clashes in a row before a submission gives up (500)
std::string new_tracking_number(UnixMs at);
// The shape of a tracking number (prefix and length), not a check that one was issued.
bool looks_like_tracking_number(std::string_view s);

struct Options {
  std::string public_url = "http://127.0.0.1:8080";  // base of verify links in certificates and QR codes
  Holidays holidays;  // public holidays: not working days for the SLAs
  // Where new tracking numbers come from (tests script clashes).
  std::function<std::string(UnixMs)> tracking_numbers = new_tracking_number;
};

class Applications {
 public:
  Applications(storage::Database& db, const Clock& clock, catalog::Catalog& catalog,
               registries::Registries& registries, const certificates::SigningKey& key,
               const notifications::Templates& templates, Options options);
  // Signs the receipts still queued and stops the receipt signer (serve, after its last request,
  // while the I/O threads the answers are posted to still exist).
  void stop_signing() { signer_.stop(); }

  Result<Submitted> submit(const Principal& who, const SubmitInput& in, const std::string& lang);
  // submit() without a waiting thread: the checks run on the caller's thread, the receipt is
  // signed by the receipt signer (with the others ready at that moment), and `done` gets the
  // result through `post` once the write is durable and the receipt signed (submit.cpp).
  void submit_async(const Principal& who, SubmitInput in, const std::string& lang, storage::Post post,
                    std::function<void(Result<Submitted>)> done);
  Result<View> update_draft(const Principal& who, const std::string& id, const nlohmann::json& data,
                            const std::string& lang);
  Result<Submitted> submit_draft(const Principal& who, const std::string& id, const std::string& lang);
  // The applicant's new form data, applied as the application's state asks (amend.cpp).
  Result<View> amend(const Principal& who, const std::string& id, const AmendInput& in, const std::string& lang);
  // `id` is the application's id or its tracking number; the same visibility rules either way.
  Result<View> get(const Principal& who, const std::string& id);
  // The person's own applications and their organisations', newest first: a numbered page (within
  // the first kMaxCounted), or the page after `after`, the next_after of the page before. The
  // total is counted up to max_counted (0 for callers that show none).
  Result<ListedPage> mine(const Principal& who, int page, int page_size, const std::string& lang,
                          const std::string& after = "", std::int64_t max_counted = kMaxCounted);
  // An agency's queue, to its officers: a numbered page (within the first kMaxCounted), or
  // the page after `after`, the next_after of the page before.
  Result<ListedPage> queue(const Principal& who, QueueFilter filter, int page, int page_size, const std::string& lang,
                          const std::string& after = "");
  Result<View> claim(const Principal& who, const std::string& id);
  Result<View> transition(const Principal& who, const std::string& id, const TransitionInput& in,
                          const std::string& lang);
  Result<View> record_payment(const Principal& who, const std::string& id, const std::string& amount_pkr,
                              const std::string& reference, const std::string& lang);

  // Certificates.
  Result<CertificateRow> certificate(const std::string& id);  // public facts (verify)
  Result<CertificateRow> certificate_for(const Principal& who, const std::string& id);
  Result<std::vector<CertificateRow>> my_certificates(const Principal& who);
  std::string verify_url(const std::string& certificate_id) const;

 private:
  struct Access;
  // The application and its definition, if the caller may see it (no timeline: for checks
  // before a write).
  struct Visible {
    Application application;
    catalog::DefinitionPtr definition;
    bool applicant = false;  // the caller filed it or belongs to the organisation it was filed for
  };
  Access access_of(storage::Tx& tx, const Principal& who, const Application& a);
  // What `who` may do on an application they filed themselves (no organisation read needed).
  static Access access_of_filer(const Principal& who, const Application& a);
  // The view of an application and its timeline so far, for `acc`.
  static View view_of(Application a, std::vector<Event> events, std::vector<Payment> payments,
                      catalog::DefinitionPtr def, const Access& acc);
  bool may_see(storage::Tx& tx, const Principal& who, const Application& a);
  Result<Visible> visible(const Principal& who, const std::string& id);
  Result<View> view_in(storage::Tx& tx, const Principal& who, const Application& a);
  Result<View> view_in(storage::Tx& tx, const Principal& who, storage::FiledApplication f);
  // Approval writes the registry record (reported in `effect`, applied to in-memory indexes
  // after the commit) and issues the certificate; either may refuse, rolling the move back.
  // Entering a state that the applicant is told of (approved, rejected, more information
  // requested) writes their notifications; `comment` is the officer's, quoted to them.
  Status enter_state(storage::Tx& tx, Application& a, const catalog::ServiceDefinition& def, const std::string& state,
                     UnixMs now, const Principal& who, const std::string& comment, registries::Effect& effect);
  // The fields of `a` on entering `state` (state, times, SLA due date, open), without writing.
  void set_state(Application& a, const catalog::ServiceDefinition& def, const std::string& state, UnixMs now) const;
  // The approval's own writes (see enter_state); adds "certificate issued" to `facts` when it
  // issues one.
  Status approve(storage::Tx& tx, Application& a, const catalog::ServiceDefinition& def, UnixMs now,
                 const Principal& who, registries::Effect& effect, std::vector<notifications::Fact>& facts);
  // Signs and stores the certificate of an approved application (certificates.cpp); `record` is
  // the registry record the approval wrote (public facts), or null.
  CertificateRow issue_certificate(storage::Tx& tx, const Application& a, const catalog::ServiceDefinition& def,
                                   UnixMs now, const nlohmann::json& record);
  // A submission in two steps around the one write of the application's row: prepare_submit
  // checks the form's registry references and sets the submitted state's fields on `a`; after the
  // row is written, record_submission writes the timeline and the notifications (both facts,
  // "submitted" and the initial state's, to the recipients read once). The receipt is signed
  // after the commit (with_receipt), off the writer.
  Status prepare_submit(storage::Tx& tx, Application& a, const catalog::ServiceDefinition& def,
                        const nlohmann::json& data, UnixMs now, const std::string& lang);
  void record_submission(storage::Tx& tx, const Principal& who, const Application& a,
                         const catalog::ServiceDefinition& def, UnixMs now);
  // The timeline event record_submission writes.
  static Event submission_event(const Principal& who, const Application& a, const catalog::ServiceDefinition& def,
                                UnixMs now);
  // What a submission's transaction hands back: the application and its receipt's content.
  struct Committed {
    Submitted submitted;
    std::string receipt_body;  // canonical JSON text; empty for a draft
  };
  // The committed submission with its receipt: `signed_receipt` (the receipt signer's, signed with
  // others of its batch), or, if that is empty, one signed here, alone. Either way off the writer.
  Result<Submitted> with_receipt(Result<Committed> c, std::string signed_receipt = {}) const;
  // A submission's three steps (submit.cpp): before, in and after its one transaction.
  struct SubmitPlan;
  Result<std::shared_ptr<SubmitPlan>> plan_submit(const Principal& who, SubmitInput in, const std::string& lang);
  Result<Committed> commit_submit(storage::Tx& tx, SubmitPlan& p);
  // Gives the plan's row a new tracking number, and its receipt and idempotency record with it.
  void number(SubmitPlan& p) const;
  Result<Submitted> finish_submit(const SubmitPlan& p, Result<Committed> c, std::string signed_receipt = {}) const;

  storage::Database& db_;
  const Clock& clock_;
  catalog::Catalog& catalog_;
  registries::Registries& registries_;
  const certificates::SigningKey& key_;
  const notifications::Templates& templates_;
  Options options_;
  // Signs the receipts of asynchronous submissions, those ready together under one signature.
  certificates::ReceiptSigner signer_{key_};
};


}  // namespace darwaza::applications
