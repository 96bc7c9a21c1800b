#include "registries/registries.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "applications/form_validation.hpp"
#include "applications/types.hpp"
#include "core/crypto.hpp"
#include "core/ip.hpp"
#include "core/log.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "audit/audit.hpp"
#include "registries/errors.hpp"

namespace darwaza::registries {
namespace {

using catalog::FieldType;
using nlohmann::json;

// A field value as one line of text (search text, unique keys, CSV cells).
std::string flat(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : " ") + flat(e);
    return out;
  }
  if (v.is_object() && v.contains("amount")) return v.value("amount", "") + " " + v.value("currency", "");
  return v.dump();
}

bool user_may_see_subject(storage::Tx& tx, const Principal& who, const Record& r) {
  if (!who.is_user()) return false;
  if (!r.subject_user_id.empty() && r.subject_user_id == who.user_id) return true;
  return !r.subject_org_id.empty() && tx.organisations().membership(r.subject_org_id, who.user_id).has_value();
}

}  // namespace

std::optional<std::int64_t> parse_cursor(const std::string& after) {
  if (after.empty() || after.size() > 18 || after.front() == '0') return std::nullopt;
  std::int64_t seq = 0;
  for (char c : after) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + (c - '0');
  }
  return seq;
}

void add_page_errors(FieldErrors& errs, const std::string& text, int page, int page_size, const std::string& after) {
  if (!after.empty()) {
    if (!parse_cursor(after)) errs.add("/after", "pattern");
    if (!text.empty()) errs.add("/after", "not_with", "q");
    if (page != 1) errs.add("/page", "not_with", "after");
  }
  const std::int64_t offset = static_cast<std::int64_t>(page - 1) * page_size;
  if (!text.empty() && offset >= kMaxSearchHits)  // the last page holding a ranked match
    errs.add("/page", "max", std::to_string((kMaxSearchHits - 1) / page_size + 1));
  if (text.empty() && past_numbered_pages(page, page_size))  // deeper: by `after`
    errs.add("/page", "page_after", std::to_string((kMaxCountedRecords - 1) / page_size + 1));
}

std::string record_number(const std::string& prefix, int year, std::int64_t serial) {
  return fmt::format("{}-{}-{:06}", prefix, year, serial);
}

// ---- schemas --------------------------------------------------------------------------------

void Registries::install(std::vector<SchemaPtr> schemas) {
  std::lock_guard lock(mu_);
  for (auto& s : schemas) {
    if (address_indexes_ && !s->ip_index.empty() && !indexes_.count(s->name)) indexes_[s->name] = std::make_shared<LiveIpIndex>();
    schemas_[s->name] = std::move(s);
  }
}

Result<std::vector<SchemaPtr>> Registries::read_schemas() {
  auto stored = storage::read_value<std::vector<storage::StoredRegistry>>(
      db_, [](storage::Tx& tx) -> Result<std::vector<storage::StoredRegistry>> { return tx.registries().registries(); });
  if (!stored.ok()) return stored.take_error();
  std::vector<SchemaPtr> schemas;
  for (const auto& r : *stored) {
    std::vector<DefinitionProblem> problems;
    auto s = parse_schema(json::parse(r.document), "stored:" + r.name, problems);
    if (!s.ok()) return internal_error("stored registry schema " + r.name + " does not parse");
    schemas.push_back(std::make_shared<const Schema>(std::move(s).value()));
  }
  install(schemas);
  return schemas;
}

