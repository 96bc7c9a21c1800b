#include <atomic>
#include <cmath>
#include <limits>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/app.hpp"
#include "api/database_rate_limiter.hpp"
#include "api/node_clock.hpp"
#include "commands.hpp"
#include "govstack_listeners.hpp"
#include "core/log.hpp"
#include "http/server.hpp"
#include "catalog/definition.hpp"
#include "certificates/signing.hpp"
#include "core/periodic.hpp"
#include "consent/consents.hpp"
#include "identity/agencies.hpp"
#include "notifications/outbox.hpp"

namespace darwaza::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string port_file;
  std::string access_log = "-";
  double rate_per_minute = 120;  // expensive routes (sign-up, login, token), per client address; cluster-wide on PostgreSQL
  double rate_burst = 30;
  unsigned long long argon2_ops = crypto::PasswordParams{}.ops_limit;
  std::size_t argon2_mem_kib = crypto::PasswordParams{}.mem_limit_bytes / 1024;
  int login_threshold = identity::SessionConfig{}.account_threshold;
  int session_ttl_min = static_cast<int>(identity::SessionConfig{}.session_ttl_ms / 60000);
  bool cookie_secure = false;
  std::string public_url;   // default: http://<listen>
  std::string catalog_dir;  // load service definitions from here at start
  std::string catalog_search = "memory";  // catalog::SearchEngine
  std::int64_t document_quota_mib = documents::Quota{}.max_bytes / (1024 * 1024);
  std::int64_t document_quota_count = documents::Quota{}.max_documents;
  std::string registry_dir;  // load registry schemas (and their seed records) from here at start
  std::string holidays_file;  // public holidays; default: SEED_DIR/holidays.json when present
  std::string web_dir;       // serve the web pages from here (web/ after scripts/build.sh); empty: none
  int audit_checkpoint_s = 60;      // sign the audit chain head this often (and at shutdown); 0: only at shutdown
  bool unaudited_benchmark = false;  // bench/audit.sh only: measures what the audit costs
  int session_purge_s = 3600;        // delete expired and revoked sessions this often; 0: never
  int unreferenced_document_days = documents::kDefaultUnreferencedDays;  // 0: never purge them
  // Notifications' outbox (docs/notifications.md).
  std::string outbox_transport = "none";  // e-mail: smtp, file or none (notifications wait unqueued)
  std::string sms_transport = "none";     // SMS: file or none (no SMS gateway yet)
  std::string outbox_dir;                 // file transport folder; default <data-dir>/outbox
  notifications::SmtpOptions smtp;
  int outbox_poll_ms = 2000;              // how often the worker looks for due messages
  long long outbox_retry_base_ms = notifications::kDefaultRetryBaseMs;
  int outbox_max_attempts = notifications::kMaxDeliveryAttempts;
  int expiry_scan_s = 86400;              // look for certificates expiring within 30 days; 0: never
  // A node on a PostgreSQL replica: public reads only, nothing written (docs/deployment.md).
  bool read_only = false;
  double max_replica_lag_s = 30;  // /readyz answers 503 while the replica is further behind
  double max_clock_skew_ms = api::kDefaultMaxClockSkewMs;  // /readyz answers 503 while the clock is further off
  std::vector<std::string> trusted_proxies;  // load balancers whose X-Forwarded-For names the client
  http::ServerOptions server;
  GovStackServeOptions govstack;
};

// What a read-only node cannot do, refused before anything starts.
void check_read_only_options(const DataOptions& data, const ServeOptions& o) {
  if (!storage::is_postgresql_url(data.resolved_db_url()))
    throw std::runtime_error("--read-only serves from a PostgreSQL replica: give its --db postgresql://...");
  if (!o.catalog_dir.empty() || !o.registry_dir.empty())
    throw std::runtime_error("--catalog-dir and --registry-dir load into the database: a --read-only node cannot; "
                             "load them through a read-write node");
  if (o.govstack.threads() > 0)
    throw std::runtime_error("the GovStack listeners write (audit entries, registrations): not on a --read-only node");
}

std::unique_ptr<notifications::Transport> transport_for(const std::string& kind, const ServeOptions& o,
                                                        const std::string& dir) {
  if (kind == "smtp") return notifications::make_smtp_transport(o.smtp);
  if (kind == "file") return notifications::make_file_transport(dir, o.smtp.from);
  return nullptr;
}

constexpr std::size_t kMaxHolidaysFileBytes = 1 << 20;
constexpr int kDocumentPurgeIntervalS = 3600;
constexpr int kReplicaLagSampleMs = 1000;

