// In-memory index of the VPN registry's address ranges: answers "which registrations cover this
// address?" for IPv4 and IPv6 without scanning. IpIndex is an immutable sorted-interval
// structure built once; LiveIpIndex wraps it for a server that adds, replaces and removes
// records while lookups run. Expiry (valid_until) is carried, not judged: the caller decides
// what an expired registration means on the date it cares about.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ip.hpp"

namespace darwaza::registries {

// One registered range. A record (one registration) may own several entries.
struct IpEntry {
  std::string record_id;
  IpRange range;            // a host or CIDR block, as parse_ip_or_cidr produces it
  std::string valid_until;  // "YYYY-MM-DD", or "" for no expiry

  friend bool operator==(const IpEntry&, const IpEntry&) = default;
};

namespace detail {

__extension__ typedef unsigned __int128 Uint128;

// The index of one address family; Key is std::uint32_t for IPv4 and Uint128 for IPv6.
//
// CIDR blocks are either nested or disjoint, so the distinct blocks form a containment forest
// (a "node" is one distinct block; every entry registering that block hangs off it). The
// address space is cut into elementary segments at every block's first address and at the
// address after its last; each segment points at the deepest node covering it, and a node's
// parent is the next block out. A lookup finds the segment, then walks up at most 33 (IPv4) or
// 129 (IPv6) nodes. Storage is O(n) however deep the nesting or however many records register
// the same block (a per-segment list of covering entries would be O(n * depth)).
template <typename Key>
struct FamilySpace {
  static constexpr std::uint32_t kNoNode = 0xffffffffu;
  // Keys compared per step of the segment search: one 64-byte cache line of IPv4 keys.
  static constexpr std::size_t kFanout = 16;

  struct Node {
    std::uint32_t parent;       // enclosing node, or kNoNode
    std::uint32_t first_entry;  // the block's entries are entries_[first_entry, + entry_count)
    std::uint32_t entry_count;
    std::uint32_t prefix;
  };

  // Segment i is [start i, start i + 1) and belongs to the deepest node covering it (kNoNode
  // in a gap). Segments are stored kFanout to a block, each block's node ids beside its keys,
  // so the last search step and the node id share a page and usually a cache-line pair.
  struct alignas(64) SegmentBlock {
    Key starts[kFanout];
    std::uint32_t nodes[kFanout];
  };

  // fences[0] holds the first key of every segment block, fences[i + 1] every kFanout-th key
  // of fences[i], up to a top level of at most kFanout keys. The last block and every level
  // are padded with the largest key. This is a B-tree without pointers: the search reads one
  // block of kFanout keys per level, so only the bottom one or two levels leave the cache,
  // where a plain binary search over a million keys misses on its last ten or so probes.
  std::vector<SegmentBlock> segments;
  std::vector<std::vector<Key>> fences;
  std::size_t segment_count = 0;
  std::vector<Node> nodes;
};

}  // namespace detail

// Immutable index over a fixed set of entries. Ranges may overlap, nest or repeat (several
// records registering the same block). IPv4 and IPv6 are separate spaces: "::ffff:1.2.3.4" is
// an IPv6 address and never matches an IPv4 range.
//
// Complexity (n entries, s <= 2n segments, d = nesting depth <= 33 / 129, k = matches):
//   build   O(n log n) time, O(n) memory
//   lookup  O(log s + d + k), no allocation beyond growing `out`; typically 2-4 cache misses
class IpIndex {
 public:
  IpIndex() = default;  // the empty index

  // Throws std::invalid_argument when an entry's range is not a well-formed host or CIDR block
  // (family not 4/6, prefix out of bounds, host bits set in `first`, `last` not the block's
  // end): ranges come from parse_ip_or_cidr, so that is a programmer error, not input.
  static IpIndex build(std::vector<IpEntry> entries);

  // Appends every entry whose range covers `address`: the most specific block first, entries
  // of the same block in build order. `address` is normally a host; if it is a block, only
  // entries covering the whole block match. Pointers stay valid as long as this index lives.
  void lookup(const IpRange& address, std::vector<const IpEntry*>& out) const;

  std::size_t size() const { return entries_.size(); }
  // Every entry, grouped by block (not in the order given to build).
  const std::vector<IpEntry>& entries() const { return entries_; }