Result<std::int64_t> Registries::fill_indexes(const std::vector<SchemaPtr>& schemas) {
  std::int64_t records = 0;
  for (const auto& s : schemas) {
    if (s->ip_index.empty() || !address_indexes_) continue;
    std::vector<IpEntry> entries;
    std::int64_t after = 0;
    for (;;) {
      std::int64_t last = 0;
      Status st = db_.read([&](storage::Tx& tx) -> Status {
        last = tx.registries().scan(s->name, after, kScanPageRecords, [&](const Record& r) {
          ++records;
          if (r.status != RecordStatus::active) return;
          auto e = ip_entries(*s, r);
          entries.insert(entries.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
        });
        return ok_status();
      });
      if (!st.ok()) return st.take_error();
      if (last == 0) break;
      after = last;
    }
    logging::app().info("registry {}: {} address ranges indexed", s->name, entries.size());
    std::lock_guard apply(apply_mu_);
    index_of(s->name)->replace_all(std::move(entries));
  }
  return records;
}

Status Registries::open() {
  // Where following starts: changes after this point are applied by follow_changes(), those
  // before it are in the scan below (a change in between is applied twice, which is harmless).
  auto head = storage::read_value<std::int64_t>(db_, [](storage::Tx& tx) -> Result<std::int64_t> {
    return tx.audit().head().first;
  });
  if (!head.ok()) return head.take_error();
  auto schemas = read_schemas();
  if (!schemas.ok()) return schemas.take_error();
  auto filled = fill_indexes(*schemas);
  if (!filled.ok()) return filled.take_error();
  std::lock_guard follow(follow_mu_);
  followed_seq_ = *head;
  return ok_status();
}

Result<LoadReport> Registries::load(const std::vector<SchemaFile>& files) {
  const UnixMs now = clock_.now_ms();
  std::vector<SchemaPtr> loaded;
  std::vector<Effect> effects;
  auto result = storage::write_value<LoadReport>(db_, [&](storage::Tx& tx) -> Result<LoadReport> {
    LoadReport rep;
    effects.clear();
    loaded.clear();
    for (const auto& f : files) {
      const Schema& s = f.schema;
      if (!tx.agencies().by_id(s.agency))
        return make_error(ErrorKind::validation, "unknown-agency", "Unknown agency",
                          "Registry " + s.name + " names agency \"" + s.agency + "\", which does not exist.");
      const std::string doc = to_json(s).dump();
      const std::string checksum = crypto::sha256_hex(doc);
      bool unchanged = false;
      if (auto prior = tx.registries().registry(s.name)) {
        if (prior->version > s.version)
          return error(Errc::schema_downgrade, "Registry " + s.name + " is stored at version " +
                                                   std::to_string(prior->version) + ".");
        if (prior->version == s.version && prior->checksum != checksum)
          return make_error(ErrorKind::conflict, "schema-changed-without-version", "Schema changed",
                            "Registry " + s.name + " changed but its version did not; bump \"version\".");
        unchanged = prior->version == s.version;
      }
      // Loading the stored schema again (every start with --registry-dir) changes nothing, so it
      // writes nothing: an audited schema write makes every node rebuild its address indexes.
      if (!unchanged) {
        tx.registries().put_registry({s.name, s.version, s.agency, doc, checksum, now});
        audit::record(tx, audit::system_actor(), now, {"registry.schema.load", "registry", s.name, "", "", "", "ok"});
      }
      ++rep.registries;
      for (std::size_t i = 0; i < f.seed.size(); ++i) {
        json rec = f.seed[i];
        std::string key = rec.value("key", "");
        if (tx.registries().by_number(key)) {
          ++rep.unchanged;
          continue;
        }
        rec.erase("key");
        auto data = applications::validate_form(s.form(), rec, "en", applications::FormMode::submit);
        if (!data.ok()) {
          Error e = data.take_error();
          e.detail = "Seed record " + key + " of registry " + s.name + " is invalid: " +
                     (e.fields.empty() ? e.detail : e.fields[0].path + " " + e.fields[0].message);
          return e;
        }
        auto created = create_record(tx, s, std::move(data).value(), key, "", "", "", audit::system_actor(), now);
        if (!created.ok()) return created.take_error();
        ++rep.seeded;
        effects.push_back({s.name, created->id, ip_entries(s, *created), false});
      }
      loaded.push_back(std::make_shared<const Schema>(s));
    }
    return rep;
  });
  if (!result.ok()) return result;
  install(loaded);
  for (const auto& e : effects) committed(e);
  return result;
}

std::vector<SchemaPtr> Registries::list() const {
  std::lock_guard lock(mu_);
  std::vector<SchemaPtr> out;
  for (const auto& [name, s] : schemas_) out.push_back(s);
  return out;
}

Result<SchemaPtr> Registries::schema(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = schemas_.find(name);
  if (it == schemas_.end()) return error(Errc::registry_not_found);
  return it->second;
}

LiveIpIndex* Registries::index_of(const std::string& registry) {
  std::lock_guard lock(mu_);
  auto it = indexes_.find(registry);
  return it == indexes_.end() ? nullptr : it->second.get();
}

// ---- views ----------------------------------------------------------------------------------

json Registries::public_fields(const Schema& s, const Record& r) const {
  json data = json::parse(r.data);
  json out = json::object();
  for (const auto& f : s.fields)
    if (f.is_public && !personal_type(f.field.type) && data.contains(f.field.name)) out[f.field.name] = data[f.field.name];
  return out;
}

std::string Registries::public_text(const Schema& s, const Record& r) const {
  std::string text = r.number;
  json pub = public_fields(s, r);
  for (const auto& [k, v] : pub.items()) text += " " + flat(v);
  return text;
}

std::vector<IpEntry> Registries::ip_entries(const Schema& s, const Record& r) const {
  std::vector<IpEntry> out;
  if (s.ip_index.empty()) return out;
  json data = json::parse(r.data);
  auto it = data.find(s.ip_index);
  if (it == data.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (!v.is_string()) continue;
    if (auto range = parse_ip_or_cidr(v.get<std::string>())) out.push_back({r.id, *range, r.valid_until});
  }
  return out;
}

bool Registries::privileged(storage::Tx& tx, const Principal& who, const Schema& s, const Record& r) const {
  if (who.is_staff_of(s.agency) || who.has_role(Role::platform_admin) || who.has_role(Role::auditor)) return true;
  return user_may_see_subject(tx, who, r);
}

RecordView Registries::view(storage::Tx& tx, const Schema& s, Record r, bool full, const std::string& today) {
  RecordView v;
  v.status = shown_status(r, today);
  v.full = full;
  v.fields = full ? json::parse(r.data) : public_fields(s, r);
  if (full) v.events = tx.registries().events(r.id);
  if (s.capacity) v.capacity = tx.registries().pool_use(r.id);
  v.record = std::move(r);
  return v;
}

Result<RecordList> Registries::search(const std::string& name, const std::string& text, const std::string& status,
                                      int page, int page_size, const std::string& after) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  FieldErrors errs("en");
  RecordStatus st_filter = RecordStatus::active;
  if (!status.empty() && !parse_status(status, st_filter)) errs.add("/status", "one_of", "active, suspended, revoked");
  if (text.size() > kMaxSearchChars) errs.add("/q", "max_length", std::to_string(kMaxSearchChars));
  if (page < 1) errs.add("/page", "min", "1");
  if (page > kMaxPage) errs.add("/page", "max", std::to_string(kMaxPage));
  if (page_size < 1 || page_size > kMaxPageSize) errs.add("/page_size", "range", "1.." + std::to_string(kMaxPageSize));
  if (errs.empty()) add_page_errors(errs, text, page, page_size, after);  // page and page_size in range
  if (!errs.empty()) return errs.to_error();
  const std::int64_t after_seq = after.empty() ? 0 : *parse_cursor(after);
  const std::int64_t offset = static_cast<std::int64_t>(page - 1) * page_size;
  const std::string today = pkt_date(clock_.now_ms());
  return storage::read_value<RecordList>(db_, [&](storage::Tx& tx) -> Result<RecordList> {
    const std::int64_t counted = text.empty() ? kMaxCountedRecords : kMaxSearchHits;
    // One record more than the page: whether a next page holds any. A search's pages end with its
    // `counted` best matches (the store ranks one more, to know whether more match).
    const std::int64_t shown_to = text.empty() ? std::numeric_limits<std::int64_t>::max() : counted;
    auto p = tx.registries().search({.registry = name,
                                     .text = text,
                                     .status = status,
                                     .after_seq = after_seq,
                                     .offset = offset,
                                     .limit = page_size + 1,
                                     .max_counted = counted});
    RecordList out;
    out.total_exact = p.total <= counted;
    out.total = std::min(p.total, counted);
    out.more = static_cast<int>(p.items.size()) > page_size && offset + page_size < shown_to;
    p.items.resize(std::min<std::int64_t>({static_cast<std::int64_t>(p.items.size()), page_size, shown_to - offset}));
    if (out.more && text.empty()) out.next_after = std::to_string(p.items.back().seq);
    for (auto& r : p.items) out.items.push_back(view(tx, **s, std::move(r), false, today));
    return out;
  });
}

