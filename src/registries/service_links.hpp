// What a service definition needs of the registries, checked before it is loaded: the registry
// an approval writes to (and how its fields are filled), and the registries its registry_ref
// fields name. A definition that fails these checks could be applied for but never approved.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/definition.hpp"
#include "registries/types.hpp"

namespace darwaza::registries {

// The schema of a registry by name, or nullptr when there is none.
using SchemaLookup = std::function<const Schema*(const std::string&)>;

// What check_service_links makes of a registry that does not exist: a problem (a folder of
// schemas checked with the definitions), or nothing (a database the registry may be loaded into
// after the catalog: the caller warns, from registries_named).
enum class MissingRegistry { problem, allowed };

// Problems of `file` (the definition's file) at the definition's paths.
std::vector<catalog::DefinitionProblem> check_service_links(const catalog::ServiceDefinition& d, const std::string& file,
                                                            const SchemaLookup& schema_of,
                                                            MissingRegistry missing = MissingRegistry::problem);

// The registries a definition names: the one its approvals write to, and its registry_ref fields'.
std::vector<std::string> registries_named(const catalog::ServiceDefinition& d);

}  // namespace darwaza::registries
