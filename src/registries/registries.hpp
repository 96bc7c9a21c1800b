// The registries service: loads schemas and seed records, writes the record an approval produces
// (numbering, unique keys, capacity), answers public searches with public fields only, lets the
// owning agency suspend, reinstate and revoke records, and answers IP look-ups from an in-memory
// prefix index kept in step with the records.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/types.hpp"
#include "core/clock.hpp"
#include "core/parallel.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/validation.hpp"
#include "registries/ip_index.hpp"
#include "registries/schema.hpp"
#include "registries/types.hpp"
#include "storage/database.hpp"

namespace darwaza::applications {
struct Application;
}

namespace darwaza::registries {

constexpr int kMaxPageSize = 100;
// Deepest page a search or match answers, as the catalog's: (page - 1) * page_size stays far
// inside an int, and OFFSET's cost (it reads every skipped row) stays bounded.
constexpr int kMaxPage = 100'000;
constexpr std::size_t kMaxSearchChars = 200;      // search text, bytes
constexpr std::size_t kMaxLookupBatch = 10'000;   // addresses per look-up request
// A batch is split into parts of at least this many addresses, looked up at once on idle cores
// (core/parallel.hpp); smaller batches are not worth a thread's wake-up.
constexpr std::size_t kMinLookupPart = 1'000;
constexpr std::size_t kMaxReasonChars = 2'000;
constexpr int kScanPageRecords = 1'000;           // records read per transaction when streaming
// Matches a public search shows, best first. A search matching more shows the best of the first
// kMaxSearchHits + 1 the text index returns (registration order on SQLite, table order on
// PostgreSQL), says its total is a lower bound (RecordList::total_exact), and has no pages beyond
// them (narrow the words): a public query's cost is bounded whatever its words match (a word
// every name holds, one digit of a number).
constexpr int kMaxSearchHits = 1'000;
// Records a listing without words counts, and how deep its numbered pages go. A registry holding
// more says its total is a lower bound (RecordList::total_exact): counting millions of records on
// every public page view would cost more than the page. Its later records are listed page after
// page by `after` (RecordList::next_after), each page at the cost of the first: a numbered page
// deep in millions of records would read every record before it (OFFSET).
constexpr int kMaxCountedRecords = 10'000;
// Whether a listing's page `page` (1-based) of page_size records starts past its numbered pages:
// such a page is listed by `after` instead.
constexpr bool past_numbered_pages(std::int64_t page, int page_size) {
  return (page - 1) * page_size >= kMaxCountedRecords;
}
// Text-search hits find() checks field by field; a query with more is refused (query-too-broad)
// rather than answered from a part of them.
constexpr int kMaxMatchCandidates = 10'000;
// Records one update of matching records (the Data API's update-entries) changes, in one
// transaction; a query matching more is refused (too-many-records).
constexpr std::size_t kMaxUpdateRecords = 1'000;
// Acts on a person's records one data_usage answer lists (newest first; `before` pages on).
constexpr int kMaxUsageEntries = 200;
constexpr int kFollowIntervalMs = 1'000;          // how often a server applies other nodes' registry changes
// Changed records in one follow round beyond which rebuilding the indexes beats re-reading each.
constexpr std::size_t kFollowMaxRecords = 20'000;

using SchemaPtr = std::shared_ptr<const Schema>;

struct LoadReport {
  int registries = 0;
  int seeded = 0;     // seed records added
  int unchanged = 0;  // seed records already present
};

// A record as a caller may see it.
struct RecordView {
  Record record;
  SchemaPtr schema;
  std::string status;               // shown status (may be "expired")
  nlohmann::json fields;            // public fields, or every field for privileged callers
  bool full = false;                // every field shown
  std::vector<RecordEvent> events;  // history (privileged callers only)
  std::vector<CapacityUse> capacity;  // for capacity pools
};

// A listing's cursor (RecordList::next_after) read back: a record's seq in decimal, 1 or more;
// none for anything else.
std::optional<std::int64_t> parse_cursor(const std::string& after);

// What is wrong with a page request of a search (text) or listing (none), as field errors: a
// cursor (`after`) that is not one, or given with words or a page number; a search's page past
// its kMaxSearchHits ranked matches; a listing's numbered page past kMaxCountedRecords. search()
// answers them as the 422's field errors, find() as the Data API's invalid-page.
void add_page_errors(FieldErrors& errs, const std::string& text, int page, int page_size, const std::string& after);

struct RecordList {
  std::vector<RecordView> items;
  std::int64_t total = 0;
  bool total_exact = true;  // false: more match than total (kMaxSearchHits, kMaxCountedRecords)
  bool more = false;        // a further page holds records
  // A listing without words that has a further page: what `after` takes to list it (an opaque
  // cursor: the last record's place in registration order). Empty otherwise.
  std::string next_after;
};

// The answer to a batch of address look-ups, item i for address i: either unreadable (not an
// IPv4 or IPv6 address) or the registrations covering it that are valid today, most specific
// first. The matches point into the index state the whole batch was answered from, which this
// object keeps alive: a batch of 10,000 allocates a few vectors, not a copy per match.
class LookupBatch {
 public:
  std::size_t size() const { return items_.size(); }
  bool readable(std::size_t i) const { return items_[i].readable; }
  std::span<const IpEntry* const> matches(std::size_t i) const {
    const Item& it = items_[i];
    return {hits_[it.part].data() + it.first, it.count};
  }
  // The per-item problem of an unreadable address.
  static const Error& unreadable_address();