Result<RecordView> Registries::get(const Principal& who, const std::string& name, const std::string& id_or_number) {
  return read(who, name, id_or_number, false);
}

Result<RecordView> Registries::get_current(const Principal& who, const std::string& name,
                                           const std::string& id_or_number) {
  return read(who, name, id_or_number, true);
}

Result<RecordView> Registries::read(const Principal& who, const std::string& name, const std::string& id_or_number,
                                    bool current_only) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  const std::string today = pkt_date(clock_.now_ms());
  return audit::read_personal<RecordView>(
      db_, who, clock_.now_ms(),
      [&](storage::Tx& tx) -> Result<RecordView> {
        auto r = tx.registries().by_id(id_or_number);
        if (!r) r = tx.registries().by_number(id_or_number);
        if (!r || r->registry != name || (current_only && r->status != RecordStatus::active))
          return error(Errc::record_not_found);
        bool full = privileged(tx, who, **s, *r);
        return view(tx, **s, std::move(*r), full, today);
      },
      [&](const RecordView& v) {
        // Private fields shown to someone other than the record's own subject.
        bool own = !v.record.subject_user_id.empty() && v.record.subject_user_id == who.user_id;
        if (!v.full || own || (v.record.subject_user_id.empty() && v.record.subject_org_id.empty())) return audit::Act{};
        return audit::Act{"registry.record.read", "registry_record", v.record.id, v.record.subject_user_id,
                          v.record.subject_org_id, "", "ok"};
      });
}

