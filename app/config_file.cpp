#include "config_file.hpp"

#include <memory>

namespace darwaza::cli {
namespace {

bool has_option(const CLI::App& app, const std::string& name) {
  return app.get_option_no_throw("--" + name) != nullptr;
}

// Whether any command below `app` (at any depth) has the option.
bool some_command_has(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (has_option(*sub, name) || some_command_has(*sub, name)) return true;
  return false;
}

// The command a section names (`catalog.load` is {"catalog", "load"}), if there is one.
const CLI::App* command_at(const CLI::App& root, const std::vector<std::string>& path) {
  const CLI::App* at = &root;
  for (const auto& name : path) {
    try {
      at = at->get_subcommand(name);
    } catch (const CLI::OptionNotFound&) {
      return nullptr;
    }
  }
  return at;
}

std::string joined(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

}  // namespace

std::vector<CLI::ConfigItem> CommandConfig::from_config(std::istream& input) const {
  std::vector<CLI::ConfigItem> items = CLI::ConfigTOML::from_config(input);
  // The commands being run, outermost first (`catalog`, then `load`): read after the command line.
  std::vector<const CLI::App*> chain;
  for (const CLI::App* at = &root_;;) {
    auto run = at->get_subcommands();
    if (run.empty()) break;
    at = run.front();
    chain.push_back(at);
  }
  std::vector<CLI::ConfigItem> out;
  out.reserve(items.size());
  for (auto& item : items) {
    if (item.name == "++" || item.name == "--" || (item.parents.empty() && has_option(root_, item.name))) {
      out.push_back(std::move(item));
      continue;
    }
    if (!item.parents.empty()) {
      const CLI::App* cmd = command_at(root_, item.parents);
      if (!cmd) throw CLI::ConfigError("config file: [" + joined(item.parents) + "] is not a darwaza command");
      if (!has_option(*cmd, item.name))
        throw CLI::ConfigError("config file: `" + item.name + "` in [" + joined(item.parents) + "] is not an option of `" +
                               joined(item.parents) + "` (see darwaza " + joined(item.parents) + " --help)");
      out.push_back(std::move(item));
      continue;
    }
    // A plain key: the innermost command being run that has the option takes it.
    std::size_t depth = chain.size();
    while (depth > 0 && !has_option(*chain[depth - 1], item.name)) --depth;
    if (depth > 0) {
      for (std::size_t i = 0; i < depth; ++i) item.parents.push_back(chain[i]->get_name());
      out.push_back(std::move(item));
    } else if (!some_command_has(root_, item.name)) {
      throw CLI::ConfigError("config file: `" + item.name +
                             "` is not an option of any darwaza command (keys are the long option names, as db or "
                             "listen)");
    }
  }
  return out;
}

void add_config_file_option(CLI::App& root) {
  root.set_config("--config", "",
                  "Read options from a TOML/INI config file: keys named as the long options (db = \"...\"), "
                  "for the command being run, or in a [command] section for that command only");
  root.config_formatter(std::make_shared<CommandConfig>(root));
  root.allow_config_extras(CLI::config_extras_mode::error);
}

}  // namespace darwaza::cli
