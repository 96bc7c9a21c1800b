#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "core/ip.hpp"
#include "registries/ip_index.hpp"

using namespace darwaza;
using namespace darwaza::registries;

namespace {

IpRange range(std::string_view cidr) {
  auto r = parse_ip_or_cidr(cidr);
  if (!r) throw std::invalid_argument("bad test CIDR " + std::string(cidr));
  return *r;
}

IpEntry entry(std::string id, std::string_view cidr, std::string valid_until = "") {
  return IpEntry{std::move(id), range(cidr), std::move(valid_until)};
}

// Record ids of the matches, in the order the index returned them.
std::vector<std::string> ids(const IpIndex& index, std::string_view address) {
  std::vector<const IpEntry*> hits;
  index.lookup(range(address), hits);
  std::vector<std::string> out;
  for (const IpEntry* e : hits) out.push_back(e->record_id);
  return out;
}

std::vector<std::string> ids(const LiveIpIndex& index, std::string_view address) {
  std::vector<std::string> out;
  for (const IpEntry& e : index.lookup(range(address))) out.push_back(e.record_id);
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST(IpIndex, EmptyIndexMatchesNothing) {
  IpIndex index = IpIndex::build({});
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(ids(index, "1.2.3.4"), Ids{});
  EXPECT_EQ(ids(index, "2001:db8::1"), Ids{});
  EXPECT_EQ(ids(IpIndex{}, "0.0.0.0"), Ids{});
}

TEST(IpIndex, Ipv4BoundariesAreExact) {
  IpIndex index = IpIndex::build({entry("a", "10.1.2.0/24")});
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(ids(index, "10.1.2.0"), Ids{"a"});
  EXPECT_EQ(ids(index, "10.1.2.255"), Ids{"a"});
  EXPECT_EQ(ids(index, "10.1.2.77"), Ids{"a"});
  EXPECT_EQ(ids(index, "10.1.1.255"), Ids{});
  EXPECT_EQ(ids(index, "10.1.3.0"), Ids{});
  EXPECT_EQ(ids(index, "0.0.0.0"), Ids{});
  EXPECT_EQ(ids(index, "255.255.255.255"), Ids{});
}

TEST(IpIndex, Ipv6BoundariesAreExact) {
  IpIndex index = IpIndex::build({entry("a", "2001:db8:1::/48")});
  EXPECT_EQ(ids(index, "2001:db8:1::"), Ids{"a"});
  EXPECT_EQ(ids(index, "2001:db8:1:ffff:ffff:ffff:ffff:ffff"), Ids{"a"});
  EXPECT_EQ(ids(index, "2001:db8:0:ffff:ffff:ffff:ffff:ffff"), Ids{});
  EXPECT_EQ(ids(index, "2001:db8:2::"), Ids{});
  EXPECT_EQ(ids(index, "::"), Ids{});
  EXPECT_EQ(ids(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Ids{});
}

TEST(IpIndex, AdjacentBlocksDoNotBleed) {
  IpIndex index = IpIndex::build({entry("low", "198.18.0.0/25"), entry("high", "198.18.0.128/25")});
  EXPECT_EQ(ids(index, "198.18.0.127"), Ids{"low"});
  EXPECT_EQ(ids(index, "198.18.0.128"), Ids{"high"});
  EXPECT_EQ(ids(index, "198.18.1.0"), Ids{});
}

TEST(IpIndex, NestedBlocksReturnEveryCoveringEntryMostSpecificFirst) {
  IpIndex index = IpIndex::build({
      entry("slash8", "10.0.0.0/8"),
      entry("host", "10.1.2.3"),
      entry("slash24", "10.1.2.0/24"),
      entry("slash16", "10.1.0.0/16"),
      entry("tail24", "10.255.255.0/24"),  // ends where the /8 ends
  });
  EXPECT_EQ(ids(index, "10.1.2.3"), (Ids{"host", "slash24", "slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.1.2.2"), (Ids{"slash24", "slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.1.2.4"), (Ids{"slash24", "slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.1.3.0"), (Ids{"slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.1.255.255"), (Ids{"slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.2.0.0"), Ids{"slash8"});
  EXPECT_EQ(ids(index, "10.255.255.255"), (Ids{"tail24", "slash8"}));
  EXPECT_EQ(ids(index, "10.255.254.255"), Ids{"slash8"});
  EXPECT_EQ(ids(index, "11.0.0.0"), Ids{});
  EXPECT_EQ(ids(index, "9.255.255.255"), Ids{});
}

TEST(IpIndex, SameBlockRegisteredTwiceReturnsBothInBuildOrder) {
  IpIndex index = IpIndex::build({
      entry("first", "203.0.113.0/24"),
      entry("other", "203.0.113.64/26"),
      entry("second", "203.0.113.0/24", "2027-01-31"),
      entry("first", "2001:db8::/32"),  // one record, two families
  });
  EXPECT_EQ(ids(index, "203.0.113.1"), (Ids{"first", "second"}));
  EXPECT_EQ(ids(index, "203.0.113.64"), (Ids{"other", "first", "second"}));
  EXPECT_EQ(ids(index, "2001:db8::5"), Ids{"first"});

  std::vector<const IpEntry*> hits;
  index.lookup(range("203.0.113.200"), hits);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1]->valid_until, "2027-01-31");  // carried through, not judged
  EXPECT_EQ(hits[1]->range.canonical(), "203.0.113.0/24");
}

TEST(IpIndex, LookupAppendsToOutput) {
  IpIndex index = IpIndex::build({entry("a", "192.0.2.0/24")});
  std::vector<const IpEntry*> hits;
  index.lookup(range("192.0.2.1"), hits);
  index.lookup(range("192.0.2.2"), hits);
  EXPECT_EQ(hits.size(), 2u);
}

TEST(IpIndex, Ipv4AndIpv6AreSeparateSpaces) {
  IpIndex index = IpIndex::build({
      entry("v4", "1.2.3.0/24"),
      entry("v4-all", "0.0.0.0/0"),
      entry("mapped", "::ffff:1.2.3.0/120"),
  });
  EXPECT_EQ(ids(index, "1.2.3.4"), (Ids{"v4", "v4-all"}));
  EXPECT_EQ(ids(index, "::ffff:1.2.3.4"), Ids{"mapped"});
  EXPECT_EQ(ids(index, "::ffff:1.2.4.4"), Ids{});
  // The IPv4 key 0x01020304 must not be mistaken for the IPv6 address ::102:304 or vice versa.
  EXPECT_EQ(ids(index, "::102:304"), Ids{});
  EXPECT_EQ(ids(index, "1.2.3.0"), (Ids{"v4", "v4-all"}));

  IpIndex v6_only = IpIndex::build({entry("v6-all", "::/0")});
  EXPECT_EQ(ids(v6_only, "1.2.3.4"), Ids{});
  EXPECT_EQ(ids(v6_only, "0.0.0.0"), Ids{});
  EXPECT_EQ(ids(v6_only, "::ffff:1.2.3.4"), Ids{"v6-all"});
}

TEST(IpIndex, SlashZeroAndHostsAtTheEdgesOfTheSpace) {
  IpIndex index = IpIndex::build({
      entry("v4-all", "0.0.0.0/0"),
      entry("v4-bottom", "0.0.0.0"),
      entry("v4-top", "255.255.255.255"),
      entry("v6-all", "::/0"),
      entry("v6-bottom", "::"),
      entry("v6-top", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
  });
  EXPECT_EQ(ids(index, "0.0.0.0"), (Ids{"v4-bottom", "v4-all"}));
  EXPECT_EQ(ids(index, "0.0.0.1"), Ids{"v4-all"});
  EXPECT_EQ(ids(index, "255.255.255.254"), Ids{"v4-all"});
  EXPECT_EQ(ids(index, "255.255.255.255"), (Ids{"v4-top", "v4-all"}));
  EXPECT_EQ(ids(index, "::"), (Ids{"v6-bottom", "v6-all"}));
  EXPECT_EQ(ids(index, "::1"), Ids{"v6-all"});
  EXPECT_EQ(ids(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), Ids{"v6-all"});
  EXPECT_EQ(ids(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), (Ids{"v6-top", "v6-all"}));
}

TEST(IpIndex, SingleHosts) {
  IpIndex index = IpIndex::build({entry("h4", "198.51.100.7"), entry("h6", "2001:db8::7")});
  EXPECT_EQ(ids(index, "198.51.100.7"), Ids{"h4"});
  EXPECT_EQ(ids(index, "198.51.100.6"), Ids{});
  EXPECT_EQ(ids(index, "198.51.100.8"), Ids{});
  EXPECT_EQ(ids(index, "2001:db8::7"), Ids{"h6"});
  EXPECT_EQ(ids(index, "2001:db8::6"), Ids{});
  EXPECT_EQ(ids(index, "2001:db8::8"), Ids{});
}

TEST(IpIndex, BlockQueryMatchesOnlyEntriesCoveringTheWholeBlock) {
  IpIndex index = IpIndex::build({
      entry("slash8", "10.0.0.0/8"),
      entry("slash16", "10.1.0.0/16"),
      entry("slash24", "10.1.2.0/24"),
  });
  EXPECT_EQ(ids(index, "10.1.0.0/16"), (Ids{"slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.1.2.0/23"), (Ids{"slash16", "slash8"}));
  EXPECT_EQ(ids(index, "10.0.0.0/7"), Ids{});
}

TEST(IpIndex, MalformedRangesAreRefused) {
  IpEntry bad_family = entry("x", "10.0.0.0/8");
  bad_family.range.family = 5;
  EXPECT_THROW(IpIndex::build({bad_family}), std::invalid_argument);

  IpEntry bad_prefix = entry("x", "10.0.0.0/8");
  bad_prefix.range.prefix = 33;
  EXPECT_THROW(IpIndex::build({bad_prefix}), std::invalid_argument);

  IpEntry host_bits = entry("x", "10.0.0.0/8");
  host_bits.range.first[3] = 1;
  EXPECT_THROW(IpIndex::build({host_bits}), std::invalid_argument);

  IpEntry wrong_last = entry("x", "2001:db8::/32");
  wrong_last.range.last[15] = 0;
  EXPECT_THROW(IpIndex::build({wrong_last}), std::invalid_argument);
}

// ---- LiveIpIndex ----------------------------------------------------------------------------

TEST(LiveIpIndex, StartsEmpty) {
  LiveIpIndex live;
  EXPECT_EQ(ids(live, "1.2.3.4"), Ids{});
  EXPECT_EQ(live.stats().base_entries, 0u);
  live.remove("nobody");  // not an error
  EXPECT_EQ(ids(live, "1.2.3.4"), Ids{});
}

TEST(LiveIpIndex, PutReplaceAndRemove) {
  LiveIpIndex live;
  live.replace_all({entry("base", "10.0.0.0/8"), entry("moved", "172.16.0.0/12"), entry("gone", "192.0.2.0/24")});
  EXPECT_EQ(ids(live, "172.16.5.5"), Ids{"moved"});

  // A new record lands in the delta; results from base and delta stay most specific first.
  live.put("new", {entry("ignored-id", "10.1.0.0/16"), entry("", "2001:db8::/32")});
  EXPECT_EQ(ids(live, "10.1.2.3"), (Ids{"new", "base"}));
  EXPECT_EQ(ids(live, "2001:db8::1"), Ids{"new"});

  // Replacing a base record hides its old ranges.
  live.put("moved", {entry("moved", "198.18.0.0/15", "2026-12-31")});
  EXPECT_EQ(ids(live, "172.16.5.5"), Ids{});
  auto hits = live.lookup(range("198.19.0.1"));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].record_id, "moved");
  EXPECT_EQ(hits[0].valid_until, "2026-12-31");

  // Replacing a delta record.
  live.put("new", {entry("new", "10.2.0.0/16")});
  EXPECT_EQ(ids(live, "10.1.2.3"), Ids{"base"});
  EXPECT_EQ(ids(live, "10.2.2.3"), (Ids{"new", "base"}));
  EXPECT_EQ(ids(live, "2001:db8::1"), Ids{});

  live.remove("gone");
  live.remove("new");
  EXPECT_EQ(ids(live, "192.0.2.1"), Ids{});
  EXPECT_EQ(ids(live, "10.2.2.3"), Ids{"base"});

  // Removed, then registered again.
  live.put("gone", {entry("gone", "192.0.2.128/25")});
  EXPECT_EQ(ids(live, "192.0.2.1"), Ids{});
  EXPECT_EQ(ids(live, "192.0.2.129"), Ids{"gone"});

  auto stats = live.stats();
  EXPECT_EQ(stats.base_entries, 3u);
  EXPECT_EQ(stats.delta_entries, 2u);  // moved, gone
  EXPECT_EQ(stats.changed_records, 3u);
  EXPECT_EQ(stats.merges, 0u);
}

TEST(LiveIpIndex, BadPutLeavesIndexUnchanged) {
  LiveIpIndex live;
  live.put("a", {entry("a", "10.0.0.0/8")});
  IpEntry bad = entry("a", "11.0.0.0/8");
  bad.range.prefix = 40;
  EXPECT_THROW(live.put("a", {entry("a", "12.0.0.0/8"), bad}), std::invalid_argument);
  EXPECT_EQ(ids(live, "10.0.0.1"), Ids{"a"});
  EXPECT_EQ(ids(live, "12.0.0.1"), Ids{});
}

TEST(LiveIpIndex, ReplaceAllDropsPendingChanges) {
  LiveIpIndex live;
  live.put("a", {entry("a", "10.0.0.0/8")});
  live.replace_all({entry("b", "10.0.0.0/8")});
  EXPECT_EQ(ids(live, "10.0.0.1"), Ids{"b"});
  EXPECT_EQ(live.stats().delta_entries, 0u);
  EXPECT_EQ(live.stats().changed_records, 0u);
}

TEST(LiveIpIndex, DeltaMergesIntoBasePastThreshold) {
  LiveIpIndex live;
  live.replace_all({entry("keep", "100.0.0.0/8"), entry("replace", "101.0.0.0/8"), entry("drop", "102.0.0.0/8")});
  live.put("replace", {entry("replace", "103.0.0.0/8")});
  live.remove("drop");
  std::size_t records = LiveIpIndex::kMaxDeltaEntries;  // each adds one entry and one changed id
  for (std::size_t i = 0; i < records; ++i) {
    std::string ip = "20." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24";
    live.put("r" + std::to_string(i), {entry("", ip)});
  }
  auto stats = live.stats();
  EXPECT_GE(stats.merges, 1u);
  EXPECT_LE(stats.delta_entries + stats.changed_records, LiveIpIndex::kMaxDeltaEntries);
  EXPECT_GT(stats.base_entries, 3u);

  EXPECT_EQ(ids(live, "100.1.1.1"), Ids{"keep"});
  EXPECT_EQ(ids(live, "101.1.1.1"), Ids{});
  EXPECT_EQ(ids(live, "103.1.1.1"), Ids{"replace"});
  EXPECT_EQ(ids(live, "102.1.1.1"), Ids{});
  for (std::size_t i = 0; i < records; i += 97) {
    std::string ip = "20." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".9";
    EXPECT_EQ(ids(live, ip), Ids{"r" + std::to_string(i)}) << ip;
  }
  // Changes after the merge are seen too, including on merged records.
  live.remove("r0");
  live.put("keep", {entry("keep", "104.0.0.0/8")});
  EXPECT_EQ(ids(live, "20.0.0.1"), Ids{});
  EXPECT_EQ(ids(live, "100.1.1.1"), Ids{});
  EXPECT_EQ(ids(live, "104.1.1.1"), Ids{"keep"});
}

TEST(LiveIpIndex, ChangedBaseRecordIsHiddenInEveryBlockItHadUntilAndAfterAMerge) {
  LiveIpIndex live;
  // "multi" has three base entries, one sharing a block with "other"; "other" must stay.
  live.replace_all({entry("other", "10.1.0.0/16"), entry("multi", "10.1.0.0/16"), entry("multi", "10.2.3.0/24"),
                    entry("multi", "2001:db8::/48"), entry("outer", "10.0.0.0/8")});
  EXPECT_EQ(ids(live, "10.1.2.3"), (Ids{"other", "multi", "outer"}));

  live.put("multi", {entry("multi", "10.1.0.0/16")});  // same block again, now from the delta
  EXPECT_EQ(ids(live, "10.1.2.3"), (Ids{"other", "multi", "outer"}));  // for one block, the base's first
  EXPECT_EQ(ids(live, "10.2.3.4"), Ids{"outer"});
  EXPECT_EQ(ids(live, "2001:db8::1"), Ids{});
  EXPECT_EQ(live.stats().changed_records, 1u);

  live.remove("multi");
  EXPECT_EQ(live.stats().delta_entries, 0u);  // only hidden entries, nothing to search in the delta
  EXPECT_EQ(ids(live, "10.1.2.3"), (Ids{"other", "outer"}));
  EXPECT_EQ(ids(live, "2001:db8::1"), Ids{});

  // Past the threshold the hidden entries are dropped for good and the bits start afresh.
  for (std::size_t i = 0; live.stats().merges == 0; ++i)
    live.put("fill" + std::to_string(i),
             {entry("", "20." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24")});
  EXPECT_EQ(live.stats().changed_records, 0u);
  EXPECT_EQ(ids(live, "10.1.2.3"), (Ids{"other", "outer"}));
  EXPECT_EQ(ids(live, "10.2.3.4"), Ids{"outer"});
  EXPECT_EQ(ids(live, "2001:db8::1"), Ids{});

  // Entries of the merged base are hidden by position in the new base, not the old one.
  live.put("multi", {entry("multi", "2001:db8::/48")});
  live.remove("other");
  EXPECT_EQ(ids(live, "10.1.2.3"), Ids{"outer"});
  EXPECT_EQ(ids(live, "2001:db8::1"), Ids{"multi"});
  EXPECT_EQ(ids(live, "20.0.0.1"), Ids{"fill0"});
}

TEST(LiveIpIndex, RecordIdsWithTheSameHashAreToldApart) {
  // Base entries are found by a 32-bit hash of their record id; find two ids that share one.
  std::map<std::uint32_t, std::string> seen;
  std::string a, b;
  for (std::size_t i = 0; a.empty(); ++i) {
    std::string id = "rec-" + std::to_string(i);
    auto [it, fresh] = seen.emplace(static_cast<std::uint32_t>(std::hash<std::string_view>{}(id)), id);
    if (!fresh) std::tie(a, b) = std::pair(it->second, id);
  }
  LiveIpIndex live;
  live.replace_all({entry(a, "10.0.0.0/8"), entry(b, "10.0.0.0/8"), entry(b, "11.0.0.0/8")});
  live.remove(a);
  EXPECT_EQ(ids(live, "10.0.0.1"), Ids{b});
  EXPECT_EQ(ids(live, "11.0.0.1"), Ids{b});
  live.put(b, {entry(b, "12.0.0.0/8")});
  EXPECT_EQ(ids(live, "10.0.0.1"), Ids{});
  EXPECT_EQ(ids(live, "11.0.0.1"), Ids{});
  EXPECT_EQ(ids(live, "12.0.0.1"), Ids{b});
}

TEST(LiveIpIndex, ReadersSeeConsistentSnapshotsWhileWritersChange) {
  LiveIpIndex live;
  live.replace_all({entry("anchor", "10.0.0.0/8")});
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  auto reader = [&] {
    while (!done.load()) {
      auto hits = live.lookup(range("10.0.0.1"));
      if (hits.empty() || hits.back().record_id != "anchor") bad.fetch_add(1);
    }
  };
  std::thread r1(reader), r2(reader);
  // Each put adds one entry and one changed id, so this passes the merge threshold.
  for (std::size_t i = 0; i < LiveIpIndex::kMaxDeltaEntries / 2 + 100; ++i)
    live.put("w" + std::to_string(i), {entry("", "10." + std::to_string(i % 200) + ".0.0/16")});
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GE(live.stats().merges, 1u);
}

// ---- Randomised comparison with a brute-force scan ---------------------------------------

namespace {

bool covers(const IpRange& r, const IpRange& address) {
  return r.family == address.family && r.first <= address.first && address.first <= r.last;
}

std::vector<const IpEntry*> brute_force(const std::vector<IpEntry>& entries, const IpRange& address) {
  std::vector<const IpEntry*> out;
  for (const IpEntry& e : entries)
    if (covers(e.range, address)) out.push_back(&e);
  return out;
}

// Ranges crowded into small windows of each space so that they nest, repeat and touch often.
class RandomRanges {
 public:
  explicit RandomRanges(std::uint32_t seed) : rng_(seed) {}

  IpRange address(int family) {
    IpRange r;
    r.family = family;
    r.prefix = family == 4 ? 32 : 128;
    bool wide = pick(0, 19) == 0;  // now and then, anywhere in the space
    if (family == 4) {
      r.first = {10, 20, 0, 0};
      for (int i = wide ? 0 : 2; i < 4; ++i) r.first[i] = byte();
    } else {
      r.first = {0x20, 0x01, 0x0d, 0xb8};
      for (int i = wide ? 0 : 13; i < 16; ++i) r.first[i] = byte();
      if (!wide) r.first[13] &= 0x03;
    }
    r.last = r.first;
    return r;
  }

  IpRange block(int family) {
    IpRange host = address(family);
    int bits = family == 4 ? 32 : 128;
    int prefix = pick(0, 9) == 0 ? pick(0, bits) : pick(bits - 16, bits);
    return range(host.canonical() + "/" + std::to_string(prefix));
  }

  int family() { return pick(0, 2) == 0 ? 6 : 4; }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  std::uint8_t byte() { return static_cast<std::uint8_t>(pick(0, 255)); }
  std::mt19937 rng_;
};

// Addresses around one range's edges.
std::vector<IpRange> edges(const IpRange& r) {
  IpRange first = r, last = r;
  first.last = first.first;
  last.first = last.last;
  first.prefix = last.prefix = r.family == 4 ? 32 : 128;
  std::vector<IpRange> out{first, last};
  int top = r.family == 4 ? 3 : 15;
  IpRange before = first;
  int i = top;
  while (i >= 0 && before.first[i] == 0) before.first[i--] = 0xff;
  if (i >= 0) {
    --before.first[i];
    before.last = before.first;
    out.push_back(before);
  }
  IpRange after = last;
  i = top;
  while (i >= 0 && after.first[i] == 0xff) after.first[i--] = 0;
  if (i >= 0) {
    ++after.first[i];
    after.last = after.first;
    out.push_back(after);
  }
  return out;
}

}  // namespace

TEST(IpIndex, MatchesBruteForceOnRandomRanges) {
  RandomRanges random(20261123);
  constexpr int kRanges = 3000;
  constexpr int kLookups = 4000;
  std::vector<IpEntry> entries;
  for (int i = 0; i < kRanges; ++i) {
    // Every tenth entry repeats an earlier block under another record id.
    IpRange r = i > 0 && i % 10 == 0 ? entries[random.pick(0, i - 1)].range : random.block(random.family());
    entries.push_back(IpEntry{"r" + std::to_string(i), r, ""});
  }
  IpIndex index = IpIndex::build(entries);
  ASSERT_EQ(index.size(), entries.size());

  std::vector<IpRange> queries;
  for (int i = 0; i < kLookups; ++i) queries.push_back(random.address(random.family()));
  for (int i = 0; i < kLookups / 4; ++i)
    for (const IpRange& q : edges(entries[random.pick(0, kRanges - 1)].range)) queries.push_back(q);

  std::size_t total_hits = 0;
  for (const IpRange& q : queries) {
    std::vector<const IpEntry*> got;
    index.lookup(q, got);
    for (std::size_t i = 1; i < got.size(); ++i) ASSERT_GE(got[i - 1]->range.prefix, got[i]->range.prefix);
    std::vector<const IpEntry*> expected = brute_force(index.entries(), q);
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, expected) << q.canonical();
    total_hits += got.size();
  }
  EXPECT_GT(total_hits, queries.size());  // the data really does overlap
}

TEST(LiveIpIndex, MatchesBruteForceUnderRandomChanges) {
  RandomRanges random(777);
  constexpr int kInitialRecords = 1500;
  // Each change adds about three to the delta's size (two entries and a record id), so this
  // many pass the merge threshold; the test checks that a merge happened.
  constexpr int kChanges = static_cast<int>(LiveIpIndex::kMaxDeltaEntries) * 2 / 3;
  constexpr int kChangesBetweenChecks = 250;
  constexpr int kLookupsPerCheck = 300;

  std::map<std::string, std::vector<IpEntry>> model;
  auto random_record = [&](const std::string& id) {
    std::vector<IpEntry> entries;
    int count = random.pick(1, 3);
    for (int i = 0; i < count; ++i) entries.push_back(IpEntry{id, random.block(random.family()), ""});
    return entries;
  };
  std::vector<IpEntry> initial;
  for (int i = 0; i < kInitialRecords; ++i) {
    std::string id = "r" + std::to_string(i);
    model[id] = random_record(id);
    initial.insert(initial.end(), model[id].begin(), model[id].end());
  }
  LiveIpIndex live;
  live.replace_all(initial);

  auto check = [&] {
    std::vector<IpEntry> all;
    for (const auto& [id, entries] : model) all.insert(all.end(), entries.begin(), entries.end());
    for (int i = 0; i < kLookupsPerCheck; ++i) {
      IpRange q = random.address(random.family());
      auto key = [](const IpEntry& e) { return e.record_id + "|" + e.range.canonical(); };
      std::vector<std::string> got, expected;
      std::vector<IpEntry> hits = live.lookup(q);
      for (std::size_t k = 1; k < hits.size(); ++k) ASSERT_GE(hits[k - 1].range.prefix, hits[k].range.prefix);
      for (const IpEntry& e : hits) got.push_back(key(e));
      for (const IpEntry* e : brute_force(all, q)) expected.push_back(key(*e));
      std::sort(got.begin(), got.end());
      std::sort(expected.begin(), expected.end());
      ASSERT_EQ(got, expected) << q.canonical();
    }
  };

  for (int change = 1; change <= kChanges; ++change) {
    std::string id = "r" + std::to_string(random.pick(0, 2 * kInitialRecords));
    if (random.pick(0, 3) == 0) {
      live.remove(id);
      model.erase(id);
    } else {
      auto entries = random_record(id);
      live.put(id, entries);
      model[id] = entries;
    }
    if (change % kChangesBetweenChecks == 0) check();
  }
  EXPECT_GE(live.stats().merges, 1u);
}
