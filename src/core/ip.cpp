#include "core/ip.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace darwaza {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

constexpr int kIpv4Bytes = 4;
constexpr int kIpv6Groups = 8;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decimal 0..max without leading zeros ("0" itself is fine); at most three digits.
std::optional<int> parse_small_decimal(std::string_view s, int max) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

// Exactly a.b.c.d, written into out[0..3].
bool parse_v4(std::string_view s, std::uint8_t* out) {
  for (int i = 0; i < kIpv4Bytes; ++i) {
    std::size_t dot = s.find('.');
    bool last = i == kIpv4Bytes - 1;
    if (last != (dot == std::string_view::npos)) return false;
    auto octet = parse_small_decimal(s.substr(0, dot), 255);
    if (!octet) return false;
    out[i] = static_cast<std::uint8_t>(*octet);
    if (!last) s.remove_prefix(dot + 1);
  }
  return true;
}

// Colon-separated hex groups; when allow_v4 is set the last token may be a dotted IPv4, which
// fills two groups. An empty part holds no groups. Returns false on any malformed token or
// when the part holds more than `room` groups.
bool parse_groups(std::string_view part, bool allow_v4, std::uint16_t* groups, int room, int& count) {
  count = 0;
  if (part.empty()) return true;
  while (true) {
    std::size_t colon = part.find(':');
    std::string_view token = part.substr(0, colon);
    bool last = colon == std::string_view::npos;
    if (last && allow_v4 && token.find('.') != std::string_view::npos) {
      if (count + 2 > room) return false;
      std::uint8_t v4[kIpv4Bytes];
      if (!parse_v4(token, v4)) return false;
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      return true;
    }
    if (token.empty() || token.size() > 4 || count + 1 > room) return false;
    unsigned v = 0;
    for (char c : token) {
      int h = hex_value(c);
      if (h < 0) return false;
      v = v << 4 | static_cast<unsigned>(h);
    }
    groups[count++] = static_cast<std::uint16_t>(v);
    if (last) return true;
    part.remove_prefix(colon + 1);
  }
}

bool parse_v6(std::string_view s, Bytes& out) {
  std::uint16_t head[kIpv6Groups] = {};
  std::uint16_t tail[kIpv6Groups] = {};
  int head_n = 0;
  int tail_n = 0;
  std::size_t gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(s, true, head, kIpv6Groups, head_n) || head_n != kIpv6Groups) return false;
  } else {
    std::string_view before = s.substr(0, gap);
    std::string_view after = s.substr(gap + 2);
    if (after.find("::") != std::string_view::npos) return false;
    // "::" stands for at least one zero group, so at most seven are written out.
    if (!parse_groups(before, false, head, kIpv6Groups - 1, head_n)) return false;
    if (!parse_groups(after, true, tail, kIpv6Groups - 1 - head_n, tail_n)) return false;
  }
  std::uint16_t groups[kIpv6Groups] = {};
  for (int i = 0; i < head_n; ++i) groups[i] = head[i];
  for (int i = 0; i < tail_n; ++i) groups[kIpv6Groups - tail_n + i] = tail[i];
  for (int i = 0; i < kIpv6Groups; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
  }
  return true;
}

std::optional<IpRange> parse_address(std::string_view s) {
  if (s.empty() || s.size() > kMaxIpTextChars) return std::nullopt;
  IpRange r;
  if (s.find(':') != std::string_view::npos) {
    if (!parse_v6(s, r.first)) return std::nullopt;
    r.family = 6;
    r.prefix = 128;
  } else {
    if (!parse_v4(s, r.first.data())) return std::nullopt;
    r.family = 4;
    r.prefix = 32;
  }
  r.last = r.first;
  return r;
}

// Clears the host bits of r.first and sets them in r.last for r.prefix.
void apply_prefix(IpRange& r) {
  int bytes = r.family == 4 ? kIpv4Bytes : 16;
  for (int i = 0; i < bytes; ++i) {
    int bits_here = r.prefix - 8 * i;  // network bits falling in this byte
    std::uint8_t mask = bits_here >= 8 ? 0xff : bits_here <= 0 ? 0x00 : static_cast<std::uint8_t>(0xff << (8 - bits_here));
    std::uint8_t addr = r.first[i];
    r.first[i] = addr & mask;
    r.last[i] = static_cast<std::uint8_t>(addr | static_cast<std::uint8_t>(~mask));
  }
}

