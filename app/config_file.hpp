// The --config file (TOML or INI, keys named as the long options). A key outside any section
// applies to the command being run (`db = "postgresql://..."` then `darwaza --config F serve`);
// a [serve] section (or `serve.db`) applies to that command only. A key no command has is an
// error naming it, never silently ignored; a plain key that only other commands have (one file
// shared by `serve` and `migrate`) is left to them.
#pragma once

#include <CLI/CLI.hpp>

namespace darwaza::cli {

class CommandConfig : public CLI::ConfigTOML {
 public:
  explicit CommandConfig(const CLI::App& root) : root_(root) {}
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

 private:
  const CLI::App& root_;
};

// Installs --config on `root` with CommandConfig; call before adding the subcommands (they take
// the root's refusal of unknown keys).
void add_config_file_option(CLI::App& root);

}  // namespace darwaza::cli
