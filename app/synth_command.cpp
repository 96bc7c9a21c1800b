// `darwaza synth`: fills a scratch database with synthetic citizens, services and applications
// for scale tests and bench/scale.sh, through the store's own write path in transactions of
// kSynthBatchRows. Records one audit entry for the whole run, not one per row.
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "applications/synth.hpp"
#include "audit/audit.hpp"
#include "catalog/catalog.hpp"
#include "catalog/definition.hpp"
#include "commands.hpp"
#include "core/crypto.hpp"
#include "identity/agencies.hpp"
#include "identity/synth.hpp"
#include "progress.hpp"

namespace darwaza::cli {
namespace {

constexpr int kExitDone = 0;
constexpr int kExitRefused = 2;
constexpr std::int64_t kSynthBatchRows = 10'000;  // citizens, or applications with their events, per transaction
constexpr std::int64_t kMaxSynthApplications = 1'000'000'000;
constexpr int kMaxSynthServices = 100'000;
constexpr std::int64_t kMaxSampleRows = 1'000'000;
// Every synthetic account's password, printed at the end so that benchmarks can log in.
constexpr const char* kSynthPassword = "synthetic citizen password";

struct Opts {
  std::int64_t citizens = 0;
  std::int64_t applications = 0;
  int services = 8000;
  std::uint64_t seed = 1;
  bool force_nonempty = false;
  std::string sample_out;
  std::int64_t sample_rows = 1000;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs `fn(tx, first, n)` over [0, total) in transactions of kSynthBatchRows, with a progress bar.
template <class F>
void in_batches(storage::Database& db, const std::string& label, std::int64_t total, F&& fn) {
  ProgressBar bar(label);
  for (std::int64_t done = 0; done < total;) {
    const std::int64_t n = std::min(kSynthBatchRows, total - done);
    Status s = db.write([&](storage::Tx& tx) -> Status { return fn(tx, done, n); });
    if (!s.ok()) {
      bar.finish();
      std::cerr << "darwaza: " << label << ": " << operator_message(s.error()) << "\n"
                << done << " written before this batch; use a fresh database to start again\n";
      throw CLI::RuntimeError(kExitRefused);
    }
    done += n;
    bar.update(done, total);
  }
  bar.finish();
}

// The synthetic services through the catalog's own load (one transaction, all or nothing);
// returns their current definitions.
std::vector<catalog::DefinitionPtr> load_services(storage::Database& db, const Clock& clock, const DataOptions& data,
                                                  const Opts& o) {
  if (auto list = identity::load_agencies_file(data.seed_dir + "/agencies.json"); list.ok()) {
    identity::Agencies agencies(db, clock);
    (void)agencies.seed(*list);
  }
  std::vector<catalog::ServiceDefinition> defs;
  std::vector<catalog::DefinitionProblem> problems;
  for (const auto& j : catalog::synth_definitions(o.services, o.seed)) {
    auto d = catalog::parse_definition(j, j.value("id", "") + ".json", problems);
    if (d.ok()) defs.push_back(std::move(d).value());
  }
  if (!problems.empty()) throw std::runtime_error("a synthetic definition does not parse: " + problems.front().message);
  catalog::Catalog cat(db, clock);
  auto report = cat.load(defs);
  if (!report.ok()) {
    std::cerr << "darwaza: services: " << operator_message(report.error()) << "\nnothing was written\n";
    throw CLI::RuntimeError(kExitRefused);
  }
  std::cout << "services: " << report->added << " added, " << report->updated << " updated, " << report->unchanged
            << " unchanged\n";
  std::vector<catalog::DefinitionPtr> out;
  for (const auto& d : defs) {
    auto cur = cat.current(d.id);
    if (!cur.ok()) throw std::runtime_error("service " + d.id + " is missing after the load");
    out.push_back(*cur);
  }
  return out;
}

void run(DataOptions& data, const Opts& o) {
  if (o.applications > 0 && o.citizens == 0) {
    std::cerr << "darwaza: --applications needs --citizens to file them\n";
    throw CLI::RuntimeError(kExitRefused);
  }
  if (data.log_level == "info") data.log_level = "warn";
  auto db = data.open_for_command(2, /*bulk_load=*/true);
  std::int64_t people = 0;
  (void)db->read([&](storage::Tx& tx) -> Status {
    people = tx.users().count();
    return ok_status();
  });
  if (people > 0 && !o.force_nonempty) {
    std::cerr << "darwaza: refusing to add synthetic data: the database already has " << people
              << " people in it (synthetic data is for scratch databases; --force-nonempty overrides)\n";
    throw CLI::RuntimeError(kExitRefused);
  }
  const auto t0 = std::chrono::steady_clock::now();
  SystemClock clock;
  const UnixMs now = clock.now_ms();

  auto services = load_services(*db, clock, data, o);
  const double services_s = seconds_since(t0);

  // One argon2id hash for every account: hashing millions of passwords would take days.
  const std::string password_hash = crypto::hash_password(kSynthPassword, crypto::PasswordParams{});
  const auto t1 = std::chrono::steady_clock::now();
  in_batches(*db, "citizens", o.citizens, [&](storage::Tx& tx, std::int64_t first, std::int64_t n) -> Status {
    for (std::int64_t i = first; i < first + n; ++i) {
      identity::User u = identity::synth_citizen(o.seed, i, password_hash, now);
      // A database that had people before may hold a clash; a fresh one cannot (unique by index).
      if (people > 0 && (tx.users().by_cnic(u.cnic) || tx.users().by_email(u.email)))
        return make_error(ErrorKind::conflict, "synthetic-clash", "Synthetic citizen clashes",
                          "synthetic citizen " + std::to_string(i) + " (" + u.cnic +
                              ") clashes with a person already in the database; choose another --seed");
      tx.users().insert(u);
    }
    return ok_status();
  });
  const double citizens_s = seconds_since(t1);

  applications::ApplicationSynth synth(services, o.seed, now);
  if (o.applications > 0 && synth.usable_services() == 0) {
    std::cerr << "darwaza: none of the " << services.size() << " services takes applications from citizens; raise --services\n";
    throw CLI::RuntimeError(kExitRefused);
  }
  std::ofstream sample;
  if (!o.sample_out.empty()) {
    sample.open(o.sample_out, std::ios::binary | std::ios::trunc);
    if (!sample) throw std::runtime_error("cannot write " + o.sample_out);
    sample << "# cnic\tuser_id\tapplication_id\ttracking_number\tagency_id\tstate\n";
  }
  const std::int64_t sample_every = std::max<std::int64_t>(1, o.applications / std::max<std::int64_t>(1, o.sample_rows));
  std::int64_t events = 0, payments = 0, sampled = 0;
  const auto t2 = std::chrono::steady_clock::now();
  in_batches(*db, "applications", o.applications, [&](storage::Tx& tx, std::int64_t first, std::int64_t n) -> Status {
    for (std::int64_t i = first; i < first + n; ++i) {
      // The applicant: a citizen drawn by the application's index (the same for the same seed).
      const std::int64_t who = identity::synth_applicant(o.seed, i, o.citizens);
      auto s = synth.make(i, identity::synth_user_id(o.seed, who));
      applications::write_synth(tx, s);
      events += static_cast<std::int64_t>(s.events.size());
      payments += s.payment ? 1 : 0;
      if (sample && i % sample_every == 0 && sampled < o.sample_rows) {
        const auto& a = s.application;
        sample << identity::synth_cnic(o.seed, who) << '\t' << a.applicant_user_id << '\t' << a.id << '\t'
               << a.tracking_number << '\t' << a.agency_id << '\t' << a.state << '\n';
        ++sampled;
      }
    }
    return ok_status();
  });
  const double applications_s = seconds_since(t2);

  Principal cli;
  cli.user_id = "cli";
  Status s = db->write([&](storage::Tx& tx) -> Status {
    audit::record(tx, cli, clock.now_ms(),
                  {"synth.run", "database", "synth", "", "",
                   "synthetic data: " + std::to_string(o.citizens) + " citizens, " + std::to_string(o.applications) +
                       " applications, " + std::to_string(o.services) + " services, seed " + std::to_string(o.seed),
                   "ok"});
    return ok_status();
  });
  if (!s.ok()) throw std::runtime_error(operator_message(s.error()));
  if (sample) {
    sample.flush();
    if (!sample) throw std::runtime_error("writing " + o.sample_out + " failed");
  }
  const double total_s = seconds_since(t0);
  std::cout << "synthetic data written in " << total_s << " s: " << o.citizens << " citizens, " << o.applications
            << " applications (" << events << " timeline events, " << payments << " payments), " << o.services
            << " services\n"
            << "SYNTH citizens=" << o.citizens << " applications=" << o.applications << " events=" << events
            << " payments=" << payments << " services=" << o.services << " services_s=" << services_s
            << " citizens_s=" << citizens_s << " applications_s=" << applications_s << " total_s=" << total_s << "\n";
  if (sample) std::cout << sampled << " sample rows written to " << o.sample_out << "\n";
  std::cout << "password of every synthetic account: " << kSynthPassword << "\n";
}

}  // namespace

void register_synth_command(CLI::App& app, DataOptions& data) {
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "synth",
      "Scale tests and benchmarks only: fill a scratch database with SYNTHETIC citizens, services and applications.\n"
      "Citizens get unique valid CNICs, names, emails and +92 mobiles, and all share one password (hashed once with "
      "argon2id), printed at the end so that benchmarks can log in. Services come from `catalog synth` through the "
      "catalog's own load; applications spread over the services citizens may apply for, in realistic states with "
      "tracking numbers, timelines and payments (no notifications, certificates or registry records).\n"
      "Rows are written in transactions of 10,000. The audit log gets ONE entry for the run (synth.run), not one per "
      "row, so `darwaza audit verify` passes afterwards.\n"
      "Refuses a database that already has people in it unless --force-nonempty.\n"
      "Exit 0: written; 2: refused or failed (rows of earlier batches stay)");
  add_data_options(*cmd, data);
  cmd->add_option("--citizens", o->citizens, "How many synthetic citizens")
      ->check(CLI::Range(std::int64_t{0}, identity::kMaxSynthCitizens))
      ->capture_default_str();
  cmd->add_option("--applications", o->applications, "How many synthetic applications")
      ->check(CLI::Range(std::int64_t{0}, kMaxSynthApplications))
      ->capture_default_str();
  cmd->add_option("--services", o->services, "How many synthetic services (as `darwaza catalog synth`)")
      ->check(CLI::Range(1, kMaxSynthServices))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Generator seed: the same seed gives the same people and services")
      ->capture_default_str();
  cmd->add_flag("--force-nonempty", o->force_nonempty,
                "Add to a database that already has people (never a production database)");
  cmd->add_option("--sample-out", o->sample_out,
                  "Write a sample of the applications as TSV (cnic, user_id, application_id, tracking_number, "
                  "agency_id, state) for benchmarks to look up");
  cmd->add_option("--sample-rows", o->sample_rows, "Rows in the --sample-out file, spread over the run")
      ->check(CLI::Range(std::int64_t{1}, kMaxSampleRows))
      ->capture_default_str();
  cmd->callback([&data, o] { run(data, *o); });
}

}  // namespace darwaza::cli
