// Registry schema files: the strict parser (every problem with its JSON pointer, as for service
// definitions), the writer, a directory checker, and seed files of reference records.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/definition.hpp"
#include "core/result.hpp"
#include "registries/types.hpp"

namespace darwaza::registries {

constexpr std::size_t kMaxSchemaFileBytes = 1024 * 1024;
constexpr std::size_t kMaxSeedFileBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxSchemaFields = 200;
constexpr std::size_t kMaxUniqueKeys = 10;
constexpr int kMaxValidityDays = 36500;

using catalog::DefinitionProblem;

Result<Schema> parse_schema(const nlohmann::json& j, const std::string& file, std::vector<DefinitionProblem>& problems);
nlohmann::json to_json(const Schema& s);

// A schema with its seed records (read from the seed file it names).
struct SchemaFile {
  Schema schema;
  std::vector<nlohmann::json> seed;  // each {"key": ..., field: value, ...}
};

// Parses every *.json schema in `dir` and the seed files they name. Reports each problem with
// file and pointer; registries defined twice; seeds whose "registry" does not match.
std::vector<DefinitionProblem> check_registry_directory(const std::string& dir, std::vector<SchemaFile>* out);

// Fields of a registry that the public never sees, whatever the schema says.
bool personal_type(catalog::FieldType t);

}  // namespace darwaza::registries
