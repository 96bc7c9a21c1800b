// ISO 3166-1 alpha-2 country codes with their English short names: the 249 officially
// assigned codes (iso-codes 4.15, ISO 3166 Maintenance Agency), no user-assigned codes such
// as XK. Codes are upper case; lookups are exact, so callers normalise case first.
#pragma once

#include <span>
#include <string_view>

namespace darwaza {

struct Country {
  std::string_view code;  // "PK"
  std::string_view name;  // ISO English short name, e.g. "Pakistan", "Korea, Republic of"
};

// Every assigned code, sorted by code (for pickers and for tests).
std::span<const Country> all_countries();
// True for an assigned upper-case alpha-2 code ("PK"); false for "pk", "XK", "".
bool valid_country(std::string_view code);
// The English name for an assigned code, or an empty view.
std::string_view country_name(std::string_view code);

}  // namespace darwaza
