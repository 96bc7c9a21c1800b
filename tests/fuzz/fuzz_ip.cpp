// libFuzzer target: the strict IP/CIDR parser. Invariants: bounded input, a parsed range's
// canonical text parses back to the same range, first <= last, and is_public never crashes.
#include <cstdlib>

#include "core/ip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto parse : {&darwaza::parse_ip, &darwaza::parse_ip_or_cidr}) {
    auto r = parse(text);
    if (!r) continue;
    if (text.size() > darwaza::kMaxIpTextChars) std::abort();
    auto again = darwaza::parse_ip_or_cidr(r->canonical());
    if (!again || !(*again == *r)) std::abort();
    if (r->first > r->last) std::abort();
    (void)darwaza::is_public(*r);
  }
  return 0;
}
