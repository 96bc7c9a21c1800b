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

// Problems of `file` (the definition's file) at the definition's paths.
std::vector<catalog::DefinitionProblem> check_service_links(const catalog::ServiceDefinition& d, const std::string& file,
                                                            const SchemaLookup& schema_of);

}  // namespace darwaza::registries
