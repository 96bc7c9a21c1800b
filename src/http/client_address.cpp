#include "http/client_address.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace darwaza::http {
namespace {

Error bad_proxy(std::string detail) {
  return make_error(ErrorKind::invalid_request, "bad-trusted-proxy", "Bad trusted proxy", std::move(detail));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "::ffff:a.b.c.d" as a.b.c.d: how a dual-stack socket reports an IPv4 peer (and a dual-stack
// proxy may write one), so that an IPv4 proxy range matches it and one client has one key.
IpRange unmapped(IpRange a) {
  if (a.family != 6 || !a.is_host()) return a;
  for (int i = 0; i < 10; ++i)
    if (a.first[i] != 0) return a;
  if (a.first[10] != 0xff || a.first[11] != 0xff) return a;
  IpRange v4;
  std::copy(a.first.begin() + 12, a.first.end(), v4.first.begin());
  v4.last = v4.first;
  return v4;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  if (entries.size() > kMaxTrustedProxies)
    return bad_proxy(fmt::format("at most {} trusted proxy ranges; {} given", kMaxTrustedProxies, entries.size()));
  TrustedProxies out;
  for (const auto& e : entries) {
    auto text = trim(e);
    auto r = parse_ip_or_cidr(text);
    if (!r) return bad_proxy(fmt::format("'{}' is not an IPv4 or IPv6 address or CIDR block", text.substr(0, 64)));
    if (r->prefix == 0)
      return bad_proxy(fmt::format("'{}' trusts every address: any client could choose the address it is counted "
                                   "under; name the load balancers' own addresses",
                                   text));
    out.ranges_.push_back(*r);
  }
  return out;
}

bool TrustedProxies::contains(const IpRange& a) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const IpRange& r) {
    return r.family == a.family && a.first >= r.first && a.last <= r.last;
  });
}

std::optional<IpRange> parse_forwarded_entry(std::string_view entry) {
  entry = trim(entry);
  if (entry.size() > kMaxIpTextChars + 8) return std::nullopt;  // "[v6]:65535" at most
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = entry.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() == 1 ||
                          !std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; })))
      return std::nullopt;
    auto a = parse_ip(entry.substr(1, close - 1));
    return a && a->family == 6 ? a : std::nullopt;
  }
  // One colon: IPv4 with a port. More: IPv6 without brackets (no port can be told apart).
  if (auto colon = entry.find(':'); colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    auto port = entry.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    auto a = parse_ip(entry.substr(0, colon));
    return a && a->family == 4 ? a : std::nullopt;
  }
  return parse_ip(entry);
}

std::string client_key(std::string_view client) {
  constexpr int kSubscriberPrefix = 64;
  auto a = parse_ip(client);
  if (!a || a->family != 6) return std::string(client);
  IpRange block = unmapped(*a);
  if (block.family == 4) return block.canonical();
  std::fill(block.first.begin() + kSubscriberPrefix / 8, block.first.end(), 0);
  block.last = block.first;
  std::fill(block.last.begin() + kSubscriberPrefix / 8, block.last.end(), 0xff);
  block.prefix = kSubscriberPrefix;
  return block.canonical();
}

std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                           const TrustedProxies& proxies) {
  if (proxies.empty()) return std::string(peer);
  auto hop = parse_ip(peer);
  if (!hop) return std::string(peer);
  *hop = unmapped(*hop);
  if (!proxies.contains(*hop)) return hop->canonical();
  std::size_t read = 0;
  for (auto line = forwarded_for.rbegin(); line != forwarded_for.rend(); ++line) {
    std::string_view rest = *line;
    while (true) {
      auto comma = rest.rfind(',');
      std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      if (++read > kMaxForwardedHops) return hop->canonical();
      auto next = parse_forwarded_entry(entry);
      if (!next) return hop->canonical();
      *hop = unmapped(*next);
      if (!proxies.contains(*hop)) return hop->canonical();
      if (comma == std::string_view::npos) break;
      rest = rest.substr(0, comma);
    }
  }
  return hop->canonical();
}

}  // namespace darwaza::http
