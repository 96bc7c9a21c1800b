#include <iostream>
#include <string>
#include <unistd.h>

#include "audit/audit.hpp"
#include "commands.hpp"
#include "core/log.hpp"
#include "identity/accounts.hpp"
#include "identity/agencies.hpp"
#include "storage/database.hpp"

namespace darwaza::cli {
namespace {

std::unique_ptr<storage::Database> open_db(const DataOptions& data) {
  logging::init({data.log_level, "off"});
  data.ensure_data_dir();
  storage::DatabaseOptions o;
  o.url = data.resolved_db_url();
  o.reader_connections = 4;
  return storage::open_database(o);
}

void print_error(const Error& e) {
  std::cerr << "darwaza: " << (e.detail.empty() ? e.title : e.detail) << "\n";
  for (const auto& f : e.fields) std::cerr << "  " << f.path << ": " << f.message << "\n";
}

}  // namespace

void register_migrate(CLI::App& app, DataOptions& data) {
  auto* cmd = app.add_subcommand("migrate", "Create the database if missing and apply pending schema migrations");
  add_data_options(*cmd, data);
  cmd->callback([&data] {
    auto db = open_db(data);
    std::cout << "database " << data.resolved_db_url() << " at schema version " << db->schema_version() << "\n";
  });
}

void register_user(CLI::App& app, DataOptions& data) {
  auto* user = app.add_subcommand("user", "Manage people from the command line");
  user->require_subcommand(1);
  struct Opts {
    std::string cnic, name, email, mobile, role, agency, lang = "en";
    bool password_stdin = false;
  };
  auto o = std::make_shared<Opts>();
  auto* create = user->add_subcommand(
      "create", "Create a person and optionally grant a role (e.g. the first platform admin).\n"
                "The password is read from standard input (first line) or DARWAZA_PASSWORD.");
  add_data_options(*create, data);
  create->add_option("--cnic", o->cnic, "CNIC, 12345-1234567-1")->required();
  create->add_option("--name", o->name, "Full name")->required();
  create->add_option("--email", o->email, "Email address")->required();
  create->add_option("--mobile", o->mobile, "Mobile number, +923001234567")->required();
  create->add_option("--role", o->role, "Role to grant: officer, agency_admin, platform_admin or auditor")
      ->check(CLI::IsMember({"officer", "agency_admin", "platform_admin", "auditor"}));
  create->add_option("--agency", o->agency, "Agency id for officer and agency_admin");
  create->add_flag("--password-stdin", o->password_stdin, "Read the password from standard input");
  create->callback([&data, o] {
    std::string password;
    if (const char* env = std::getenv("DARWAZA_PASSWORD"); env && !o->password_stdin) password = env;
    else std::getline(std::cin, password);
    if (password.empty()) throw CLI::ValidationError("password", "no password given on standard input or DARWAZA_PASSWORD");
    Role role{};
    bool has_role = !o->role.empty() && parse_role(o->role, role);
    bool agency_role = has_role && (role == Role::officer || role == Role::agency_admin);
    if (agency_role && o->agency.empty()) throw CLI::ValidationError("--agency", "is required for " + o->role);
    auto db = open_db(data);
    SystemClock clock;
    identity::PasswordHasher hasher(crypto::PasswordParams{});
    identity::Accounts accounts(*db, clock, hasher);
    // Agencies come from the seed file, so that --agency can name them on a fresh database.
    identity::Agencies agencies(*db, clock);
    if (auto list = identity::load_agencies_file(data.seed_dir + "/agencies.json"); list.ok()) {
      if (Status s = agencies.seed(*list); !s.ok()) print_error(s.error());
    }
    if (agency_role) {
      if (auto a = agencies.get(o->agency); !a.ok()) {
        print_error(a.error());
        throw CLI::RuntimeError(1);
      }
    }
    auto u = accounts.signup(audit::cli_actor(), {o->cnic, o->name, o->email, o->mobile, password, o->lang}, "en");
    if (!u.ok()) {
      print_error(u.error());
      throw CLI::RuntimeError(1);
    }
    if (has_role) {
      Status s = accounts.grant_role_bootstrap(u->id, RoleGrant{role, agency_role ? o->agency : std::string()});
      if (!s.ok()) {
        print_error(s.error());
        throw CLI::RuntimeError(1);
      }
    }
    std::cout << "created user " << u->id << (has_role ? " with role " + o->role : std::string()) << "\n";
  });
}

void register_version(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([] { std::cout << "darwaza " << DARWAZA_VERSION << "\n"; });
}

}  // namespace darwaza::cli
