#include "storage/sql/application_repo.hpp"

#include "storage/sql/listing_statements.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace darwaza::storage::sql {
namespace {

using namespace darwaza::applications;
using namespace queue_sql;
using namespace mine_sql;

constexpr const char* kInsertApplication =
    "INSERT INTO applications (id, tracking_number, service_id, service_version, agency_id, applicant_user_id, org_id, "
    "state, is_open, data, fee_paisa, paid_paisa, assigned_to, certificate_id, created_at, submitted_at, updated_at, "
    "decided_at, state_entered_at, sla_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Another statement, not a suffix added at run time: every statement's text is a constant.
constexpr const char* kInsertApplicationUnlessTracked =
    "INSERT INTO applications (id, tracking_number, service_id, service_version, agency_id, applicant_user_id, org_id, "
    "state, is_open, data, fee_paisa, paid_paisa, assigned_to, certificate_id, created_at, submitted_at, updated_at, "
    "decided_at, state_entered_at, sla_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (tracking_number) DO NOTHING";
constexpr const char* kUpdateApplication =
    "UPDATE applications SET state = ?, is_open = ?, data = ?, fee_paisa = ?, paid_paisa = ?, assigned_to = ?, "
    "certificate_id = ?, submitted_at = ?, updated_at = ?, decided_at = ?, state_entered_at = ?, sla_due_at = ? "
    "WHERE id = ?";
constexpr const char* kApplicationById =
    "SELECT id, tracking_number, service_id, service_version, agency_id, applicant_user_id, coalesce(org_id, ''), "
    "state, is_open, data, fee_paisa, paid_paisa, coalesce(assigned_to, ''), coalesce(certificate_id, ''), "
    "created_at, submitted_at, updated_at, decided_at, state_entered_at, sla_due_at FROM applications WHERE id = ?";
constexpr const char* kApplicationByTracking =
    "SELECT id, tracking_number, service_id, service_version, agency_id, applicant_user_id, coalesce(org_id, ''), "
    "state, is_open, data, fee_paisa, paid_paisa, coalesce(assigned_to, ''), coalesce(certificate_id, ''), "
    "created_at, submitted_at, updated_at, decided_at, state_entered_at, sla_due_at FROM applications "
    "WHERE tracking_number = ?";
// An application, then its timeline and payments, in one statement. The first row is the
// application (k = -1: columns 0-19 as read_application reads them); then come its events (k = 0)
// and payments (k = 1) with columns 20-30 = (k, n, payment id, at, actor, role, kind, from, to,
// transition, comment): for an event n is its id, for a payment n is its amount, actor who
// recorded it and role its reference. The application's columns come once, not on every row.
// Events come in id order, payments in (recorded_at, id) order, as the view lists them. The
// WHERE of the first line picks the application; nothing comes back when none matches.
#define DARWAZA_FILED_APPLICATION(where)                                                                      \
  "WITH a AS (SELECT id, tracking_number, service_id, service_version, agency_id, applicant_user_id, "         \
  "coalesce(org_id, '') AS org_id, state, is_open, data, fee_paisa, paid_paisa, "                              \
  "coalesce(assigned_to, '') AS assigned_to, coalesce(certificate_id, '') AS certificate_id, created_at, "      \
  "submitted_at, updated_at, decided_at, state_entered_at, sla_due_at FROM applications WHERE " where ") "     \
  "SELECT * FROM ("                                                                                            \
  "SELECT a.*, -1 AS k, NULL AS n, NULL AS payment_id, NULL AS at, NULL AS actor, NULL AS role, NULL AS kind, " \
  "NULL AS from_state, NULL AS to_state, NULL AS transition, NULL AS comment FROM a "                          \
  "UNION ALL SELECT " DARWAZA_NO_APPLICATION_COLUMNS ", 0, e.id, '', e.at, coalesce(e.actor_user_id, ''), "      \
  "e.actor_role, e.kind, coalesce(e.from_state, ''), coalesce(e.to_state, ''), coalesce(e.transition, ''), "   \
  "coalesce(e.comment, '') FROM application_events e WHERE e.application_id = (SELECT id FROM a) "             \
  "UNION ALL SELECT " DARWAZA_NO_APPLICATION_COLUMNS ", 1, p.amount_paisa, p.id, p.recorded_at, "                \
  "p.recorded_by, p.reference, '', '', '', '', '' FROM payments p WHERE p.application_id = (SELECT id FROM a)"  \
  ") u ORDER BY u.k, CASE WHEN u.k = 0 THEN u.n ELSE u.at END, u.payment_id"
#define DARWAZA_NO_APPLICATION_COLUMNS \
  "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
constexpr const char* kFiledById = DARWAZA_FILED_APPLICATION("id = ?1");
constexpr const char* kFiledByTracking = DARWAZA_FILED_APPLICATION("tracking_number = ?1");
#undef DARWAZA_NO_APPLICATION_COLUMNS
#undef DARWAZA_FILED_APPLICATION
constexpr const char* kCountApplications = "SELECT count(*) FROM applications";
constexpr const char* kInsertEvent =
    "INSERT INTO application_events (application_id, at, actor_user_id, actor_role, kind, from_state, to_state, "
    "transition, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertPayment =
    "INSERT INTO payments (id, application_id, amount_paisa, reference, recorded_by, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kPaymentByReference =
    "SELECT id, application_id, amount_paisa, reference, recorded_by, recorded_at FROM payments WHERE reference = ?";
constexpr const char* kIdempotent =
    "SELECT request_hash, status, response FROM idempotency_keys WHERE principal = ? AND key = ?";
constexpr const char* kPutIdempotent =
    "INSERT INTO idempotency_keys (principal, key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertCertificate =
    "INSERT INTO certificates (id, application_id, type, holder_user_id, holder_org_id, agency_id, issued_at, "
    "valid_until, status, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kCertificate =
    "SELECT id, application_id, type, holder_user_id, coalesce(holder_org_id, ''), agency_id, issued_at, "
    "coalesce(valid_until, ''), status, document FROM certificates WHERE id = ?";
constexpr const char* kCertificatesOf =
    "SELECT id, application_id, type, holder_user_id, coalesce(holder_org_id, ''), agency_id, issued_at, "
    "coalesce(valid_until, ''), status, document FROM certificates "
    "WHERE holder_user_id = ?1 OR holder_org_id IN (SELECT org_id FROM org_members WHERE user_id = ?1) "
    "ORDER BY issued_at DESC";

Application read_application(Query& q) {
  Application a;
  a.id = q.text(0);
  a.tracking_number = q.text(1);
  a.service_id = q.text(2);
  a.service_version = static_cast<int>(q.integer(3));
  a.agency_id = q.text(4);
  a.applicant_user_id = q.text(5);
  a.org_id = q.text(6);
  a.state = q.text(7);
  a.open = q.integer(8) != 0;
  a.data = q.text(9);
  a.fee_paisa = q.integer(10);
  a.paid_paisa = q.integer(11);
  a.assigned_to = q.text(12);
  a.certificate_id = q.text(13);
  a.created_at = q.integer(14);
  a.submitted_at = q.opt_integer(15);
  a.updated_at = q.integer(16);
  a.decided_at = q.opt_integer(17);
  a.state_entered_at = q.integer(18);
  a.sla_due_at = q.opt_integer(19);
  return a;
}

Payment read_payment(Query& q) {
  return Payment{q.text(0), q.text(1), q.integer(2), q.text(3), q.text(4), q.integer(5)};
}

CertificateRow read_certificate(Query& q) {
  return CertificateRow{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4),
                        q.text(5), q.integer(6), q.text(7), q.text(8), q.text(9)};
}

