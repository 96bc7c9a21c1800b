// Which address a request comes from, when load balancers stand between clients and the node.
// Behind a balancer every connection's peer is the balancer, so per-client limits (login
// throttling, the request-rate limit) would be one budget for the whole country. A node told
// which peers are its proxies (serve --trusted-proxy) takes the client's address from the
// X-Forwarded-For those proxies append, and from no one else.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.hpp"
#include "core/result.hpp"

namespace darwaza::http {

// Trusted proxy ranges a node accepts; each rule of X-Forwarded-For reading is in client_address.
constexpr std::size_t kMaxTrustedProxies = 64;
// X-Forwarded-For entries read from the right, at most: the chain of proxies a request crosses
// is short, and a longer header costs no more than this to read.
constexpr std::size_t kMaxForwardedHops = 16;

class TrustedProxies {
 public:
  // Addresses or CIDR blocks ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"). Refused with a
  // message naming the entry: text that is not one, a /0 block (it would let every client choose
  // its own address), more than kMaxTrustedProxies.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  bool empty() const { return ranges_.empty(); }
  bool contains(const IpRange& address) const;
  const std::vector<IpRange>& ranges() const { return ranges_; }

 private:
  std::vector<IpRange> ranges_;
};

// The client's address, canonical (core/ip.hpp), for a request whose connection comes from
// `peer` and whose X-Forwarded-For header lines are `forwarded_for`, in the order received.
// - A peer that is not a trusted proxy is the client: its X-Forwarded-For is the client's own
//   claim and is ignored.
// - Otherwise the entries are read from the right (each proxy appends the address it saw), and
//   the first one that is not itself a trusted proxy is the client. When every entry is a
//   trusted proxy, the leftmost is.
// - An entry that is not an address (garbage, "unknown", an obfuscated name) ends the walk: the
//   client is the last trusted hop before it, since no proxy vouched for anything further left.
//   So is a chain longer than kMaxForwardedHops, and a peer with no X-Forwarded-For at all.
// Entries may carry a port ("203.0.113.7:5123", "[2001:db8::1]:443") or IPv6 brackets, as some
// proxies write them; the port is dropped.
std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                           const TrustedProxies& proxies);

// The key per-client limits count a client address under: the address itself for IPv4, its /64
// for IPv6 ("2001:db8:1:2::/64"), since one IPv6 subscriber is given a whole /64 and could
// otherwise take a fresh budget with each of its addresses. Text that is not an address is its
// own key.
std::string client_key(std::string_view client);

// One X-Forwarded-For entry as an address, or nothing (exposed for the fuzzer and tests).
std::optional<IpRange> parse_forwarded_entry(std::string_view entry);

}  // namespace darwaza::http
