// The statements of an agency's queue (SqlApplicationRepo::queue) and of a person's own
// applications (SqlApplicationRepo::for_user), in a header of their own so that a test can check
// which index each one reads (queue_store_test).
//
// Each queue is read in its order from an index, so a page reads its rows and stops:
// - the open queue, oldest submission first, from the partial index applications_open_queue;
// - one service's open queue, likewise, from applications_service_queue;
// - one state's queue (decided states too), likewise, from applications_state_queue (a service
//   asked for as well is checked on the way, in a statement of its own);
// - the overdue queue (open applications past their state's SLA due time), longest overdue first,
//   from applications_overdue_queue (a state or service asked for as well is checked on the way).
// A page starts after a position in the queue's order (QueueFilter::after_key, after_id: the
// first page's is before every row), as a row comparison on the index's own columns, so a page
// deep in a queue reads its rows from the index as the first page does; OFFSET (numbered pages)
// reads every row it skips. A statement that reads a partial index repeats the index's condition
// word for word: SQLite uses a partial index only then. Counts stop at the limit bound
// (QueueFilter::max_counted + 1) and ignore the position: they count the whole queue.
// PostgreSQL refuses a parameter a statement does not use, so each statement numbers its own.
// No statement has a filter that is off when its parameter is empty, except the overdue queue's:
// PostgreSQL's generic plan of such a statement keeps the filter, and so reads the table for a
// count an index answers. The overdue queue's are planned per use (Connection::
// query_planned_per_use) because their generic plans sort (bench/RESULTS.md).
#pragma once

namespace darwaza::storage::sql::queue_sql {

#define DZ_QUEUE_COLUMNS                                                                                         \
  "SELECT id, tracking_number, service_id, service_version, agency_id, applicant_user_id, coalesce(org_id, ''), " \
  "state, is_open, data, fee_paisa, paid_paisa, coalesce(assigned_to, ''), coalesce(certificate_id, ''), "       \
  "created_at, submitted_at, updated_at, decided_at, state_entered_at, sla_due_at FROM applications "
#define DZ_COUNT "SELECT count(*) FROM (SELECT 1 FROM applications "
#define DZ_OPEN "WHERE agency_id = ?1 AND is_open = 1 AND state <> 'draft' "
#define DZ_SERVICE "WHERE agency_id = ?1 AND service_id = ?2 AND is_open = 1 AND state <> 'draft' "
#define DZ_STATE "WHERE agency_id = ?1 AND state = ?2 AND state <> 'draft' "
#define DZ_OVERDUE                                                                                               \
  "WHERE agency_id = ?1 AND is_open = 1 AND state <> 'draft' AND sla_due_at IS NOT NULL AND sla_due_at < ?2 " \
  "AND (?3 = '' OR state = ?3) AND (?4 = '' OR service_id = ?4) "
#define DZ_OLDEST "ORDER BY submitted_at, id "
#define DZ_SUBMITTED_AFTER(k, i) "AND (submitted_at, id) > (?" #k ", ?" #i ") "
// Pages: the keys, then the position (submission time, id), limit and offset. Counts: the keys,
// then the limit.
// ?1 agency.
inline constexpr const char* kOpenQueue =
    DZ_QUEUE_COLUMNS DZ_OPEN DZ_SUBMITTED_AFTER(2, 3) DZ_OLDEST "LIMIT ?4 OFFSET ?5";
inline constexpr const char* kOpenQueueCount = DZ_COUNT DZ_OPEN "LIMIT ?2) c";
// ?1 agency, ?2 service.
inline constexpr const char* kServiceQueue =
    DZ_QUEUE_COLUMNS DZ_SERVICE DZ_SUBMITTED_AFTER(3, 4) DZ_OLDEST "LIMIT ?5 OFFSET ?6";
inline constexpr const char* kServiceQueueCount = DZ_COUNT DZ_SERVICE "LIMIT ?3) c";
// ?1 agency, ?2 state.
inline constexpr const char* kStateQueue =
    DZ_QUEUE_COLUMNS DZ_STATE DZ_SUBMITTED_AFTER(3, 4) DZ_OLDEST "LIMIT ?5 OFFSET ?6";
inline constexpr const char* kStateQueueCount = DZ_COUNT DZ_STATE "LIMIT ?3) c";
// ?1 agency, ?2 state, ?3 service.
inline constexpr const char* kStateServiceQueue =
    DZ_QUEUE_COLUMNS DZ_STATE "AND service_id = ?3 " DZ_SUBMITTED_AFTER(4, 5) DZ_OLDEST "LIMIT ?6 OFFSET ?7";
inline constexpr const char* kStateServiceQueueCount = DZ_COUNT DZ_STATE "AND service_id = ?3 LIMIT ?4) c";
// ?1 agency, ?2 now, ?3 state or '', ?4 service or ''; the position is (SLA due time, id).
inline constexpr const char* kOverdueQueue =
    DZ_QUEUE_COLUMNS DZ_OVERDUE "AND (sla_due_at, id) > (?5, ?6) ORDER BY sla_due_at, id LIMIT ?7 OFFSET ?8";
inline constexpr const char* kOverdueQueueCount = DZ_COUNT DZ_OVERDUE "LIMIT ?5) c";

// One queue's page and count, and how the store runs them.
struct QueueStatements {
  const char* page;
  const char* count;
  bool planned_per_use;  // Connection::query_planned_per_use, not query
};
inline constexpr QueueStatements kOpen{kOpenQueue, kOpenQueueCount, false};
inline constexpr QueueStatements kService{kServiceQueue, kServiceQueueCount, false};
inline constexpr QueueStatements kState{kStateQueue, kStateQueueCount, false};
inline constexpr QueueStatements kStateService{kStateServiceQueue, kStateServiceQueueCount, false};
inline constexpr QueueStatements kOverdue{kOverdueQueue, kOverdueQueueCount, true};

}  // namespace darwaza::storage::sql::queue_sql

