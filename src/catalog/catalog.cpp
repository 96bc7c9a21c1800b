#include "catalog/catalog.hpp"
#include "audit/audit.hpp"

#include "catalog/definition.hpp"
#include "core/crypto.hpp"
#include "core/validation.hpp"

namespace darwaza::catalog {
namespace {

constexpr std::size_t kMaxCachedDefinitions = 20000;

const char* applicant_name(Applicant a) { return to_string(a); }

std::string keywords_of(const ServiceDefinition& d) {
  std::string k;
  for (const auto& w : d.keywords) k += w + " ";
  k += d.id + " " + d.category + " " + d.agency;
  return k;
}

}  // namespace

std::optional<SearchEngine> parse_search_engine(std::string_view name) {
  if (name == "memory") return SearchEngine::memory;
  if (name == "database") return SearchEngine::database;
  return std::nullopt;
}

Error service_not_found() {
  return make_error(ErrorKind::not_found, "service-not-found", "No such service", "No service has that id.");
}

Result<LoadReport> Catalog::load(const std::vector<ServiceDefinition>& defs) {
  LoadReport report;
  UnixMs now = clock_.now_ms();
  Status s = db_.write([&](storage::Tx& tx) -> Status {
    report = LoadReport{};
    for (const auto& d : defs) {
      if (!tx.agencies().by_id(d.agency)) {
        return make_error(ErrorKind::validation, "unknown-agency", "Unknown agency",
                          "Service " + d.id + " names agency '" + d.agency + "', which does not exist.");
      }
      ServiceDefinition unversioned = d;
      unversioned.version = 0;
      std::string checksum = crypto::sha256_hex(to_json(unversioned).dump());
      auto cur = tx.catalog().current(d.id);
      if (cur && cur->checksum == checksum) {
        ++report.unchanged;
        continue;
      }
      ServiceDefinition versioned = d;
      versioned.version = cur ? cur->summary.version + 1 : 1;
      (cur ? report.updated : report.added)++;
      storage::StoredService row;
      row.summary = storage::ServiceSummary{versioned.id,
                                            versioned.version,
                                            versioned.agency,
                                            versioned.category,
                                            versioned.title.en,
                                            versioned.title.ur,
                                            versioned.description.en,
                                            versioned.description.ur,
                                            applicant_name(versioned.applicant),
                                            versioned.fee.amount_paisa};
      row.definition_json = to_json(versioned).dump();
      row.checksum = checksum;
      row.keywords = keywords_of(versioned);
      tx.catalog().insert_version(row, now);
      audit::record(tx, audit::system_actor(), now,
                    {"catalog.service.load", "service", versioned.id + "@" + std::to_string(versioned.version), "", "", "", "ok"});
    }
    return ok_status();
  });
  if (!s.ok()) return s.take_error();
  if (report.added + report.updated > 0) {
    std::lock_guard lock(index_mu_);
    ++loads_;
  }
  return report;
}

Result<std::shared_ptr<const SearchIndex>> Catalog::search_index() {
  {
    std::lock_guard lock(index_mu_);
    if (index_ && indexed_loads_ == loads_) return index_;
  }
  return rebuild_index(/*only_if_stale=*/true);
}

Status Catalog::refresh_index() {
  auto r = rebuild_index(/*only_if_stale=*/false);
  return r.ok() ? ok_status() : r.take_error();
}

Result<std::shared_ptr<const SearchIndex>> Catalog::rebuild_index(bool only_if_stale) {
  std::lock_guard rebuild(rebuild_mu_);
  std::uint64_t loads = 0;
  std::shared_ptr<const SearchIndex> have;
  {
    std::lock_guard lock(index_mu_);
    if (only_if_stale && index_ && indexed_loads_ == loads_) return index_;  // another thread just rebuilt it
    loads = loads_;
    have = index_;
  }
  std::optional<storage::CatalogGeneration> generation;
  std::vector<storage::IndexedService> services;
  Status s = db_.read([&](storage::Tx& tx) -> Status {
    generation = tx.catalog().generation();
    if (!have || *generation != have->generation()) services = tx.catalog().all_current();
    return ok_status();
  });
  if (!s.ok()) return s.take_error();
  std::shared_ptr<const SearchIndex> built =
      have && *generation == have->generation() ? have : std::make_shared<const SearchIndex>(std::move(services), *generation);
  std::lock_guard lock(index_mu_);
  index_ = built;
  indexed_loads_ = std::max(indexed_loads_, loads);
  return built;
}

Result<storage::ServicePage> Catalog::search(const std::string& text, const std::string& agency,
                                             const std::string& category, int page, int page_size,
                                             const std::string& lang) {
  FieldErrors errs(lang);
  if (text.size() > kMaxQueryChars) errs.add("/q", "max_length", std::to_string(kMaxQueryChars));
  if (page < 1) errs.add("/page", "min", "1");
  if (page_size < 1) errs.add("/page_size", "min", "1");
  if (page_size > kMaxPageSize) errs.add("/page_size", "max", std::to_string(kMaxPageSize));
  if (page > kMaxPage) errs.add("/page", "max", std::to_string(kMaxPage));
  if (!errs.empty()) return errs.to_error();
  storage::CatalogQuery q{text, agency, category, (page - 1) * page_size, page_size};
  if (engine_ == SearchEngine::memory) {
    auto index = search_index();
    if (!index.ok()) return index.take_error();
    return (*index)->search(q);
  }
  return storage::read_value<storage::ServicePage>(
      db_, [&](storage::Tx& tx) -> Result<storage::ServicePage> { return tx.catalog().search(q); });
}

Result<std::vector<storage::CategoryCount>> Catalog::categories(const std::string& agency) {
  if (engine_ == SearchEngine::memory) {
    auto index = search_index();
    if (!index.ok()) return index.take_error();
    return (*index)->categories(agency);
  }
  return storage::read_value<std::vector<storage::CategoryCount>>(
      db_, [&](storage::Tx& tx) -> Result<std::vector<storage::CategoryCount>> { return tx.catalog().categories(agency); });
}

Result<DefinitionPtr> Catalog::parse_stored(const storage::StoredService& s) {
  if (auto cached = cached_definition(s.summary.id, s.summary.version)) return cached;
  auto j = nlohmann::json::parse(s.definition_json, nullptr, false);
  std::vector<DefinitionProblem> problems;
  auto def = j.is_discarded() ? Result<ServiceDefinition>(internal_error("stored definition is not JSON"))
                              : parse_definition(j, s.summary.id, problems);
  if (!def.ok()) return internal_error("stored definition " + s.summary.id + " no longer parses");
  def->version = s.summary.version;
  auto ptr = std::make_shared<const ServiceDefinition>(std::move(def).value());
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kMaxCachedDefinitions) cache_.clear();
  cache_.emplace(std::make_pair(ptr->id, ptr->version), ptr);
  return ptr;
}