// The public holidays that SLA deadlines skip (data/holidays.json, or --holidays FILE), read on
// every start; a bad file stops the start, naming the entry.
Holidays load_holidays(const std::string& file) {
  std::vector<catalog::DefinitionProblem> problems;
  auto j = catalog::read_json_file(file, problems, kMaxHolidaysFileBytes);
  if (!j) {
    const auto& p = problems.empty() ? catalog::DefinitionProblem{file, "", "cannot be read"} : problems.front();
    throw std::runtime_error(p.file + ": " + p.path + ": " + p.message);
  }
  auto list = j->is_object() ? j->find("holidays") : j->end();
  if (!j->is_object() || list == j->end() || !list->is_array())
    throw std::runtime_error(file + ": must be an object with a \"holidays\" array");
  Holidays out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& h = (*list)[i];
    const std::string at = file + ": /holidays/" + std::to_string(i);
    auto date = h.is_object() ? h.find("date") : h.end();
    if (!h.is_object() || date == h.end() || !date->is_string() || !is_iso_date(date->get<std::string>()))
      throw std::runtime_error(at + "/date: must be a date written YYYY-MM-DD");
    if (!out.insert(*day_of_date(date->get<std::string>())).second)
      throw std::runtime_error(at + "/date: " + date->get<std::string>() + " is listed twice");
  }
  return out;
}

// The legal bases shown to citizens and applied by the data exchange (data/legal-bases.json),
// read on every start. A bad file stops the start; a basis naming a registry that is not loaded
// is left out and logged.
void load_legal_bases(api::App& app, const std::string& seed_dir) {
  auto file = std::filesystem::path(seed_dir) / "legal-bases.json";
  if (!std::filesystem::exists(file)) return;
  auto list = consent::load_legal_bases_file(file.string());
  if (!list.ok()) throw std::runtime_error(operator_message(list.error()));
  std::size_t total = list->size();
  for (const auto& id : app.consents.set_legal_bases(std::move(list).value()))
    logging::app().warn("legal basis {} names an agency, registry or field that is not loaded; left out", id);
  logging::app().info("legal bases: {} of {} in effect", app.consents.legal_bases().size(), total);
}

// The public figures and engagements shipped in the seed folder, loaded on every start like the
// agencies: idempotent, adding only what is missing. A stored figure that differs from the file
// is kept (it may be a reviewed correction) and logged; a bad row in the files stops the start.
void seed_transparency(api::App& app, const std::string& seed_dir) {
  auto dir = std::filesystem::path(seed_dir) / "indicators";
  if (std::filesystem::is_directory(dir)) {
    indicators::ImportBatch batch;
    indicators::read_directory(dir.string(), batch);
    indicators::ImportOptions options;
    options.keep_existing = true;
    auto report = app.indicators.import(batch, options);
    if (!report.ok()) throw std::runtime_error("loading " + dir.string() + " failed: " + operator_message(report.error()));
    for (const auto& p : report->problems) logging::app().error("{}:{}: {}", p.file, p.line, p.message);
    if (!report->problems.empty()) throw std::runtime_error("indicator files in " + dir.string() + " have bad rows");
    for (const auto& k : report->kept) logging::app().warn("{}:{}: {}", k.file, k.line, k.message);
    logging::app().info("indicators: {} series added, {} figures added, {} quoted changes added", report->series_added,
                        report->observations_added, report->quotes_added);
  }
  auto file = std::filesystem::path(seed_dir) / "engagements.json";
  if (std::filesystem::exists(file)) {
    auto list = engagements::load_engagements_file(file.string());
    if (!list.ok()) throw std::runtime_error(operator_message(list.error()));
    auto added = app.engagements.seed(*list);
    if (!added.ok()) throw std::runtime_error("seeding engagements failed");
    logging::app().info("engagements: {} added from {}", *added, file.string());
  }
}

// A read-only node's public key must be the one that signs its database's audit checkpoints: a
// wrong or stale <key>.pub would report every genuine certificate as invalid.
void check_public_key(storage::Database& db, const certificates::SigningKey& key, const std::string& key_path) {
  auto last = storage::read_value<std::optional<audit::Checkpoint>>(
      db, [](storage::Tx& tx) -> Result<std::optional<audit::Checkpoint>> { return tx.audit().last_checkpoint(); });
  if (!last.ok()) throw std::runtime_error(operator_message(last.error()));
  if (*last && !certificates::verify_signature(key.public_key_b64(), audit::checkpoint_payload(**last), (*last)->signature))
    throw std::runtime_error(fmt::format("{}.pub (key id {}) did not sign this database's audit checkpoints (key id {}): "
                                         "give this node the platform's public key",
                                         key_path, key.key_id(), (*last)->key_id));
}