 private:
  friend class Registries;
  struct Item {
    std::uint32_t first = 0;  // in hits_[part]
    std::uint32_t count = 0;
    std::uint32_t part = 0;
    bool readable = false;
  };
  explicit LookupBatch(LiveIpIndex::View view) : view_(std::move(view)) {}
  LiveIpIndex::View view_;
  std::vector<Item> items_;
  std::vector<std::vector<const IpEntry*>> hits_;  // per part of the batch
};

struct ImportRow {
  std::string number;        // empty: numbered from the registry's prefix
  nlohmann::json fields;     // validated
  std::string valid_until;   // empty: from the registry's validity
};

// A change of a record's fields by its owning agency.
struct RecordChange {
  nlohmann::json fields = nlohmann::json::object();  // field → new value; null removes an optional field
  std::string number;  // empty, or the record's own number: a record's number never changes
  std::string reason;  // kept in the history and the audit entry; may be empty
};

// An act of someone else on a person's record, as that person is shown it (who, when, why):
// the agency and role, or the agency's system, never an officer's identity.
struct RecordUse {
  std::int64_t seq = 0;             // the audit entry
  UnixMs at = 0;
  std::string action;               // registry.record.read, exchange.query, registry.record.update, ...
  std::string reader_role;          // officer, agency_admin, api_client, platform_admin, auditor, system
  std::string reader_agency;        // agency id, or empty
  std::string reader_agency_name;   // its English name
  std::string reader_application;   // the API client's name when an agency's system acted
  std::string number;               // the record's number
  std::string purpose;
};

// What a committed write changed, for the in-memory index (applied after the commit).
struct Effect {
  std::string registry;
  std::string record_id;
  std::vector<IpEntry> ip_entries;  // the record's entries; empty with remove
  bool remove = false;
  std::string number;               // on_approval: the record written, for the certificate
  std::string valid_until;
  nlohmann::json public_data;
};

class Registries {
 public:
  // address_indexes: keep in-memory IP indexes (the server); command-line tools that only write
  // or export records leave them out, since the server builds its own at start.
  // parts: helpers for large look-up batches (nullptr: one thread).
  Registries(storage::Database& db, const Clock& clock, bool address_indexes = true, PartPool* parts = nullptr)
      : db_(db), clock_(clock), address_indexes_(address_indexes), parts_(parts) {}

  // Reads stored schemas and builds the IP indexes (start-up).
  Status open();
  // Brings this node's schemas and IP indexes up to date with registry changes written by other
  // nodes (or command-line tools) since the last call: the audit chain, one cluster-wide order in
  // which every record write is recorded, is the change feed. The server calls it every
  // kFollowIntervalMs. Returns the number of records re-read (a rebuild counts every record).
  Result<std::int64_t> follow_changes();
  // Stores schemas and adds missing seed records, all or nothing. A schema with the same
  // version but different content is refused (bump the version).
  Result<LoadReport> load(const std::vector<SchemaFile>& files);

  std::vector<SchemaPtr> list() const;
  Result<SchemaPtr> schema(const std::string& name) const;