Result<DefinitionPtr> Catalog::current(const std::string& id) {
  // One read: the current version's number, and the definition only if this node has not parsed
  // that version yet (a submission's case is the first: the definition is a few kilobytes of text).
  // No snapshot needed around the two statements: a version, once stored, never changes.
  DefinitionPtr cached;
  auto row = storage::read_value<storage::StoredService>(db_, [&](storage::Tx& tx) -> Result<storage::StoredService> {
    auto v = tx.catalog().current_version(id);
    if (!v) return service_not_found();
    if ((cached = cached_definition(id, *v))) return storage::StoredService{};
    auto s = tx.catalog().version(id, *v);
    if (!s) return service_not_found();
    return std::move(*s);
  }, storage::ReadMode::per_statement);
  if (!row.ok()) return row.take_error();
  if (cached) return cached;
  return parse_stored(*row);
}

DefinitionPtr Catalog::cached_definition(const std::string& id, int version) {
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find({id, version});
  return it == cache_.end() ? nullptr : it->second;
}

Result<DefinitionPtr> Catalog::at_version(const std::string& id, int version) {
  if (auto cached = cached_definition(id, version)) return cached;
  auto row = storage::read_value<storage::StoredService>(db_, [&](storage::Tx& tx) -> Result<storage::StoredService> {
    auto s = tx.catalog().version(id, version);
    if (!s) return service_not_found();
    return std::move(*s);
  });
  if (!row.ok()) return row.take_error();
  return parse_stored(*row);
}

}  // namespace darwaza::catalog