constexpr const char* kDecisionsByService =
    "SELECT service_id, decided_at - submitted_at FROM applications WHERE submitted_at IS NOT NULL "
    "ORDER BY service_id";
constexpr const char* kOfficerMoves =
    "SELECT a.service_id, a.service_version, e.to_state, (e.at + ?1) / 86400000, count(*) "
    "FROM application_events e JOIN applications a ON a.id = e.application_id "
    "WHERE e.kind = 'transition' AND e.actor_role IN ('officer', 'agency_admin') AND e.at >= ?2 AND e.at < ?3 "
    "AND (?4 = '' OR a.service_id = ?4) AND (?5 = '' OR e.actor_user_id = ?5) AND (?6 = '' OR e.actor_role = ?6) "
    "GROUP BY 1, 2, 3, 4 ORDER BY 4";
}  // namespace

namespace {
int insert_with(Connection& c, const char* sql, const Application& a) {
  auto q = c.query(sql);
  q.bind_all(a.id, a.tracking_number, a.service_id, a.service_version, a.agency_id, a.applicant_user_id);
  q.bind_or_null(7, a.org_id).bind(8, a.state).bind(9, a.open ? 1 : 0).bind(10, a.data).bind(11, a.fee_paisa);
  q.bind(12, a.paid_paisa).bind_or_null(13, a.assigned_to).bind_or_null(14, a.certificate_id).bind(15, a.created_at);
  q.bind(16, a.submitted_at).bind(17, a.updated_at).bind(18, a.decided_at).bind(19, a.state_entered_at);
  q.bind(20, a.sla_due_at);
  return q.exec();
}
}  // namespace