Result<RecordList> Registries::mine(const Principal& who) {
  const std::string today = pkt_date(clock_.now_ms());
  return storage::read_value<RecordList>(db_, [&](storage::Tx& tx) -> Result<RecordList> {
    RecordList out;
    auto add = [&](std::vector<Record> records) {
      for (auto& r : records) {
        auto s = schema(r.registry);
        if (s.ok()) out.items.push_back(view(tx, **s, std::move(r), true, today));
      }
    };
    add(tx.registries().of_subject(who.user_id, "", ""));
    for (const auto& org : tx.organisations().of_user(who.user_id)) add(tx.registries().of_subject("", org.id, ""));
    out.total = static_cast<std::int64_t>(out.items.size());
    return out;
  });
}

// ---- status changes -------------------------------------------------------------------------

Result<RecordView> Registries::change_status(const Principal& who, const std::string& name, const std::string& id,
                                             const std::string& action, const std::string& reason) {
  return set_status(who, name, id, action, reason, false);
}

Result<RecordView> Registries::revoke(const Principal& who, const std::string& name, const std::string& id,
                                      const std::string& reason) {
  return set_status(who, name, id, "revoke", reason, true);
}

Result<RecordView> Registries::set_status(const Principal& who, const std::string& name, const std::string& id,
                                          const std::string& action, const std::string& reason, bool revoked_is_gone) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  // The owning agency's staff, its API clients (the GovStack Data API's delete) and platform admins.
  if (!who.acts_for((*s)->agency)) return error(Errc::not_allowed);
  FieldErrors errs("en");
  if (action != "suspend" && action != "reinstate" && action != "revoke")
    errs.add("/action", "one_of", "suspend, reinstate, revoke");
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) errs.add("/reason", "required");
  else if (reason.size() > kMaxReasonChars) errs.add("/reason", "max_length", std::to_string(kMaxReasonChars));
  if (!errs.empty()) return errs.to_error();
  const UnixMs now = clock_.now_ms();
  const std::string today = pkt_date(now);
  Effect effect;
  auto out = storage::write_value<RecordView>(db_, [&](storage::Tx& tx) -> Result<RecordView> {
    auto r = tx.registries().by_id(id);
    if (!r) r = tx.registries().by_number(id);
    if (!r || r->registry != name || (revoked_is_gone && r->status == RecordStatus::revoked))
      return error(Errc::record_not_found);
    RecordStatus from = r->status, to = from;
    if (action == "suspend" && from == RecordStatus::active) to = RecordStatus::suspended;
    else if (action == "reinstate" && from == RecordStatus::suspended) to = RecordStatus::active;
    else if (action == "revoke" && from != RecordStatus::revoked) to = RecordStatus::revoked;
    else return error(Errc::status_change_invalid, std::string("The record is ") + to_string(from) + ".");
    r->status = to;
    r->updated_at = now;
    tx.registries().update(*r, public_text(**s, *r));
    if (to == RecordStatus::revoked) {
      tx.registries().release_keys(r->id);  // the key may be registered again
      tx.registries().release(r->id);       // capacity goes back to the pool
    }
    std::string past = action == "suspend" ? "suspended" : action == "reinstate" ? "reinstated" : "revoked";
    tx.registries().add_event({0, r->id, now, who.actor(), past, to_string(from), to_string(to), reason, ""});
    audit::record(tx, who, now, {"registry.record." + action, "registry_record", r->id, r->subject_user_id, r->subject_org_id, reason, "ok"});
    effect = {name, r->id, to == RecordStatus::active ? ip_entries(**s, *r) : std::vector<IpEntry>{}, to != RecordStatus::active};
    return view(tx, **s, std::move(*r), true, today);
  });
  if (out.ok()) committed(effect);
  return out;
}

