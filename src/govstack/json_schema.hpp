// Darwaza's form fields (services' forms, registries' schemas) as JSON Schema, the shape GovStack
// APIs describe data with (Database API schemas, Registration eForms).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/types.hpp"

namespace darwaza::govstack {

nlohmann::json json_schema(const catalog::FormField& f);
// {"type": "object", "properties": {...}, "required": [...]}
nlohmann::json json_schema(const std::vector<catalog::FormField>& fields);

}  // namespace darwaza::govstack
