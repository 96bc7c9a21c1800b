// libFuzzer target: the service-definition loader. Any JSON text either fails with problems
// or yields a definition that survives the round trip parse(to_json(d)) == d.
#include <cstdlib>

#include "catalog/definition.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  std::vector<darwaza::catalog::DefinitionProblem> problems;
  auto d = darwaza::catalog::parse_definition(j, "fuzz.json", problems);
  if (!d.ok()) {
    if (problems.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  std::vector<darwaza::catalog::DefinitionProblem> again_problems;
  auto again = darwaza::catalog::parse_definition(darwaza::catalog::to_json(*d), "fuzz.json", again_problems);
  if (!again.ok() || !(*again == *d)) std::abort();
  return 0;
}
