#include "indicators/types.hpp"

namespace darwaza::indicators {

const char* to_string(Frequency f) {
  switch (f) {
    case Frequency::monthly: return "monthly";
    case Frequency::quarterly: return "quarterly";
    case Frequency::annual: return "annual";
  }
  return "monthly";
}

const char* to_string(Aggregation a) { return a == Aggregation::sum ? "sum" : "level"; }

bool parse_frequency(std::string_view s, Frequency& out) {
  for (Frequency f : {Frequency::monthly, Frequency::quarterly, Frequency::annual}) {
    if (s == to_string(f)) { out = f; return true; }
  }
  return false;
}

bool parse_aggregation(std::string_view s, Aggregation& out) {
  for (Aggregation a : {Aggregation::sum, Aggregation::level}) {
    if (s == to_string(a)) { out = a; return true; }
  }
  return false;
}

}  // namespace darwaza::indicators
