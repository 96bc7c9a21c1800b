// Pakistani rupees held exactly as integer paisa (1/100 rupee); never binary floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace darwaza {

// "2000.50" → 200050 paisa; nullopt when not a positive amount with at most 2 decimals.
std::optional<std::int64_t> parse_pkr(std::string_view s);
// 200050 → "2000.50"
std::string format_pkr(std::int64_t paisa);

}  // namespace darwaza
