// Service definition files: the strict parser (every problem collected, each with a JSON pointer),
// its inverse to_json, a directory checker, and a generator of synthetic definitions for scale tests.
// docs/service-definition.md documents the file format.
#pragma once

#include <cstdint>
#include <optional>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/types.hpp"
#include "core/result.hpp"

namespace darwaza::catalog {

constexpr std::size_t kMaxDefinitionFileBytes = 4 * 1024 * 1024;  // a definition is a few KiB
constexpr std::size_t kMaxFormFields = 200;
constexpr std::size_t kMaxEnumOptions = 500;
constexpr std::size_t kMaxStates = 50;
constexpr std::size_t kMaxTransitions = 200;
constexpr std::size_t kMaxKeywords = 50;
constexpr std::size_t kMaxPatternChars = 500;   // bounds regex compile time
constexpr int kMaxItemsBound = 1000;  // min_items / max_items upper bound; matches applications::kMaxListItems
constexpr int kMaxSlaWorkingDays = 365;
constexpr int kMaxValidityDays = 36500;         // a hundred years
constexpr std::int64_t kMaxFeePkr = 1000000000; // one billion rupees

struct DefinitionProblem {
  std::string file;
  std::string path;     // JSON pointer into the file, e.g. /form/3/type; empty for the whole file
  std::string message;
  bool operator==(const DefinitionProblem&) const = default;
};

// Parses one definition. Every problem found is appended to `problems` (tagged with `file`);
// on any problem the result is a validation error of type "invalid-service-definition" whose
// field errors repeat them. A "version" key is accepted (to_json writes it) and kept.
Result<ServiceDefinition> parse_definition(const nlohmann::json& j, const std::string& file,
                                           std::vector<DefinitionProblem>& problems);

// The inverse of parse_definition: the file format plus "version"; parse(to_json(d)) == d.
nlohmann::json to_json(const ServiceDefinition& d);
nlohmann::json to_json(const FormField& f);
nlohmann::json i18n_json(const I18n& t);

// Parses every *.json file of `dir` (sorted by name). Reports unreadable files, malformed JSON
// (with line and column), invalid definitions and ids defined by more than one file.
// Checks of a definition against what it names outside itself, for check_directory.
struct DirectoryChecks {
  const std::set<std::string>* agencies = nullptr;  // when given, the owning agency must be one of them
  // When given, further problems of a definition that parsed (its file is the second argument).
  std::function<std::vector<DefinitionProblem>(const ServiceDefinition&, const std::string&)> more;
};

// Definitions without problems are appended to `out` when given. A definition that fails
// `checks` is a problem of its file (an unknown agency at /agency).
std::vector<DefinitionProblem> check_directory(const std::string& dir, std::vector<ServiceDefinition>* out,
                                               const DirectoryChecks& checks = {});

// The *.json files of `dir`, sorted by name (problems: not a directory, cannot list).
std::vector<std::string> json_files_in(const std::string& dir, std::vector<DefinitionProblem>& problems);

// One JSON file of at most `max_bytes`, refusing repeated keys in an object (which parsers would
// silently collapse) and reporting malformed JSON with its line and column.
std::optional<nlohmann::json> read_json_file(const std::string& file, std::vector<DefinitionProblem>& problems,
                                             std::size_t max_bytes);

// `count` realistic, valid, bilingual definitions, the same for the same seed.
std::vector<nlohmann::json> synth_definitions(int count, std::uint64_t seed);
// The registry schemas (data/registries format) that `defs` (from synth_definitions) name, so that
// a synthetic catalog can be approved as well as applied for: registries of any subject whose
// fields are all optional, and the reference registries of registry_ref fields.
std::vector<nlohmann::json> synth_registry_schemas(const std::vector<nlohmann::json>& defs);

}  // namespace darwaza::catalog