void append_decimal(std::string& out, unsigned v) {
  char buf[4];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_v4(std::string& out, const std::uint8_t* b) {
  for (int i = 0; i < 4; ++i) {
    if (i) out += '.';
    append_decimal(out, b[i]);
  }
}

std::string v4_text(const std::uint8_t* b) {
  std::string out;
  append_v4(out, b);
  return out;
}

// RFC 5952: lower case, no leading zeros, "::" for the longest run (first on a tie) of two or
// more zero groups, IPv4-mapped addresses in mixed notation (section 5).
std::string v6_text(const Bytes& b) {
  std::uint16_t g[kIpv6Groups];
  for (int i = 0; i < kIpv6Groups; ++i) g[i] = static_cast<std::uint16_t>(b[2 * i] << 8 | b[2 * i + 1]);
  bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
  if (mapped) return "::ffff:" + v4_text(b.data() + 12);

  int best_start = -1;
  int best_len = 1;  // runs must be longer than this to be compressed
  for (int i = 0; i < kIpv6Groups;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < kIpv6Groups && g[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < kIpv6Groups; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

IpRange block(std::string_view cidr) {
  auto r = parse_ip_or_cidr(cidr);
  if (!r) throw std::logic_error("bad built-in CIDR block");  // programmer error, caught by tests
  return *r;
}

bool overlaps(const IpRange& a, const IpRange& b) {
  return a.family == b.family && a.first <= b.last && b.first <= a.last;
}

}  // namespace

std::string IpRange::canonical() const {
  std::string text;
  append_canonical(text);
  return text;
}

void IpRange::append_canonical(std::string& out) const {
  if (family == 4) append_v4(out, first.data());
  else out += v6_text(first);
  if (!is_host()) {
    out += '/';
    append_decimal(out, static_cast<unsigned>(prefix));
  }
}

std::optional<IpRange> parse_ip(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return std::nullopt;
  return parse_address(text);
}

std::optional<IpRange> parse_ip_or_cidr(std::string_view text) {
  if (text.size() > kMaxIpTextChars) return std::nullopt;
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return parse_address(text);
  auto r = parse_address(text.substr(0, slash));
  if (!r) return std::nullopt;
  auto prefix = parse_small_decimal(text.substr(slash + 1), r->family == 4 ? 32 : 128);
  if (!prefix) return std::nullopt;
  r->prefix = *prefix;
  apply_prefix(*r);
  return r;
}

bool is_public(const IpRange& range) {
  // IANA IPv4/IPv6 special-purpose address registries (RFC 6890 and successors), plus
  // multicast and the reserved 240/4. Anycast service blocks inside 192.0.0.0/24 and
  // 2001::/23 are treated as special as a whole: no applicant's endpoint lives there.
  static const IpRange kNotPublic[] = {
      block("0.0.0.0/8"),        // "this network"
      block("10.0.0.0/8"),       // private
      block("100.64.0.0/10"),    // CGNAT shared address space
      block("127.0.0.0/8"),      // loopback
      block("169.254.0.0/16"),   // link-local
      block("172.16.0.0/12"),    // private
      block("192.0.0.0/24"),     // IETF protocol assignments
      block("192.0.2.0/24"),     // TEST-NET-1 documentation
      block("192.88.99.0/24"),   // deprecated 6to4 relay anycast
      block("192.168.0.0/16"),   // private
      block("198.18.0.0/15"),    // benchmarking
      block("198.51.100.0/24"),  // TEST-NET-2 documentation
      block("203.0.113.0/24"),   // TEST-NET-3 documentation
      block("224.0.0.0/4"),      // multicast
      block("240.0.0.0/4"),      // reserved, including broadcast 255.255.255.255
      block("2001::/23"),        // IETF protocol assignments (Teredo, benchmarking, ORCHID ...)
      block("2001:db8::/32"),    // documentation
      block("2002::/16"),        // 6to4: stands for an IPv4 address
      block("3fff::/20"),        // documentation (RFC 9637)
  };
  if (range.family == 6) {
    // Only 2000::/3 is allocated as global unicast; everything else (::, ::1, ::ffff:0:0/96,
    // 64:ff9b::/96, 100::/64, fc00::/7, fe80::/10, ff00::/8 ...) lies outside it.
    if (range.first[0] < 0x20 || range.last[0] > 0x3f) return false;
  }
  for (const auto& b : kNotPublic)
    if (overlaps(range, b)) return false;
  return true;
}

}  // namespace darwaza
