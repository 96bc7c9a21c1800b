// darwaza: the national digital public services platform, one binary.
#include <iostream>

#include "commands.hpp"
#include "config_file.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  darwaza::crypto::init();
  CLI::App app{"Darwaza: Pakistan's digital public services platform.\n"
               "Run `darwaza serve` to start the HTTP server; see each sub-command's --help."};
  app.require_subcommand(1);
  darwaza::cli::add_config_file_option(app);
  darwaza::cli::DataOptions data;
  darwaza::cli::register_serve(app, data);
  darwaza::cli::register_migrate(app, data);
  darwaza::cli::register_user(app, data);
  darwaza::cli::register_version(app);
  darwaza::cli::register_routes_command(app);
  darwaza::cli::register_catalog(app, data);
  darwaza::cli::register_registry(app, data);
  darwaza::cli::register_audit(app, data);
  darwaza::cli::register_migrate_data(app, data);
  darwaza::cli::register_verify(app, data);
  darwaza::cli::register_indicators(app, data);
  darwaza::cli::register_backup(app, data);
  darwaza::cli::register_restore(app, data);
  darwaza::cli::register_synth_command(app, data);
  darwaza::cli::register_documents(app, data);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "darwaza: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
