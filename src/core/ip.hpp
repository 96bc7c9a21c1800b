// Strict IPv4/IPv6 address and CIDR parsing, canonical text (RFC 5952 for IPv6) and the
// "is this publicly routable" test the VPN registration relies on. Nothing here calls
// inet_pton: its accepted forms vary by libc (octal "010", short "1.2.3", zone ids), and an
// address registry must store one spelling per range.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace darwaza {

// No valid address or CIDR text is longer than this:
// "0000:0000:0000:0000:0000:0000:255.255.255.255/128" is 49 characters. Longer input is
// refused before any parsing, so work is bounded whatever the caller passes in.
constexpr std::size_t kMaxIpTextChars = 49;

// A single address (prefix 32 or 128) or a CIDR block.
//
// Layout: bytes are in network order. An IPv4 range uses bytes 0..3 and leaves 4..15 zero, so
// prefix bits count from byte 0 for both families. "::ffff:1.2.3.4" is an IPv6 address
// (family 6, IPv4-mapped) and stays one: it is never folded into 1.2.3.4.
struct IpRange {
  int family = 4;                         // 4 or 6
  std::array<std::uint8_t, 16> first{};   // network address
  std::array<std::uint8_t, 16> last{};    // last address of the block (== first for a host)
  int prefix = 32;                        // 0..32 for IPv4, 0..128 for IPv6

  // "203.0.113.7", "198.51.100.0/24", "2001:db8::1", "2001:db8::/32", "::ffff:1.2.3.4".
  // The full-length prefix is left out, so "1.2.3.4/32" and "1.2.3.4" read the same.
  std::string canonical() const;
  // Appends canonical() to `out` (without a temporary string for IPv4).
  void append_canonical(std::string& out) const;
  bool is_host() const { return prefix == (family == 4 ? 32 : 128); }

  friend bool operator==(const IpRange&, const IpRange&) = default;
};

// One address, no prefix. Accepted:
//   IPv4: exactly four decimal octets 0..255, no leading zeros ("010" is refused: inet_aton
//         reads it as octal 8), no whitespace, no shortened forms ("1.2.3", "0x7f.1").
//   IPv6: RFC 4291 text: up to eight 1-4 digit hex groups (case-insensitive), at most one
//         "::", optionally ending in a dotted IPv4 (same rules as above). No zone id
//         ("%eth0"), no brackets.
std::optional<IpRange> parse_ip(std::string_view text);

// An address or "address/prefix". The prefix is decimal without leading zeros, at most 32 or
// 128. Host bits set below the prefix are accepted and cleared: "10.0.0.1/24" yields the
// network 10.0.0.0/24, whose canonical() text is what callers store and show back, so the
// applicant sees the block that was actually registered.
std::optional<IpRange> parse_ip_or_cidr(std::string_view text);

// True only when every address in the range is globally routable unicast: false when any
// part of it lies in a private, loopback, link-local, multicast, unspecified, documentation,
// benchmarking, CGNAT (100.64.0.0/10), reserved, unique-local (fc00::/7) or other
// special-purpose block (IANA special-purpose registries). IPv6 counts as public only inside
// global unicast 2000::/3. Addresses that merely stand for an IPv4 address (::ffff:0:0/96,
// NAT64 64:ff9b::/96, 6to4 2002::/16) are not public: the applicant registers the IPv4
// address itself.
bool is_public(const IpRange& range);

}  // namespace darwaza
