// The statements of an agency's queue (SqlApplicationRepo::queue), in a header of their own so
// that a test can check which index each one reads (queue_store_test).
#pragma once

namespace darwaza::storage::sql::queue_sql {

// An agency's queue, oldest submission first: the open queue in the order of the partial index
// applications_open_queue (whose condition the statement repeats word for word, which SQLite
// needs to use it), one service's open queue in that of applications_service_queue (V017, partial
// alike), one state's in that of applications_state_queue (V016), so a page reads its rows in
// order and stops. The other filters (a state's service, overdue) are checked on the way.
// Counts stop at QueueFilter::max_counted + 1.
#define DZ_QUEUE_COLUMNS                                                                                         \
  "SELECT id, tracking_number, service_id, service_version, agency_id, applicant_user_id, coalesce(org_id, ''), " \
  "state, is_open, data, fee_paisa, paid_paisa, coalesce(assigned_to, ''), coalesce(certificate_id, ''), "       \
  "created_at, submitted_at, updated_at, decided_at, state_entered_at, sla_due_at FROM applications "
#define DZ_QUEUE_FILTERS "AND (?2 = '' OR service_id = ?2) AND (?3 = 0 OR (sla_due_at IS NOT NULL AND sla_due_at < ?4)) "
#define DZ_OPEN_QUEUE "WHERE agency_id = ?1 AND is_open = 1 AND state <> 'draft' " DZ_QUEUE_FILTERS
#define DZ_STATE_QUEUE "WHERE agency_id = ?1 AND state = ?5 AND state <> 'draft' " DZ_QUEUE_FILTERS
#define DZ_SERVICE_QUEUE                                                                      \
  "WHERE agency_id = ?1 AND service_id = ?2 AND is_open = 1 AND state <> 'draft' AND (?3 = 0 OR " \
  "(sla_due_at IS NOT NULL AND sla_due_at < ?4)) "
// Open and one service's: ?5 limit, ?6 offset. One state: ?5 the state, ?6 limit, ?7 offset (PostgreSQL refuses a
// parameter a statement does not use).
inline constexpr const char* kOpenQueue = DZ_QUEUE_COLUMNS DZ_OPEN_QUEUE "ORDER BY submitted_at, id LIMIT ?5 OFFSET ?6";
inline constexpr const char* kServiceQueue = DZ_QUEUE_COLUMNS DZ_SERVICE_QUEUE "ORDER BY submitted_at, id LIMIT ?5 OFFSET ?6";
inline constexpr const char* kStateQueue = DZ_QUEUE_COLUMNS DZ_STATE_QUEUE "ORDER BY submitted_at, id LIMIT ?6 OFFSET ?7";
inline constexpr const char* kOpenQueueCount = "SELECT count(*) FROM (SELECT 1 FROM applications " DZ_OPEN_QUEUE "LIMIT ?5) c";
inline constexpr const char* kStateQueueCount = "SELECT count(*) FROM (SELECT 1 FROM applications " DZ_STATE_QUEUE "LIMIT ?6) c";
inline constexpr const char* kServiceQueueCount =
    "SELECT count(*) FROM (SELECT 1 FROM applications " DZ_SERVICE_QUEUE "LIMIT ?5) c";
#undef DZ_SERVICE_QUEUE
#undef DZ_STATE_QUEUE
#undef DZ_OPEN_QUEUE
#undef DZ_QUEUE_FILTERS
#undef DZ_QUEUE_COLUMNS

}  // namespace darwaza::storage::sql::queue_sql