  // Public search: public fields only, whoever asks. page is 1-based (at most kMaxPage; a search's
  // pages end with its kMaxSearchHits ranked matches, a listing's numbered pages with its first
  // kMaxCountedRecords records). `after`, a listing's next_after, lists the page after that one
  // instead (page 1 only, no text). status is a stored status (the portal's public list asks for
  // "active", the current records) or empty for any.
  Result<RecordList> search(const std::string& name, const std::string& text, const std::string& status, int page,
                            int page_size, const std::string& after = {});
  // Current records (those search lists for status "active") whose public fields equal `equals`
  // (field name → value; "ID" names the number, read directly) and that match `text`, public
  // fields only, like search. A field that is not public is refused; a match over more than
  // kMaxMatchCandidates text-search hits is refused as too broad.
  // `after` as search's, for a listing (no equals, no text) only.
  Result<RecordList> find(const std::string& name, const nlohmann::json& equals, const std::string& text, int page,
                          int page_size, const std::string& after = {});
  // The id of the first record find would list for `equals`, or none; stops at that record.
  Result<std::optional<std::string>> first_match(const std::string& name, const nlohmann::json& equals);
  // One record written by an agency's own system (the GovStack Data API's create): the owning
  // agency's API clients and staff, and platform admins; the same rules and audit as an import row.
  Result<Record> create(const Principal& who, const std::string& name, const nlohmann::json& fields,
                        const std::string& number);
  // Changes a record's fields (`change.fields` over the stored ones, each given field replaced),
  // validated as create validates (422 with field errors), unique keys and capacity checked
  // again; number and id never change. The history names who changed which fields; audited in
  // the same transaction. The owning agency's staff and API clients, and platform admins (as
  // revoke). A revoked record cannot change (record_revoked).
  Result<RecordView> update(const Principal& who, const std::string& name, const std::string& id_or_number,
                            const RecordChange& change);
  // As update, but only a current record: a suspended or revoked one is record_not_found (the
  // GovStack Data API sees current records only).
  Result<RecordView> update_current(const Principal& who, const std::string& name, const std::string& id_or_number,
                                    const RecordChange& change);
  // Updates the first current record first_match finds for `equals`; record_not_found when none.
  Result<RecordView> update_first(const Principal& who, const std::string& name, const nlohmann::json& equals,
                                  const RecordChange& change);
  // Updates every current record matching `equals` (as find), all in one transaction (all or
  // none); more than kMaxUpdateRecords is refused. Returns the number of records updated.
  Result<std::int64_t> update_all(const Principal& who, const std::string& name, const nlohmann::json& equals,
                                  const RecordChange& change);
  // Acts of others on the caller's own records in registry `name` (reads, exchange queries,
  // changes), newest first, at most kMaxUsageEntries, older than audit entry `before_seq` (0:
  // the newest). Signed-in people only.
  Result<std::vector<RecordUse>> data_usage(const Principal& who, const std::string& name, std::int64_t before_seq);
  // One record by id or number: every field and the history for the owning agency's staff,
  // platform admins, auditors and the record's subject; public fields for everyone else.
  Result<RecordView> get(const Principal& who, const std::string& name, const std::string& id_or_number);
  // As get, but only a current record: a suspended or revoked one is record_not_found (the
  // GovStack Data API sees current records only).
  Result<RecordView> get_current(const Principal& who, const std::string& name, const std::string& id_or_number);
  // The caller's own records and those of organisations they belong to (every field).
  Result<RecordList> mine(const Principal& who);
  // action: suspend, reinstate, revoke. Owning agency's officers and admins, platform admins.
  Result<RecordView> change_status(const Principal& who, const std::string& name, const std::string& id,
                                   const std::string& action, const std::string& reason);
  // The GovStack Data API's delete: revokes as change_status does, but a record already revoked
  // is gone (record_not_found rather than status_change_invalid).
  Result<RecordView> revoke(const Principal& who, const std::string& name, const std::string& id,
                            const std::string& reason);
  // IP look-up: staff and API clients of the owning agency.
  Result<LookupBatch> lookup(const Principal& who, const std::string& name, std::span<const std::string_view> addresses);
  // Streams a registry (public fields unless all_fields) in insertion order, a transaction per
  // page; `progress` gets (done, total).
  Status export_records(const std::string& name, bool all_fields,
                        const std::function<void(const Record&, const nlohmann::json& fields)>& row,
                        const std::function<void(std::int64_t, std::int64_t)>& progress);
  std::int64_t count(const std::string& name);

  // Bulk import of existing registrations (`registry import`): a line is
  // {"fields": {...}, "number": "...", "valid_until": "YYYY-MM-DD"} (number and validity optional
  // where the registry numbers and dates its own records). Rows are checked one by one, then
  // written in one transaction per call, each with the same rules as an approval's record.
  Result<ImportRow> parse_import_row(const Schema& s, const nlohmann::json& line);
  // `created` (optional) receives the records written.
  Result<std::int64_t> import_rows(const std::string& name, std::vector<ImportRow> rows, const Principal& who,
                                   std::vector<Record>* created = nullptr);

  // Applications' hooks, run inside the application's transaction.
  // At submission: registry_ref fields name usable records; a renewal names the applicant's record.
  Status check_references(storage::Tx& tx, const catalog::ServiceDefinition& def, const nlohmann::json& data,
                          const applications::Application& a, const std::string& lang);
  // At approval: creates or renews the record the service's definition names.
  Result<Effect> on_approval(storage::Tx& tx, const catalog::ServiceDefinition& def,
                             const applications::Application& a, const Principal& who, UnixMs now);
  // After the transaction committed.
  void committed(const Effect& e);