void Registries::committed(const Effect& e) {
  LiveIpIndex* index = index_of(e.registry);
  if (!index) return;
  std::lock_guard apply(apply_mu_);
  if (e.remove) index->remove(e.record_id);
  else index->put(e.record_id, e.ip_entries);
}

// ---- IP look-ups ----------------------------------------------------------------------------

const Error& LookupBatch::unreadable_address() {
  static const Error e = make_error(ErrorKind::validation, "invalid-address", "Invalid address",
                                    "Not an IPv4 or IPv6 address (one address, no prefix).");
  return e;
}

Result<LookupBatch> Registries::lookup(const Principal& who, const std::string& name,
                                       std::span<const std::string_view> addresses) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (!who.acts_for((*s)->agency)) return error(Errc::not_allowed);
  LiveIpIndex* index = index_of(name);
  if (!index) return make_error(ErrorKind::not_found, "no-address-index", "No address index",
                                "This registry does not answer address look-ups.");
  if (addresses.size() > kMaxLookupBatch)
    return error(Errc::batch_too_large, "At most " + std::to_string(kMaxLookupBatch) + " addresses per request.");
  const std::string today = pkt_date(clock_.now_ms());
  LookupBatch out(index->view());  // the whole batch answers from one state
  out.items_.resize(addresses.size());
  PartPool& pool = parts_ ? *parts_ : PartPool::serial();
  const std::size_t parts = pool.parts_for(addresses.size(), kMinLookupPart);
  out.hits_.resize(parts);
  pool.run_slices(addresses.size(), parts, [&](std::size_t part, std::size_t begin, std::size_t end) {
    std::vector<const IpEntry*>& part_hits = out.hits_[part];
    part_hits.reserve(end - begin);
    // The readable addresses by a sort key: in address order, consecutive look-ups walk
    // neighbouring parts of the index, so the upper levels of its search tree and the memory
    // pages of its segments stay in the cache (in the caller's random order nearly every level
    // of every look-up misses). IPv4 keys are the address, IPv6 keys its first 64 bits, moved
    // above the IPv4 ones where they would collide; ties only cost locality.
    std::vector<IpRange> parsed(end - begin);
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed;  // (key, address index)
    keyed.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      auto ip = addresses[i].size() <= kMaxIpTextChars ? parse_ip(addresses[i]) : std::nullopt;
      if (!ip) continue;
      std::uint64_t key = 0;
      for (int k = 0; k < (ip->family == 4 ? 4 : 8); ++k) key = key << 8 | ip->first[static_cast<std::size_t>(k)];
      if (ip->family == 6) key |= std::uint64_t{1} << 63;
      out.items_[i].readable = true;
      out.items_[i].part = static_cast<std::uint32_t>(part);
      parsed[i - begin] = *ip;
      keyed.emplace_back(key, i);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<const IpEntry*> hits;
    for (const auto& [key, i] : keyed) {
      LookupBatch::Item& item = out.items_[i];
      item.first = static_cast<std::uint32_t>(part_hits.size());
      out.view_.lookup(parsed[i - begin], hits);
      for (const IpEntry* e : hits)
        if (e->valid_until.empty() || e->valid_until >= today) part_hits.push_back(e);
      item.count = static_cast<std::uint32_t>(part_hits.size() - item.first);
    }
  });
  return out;
}