namespace darwaza::storage::sql::mine_sql {

// A person's own applications and their organisations', newest first (creation time, then id).
// Each source (the person's own; each organisation they belong to) is read in that order from an
// index (V018: applications_by_applicant_newest, applications_by_org_newest) and the store merges
// them, so a page reads at most its rows (plus those it skips) from each source, however many
// applications the person or a large firm has. A page starts before a position (MineFilter::
// before_key, before_id: the first page's is after every row).
#define DZ_NEWEST_BEFORE "AND (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4"
// ?1 the person (applicant) or the organisation, ?2 and ?3 the position, ?4 limit.
inline constexpr const char* kOwnNewest = DZ_QUEUE_COLUMNS "WHERE applicant_user_id = ?1 " DZ_NEWEST_BEFORE;
inline constexpr const char* kOrgNewest = DZ_QUEUE_COLUMNS "WHERE org_id = ?1 " DZ_NEWEST_BEFORE;
// The same positions only (creation time, id), from the index alone: what a numbered page skips.
inline constexpr const char* kOwnNewestKeys =
    "SELECT created_at, id FROM applications WHERE applicant_user_id = ?1 " DZ_NEWEST_BEFORE;
inline constexpr const char* kOrgNewestKeys = "SELECT created_at, id FROM applications WHERE org_id = ?1 " DZ_NEWEST_BEFORE;
// ?1 the person.
inline constexpr const char* kMemberOrgs = "SELECT org_id FROM org_members WHERE user_id = ?1 ORDER BY org_id";
// Counts, each source's up to its limit, each application once: the person's own (?1 the person,
// ?2 limit); one organisation's filed by others (?1 the organisation, ?2 the person, ?3 limit).
// Not one statement with `applicant_user_id = ? OR org_id IN (...)`: PostgreSQL reads such an OR
// with a sequential scan of the table, for a person with no organisation as for a large firm
// (bench/RESULTS.md, session 24).
inline constexpr const char* kOwnCount = DZ_COUNT "WHERE applicant_user_id = ?1 LIMIT ?2) c";
inline constexpr const char* kOrgOthersCount = DZ_COUNT "WHERE org_id = ?1 AND applicant_user_id <> ?2 LIMIT ?3) c";
#undef DZ_NEWEST_BEFORE
#undef DZ_SUBMITTED_AFTER
#undef DZ_OLDEST
#undef DZ_OVERDUE
#undef DZ_STATE
#undef DZ_SERVICE
#undef DZ_OPEN
#undef DZ_COUNT
#undef DZ_QUEUE_COLUMNS

}  // namespace darwaza::storage::sql::mine_sql