void SqlApplicationRepo::insert(const Application& a) { insert_with(c_, kInsertApplication, a); }

bool SqlApplicationRepo::try_insert(const Application& a) {
  return insert_with(c_, kInsertApplicationUnlessTracked, a) > 0;
}

void SqlApplicationRepo::update(const Application& a) {
  auto q = c_.query(kUpdateApplication);
  q.bind(1, a.state).bind(2, a.open ? 1 : 0).bind(3, a.data).bind(4, a.fee_paisa).bind(5, a.paid_paisa);
  q.bind_or_null(6, a.assigned_to).bind_or_null(7, a.certificate_id).bind(8, a.submitted_at).bind(9, a.updated_at);
  q.bind(10, a.decided_at).bind(11, a.state_entered_at).bind(12, a.sla_due_at).bind(13, a.id);
  q.exec();
}

std::optional<Application> SqlApplicationRepo::by_id(const std::string& id) {
  auto q = c_.query(kApplicationById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_application(q);
}

std::optional<FiledApplication> SqlApplicationRepo::filed_by_id(const std::string& id) { return filed(kFiledById, id); }

std::optional<FiledApplication> SqlApplicationRepo::filed_by_tracking(const std::string& tracking) {
  return filed(kFiledByTracking, tracking);
}

std::optional<FiledApplication> SqlApplicationRepo::filed(const char* sql, const std::string& key) {
  auto q = c_.query(sql);
  q.bind(1, key);
  if (!q.step()) return std::nullopt;  // no application: its arms find nothing either
  FiledApplication f{read_application(q), {}, {}};
  while (q.step()) {
    if (q.integer(20) == 0)
      f.events.push_back(Event{q.integer(21), f.application.id, q.integer(23), q.text(24), q.text(25), q.text(26),
                               q.text(27), q.text(28), q.text(29), q.text(30)});
    else
      f.payments.push_back(Payment{q.text(22), f.application.id, q.integer(21), q.text(25), q.text(24), q.integer(23)});
  }
  return f;
}

std::int64_t SqlApplicationRepo::count() {
  auto q = c_.query(kCountApplications);
  q.step();
  return q.integer(0);
}

std::optional<Application> SqlApplicationRepo::by_tracking(const std::string& tracking) {
  auto q = c_.query(kApplicationByTracking);
  q.bind(1, tracking);
  if (!q.step()) return std::nullopt;
  return read_application(q);
}

ApplicationPage SqlApplicationRepo::for_user(const MineFilter& f) {
  // Each source's next rows from its index (mine_sql), merged newest first; an application filed
  // by the person for one of their organisations comes from both, and is listed once. Ids compare
  // in byte order, as the database's (C collation on PostgreSQL: docs/deployment.md; ids are ASCII).
  // A person belongs to at most identity::kMaxOrganisationsPerPerson organisations.
  std::vector<std::string> orgs;
  if (f.with_organisations) {
    auto q = c_.query(kMemberOrgs);
    q.bind(1, f.user_id);
    while (q.step()) orgs.push_back(q.text(0));
  }
  // The newest `limit` rows before a position, from every source, each once: read_row reads a row
  // of own_sql and org_sql, key_of gives its position.
  using Position = std::pair<std::int64_t, std::string>;
  auto newest = [&](const Position& before, int limit, const char* own_sql, const char* org_sql, auto read_row,
                    auto key_of) {
    std::vector<decltype(read_row(std::declval<Query&>()))> rows;
    auto read = [&](const char* sql, const std::string& who) {
      auto q = c_.query(sql);
      q.bind_all(who, before.first, before.second, limit);
      while (q.step()) rows.push_back(read_row(q));
    };
    read(own_sql, f.user_id);
    for (const auto& org : orgs) read(org_sql, org);
    std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key_of(a) > key_of(b); });
    rows.erase(std::unique(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key_of(a) == key_of(b); }),
               rows.end());
    if (rows.size() > static_cast<std::size_t>(limit)) rows.resize(limit);
    return rows;
  };
  ApplicationPage page;
  Position from{f.before_key, f.before_id};
  // A numbered page: the positions it skips, read from the indexes alone (not the rows); the page
  // starts before the last of them, or is empty past the end.
  bool past_the_end = false;
  if (f.offset > 0) {
    auto skipped = newest(
        from, f.offset, kOwnNewestKeys, kOrgNewestKeys, [](Query& q) { return Position{q.integer(0), q.text(1)}; },
        [](const Position& p) -> const Position& { return p; });
    past_the_end = skipped.size() < static_cast<std::size_t>(f.offset);
    if (!past_the_end) from = std::move(skipped.back());
  }
  if (!past_the_end)
    page.items = newest(
        from, f.limit, kOwnNewest, kOrgNewest, [](Query& q) { return read_application(q); },
        [](const Application& a) { return Position{a.created_at, a.id}; });
  // The count: the person's own, then each organisation's filed by others, until past the bound.
  const std::int64_t bound = f.max_counted + 1;
  std::int64_t counted = 0;
  {
    auto n = c_.query(kOwnCount);
    n.bind_all(f.user_id, bound);
    n.step();
    counted = n.integer(0);
  }
  for (const auto& org : orgs) {
    if (counted >= bound) break;
    auto n = c_.query(kOrgOthersCount);
    n.bind_all(org, f.user_id, bound - counted);
    n.step();
    counted += n.integer(0);
  }
  page.total = std::min(counted, f.max_counted);
  page.total_exact = counted <= f.max_counted;
  return page;
}