int run_serve(DataOptions& data, ServeOptions& o) {
  logging::init({data.log_level, o.access_log});
  split_listen(o.listen, o.server, "--listen");
  if (o.read_only) check_read_only_options(data, o);
  auto proxies = http::TrustedProxies::parse(o.trusted_proxies);
  if (!proxies.ok()) throw std::runtime_error("--trusted-proxy: " + proxies.error().detail);
  const bool writes = !o.read_only;  // seeds, loads and background jobs that write
  data.ensure_data_dir();

  std::atomic<http::Metrics*> metrics_ptr{nullptr};
  storage::DatabaseOptions dbo;
  dbo.url = data.resolved_db_url();
  // A reader for every thread that may read at once, so none waits for a connection: handlers,
  // I/O threads (inline routes read on them), GovStack listeners, and a few for housekeeping.
  if (o.server.io_threads <= 0) o.server.io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  dbo.reader_connections = o.server.handler_threads + o.server.io_threads + 8 + o.govstack.threads();
  dbo.on_commit = [&metrics_ptr](double s) {
    if (auto* m = metrics_ptr.load(std::memory_order_acquire)) m->db_commit_latency().observe(s);
  };
  dbo.on_sync = [&metrics_ptr](double s) {
    if (auto* m = metrics_ptr.load(std::memory_order_acquire)) m->db_sync_latency().observe(s);
  };
  dbo.audit = !o.unaudited_benchmark;
  dbo.read_only = o.read_only;
  if (o.unaudited_benchmark)
    logging::app().warn("UNAUDITED BENCHMARK MODE: no audit entries are written; never run a real platform like this");
  auto db = storage::open_database(dbo);
  logging::app().info("database {} ({}) at schema version {}", dbo.url, db->engine(), db->schema_version());
  // The lane of costly reads (searches) may hold a reader connection each: half of them at most,
  // so the node's other reads (sessions among them) always find one.
  if (int readers = db->max_concurrent_reads();
      readers > 0 && o.server.max_costly_reads > static_cast<std::size_t>(std::max(1, readers / 2)))
    throw std::runtime_error(fmt::format("--max-costly-reads {}: at most {} on this node, half of its {} reader connections "
                                         "to the database (its other reads need the rest)",
                                         o.server.max_costly_reads, std::max(1, readers / 2), readers));
  o.server.costly_reads = std::make_shared<std::atomic<std::int64_t>>(0);  // one lane for all its listeners

  SystemClock clock;
  api::AppOptions ao;
  ao.password = crypto::PasswordParams{o.argon2_ops, o.argon2_mem_kib * 1024};
  ao.sessions.account_threshold = o.login_threshold;
  ao.sessions.session_ttl_ms = static_cast<UnixMs>(o.session_ttl_min) * 60000;
  ao.cookie_secure = o.cookie_secure;
  ao.public_url = o.public_url.empty() ? "http://" + o.listen : o.public_url;
  ao.documents_dir = data.documents_path();
  ao.read_only = o.read_only;
  ao.max_replica_lag_s = o.max_replica_lag_s;
  ao.max_clock_skew_ms = o.max_clock_skew_ms;
  if (writes && db->engine() != "sqlite" && data.documents_dir.empty())
    logging::app().warn("documents are kept in {}: nodes sharing this database must name one shared folder "
                        "with --documents-dir, or a document uploaded through one node is missing on the others",
                        ao.documents_dir);
  ao.document_quota = documents::Quota{o.document_quota_mib * 1024 * 1024, o.document_quota_count};
  ao.catalog_search = catalog::parse_search_engine(o.catalog_search).value_or(catalog::SearchEngine::memory);
  const std::string holidays_file =
      o.holidays_file.empty() ? (std::filesystem::path(data.seed_dir) / "holidays.json").string() : o.holidays_file;
  if (!o.holidays_file.empty() || std::filesystem::exists(holidays_file)) {
    ao.holidays = load_holidays(holidays_file);
    logging::app().info("public holidays: {} dates from {}", ao.holidays.size(), holidays_file);
  }
  // A read-only node checks certificates with the platform's public key (<key>.pub) and holds no secret.
  auto key = o.read_only ? certificates::SigningKey::load_public(data.signing_key_path())
                         : certificates::SigningKey::load_or_create(data.signing_key_path());
  if (!key.ok()) throw std::runtime_error(operator_message(key.error()));
  if (o.read_only) check_public_key(*db, *key, data.signing_key_path());
  logging::app().info("signing key {}", key->key_id());
  api::App app(*db, clock, ao, std::move(key).value());

  std::string agencies_file = (std::filesystem::path(data.seed_dir) / "agencies.json").string();
  auto agencies = identity::load_agencies_file(agencies_file);
  if (!agencies.ok()) throw std::runtime_error(operator_message(agencies.error()));
  if (writes)
    if (Status s = app.agencies.seed(*agencies); !s.ok()) throw std::runtime_error("seeding agencies failed");

  if (Status s = app.registries.open(); !s.ok()) throw std::runtime_error("opening registries failed");
  if (!o.registry_dir.empty()) load_registry_dir(app.registries, o.registry_dir);

  if (!o.catalog_dir.empty()) {
    std::vector<catalog::ServiceDefinition> defs;
    std::vector<std::string> unloaded;
    catalog::DirectoryChecks checks;
    checks.more = stored_registry_checks(app.registries, unloaded);
    auto problems = catalog::check_directory(o.catalog_dir, &defs, checks);
    // A service naming a registry that is not loaded can be applied for but not approved.
    for (const auto& w : unloaded) logging::app().warn("{} (see --registry-dir)", w);
    for (const auto& p : problems) logging::app().error("{}: {}: {}", p.file, p.path, p.message);
    if (!problems.empty()) throw std::runtime_error("service definitions in " + o.catalog_dir + " have problems");
    auto report = app.catalog.load(defs);
    if (!report.ok()) throw std::runtime_error(operator_message(report.error()));
    logging::app().info("catalog: {} added, {} updated, {} unchanged", report->added, report->updated,
                        report->unchanged);
  }

  if (app.catalog.engine() == catalog::SearchEngine::memory) {  // built before the first request, not by it
    auto index = app.catalog.search_index();
    if (!index.ok()) throw std::runtime_error("building the catalog search index failed: " + operator_message(index.error()));
    logging::app().info("catalog search index: {} services", (*index)->size());
  }

  if (!o.web_dir.empty()) {
    auto web = http::StaticFiles::load(o.web_dir);
    if (!web.ok()) throw std::runtime_error(operator_message(web.error()));
    app.web = std::move(web).value();
    logging::app().info("web pages: {} files from {}", app.web.size(), o.web_dir);
  }

  if (writes) seed_transparency(app, data.seed_dir);
  load_legal_bases(app, data.seed_dir);

  http::Router router;
  api::register_routes(router, app);
  std::vector<std::string> names;
  for (const auto& r : router.routes()) names.push_back(std::string(http::bhttp::to_string(r.method)) + " " + r.pattern);
  http::Metrics metrics(names);
  app.metrics = &metrics;
  metrics_ptr.store(&metrics, std::memory_order_release);

  // Nodes sharing a PostgreSQL database share one rate budget per client (kept in the database);
  // on SQLite one node owns the database and counts in memory.
  std::unique_ptr<storage::RateLimitStore> rate_cells;
  api::DatabaseRateLimiter* shared_limiter = nullptr;
  std::unique_ptr<http::RateLimiter> limiter;
  if (writes && storage::is_postgresql_url(dbo.url) && o.rate_per_minute > 0) {
    rate_cells = storage::open_rate_limit_store(dbo.url, api::DatabaseRateLimiter::kConnections);
    auto shared = std::make_unique<api::DatabaseRateLimiter>(*rate_cells, clock, o.rate_per_minute, o.rate_burst,
                                                             metrics.rate_limit_fail_open());
    shared_limiter = shared.get();
    limiter = std::move(shared);
    logging::app().info("rate limit: shared by every node of the database");
  } else {
    limiter = std::make_unique<http::MemoryRateLimiter>(clock, o.rate_per_minute, o.rate_burst);
  }
  api::SessionAuthenticator auth(app.sessions);
  http::PipelineOptions po;
  po.session_cookie = ao.session_cookie;
  po.tls = o.cookie_secure;
  po.csrf = &app.csrf;
  po.read_only = o.read_only;
  po.trusted_proxies = *proxies;
  http::Pipeline pipeline(router, auth, metrics, *limiter, po);
  http::Server server(o.server, pipeline);
  GovStackListeners govstack(app, o.govstack, o.server, *limiter, o.cookie_secure, *proxies);
  govstack.start(o.port_file);  // before the main port file, which tells waiting tools all are up
  std::uint16_t port = server.bind();
  app.draining = &server.draining_flag();
  if (!o.port_file.empty()) {
    std::string tmp = o.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, o.port_file);
  }
  if (!proxies->empty())
    logging::app().info("trusted proxies: {} range(s); their X-Forwarded-For names the client", proxies->ranges().size());
  if (o.read_only)
    logging::app().info("read-only node: public reads from a replica; every other route answers 503 read-only-node");
  logging::app().info("darwaza {} listening on http://{}:{} ({} I/O threads, {} handler threads)", DARWAZA_VERSION,
                      o.server.host, port, o.server.io_threads > 0 ? o.server.io_threads : (int)std::thread::hardware_concurrency(),
                      o.server.handler_threads);
  // Sign the audit chain head at intervals and once more at shutdown, so at most one interval of
  // entries is ever without a signature over it; purge expired sessions now and then.
  // A read-only node runs only the jobs that read: the catalog index and registry changes.
  Periodic checkpoints(std::chrono::seconds(writes ? o.audit_checkpoint_s : 0), [&app] {
    auto r = app.audit.checkpoint();
    if (!r.ok()) logging::app().error("audit checkpoint failed: {}", operator_message(r.error()));
  }, /*run_at_stop=*/writes);
  Periodic purge(std::chrono::seconds(writes ? o.session_purge_s : 0), [&app] {
    auto n = app.sessions.purge_expired();
    if (!n.ok()) logging::app().error("purging expired sessions failed: {}", operator_message(n.error()));
    else if (*n > 0) logging::app().info("purged {} expired sessions", *n);
  }, /*run_at_stop=*/false);
  // Uploads no application has referenced for --unreferenced-document-days, hourly.
  Periodic document_purge(std::chrono::seconds(writes && o.unreferenced_document_days > 0 ? kDocumentPurgeIntervalS : 0),
                          [&app, days = o.unreferenced_document_days] {
    auto n = app.documents.purge_unreferenced(static_cast<std::int64_t>(days) * kDayMs, documents::kMaxPurgeRoundsPerRun);
    if (!n.ok()) logging::app().error("purging unreferenced documents failed: {}", operator_message(n.error()));
    else if (*n > 0) logging::app().info("purged {} documents unreferenced for {} days", *n, days);
  }, /*run_at_stop=*/false);
  // Content files no document names (left by cut-off uploads and purges): a part of the shard
  // folders each hour, all of them in a day.
  // The part is the hour of the day's, so a node restarted often still covers every shard.
  Periodic content_sweep(std::chrono::seconds(writes ? kDocumentPurgeIntervalS : 0), [&app, &clock] {
    const int hour = static_cast<int>(clock.now_ms() / kHourMs % 24);
    auto n = app.documents.sweep_unnamed_content(documents::kUnnamedContentMinAgeMs,
                                                 hour * documents::kSweepShardsPerRun, documents::kSweepShardsPerRun);
    if (!n.ok()) logging::app().error("sweeping unnamed document content failed: {}", operator_message(n.error()));
    else if (*n > 0) logging::app().info("deleted {} document content files no document names", *n);
  }, /*run_at_stop=*/false);
  // Catalog changes made on other nodes (and by `darwaza catalog load`) reach this node's search index.
  Periodic catalog_refresh(std::chrono::milliseconds(app.catalog.engine() == catalog::SearchEngine::memory ? catalog::kIndexRecheckMs : 0), [&app] {
    if (Status s = app.catalog.refresh_index(); !s.ok())
      logging::app().error("refreshing the catalog search index failed: {}", operator_message(s.error()));
  }, /*run_at_stop=*/false);
  // A read-only node's replica lag for /metrics, sampled here: /metrics answers on the I/O thread.
  Periodic replica_lag(std::chrono::milliseconds(o.read_only ? kReplicaLagSampleMs : 0), [&app, &metrics] {
    metrics.set_replica_lag(app.db.replica_lag_s().value_or(std::numeric_limits<double>::quiet_NaN()));
  }, /*run_at_stop=*/false);
  // This node's clock against the database server's (PostgreSQL), for /metrics and the log: said
  // once when it goes beyond --max-clock-skew-ms and once when it is back (/readyz is 503 meanwhile).
  const bool server_clock = app.db.engine() == "postgresql";  // SQLite: the node's own machine
  auto clock_skewed = std::make_shared<bool>(false);
  auto sample_clock = [&app, &metrics, &clock, clock_skewed] {
    auto offset = api::measure_clock_offset(app.db, clock);
    metrics.set_clock_offset(offset ? offset->offset_ms : std::numeric_limits<double>::quiet_NaN());
    if (!offset) return;
    Status checked = api::check_clock(offset, app.options.max_clock_skew_ms);
    const bool skewed = !checked.ok();
    if (skewed && !*clock_skewed)
      logging::app().error("{} /readyz answers 503 until it is back.", checked.error().detail);
    else if (!skewed && *clock_skewed)
      logging::app().info("this node's clock is back in step with the database server's (off by {:.0f} ms)",
                          std::abs(offset->offset_ms));
    *clock_skewed = skewed;
  };
  if (server_clock) sample_clock();
  Periodic clock_offset(std::chrono::milliseconds(server_clock ? api::kClockSampleMs : 0), sample_clock,
                        /*run_at_stop=*/false);
  // Registry changes made on other nodes (and by command-line tools) reach this node's IP indexes.
  Periodic follow_registries(std::chrono::milliseconds(registries::kFollowIntervalMs), [&app] {
    auto n = app.registries.follow_changes();
    if (!n.ok()) logging::app().error("following registry changes failed: {}", operator_message(n.error()));
  }, /*run_at_stop=*/false);
  // The shared rate limit's expired cells (bounded per round).
  Periodic rate_cells_purge(std::chrono::milliseconds(shared_limiter ? api::DatabaseRateLimiter::kPurgeIntervalMs : 0),
                            [shared_limiter] {
                              auto n = shared_limiter->purge_expired();
                              if (!n.ok())
                                logging::app().warn("purging expired rate-limit cells failed: {}",
                                                    n.error().extensions.value("_log", std::string()));
                            }, /*run_at_stop=*/false);
  // Notifications: deliver the outbox, and tell holders of certificates about to expire.
  const std::string outbox_dir =
      o.outbox_dir.empty() ? (std::filesystem::path(data.data_dir) / "outbox").string() : o.outbox_dir;
  notifications::OutboxWorker outbox(
      *db, clock, transport_for(o.outbox_transport, o, outbox_dir),
      transport_for(o.sms_transport, o, (std::filesystem::path(outbox_dir) / "sms").string()),
      notifications::OutboxOptions{o.outbox_retry_base_ms, notifications::kDefaultLeaseMs, o.outbox_max_attempts,
                                   o.outbox_transport == "smtp" ? o.smtp.timeout_ms : notifications::kDefaultSendTimeoutMs});
  if (writes) logging::app().info("outbox: e-mail via {}, SMS via {}", o.outbox_transport, o.sms_transport);
  Periodic outbox_rounds(std::chrono::milliseconds(
                             !writes || (o.outbox_transport == "none" && o.sms_transport == "none") ? 0 : o.outbox_poll_ms),
                         [&outbox] {
                           auto r = outbox.run_once();
                           if (!r.ok()) logging::app().error("outbox round failed: {}", operator_message(r.error()));
                         }, /*run_at_stop=*/false);
  Periodic expiry_scan(std::chrono::seconds(writes ? o.expiry_scan_s : 0), [&app] {
    auto n = app.notifications.scan_expiring();
    if (!n.ok()) logging::app().error("certificate expiry scan failed: {}", operator_message(n.error()));
    else if (*n > 0) logging::app().info("expiry notices for {} certificates", *n);
  }, /*run_at_stop=*/false);
  server.run();
  app.applications.stop_signing();
  expiry_scan.stop();
  outbox.stop();  // a round delivering a backlog ends after its current send
  outbox_rounds.stop();
  follow_registries.stop();
  replica_lag.stop();
  clock_offset.stop();
  catalog_refresh.stop();
  rate_cells_purge.stop();
  govstack.stop();
  purge.stop();
  document_purge.stop();
  content_sweep.stop();
  checkpoints.stop();
  app.metrics = nullptr;
  metrics_ptr.store(nullptr);
  return 0;
}

}  // namespace

