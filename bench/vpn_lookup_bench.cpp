// Speed of the VPN registry's address index (src/registries/ip_index.hpp): building it from
// 1 M registered ranges and answering "which registrations cover this address?" for hits and
// misses in each family, on the immutable IpIndex and on the server's LiveIpIndex with pending
// changes; and reading the JSON body of a batch of 10,000 addresses as the look-up API does. The
// data is random but fixed (seeded), public address space only.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_input.hpp"
#include "core/ip.hpp"
#include "registries/ip_index.hpp"

using darwaza::IpRange;
using darwaza::registries::IpEntry;
using darwaza::registries::IpIndex;
using darwaza::registries::LiveIpIndex;

namespace {

constexpr std::size_t kRegisteredRanges = 1'000'000;
constexpr int kIpv4SharePercent = 70;
constexpr int kIpv4MinPrefix = 24;
constexpr int kIpv6MinPrefix = 32;
constexpr std::size_t kQueries = 1 << 16;  // per query kind; a power of two for cheap wrap-around
constexpr std::size_t kLiveNewRecords = 1000;       // records added after the base was loaded
constexpr std::size_t kLiveReplacedRecords = 1000;  // base records re-registered elsewhere
constexpr std::uint64_t kSeed = 20261123;
constexpr std::size_t kBatchAddresses = 10'000;  // one full look-up request

// A block of `family` containing the random address in `bytes`, host bits cleared.
IpRange make_block(int family, std::array<std::uint8_t, 16> bytes, int prefix) {
  IpRange r;
  r.family = family;
  r.prefix = prefix;
  int total_bytes = family == 4 ? 4 : 16;
  for (int i = 0; i < 16; ++i) {
    if (i >= total_bytes) {
      bytes[i] = 0;
      r.first[i] = r.last[i] = 0;
      continue;
    }
    int bits_here = prefix - 8 * i;
    auto mask = static_cast<std::uint8_t>(bits_here >= 8 ? 0xff : bits_here <= 0 ? 0 : 0xff << (8 - bits_here));
    r.first[i] = bytes[i] & mask;
    r.last[i] = static_cast<std::uint8_t>(bytes[i] | static_cast<std::uint8_t>(~mask));
  }
  return r;
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::array<std::uint8_t, 16> random_bytes(int family) {
    std::array<std::uint8_t, 16> b{};
    int n = family == 4 ? 4 : 16;
    for (int i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(rng_());
    if (family == 6) b[0] = static_cast<std::uint8_t>(0x20 | (b[0] & 0x1f));  // 2000::/3
    return b;
  }

  // A public block, IPv4 /24-/32 or IPv6 /32-/128.
  IpRange public_block(int family) {
    int max = family == 4 ? 32 : 128;
    int min = family == 4 ? kIpv4MinPrefix : kIpv6MinPrefix;
    while (true) {
      int prefix = std::uniform_int_distribution<int>(min, max)(rng_);
      IpRange r = make_block(family, random_bytes(family), prefix);
      if (darwaza::is_public(r)) return r;
    }
  }

  // A random host inside r.
  IpRange address_in(const IpRange& r) {
    IpRange host = r;
    int n = r.family == 4 ? 4 : 16;
    for (int i = 0; i < n; ++i) {
      auto free_bits = static_cast<std::uint8_t>(r.first[i] ^ r.last[i]);
      host.first[i] = static_cast<std::uint8_t>(r.first[i] | (static_cast<std::uint8_t>(rng_()) & free_bits));
    }
    host.last = host.first;
    host.prefix = r.family == 4 ? 32 : 128;
    return host;
  }

  int family() { return std::uniform_int_distribution<int>(0, 99)(rng_) < kIpv4SharePercent ? 4 : 6; }
  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

 private:
  std::mt19937_64 rng_;
};

struct Queries {
  std::vector<IpRange> v4_hits, v4_misses, v6_hits, v6_misses;
};

struct Fixture {
  std::vector<IpEntry> entries;
  IpIndex index;
  Queries queries;
  LiveIpIndex live;
  Queries live_queries;
};

Queries make_queries(Generator& gen, const std::vector<IpEntry>& entries,
                     const std::function<bool(const IpRange&)>& covered) {
  Queries q;
  while (q.v4_hits.size() < kQueries || q.v6_hits.size() < kQueries) {
    const IpEntry& e = entries[gen.below(entries.size())];
    IpRange host = gen.address_in(e.range);
    if (!covered(host)) continue;  // hidden by a later change (live index only)
    auto& hits = e.range.family == 4 ? q.v4_hits : q.v6_hits;
    if (hits.size() < kQueries) hits.push_back(host);
  }
  for (int family : {4, 6}) {
    auto& misses = family == 4 ? q.v4_misses : q.v6_misses;
    while (misses.size() < kQueries) {
      IpRange host = gen.address_in(gen.public_block(family));
      if (!covered(host)) misses.push_back(host);
    }
  }
  return q;
}

void populate(Fixture& f) {
  Generator gen(kSeed);
  f.entries.reserve(kRegisteredRanges);
  for (std::size_t i = 0; i < kRegisteredRanges; ++i)
    f.entries.push_back(IpEntry{"VPN-" + std::to_string(i), gen.public_block(gen.family()), ""});
  f.index = IpIndex::build(f.entries);
  std::vector<const IpEntry*> scratch;
  auto covered_by = [&scratch](const IpIndex& index) {
    return [&scratch, &index](const IpRange& a) {
      scratch.clear();
      index.lookup(a, scratch);
      return !scratch.empty();
    };
  };
  f.queries = make_queries(gen, f.entries, covered_by(f.index));

  // The live index: the same base plus a delta that both adds records and hides base ones.
  f.live.replace_all(f.entries);
  std::unordered_map<std::string, IpEntry> changed;
  for (std::size_t i = 0; i < kLiveNewRecords + kLiveReplacedRecords; ++i) {
    std::string id = i < kLiveNewRecords ? "NEW-" + std::to_string(i) : f.entries[gen.below(kRegisteredRanges)].record_id;
    IpEntry e{id, gen.public_block(gen.family()), ""};
    f.live.put(id, {e});
    changed.insert_or_assign(id, e);
  }
  std::vector<IpEntry> current;
  for (const IpEntry& e : f.entries)
    if (!changed.contains(e.record_id)) current.push_back(e);
  for (const auto& [id, e] : changed) current.push_back(e);
  IpIndex reference = IpIndex::build(current);
  f.live_queries = make_queries(gen, current, covered_by(reference));
}

const Fixture& fixture() {
  static Fixture f;
  static const bool ready = (populate(f), true);
  (void)ready;
  return f;
}

void run_lookups(benchmark::State& state, const IpIndex& index, const std::vector<IpRange>& queries) {
  std::vector<const IpEntry*> out;
  out.reserve(64);
  std::size_t i = 0;
  std::size_t matches = 0;
  for (auto _ : state) {
    out.clear();
    index.lookup(queries[i], out);
    matches += out.size();
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) & (kQueries - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["matches/lookup"] = static_cast<double>(matches) / static_cast<double>(state.iterations());
}

// As the look-up API uses it: one view per request of state.range(0) addresses (1: a single
// look-up; 10,000: a full batch), the taking of the view timed with the look-ups.
void run_live_lookups(benchmark::State& state, const LiveIpIndex& live, const std::vector<IpRange>& queries) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (kQueries / 2);
  std::size_t matches = 0;
  std::vector<const IpEntry*> out;
  out.reserve(64);
  std::optional<LiveIpIndex::View> view;
  for (auto _ : state) {
    if (i % batch == 0 || !view) view.emplace(live.view());
    view->lookup(queries[i & (kQueries - 1)], out);
    matches += out.size();
    benchmark::DoNotOptimize(out.data());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["matches/lookup"] = benchmark::Counter(
      static_cast<double>(matches) / static_cast<double>(state.iterations()), benchmark::Counter::kAvgThreads);
}

// The machine is often shared with builds; with --benchmark_repetitions the minimum is the
// figure least disturbed by them.
double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

void BM_Build1M(benchmark::State& state) {
  const Fixture& f = fixture();
  std::optional<IpIndex> index;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<IpEntry> copy = f.entries;
    state.ResumeTiming();
    index.emplace(IpIndex::build(std::move(copy)));
    state.PauseTiming();
    benchmark::DoNotOptimize(index->size());
    index.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(f.entries.size()));
}
BENCHMARK(BM_Build1M)->Unit(benchmark::kMillisecond)->Iterations(3)->ComputeStatistics("min", min_of);

void BM_LookupV4Hit(benchmark::State& s) { run_lookups(s, fixture().index, fixture().queries.v4_hits); }
void BM_LookupV4Miss(benchmark::State& s) { run_lookups(s, fixture().index, fixture().queries.v4_misses); }
void BM_LookupV6Hit(benchmark::State& s) { run_lookups(s, fixture().index, fixture().queries.v6_hits); }
void BM_LookupV6Miss(benchmark::State& s) { run_lookups(s, fixture().index, fixture().queries.v6_misses); }
BENCHMARK(BM_LookupV4Hit)->ComputeStatistics("min", min_of);
BENCHMARK(BM_LookupV4Miss)->ComputeStatistics("min", min_of);
BENCHMARK(BM_LookupV6Hit)->ComputeStatistics("min", min_of);
BENCHMARK(BM_LookupV6Miss)->ComputeStatistics("min", min_of);

void BM_LiveLookupV4Hit(benchmark::State& s) { run_live_lookups(s, fixture().live, fixture().live_queries.v4_hits); }
void BM_LiveLookupV4Miss(benchmark::State& s) { run_live_lookups(s, fixture().live, fixture().live_queries.v4_misses); }
void BM_LiveLookupV6Hit(benchmark::State& s) { run_live_lookups(s, fixture().live, fixture().live_queries.v6_hits); }
void BM_LiveLookupV6Miss(benchmark::State& s) { run_live_lookups(s, fixture().live, fixture().live_queries.v6_misses); }
BENCHMARK(BM_LiveLookupV4Hit)->Arg(1)->Arg(10'000)->ThreadRange(1, 2)->UseRealTime()->ComputeStatistics("min", min_of);
BENCHMARK(BM_LiveLookupV4Miss)->Arg(1)->Arg(10'000)->ComputeStatistics("min", min_of);
BENCHMARK(BM_LiveLookupV6Hit)->Arg(1)->Arg(10'000)->ComputeStatistics("min", min_of);
BENCHMARK(BM_LiveLookupV6Miss)->Arg(1)->Arg(10'000)->ComputeStatistics("min", min_of);

// The body of one full batch request, {"addresses":[...]}, as bench/vpn_lookup.sh sends it: 70 %
// IPv4, every address plain ASCII.
const std::string& batch_body() {
  static const std::string body = [] {
    Generator gen(kSeed + 1);
    nlohmann::json addresses = nlohmann::json::array();
    for (std::size_t i = 0; i < kBatchAddresses; ++i)
      addresses.push_back(gen.address_in(gen.public_block(gen.family())).canonical());
    return nlohmann::json{{"addresses", addresses}}.dump();
  }();
  return body;
}

// The handler's reading of a batch of strings: simdjson, no tree.
void BM_ReadBatchBodyPlain(benchmark::State& state) {
  const std::string& body = batch_body();
  for (auto _ : state) {
    auto addresses = darwaza::api::string_array_member(body, "addresses");
    benchmark::DoNotOptimize(addresses->data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
// The general path it replaces for such bodies: a JSON tree (parsed, walked, freed).
void BM_ReadBatchBodyJsonTree(benchmark::State& state) {
  const std::string& body = batch_body();
  for (auto _ : state) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    std::vector<std::string_view> addresses;
    addresses.reserve(j["addresses"].size());
    for (const auto& a : j["addresses"]) addresses.push_back(a.get_ref<const std::string&>());
    benchmark::DoNotOptimize(addresses.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ReadBatchBodyPlain)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", min_of);
BENCHMARK(BM_ReadBatchBodyJsonTree)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", min_of);

}  // namespace