ApplicationPage SqlApplicationRepo::queue(const QueueFilter& f) {
  // Which queue (listing_statements.hpp), and its keys, bound the same for the page and the count.
  const QueueStatements& which = f.overdue_only     ? kOverdue
                                 : f.state.empty()   ? (f.service.empty() ? kOpen : kService)
                                 : f.service.empty() ? kState
                                                     : kStateService;
  auto query = [&](const char* sql) { return which.planned_per_use ? c_.query_planned_per_use(sql) : c_.query(sql); };
  // The keys in the order every statement numbers them: the overdue queue's four always, the
  // others' agency, then the state and the service that chose them.
  auto bind_keys = [&](Query& q) {  // the next parameter's number
    if (f.overdue_only) {
      q.bind_all(f.agency, f.now, f.state, f.service);
      return 5;
    }
    int next = 1;
    q.bind(next++, f.agency);
    if (!f.state.empty()) q.bind(next++, f.state);
    if (!f.service.empty()) q.bind(next++, f.service);
    return next;
  };
  ApplicationPage page;
  {
    auto q = query(which.page);
    const int next = bind_keys(q);
    q.bind(next, f.after_key).bind(next + 1, f.after_id).bind(next + 2, f.limit).bind(next + 3, f.offset);
    while (q.step()) page.items.push_back(read_application(q));
  }
  auto n = query(which.count);
  n.bind(bind_keys(n), f.max_counted + 1);
  n.step();
  const std::int64_t counted = n.integer(0);
  page.total = std::min(counted, f.max_counted);
  page.total_exact = counted <= f.max_counted;
  return page;
}