  // The record's public fields (and number, status) as the public sees them.
  nlohmann::json public_fields(const Schema& s, const Record& r) const;

 private:
  // number: empty to number the record from the registry's prefix.
  Result<Record> create_record(storage::Tx& tx, const Schema& s, nlohmann::json data, const std::string& number,
                               const std::string& user_id, const std::string& org_id,
                               const std::string& application_id, const Principal& who, UnixMs now);
  Result<Record> renew_record(storage::Tx& tx, const catalog::ServiceDefinition& def,
                              const applications::Application& a, const Principal& who, UnixMs now);
  Status allocate(storage::Tx& tx, const Schema& s, const Record& r, const nlohmann::json& data);
  // Claims the record's unique keys for `data`; duplicate_record when another record holds one.
  Status claim_keys(storage::Tx& tx, const Schema& s, const Record& r, const nlohmann::json& data);
  std::optional<Record> usable_reference(storage::Tx& tx, const std::string& registry, const std::string& number,
                                         const std::string& today);
  bool privileged(storage::Tx& tx, const Principal& who, const Schema& s, const Record& r) const;
  // Who may change records and whether the change is well formed, before anything is read.
  Status check_change(const Principal& who, const Schema& s, const RecordChange& change) const;
  // Applies `change` to `r` inside `tx` (update.cpp); returns what the IP index must learn.
  Result<Effect> change_record(storage::Tx& tx, const Schema& s, Record& r, const RecordChange& change,
                               const Principal& who, UnixMs now);
  // The ids of current records matching `equals` (at most `limit`), once the change and the query
  // are checked: what update_first and update_all then change.
  Result<std::vector<std::string>> matching_ids(const Principal& who, const Schema& s, const nlohmann::json& equals,
                                                const RecordChange& change, std::size_t limit);
  // The write of update_first and update_all: each of `ids` that is still current and still
  // matches `equals` inside the transaction is changed (all or none); `shown` (optional) gets the
  // first one's view. Returns how many were changed.
  Result<std::int64_t> change_matching(const Principal& who, const Schema& s, const nlohmann::json& equals,
                                       const std::vector<std::string>& ids, const RecordChange& change,
                                       RecordView* shown);
  Result<RecordView> update_one(const Principal& who, const std::string& name, const std::string& id_or_number,
                                const RecordChange& change, bool current_only);
  Result<RecordView> read(const Principal& who, const std::string& name, const std::string& id_or_number,
                          bool current_only);
  Result<RecordView> set_status(const Principal& who, const std::string& name, const std::string& id,
                                const std::string& action, const std::string& reason, bool revoked_is_gone);
  // Calls `on_match` with each current record matching `equals` and `text`, in find's order,
  // until it returns false. `equals` is checked (check_query) beforehand.
  Status each_match(const Schema& s, const nlohmann::json& equals, const std::string& text,
                    const std::function<bool(RecordView&)>& on_match);
  RecordView view(storage::Tx& tx, const Schema& s, Record r, bool full, const std::string& today);
  std::string public_text(const Schema& s, const Record& r) const;
  std::vector<IpEntry> ip_entries(const Schema& s, const Record& r) const;
  LiveIpIndex* index_of(const std::string& registry);
  void install(std::vector<SchemaPtr> schemas);
  // Reads every stored schema and installs it (new versions replace old ones).
  Result<std::vector<SchemaPtr>> read_schemas();
  // Rebuilds the IP indexes of these schemas from their active records; returns the records read.
  Result<std::int64_t> fill_indexes(const std::vector<SchemaPtr>& schemas);
  // Puts a record's current ranges into its registry's index, or removes them.
  void apply_to_index(const Record& r);

  storage::Database& db_;
  const Clock& clock_;
  const bool address_indexes_;
  PartPool* parts_;
  mutable std::mutex mu_;  // guards schemas_ and indexes_ (the map, not the indexes)
  std::map<std::string, SchemaPtr> schemas_;
  std::map<std::string, std::shared_ptr<LiveIpIndex>> indexes_;
  // Held while an index change is applied (committed(), follow_changes()), so that a record
  // state read by the follower can never overwrite a newer one this node just committed.
  std::mutex apply_mu_;
  std::mutex follow_mu_;             // one follow round at a time
  std::int64_t followed_seq_ = 0;    // audit entries up to here are reflected (guarded by follow_mu_)
};

// PREFIX-YYYY-NNNNNN.
std::string record_number(const std::string& prefix, int year, std::int64_t serial);

}  // namespace darwaza::registries