void register_serve(CLI::App& app, DataOptions& data) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Start the HTTP/JSON API server (creates and migrates the database; with --read-only, neither)");
  add_data_options(*cmd, data);
  add_documents_option(*cmd, data);
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0 = ephemeral)")
      ->envname("DARWAZA_LISTEN")
      ->capture_default_str();
  cmd->add_option("--trusted-proxy", o->trusted_proxies,
                  "Address or CIDR block of a load balancer in front of this node (repeatable, or comma-separated): "
                  "for requests from it, the client address that rate limits and login throttling count is read "
                  "from X-Forwarded-For (docs/deployment.md)")
      ->delimiter(',')
      ->envname("DARWAZA_TRUSTED_PROXIES");
  cmd->add_option("--port-file", o->port_file, "Write the bound port to this file once listening");
  cmd->add_option("--access-log", o->access_log, "JSON access log: - (stderr), off, or a file path")->capture_default_str();
  cmd->add_option("--io-threads", o->server.io_threads, "I/O threads (0 = number of cores)")->capture_default_str();
  cmd->add_option("--handler-threads", o->server.handler_threads, "Threads for handlers that block (database, hashing)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--max-in-flight", o->server.max_in_flight, "Requests queued or running before 503")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-costly-reads", o->server.max_costly_reads,
                  "Public searches over the database (registry records, the GovStack Data API's list, exists and "
                  "read, the catalog without its in-memory index) queued or running at once before 503 busy; at "
                  "most half the node's reader connections")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-connections", o->server.max_connections, "Open connections before new ones are closed")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o->server.max_body_bytes, "Default request body limit (bytes)")->capture_default_str();
  cmd->add_option("--max-header-bytes", o->server.max_header_bytes, "Request header limit (bytes)")->capture_default_str();
  cmd->add_option("--read-timeout-ms", o->server.read_timeout_ms, "Time allowed to send a request header")->capture_default_str();
  cmd->add_option("--body-timeout-ms", o->server.body_timeout_ms, "Time allowed to send a request body")->capture_default_str();
  cmd->add_option("--idle-timeout-ms", o->server.idle_timeout_ms, "Keep-alive idle timeout")->capture_default_str();
  cmd->add_option("--write-timeout-ms", o->server.write_timeout_ms, "Time allowed to send a response")->capture_default_str();
  cmd->add_option("--shutdown-grace-ms", o->server.shutdown_grace_ms, "How long in-flight requests get on SIGTERM")
      ->capture_default_str();
  cmd->add_option("--rate-limit-per-minute", o->rate_per_minute,
                  "Requests per minute per client address on expensive routes (0 = off); on PostgreSQL one "
                  "budget shared by every node of the database")
      ->capture_default_str();
  cmd->add_option("--rate-limit-burst", o->rate_burst, "Burst size for the rate limit")->capture_default_str();
  cmd->add_option("--argon2-ops", o->argon2_ops, "argon2id passes for new password hashes")
      ->check(CLI::Range(1ULL, 10ULL))
      ->capture_default_str();
  cmd->add_option("--argon2-mem-kib", o->argon2_mem_kib, "argon2id memory (KiB) for new password hashes")
      ->check(CLI::Range(std::size_t{8}, std::size_t{1024 * 1024}))
      ->capture_default_str();
  cmd->add_option("--login-threshold", o->login_threshold, "Failed logins per account before back-off starts")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--session-ttl-min", o->session_ttl_min, "Session lifetime in minutes")
      ->check(CLI::Range(1, 60 * 24 * 30))
      ->capture_default_str();
  cmd->add_option("--public-url", o->public_url, "Public base URL for links in certificates and QR codes")
      ->envname("DARWAZA_PUBLIC_URL");
  cmd->add_option("--audit-checkpoint-s", o->audit_checkpoint_s,
                  "Sign a checkpoint of the audit chain head every N seconds (and at shutdown; 0: at shutdown only)")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  cmd->add_option("--session-purge-s", o->session_purge_s, "Delete expired sessions every N seconds (0: never)")
      ->check(CLI::Range(0, 7 * 86400))
      ->capture_default_str();
  cmd->add_flag("--unaudited-benchmark-mode", o->unaudited_benchmark,
               "Benchmarks only (bench/audit.sh): write no audit entries, to measure what auditing costs");
  cmd->add_option("--holidays", o->holidays_file,
                  "Public holidays that SLA deadlines skip: {\"holidays\": [{\"date\": \"YYYY-MM-DD\", \"name\": ...}]} "
                  "(default: SEED_DIR/holidays.json when present)");
  cmd->add_option("--registry-dir", o->registry_dir,
                  "Load (or update) registry schemas and their seed records from this folder at start");
  cmd->add_option("--catalog-dir", o->catalog_dir, "Load (or update) service definitions from this folder at start")
      ->envname("DARWAZA_CATALOG_DIR");
  cmd->add_option("--document-quota-mib", o->document_quota_mib, "Bytes of documents one person may upload, in MiB")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--unreferenced-document-days", o->unreferenced_document_days,
                  "Delete uploads that no application (a draft included) has referenced for this many days, "
                  "checked hourly (0: keep them)")
      ->check(CLI::Range(0, 36500))
      ->capture_default_str();
  cmd->add_option("--document-quota-count", o->document_quota_count, "Documents one person may upload")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}))
      ->capture_default_str();
  cmd->add_option("--catalog-search", o->catalog_search,
                  "Where catalog searches run: memory (an index on each node, rebuilt when the catalog changes; "
                  "other nodes' changes show within a second) or database (full-text search on every request)")
      ->check(CLI::IsMember({"memory", "database"}))
      ->capture_default_str();
  cmd->add_option("--outbox-transport", o->outbox_transport,
                  "Deliver notification e-mails by smtp, to files (file) or not at all (none: they wait, to be queued and sent once a transport is configured)")
      ->check(CLI::IsMember({"smtp", "file", "none"}))
      ->capture_default_str();
  cmd->add_option("--sms-transport", o->sms_transport, "Deliver notification SMS to files (file) or not at all (none)")
      ->check(CLI::IsMember({"file", "none"}))
      ->capture_default_str();
  cmd->add_option("--outbox-dir", o->outbox_dir, "Folder of the file transport (default: <data-dir>/outbox)");
  cmd->add_option("--smtp-host", o->smtp.host, "SMTP server host")->capture_default_str();
  cmd->add_option("--smtp-port", o->smtp.port, "SMTP server port")->check(CLI::Range(1, 65535))->capture_default_str();
  cmd->add_option("--smtp-from", o->smtp.from, "From: of notification e-mails")->capture_default_str();
  cmd->add_flag("--smtp-starttls", o->smtp.starttls, "Require STARTTLS with the SMTP server");
  cmd->add_option("--smtp-timeout-ms", o->smtp.timeout_ms, "Time allowed for one SMTP delivery")
      ->check(CLI::Range(100L, 60000L))
      ->capture_default_str();
  cmd->add_option("--outbox-poll-ms", o->outbox_poll_ms, "Look for due outbox messages this often (ms)")
      ->check(CLI::Range(10, 3600000))
      ->capture_default_str();
  cmd->add_option("--outbox-retry-base-ms", o->outbox_retry_base_ms,
                  "Delay after a failed delivery; doubles on each further failure (ms)")
      ->check(CLI::Range(1LL, 3600000LL))
      ->capture_default_str();
  cmd->add_option("--outbox-max-attempts", o->outbox_max_attempts, "Deliveries tried before a message is marked failed")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--expiry-scan-s", o->expiry_scan_s,
                  "Look for certificates expiring within 30 days every N seconds (0: never)")
      ->check(CLI::Range(0, 7 * 86400))
      ->capture_default_str();
  for (auto a : {govstack::Adapter::registries, govstack::Adapter::registration, govstack::Adapter::mediator,
                 govstack::Adapter::consent}) {
    const std::string name = govstack::to_string(a);
    cmd->add_option_function<std::string>("--govstack-" + name, [o, a](const std::string& v) { o->govstack.listen[a] = v; },
                                          "Serve the GovStack " + name + " API on HOST:PORT (docs/govstack.md)");
  }
  cmd->add_flag("--govstack-require-client", o->govstack.require_client,
                "GovStack listeners refuse calls without an Information-Mediator-Client header");
  cmd->add_option("--govstack-instance", o->govstack.ids.instance, "GovStack instance in member identifiers")
      ->capture_default_str();
  cmd->add_option("--govstack-member-class", o->govstack.ids.member_class, "GovStack member class of the agencies")
      ->capture_default_str();
  cmd->add_option("--web-dir", o->web_dir, "Serve the web pages from this folder (web/, vendored by scripts/build.sh)")
      ->envname("DARWAZA_WEB_DIR");
  cmd->add_flag("--read-only", o->read_only,
                "Serve public reads (catalog, registries' public search, dashboards, certificate checks) from a "
                "PostgreSQL streaming replica named by --db; write nothing, answer every other route 503 "
                "(docs/deployment.md)")
      ->envname("DARWAZA_READ_ONLY");
  cmd->add_option("--max-replica-lag-s", o->max_replica_lag_s,
                  "--read-only: /readyz answers 503 while the replica is more than this many seconds behind")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd->add_option("--max-clock-skew-ms", o->max_clock_skew_ms,
                  "PostgreSQL: /readyz answers 503 (clock-skewed) while this node's clock is more than this many "
                  "milliseconds off the database server's, and the node logs it; 0: not checked")
      ->check(CLI::Range(0.0, 3'600'000.0))
      ->envname("DARWAZA_MAX_CLOCK_SKEW_MS")
      ->capture_default_str();
  cmd->add_flag("--cookie-secure", o->cookie_secure, "Mark cookies Secure and send HSTS (serving behind TLS)");
  cmd->callback([&data, o] {
    int rc = run_serve(data, *o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace darwaza::cli