void SqlApplicationRepo::add_event(const Event& e) {
  auto q = c_.query(kInsertEvent);
  q.bind_all(e.application_id, e.at);
  q.bind_or_null(3, e.actor_user_id).bind(4, e.actor_role).bind(5, e.kind).bind_or_null(6, e.from_state);
  q.bind_or_null(7, e.to_state).bind_or_null(8, e.transition).bind_or_null(9, e.comment);
  q.exec();
}

void SqlApplicationRepo::insert_payment(const Payment& p) {
  c_.query(kInsertPayment).bind_all(p.id, p.application_id, p.amount_paisa, p.reference, p.recorded_by, p.recorded_at).exec();
}

std::optional<Payment> SqlApplicationRepo::payment_by_reference(const std::string& reference) {
  auto q = c_.query(kPaymentByReference);
  q.bind(1, reference);
  if (!q.step()) return std::nullopt;
  return read_payment(q);
}

std::optional<IdempotentResponse> SqlApplicationRepo::idempotent(const std::string& principal, const std::string& key) {
  auto q = c_.query(kIdempotent);
  q.bind_all(principal, key);
  if (!q.step()) return std::nullopt;
  return IdempotentResponse{q.text(0), static_cast<int>(q.integer(1)), q.text(2)};
}

void SqlApplicationRepo::put_idempotent(const std::string& principal, const std::string& key,
                                           const IdempotentResponse& r, UnixMs at) {
  c_.query(kPutIdempotent).bind_all(principal, key, r.request_hash, r.status, r.response, at).exec();
}

void SqlApplicationRepo::insert_certificate(const CertificateRow& c) {
  auto q = c_.query(kInsertCertificate);
  q.bind_all(c.id, c.application_id, c.type, c.holder_user_id);
  q.bind_or_null(5, c.holder_org_id).bind(6, c.agency_id).bind(7, c.issued_at).bind_or_null(8, c.valid_until);
  q.bind(9, c.status).bind(10, c.document);
  q.exec();
}

std::optional<CertificateRow> SqlApplicationRepo::certificate(const std::string& id) {
  auto q = c_.query(kCertificate);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_certificate(q);
}

std::vector<CertificateRow> SqlApplicationRepo::certificates_of(const std::string& user_id) {
  std::vector<CertificateRow> out;
  auto q = c_.query(kCertificatesOf);
  q.bind(1, user_id);
  while (q.step()) out.push_back(read_certificate(q));
  return out;
}

std::vector<ApplicationRepo::ServiceDecisions> SqlApplicationRepo::decisions_by_service() {
  std::vector<ServiceDecisions> out;
  auto q = c_.query(kDecisionsByService);
  while (q.step()) {
    std::string service = q.text(0);
    if (out.empty() || out.back().service_id != service) out.push_back({service, 0, {}});
    ++out.back().submitted;
    if (!q.is_null(1)) out.back().decision_ms.push_back(q.integer(1));
  }
  return out;
}

std::vector<ApplicationRepo::MoveCount> SqlApplicationRepo::officer_moves(const MoveFilter& f) {
  std::vector<MoveCount> out;
  auto q = c_.query(kOfficerMoves);
  q.bind_all(f.day_offset_ms, f.from_ms, f.to_ms, f.service_id, f.actor_user_id, f.actor_role);
  while (q.step())
    out.push_back({q.text(0), static_cast<int>(q.integer(1)), q.text(2), q.integer(3), q.integer(4)});
  return out;
}

}  // namespace darwaza::storage::sql