 private:
  std::vector<IpEntry> entries_;
  detail::FamilySpace<std::uint32_t> v4_;
  detail::FamilySpace<detail::Uint128> v6_;
};

// The registry's live index, safe to use from any number of threads.
//
// A large immutable base IpIndex, a small delta IpIndex holding the entries of every record
// put since the base was built, and one bit per base entry hiding the base entries of every
// record put or removed since then. Readers copy one shared_ptr to the current snapshot under
// a mutex held only for that copy, so a rebuild never blocks them. Writers are serialised among
// themselves.
//
// Complexity (n base entries, m delta entries + changed records, bounded by kMaxDeltaEntries):
//   lookup       O(log n + k) plus, while some base entry is hidden, one bit test per base
//                match, and, while the delta holds entries, O(log m) for its search
//   put/remove   O(m log m) to rebuild the delta, plus O(n / 64) to copy the hidden bits and
//                O(log n) to find the record's base entries; once m exceeds kMaxDeltaEntries
//                the call instead merges everything into a new base, O(n log n) (about a
//                second for 1 M entries; other writers wait, readers do not), i.e. amortised
//                O(n log n / kMaxDeltaEntries) per change
//   replace_all  O(n log n)
// Memory beyond the base: n / 8 bytes of hidden bits while changes are pending, and 8 bytes a
// base entry for writers to find a record's entries (no map of a million record ids).
class LiveIpIndex {
 private:
  struct Snapshot;

 public:
  // Delta size (entries plus changed record ids) beyond which the next change folds the delta
  // into a new base. Larger makes merges rarer but every put slower (the delta is rebuilt).
  static constexpr std::size_t kMaxDeltaEntries = 4096;

  struct Stats {
    std::size_t base_entries = 0;     // entries in the base, hidden ones included
    std::size_t delta_entries = 0;    // entries in the delta
    std::size_t changed_records = 0;  // record ids put or removed since the base was built
    std::size_t merges = 0;           // delta-into-base merges since construction
  };

  LiveIpIndex();

  // Replaces the whole content (the startup load). Throws like IpIndex::build.
  void replace_all(std::vector<IpEntry> entries);

  // Adds a record or replaces all of its ranges. Each entry's record_id is set to `record_id`.
  // An empty `entries` is the same as remove(record_id). Throws like IpIndex::build, leaving
  // the index unchanged.
  void put(const std::string& record_id, std::vector<IpEntry> entries);

  // Removes a record's ranges; removing an unknown record is not an error.
  void remove(const std::string& record_id);

  // One state of the index for a series of look-ups (a batch answers from one state; changes
  // made meanwhile are not seen). Taking a view costs one pointer copy under the mutex; a
  // look-up through it takes no lock and copies nothing. Pointers stay valid while it lives.
  class View {
   public:
    // Replaces `out` with the entries covering `address`, most specific block first; for one
    // block, the base's entries (in build order) before the delta's.
    void lookup(const IpRange& address, std::vector<const IpEntry*>& out) const;

   private:
    friend class LiveIpIndex;
    explicit View(std::shared_ptr<const Snapshot> s) : snap_(std::move(s)) {}
    std::shared_ptr<const Snapshot> snap_;
  };
  View view() const { return View(snapshot()); }

  // Copies of every entry covering `address`, most specific block first (one look-up through a
  // fresh view).
  std::vector<IpEntry> lookup(const IpRange& address) const;

  Stats stats() const;

 private:
  struct Snapshot {
    std::shared_ptr<const IpIndex> base;
    IpIndex delta;
    // Bit i (word i / 64, bit i % 64) set: base->entries()[i] belongs to a record put or removed
    // since the base was built and no longer counts. Empty while no base entry is hidden, so
    // such look-ups test nothing; a hidden entry costs a bit test, not a hash of its record id.
    std::vector<std::uint64_t> hidden;
    std::size_t changed_records = 0;  // record ids put or removed since the base was built
    std::size_t merges = 0;
  };

  // A base entry's position under a 32-bit hash of its record id. Sorted, these find a
  // record's base entries by binary search; equal hashes of other ids are told apart by
  // comparing the entry's record_id.
  struct RecordSlot {
    std::uint32_t id_hash;
    std::uint32_t entry;
    friend auto operator<=>(const RecordSlot&, const RecordSlot&) = default;
  };
  static std::vector<RecordSlot> record_slots(const IpIndex& base);

  std::shared_ptr<const Snapshot> snapshot() const;
  void publish(std::shared_ptr<const Snapshot> next);
  // Hides `record_id`'s base entries and rebuilds the delta from changed_, or merges when it
  // has outgrown kMaxDeltaEntries. Called with write_mutex_ held.
  void apply_changes(const std::string& record_id);

  mutable std::mutex snapshot_mutex_;  // guards current_ only; held for a pointer copy
  std::shared_ptr<const Snapshot> current_;

  std::mutex write_mutex_;  // serialises writers; guards the members below
  // Record id -> its entries now (empty: removed) for every record changed since the base.
  std::unordered_map<std::string, std::vector<IpEntry>> changed_;
  std::size_t changed_entries_ = 0;
  std::vector<RecordSlot> base_slots_;  // record_slots(*current base)
  // The base entries of every record in changed_, as bits (empty: none). Kept here, not only in the
  // published snapshot, so that a change whose rebuild threw still hides its record's base entries
  // in the next snapshot and is left out of the next merge.
  std::vector<std::uint64_t> hidden_;
  // The base replaced by the last merge, kept until the next write so that freeing a million
  // entries falls to a writer and not to whichever reader drops the last reference.
  std::shared_ptr<const IpIndex> retired_base_;
};

}  // namespace darwaza::registries