// ---- bulk import ------------------------------------------------------------------------------

Result<ImportRow> Registries::parse_import_row(const Schema& s, const json& line) {
  if (!line.is_object() || !line.contains("fields"))
    return make_error(ErrorKind::validation, "invalid-import-row", "Invalid row", "Each line is an object with \"fields\".");
  for (const auto& [k, v] : line.items())
    if (k != "fields" && k != "number" && k != "valid_until")
      return make_error(ErrorKind::validation, "invalid-import-row", "Invalid row", "Unknown member \"" + k + "\".");
  ImportRow row;
  if (line.contains("number")) {
    if (!line["number"].is_string() || line["number"].get<std::string>().empty() || line["number"].get<std::string>().size() > 100)
      return make_error(ErrorKind::validation, "invalid-import-row", "Invalid row", "\"number\" must be a string of 1 to 100 characters.");
    row.number = line["number"];
  } else if (s.number_prefix.empty()) {
    return make_error(ErrorKind::validation, "invalid-import-row", "Invalid row", "This registry numbers records by key: give \"number\".");
  }
  if (line.contains("valid_until")) {
    std::string until = line["valid_until"].is_string() ? line["valid_until"].get<std::string>() : "";
    if (date_plus_days(until, 0) != until || until.empty())
      return make_error(ErrorKind::validation, "invalid-import-row", "Invalid row", "\"valid_until\" must be a date YYYY-MM-DD.");
    row.valid_until = until;
  }
  auto data = applications::validate_form(s.form(), line["fields"], "en", applications::FormMode::submit);
  if (!data.ok()) {
    Error e = data.take_error();
    if (!e.fields.empty()) e.detail = e.fields[0].path + ": " + e.fields[0].message;
    return e;
  }
  row.fields = std::move(data).value();
  return row;
}

Result<std::int64_t> Registries::import_rows(const std::string& name, std::vector<ImportRow> rows, const Principal& who,
                                             std::vector<Record>* created) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  const UnixMs now = clock_.now_ms();
  std::vector<Effect> effects;
  auto n = storage::write_value<std::int64_t>(db_, [&](storage::Tx& tx) -> Result<std::int64_t> {
    effects.clear();
    if (created) created->clear();
    std::int64_t added = 0;
    for (auto& row : rows) {
      auto r = create_record(tx, **s, std::move(row.fields), row.number, "", "", "", who, now);
      if (!r.ok()) {
        Error e = r.take_error();
        e.detail = (row.number.empty() ? std::string("row ") + std::to_string(added + 1) : row.number) + ": " + e.detail;
        return e;
      }
      if (!row.valid_until.empty() && row.valid_until != r->valid_until) {
        r->valid_until = row.valid_until;
        tx.registries().update(*r, public_text(**s, *r));
      }
      effects.push_back({name, r->id, ip_entries(**s, *r), false, r->number, r->valid_until, json()});
      if (created) created->push_back(*r);
      ++added;
    }
    return added;
  });
  if (n.ok())
    for (const auto& e : effects) committed(e);
  return n;
}

// ---- export ---------------------------------------------------------------------------------

std::int64_t Registries::count(const std::string& name) {
  auto n = storage::read_value<std::int64_t>(
      db_, [&](storage::Tx& tx) -> Result<std::int64_t> { return tx.registries().count(name); });
  return n.ok() ? *n : 0;
}

Status Registries::export_records(const std::string& name, bool all_fields,
                                  const std::function<void(const Record&, const json&)>& row,
                                  const std::function<void(std::int64_t, std::int64_t)>& progress) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  const std::int64_t total = count(name);
  std::int64_t done = 0, after = 0;
  for (;;) {
    std::vector<Record> page;
    std::int64_t last = 0;
    Status st = db_.read([&](storage::Tx& tx) -> Status {
      last = tx.registries().scan(name, after, kScanPageRecords, [&](const Record& r) { page.push_back(r); });
      return ok_status();
    });
    if (!st.ok()) return st;
    for (const auto& r : page) row(r, all_fields ? json::parse(r.data) : public_fields(**s, r));
    done += static_cast<std::int64_t>(page.size());
    if (progress) progress(done, std::max(total, done));
    if (last == 0) break;
    after = last;
  }
  return ok_status();
}

}  // namespace darwaza::registries
