#include "engagements/types.hpp"

namespace darwaza::engagements {

const char* to_string(Kind k) {
  switch (k) {
    case Kind::delegation: return "delegation";
    case Kind::meeting: return "meeting";
    case Kind::mou: return "mou";
    case Kind::agreement: return "agreement";
  }
  return "meeting";
}

const char* to_string(Stage s) {
  switch (s) {
    case Stage::announced: return "announced";
    case Stage::agreed: return "agreed";
    case Stage::pilot: return "pilot";
    case Stage::operational: return "operational";
    case Stage::stalled: return "stalled";
    case Stage::dropped: return "dropped";
  }
  return "announced";
}

bool parse_kind(std::string_view s, Kind& out) {
  for (Kind k : {Kind::delegation, Kind::meeting, Kind::mou, Kind::agreement}) {
    if (s == to_string(k)) { out = k; return true; }
  }
  return false;
}

bool parse_stage(std::string_view s, Stage& out) {
  for (Stage st : {Stage::announced, Stage::agreed, Stage::pilot, Stage::operational, Stage::stalled, Stage::dropped}) {
    if (s == to_string(st)) { out = st; return true; }
  }
  return false;
}

int main_line_index(Stage s) {
  switch (s) {
    case Stage::announced: return 0;
    case Stage::agreed: return 1;
    case Stage::pilot: return 2;
    case Stage::operational: return 3;
    default: return -1;
  }
}

}  // namespace darwaza::engagements
