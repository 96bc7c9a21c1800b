#include <iostream>

#include "api/app.hpp"
#include "commands.hpp"
#include "core/log.hpp"
#include "storage/database.hpp"

namespace darwaza::cli {

// `darwaza routes`: the route table as text (METHOD PATTERN ACCESS), for operators and for the
// tests that check the OpenAPI document and the authorisation matrix against it; --json adds
// whether a read-only node (serve --read-only) serves the route and whether it runs in the lane
// of costly reads (serve --max-costly-reads).
void register_routes_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("routes", "Print every HTTP route with its access policy (METHOD PATH ACCESS)");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print JSON lines instead of text");
  cmd->callback([json] {
    logging::init({"error", "off"});
    // The route table needs an App; an in-memory database is enough to build it.
    storage::DatabaseOptions o;
    o.url = "sqlite::memory:";
    o.reader_connections = 1;
    auto db = storage::open_database(o);
    SystemClock clock;
    api::AppOptions ao;
    ao.password = crypto::PasswordParams{1, 8 * 1024};
    api::App a(*db, clock, ao, certificates::SigningKey::generate());
    http::Router router;
    api::register_routes(router, a);
    for (const auto& r : router.routes()) {
      std::string method(http::bhttp::to_string(r.method));
      if (*json) {
        std::cout << nlohmann::json{{"method", method},
                                    {"path", r.pattern},
                                    {"access", http::describe_access(r.access)},
                                    {"replica", r.options.replica},
                                    {"costly_read", r.options.costly_read}}
                         .dump()
                  << "\n";
      } else {
        std::cout << method << " " << r.pattern << " " << http::describe_access(r.access) << "\n";
      }
    }
  });
}

}  // namespace darwaza::cli
