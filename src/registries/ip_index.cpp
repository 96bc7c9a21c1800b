#include "registries/ip_index.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace darwaza::registries {
namespace {

using detail::FamilySpace;
using detail::Uint128;
using Bytes = std::array<std::uint8_t, 16>;

constexpr int kIpv4Bytes = 4;
constexpr int kIpv6Bytes = 16;

template <typename Key>
constexpr int kKeyBits = static_cast<int>(sizeof(Key)) * 8;

// Big-endian bytes to an integer, so that numeric order is address order.
template <typename Key>
Key key_of(const Bytes& bytes, int count) {
  Key key = 0;
  for (int i = 0; i < count; ++i) key = static_cast<Key>(key << 8 | bytes[i]);
  return key;
}

std::uint32_t v4_key(const Bytes& bytes) { return key_of<std::uint32_t>(bytes, kIpv4Bytes); }
Uint128 v6_key(const Bytes& bytes) { return key_of<Uint128>(bytes, kIpv6Bytes); }

// The host bits of a block with this prefix (all ones for /0, zero for a host).
template <typename Key>
Key host_mask(int prefix) {
  return prefix >= kKeyBits<Key> ? Key{0} : static_cast<Key>(~Key{0} >> prefix);
}

// One entry's block in integer form, the unit the build sorts.
template <typename Key>
struct Block {
  Key first;
  Key last;
  std::uint32_t entry;
  std::uint8_t prefix;
};

[[noreturn]] void bad_range(const IpEntry& entry, const char* why) {
  throw std::invalid_argument("IpIndex: the range of record '" + entry.record_id + "' " + why);
}

template <typename Key>
Block<Key> make_block(const IpEntry& entry, std::uint32_t index, Key first, Key last) {
  int prefix = entry.range.prefix;
  if (prefix < 0 || prefix > kKeyBits<Key>) bad_range(entry, "has a prefix out of bounds");
  Key host = host_mask<Key>(prefix);
  if ((first & host) != 0) bad_range(entry, "has host bits set below its prefix");
  if (last != (first | host)) bad_range(entry, "does not end where its prefix says");
  return {first, last, index, static_cast<std::uint8_t>(prefix)};
}

void check_entry(const IpEntry& entry) {
  const IpRange& r = entry.range;
  if (r.family == 4)
    make_block(entry, 0, v4_key(r.first), v4_key(r.last));
  else if (r.family == 6)
    make_block(entry, 0, v6_key(r.first), v6_key(r.last));
  else
    bad_range(entry, "has an address family other than 4 or 6");
}

// Lays the sweep's segments out for search (see FamilySpace::segments and fences).
template <typename Key>
void lay_out_segments(FamilySpace<Key>& space, const std::vector<Key>& starts, const std::vector<std::uint32_t>& nodes) {
  constexpr std::size_t kFanout = FamilySpace<Key>::kFanout;
  constexpr Key kTop = static_cast<Key>(~Key{0});
  space.segment_count = starts.size();
  if (starts.empty()) return;
  space.segments.resize((starts.size() + kFanout - 1) / kFanout);
  for (std::size_t i = 0; i < space.segments.size() * kFanout; ++i) {
    auto& block = space.segments[i / kFanout];
    block.starts[i % kFanout] = i < starts.size() ? starts[i] : kTop;
    block.nodes[i % kFanout] = i < starts.size() ? nodes[i] : FamilySpace<Key>::kNoNode;
  }
  std::vector<Key> level;
  for (const auto& block : space.segments) level.push_back(block.starts[0]);
  while (true) {
    level.resize((level.size() + kFanout - 1) / kFanout * kFanout, kTop);
    std::size_t size = level.size();
    space.fences.push_back(std::move(level));
    if (size <= kFanout) break;
    level.clear();
    const std::vector<Key>& below = space.fences.back();
    for (std::size_t i = 0; i < below.size(); i += kFanout) level.push_back(below[i]);
  }
}

// Sweep over the blocks in (first ascending, outer before inner) order, which is a pre-order
// walk of the containment forest. The stack holds the chain of open blocks; a block is closed
// once the sweep passes its last address, and the segment after it belongs to its parent.
// Appends the blocks' entry indices to `order` grouped by node, the layout of IpIndex::entries_.
template <typename Key>
FamilySpace<Key> build_space(std::vector<Block<Key>>& blocks, std::vector<std::uint32_t>& order) {
  constexpr std::uint32_t kNoNode = FamilySpace<Key>::kNoNode;
  constexpr Key kTop = static_cast<Key>(~Key{0});

  std::sort(blocks.begin(), blocks.end(), [](const Block<Key>& a, const Block<Key>& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return a.entry < b.entry;
  });

  FamilySpace<Key> space;
  std::vector<Key> starts;
  std::vector<std::uint32_t> segment_node;
  starts.reserve(2 * blocks.size());
  segment_node.reserve(2 * blocks.size());
  std::vector<Key> node_last;
  std::vector<std::uint32_t> open;

  // Several boundaries can fall on one address (blocks ending together, one block starting
  // where another ends); the last one written there is the deepest block, so it wins.
  auto start_segment = [&](Key start, std::uint32_t node) {
    if (!starts.empty() && starts.back() == start) {
      segment_node.back() = node;
    } else {
      starts.push_back(start);
      segment_node.push_back(node);
    }
  };
  auto close_blocks_before = [&](Key address, bool all) {
    while (!open.empty() && (all || node_last[open.back()] < address)) {
      Key last = node_last[open.back()];
      open.pop_back();
      if (last != kTop) start_segment(static_cast<Key>(last + 1), open.empty() ? kNoNode : open.back());
    }
  };

  for (std::size_t i = 0; i < blocks.size();) {
    const Block<Key>& head = blocks[i];
    close_blocks_before(head.first, false);
    // Laminar: whatever block is still open at head.first contains head.
    auto node = static_cast<std::uint32_t>(space.nodes.size());
    auto first_entry = static_cast<std::uint32_t>(order.size());
    std::size_t j = i;
    for (; j < blocks.size() && blocks[j].first == head.first && blocks[j].prefix == head.prefix; ++j)
      order.push_back(blocks[j].entry);
    space.nodes.push_back({open.empty() ? kNoNode : open.back(), first_entry,
                           static_cast<std::uint32_t>(j - i), head.prefix});
    node_last.push_back(head.last);
    start_segment(head.first, node);
    open.push_back(node);
    i = j;
  }
  close_blocks_before(Key{0}, true);

  lay_out_segments(space, starts, segment_node);
  return space;
}

// Number of keys in a block of kFanout that are <= key.
template <typename Key>
std::size_t count_not_after(const Key* block, Key key) {
  std::size_t count = 0;
  for (std::size_t j = 0; j < FamilySpace<Key>::kFanout; ++j) count += block[j] <= key ? 1 : 0;
  return count;
}

// The deepest node covering `key`, or kNoNode.
template <typename Key>
std::uint32_t node_at(const FamilySpace<Key>& space, Key key) {
  constexpr std::size_t kFanout = FamilySpace<Key>::kFanout;
  if (space.segment_count == 0 || key < space.segments[0].starts[0]) return FamilySpace<Key>::kNoNode;
  // Padding equals the top key, so only the top key itself could count it.
  if (key == static_cast<Key>(~Key{0})) {
    std::size_t last = space.segment_count - 1;
    return space.segments[last / kFanout].nodes[last % kFanout];
  }
  // Each block's first key is the fence that led to it, so at least one key counts.
  std::size_t block = 0;
  for (std::size_t level = space.fences.size(); level-- > 0;)
    block = block * kFanout + count_not_after(space.fences[level].data() + block * kFanout, key) - 1;
  const auto& segments = space.segments[block];
  return segments.nodes[count_not_after(segments.starts, key) - 1];
}

template <typename Key>
void collect(const FamilySpace<Key>& space, Key key, int prefix, const std::vector<IpEntry>& entries,
             std::vector<const IpEntry*>& out) {
  for (std::uint32_t id = node_at(space, key); id != FamilySpace<Key>::kNoNode;) {
    const auto& node = space.nodes[id];
    // A node longer than the query lies inside a queried block rather than covering it.
    if (static_cast<int>(node.prefix) <= prefix)
      for (std::uint32_t e = node.first_entry; e < node.first_entry + node.entry_count; ++e)
        out.push_back(&entries[e]);
    id = node.parent;
  }
}

// A record id's hash as LiveIpIndex::RecordSlot keeps it (the low 32 bits suffice: equal
// hashes are told apart by the id itself).
std::uint32_t id_hash(std::string_view record_id) {
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(record_id));
}

constexpr std::size_t kHiddenWordBits = 64;

bool is_hidden(const std::vector<std::uint64_t>& hidden, std::size_t entry) {
  return (hidden[entry / kHiddenWordBits] >> (entry % kHiddenWordBits) & 1) != 0;
}

}  // namespace

IpIndex IpIndex::build(std::vector<IpEntry> entries) {
  if (entries.size() >= FamilySpace<std::uint32_t>::kNoNode)
    throw std::length_error("IpIndex: too many entries");
  std::vector<Block<std::uint32_t>> v4;
  std::vector<Block<Uint128>> v6;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const IpEntry& entry = entries[i];
    auto index = static_cast<std::uint32_t>(i);
    if (entry.range.family == 4)
      v4.push_back(make_block(entry, index, v4_key(entry.range.first), v4_key(entry.range.last)));
    else if (entry.range.family == 6)
      v6.push_back(make_block(entry, index, v6_key(entry.range.first), v6_key(entry.range.last)));
    else
      bad_range(entry, "has an address family other than 4 or 6");
  }
  std::vector<std::uint32_t> order;  // entries_[k] is entries[order[k]]
  order.reserve(entries.size());
  IpIndex index;
  index.v4_ = build_space(v4, order);
  index.v6_ = build_space(v6, order);
  index.entries_.reserve(entries.size());
  for (std::uint32_t from : order) index.entries_.push_back(std::move(entries[from]));
  return index;
}

void IpIndex::lookup(const IpRange& address, std::vector<const IpEntry*>& out) const {
  if (address.family == 4)
    collect(v4_, v4_key(address.first), address.prefix, entries_, out);
  else if (address.family == 6)
    collect(v6_, v6_key(address.first), address.prefix, entries_, out);
}

LiveIpIndex::LiveIpIndex() {
  Snapshot empty;
  empty.base = std::make_shared<const IpIndex>();
  current_ = std::make_shared<const Snapshot>(std::move(empty));
}

std::shared_ptr<const LiveIpIndex::Snapshot> LiveIpIndex::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return current_;
}

void LiveIpIndex::publish(std::shared_ptr<const Snapshot> next) {
  std::lock_guard lock(snapshot_mutex_);
  current_.swap(next);
  // `next` now holds the previous snapshot; it is released after the lock.
}

void LiveIpIndex::replace_all(std::vector<IpEntry> entries) {
  // Built before taking the writer lock: the replacement takes effect at the point it is
  // published, and changes published before then are superseded by it.
  auto base = std::make_shared<const IpIndex>(IpIndex::build(std::move(entries)));
  std::vector<RecordSlot> slots = record_slots(*base);
  std::lock_guard lock(write_mutex_);
  std::shared_ptr<const Snapshot> now = snapshot();
  retired_base_ = now->base;
  changed_.clear();
  changed_entries_ = 0;
  hidden_.clear();
  base_slots_ = std::move(slots);
  Snapshot next;
  next.base = std::move(base);
  next.merges = now->merges;
  publish(std::make_shared<const Snapshot>(std::move(next)));
}

void LiveIpIndex::put(const std::string& record_id, std::vector<IpEntry> entries) {
  for (IpEntry& entry : entries) {
    entry.record_id = record_id;
    check_entry(entry);  // before any state changes, so a bad range leaves the index as it was
  }
  std::lock_guard lock(write_mutex_);
  retired_base_.reset();
  std::vector<IpEntry>& slot = changed_[record_id];
  changed_entries_ = changed_entries_ - slot.size() + entries.size();
  slot = std::move(entries);
  apply_changes(record_id);
}

void LiveIpIndex::remove(const std::string& record_id) { put(record_id, {}); }

std::vector<LiveIpIndex::RecordSlot> LiveIpIndex::record_slots(const IpIndex& base) {
  std::vector<RecordSlot> slots;
  slots.reserve(base.size());
  for (std::size_t i = 0; i < base.size(); ++i)
    slots.push_back({id_hash(base.entries()[i].record_id), static_cast<std::uint32_t>(i)});
  std::sort(slots.begin(), slots.end());
  return slots;
}

void LiveIpIndex::apply_changes(const std::string& record_id) {
  std::shared_ptr<const Snapshot> now = snapshot();
  const std::vector<IpEntry>& base_entries = now->base->entries();
  // Bits are only ever set between merges (a changed record stays changed), so this change
  // adds the record's base entries, if any, to those already hidden (before any rebuild, which
  // may throw: the record is in changed_ either way).
  std::vector<std::uint64_t>& hidden = hidden_;
  const std::uint32_t hash = id_hash(record_id);
  auto same_hash = std::equal_range(base_slots_.begin(), base_slots_.end(), RecordSlot{hash, 0},
                                    [](const RecordSlot& a, const RecordSlot& b) { return a.id_hash < b.id_hash; });
  for (auto it = same_hash.first; it != same_hash.second; ++it) {
    if (base_entries[it->entry].record_id != record_id) continue;
    if (hidden.empty()) hidden.resize((base_entries.size() + kHiddenWordBits - 1) / kHiddenWordBits);
    hidden[it->entry / kHiddenWordBits] |= std::uint64_t{1} << (it->entry % kHiddenWordBits);
  }

  Snapshot next;
  next.merges = now->merges;
  if (changed_entries_ + changed_.size() > kMaxDeltaEntries) {
    std::vector<IpEntry> all;
    all.reserve(base_entries.size() + changed_entries_);
    for (std::size_t i = 0; i < base_entries.size(); ++i)
      if (hidden.empty() || !is_hidden(hidden, i)) all.push_back(base_entries[i]);
    for (const auto& [id, entries] : changed_) all.insert(all.end(), entries.begin(), entries.end());
    next.base = std::make_shared<const IpIndex>(IpIndex::build(std::move(all)));
    std::vector<RecordSlot> slots = record_slots(*next.base);
    // Only once the new base exists: a failed merge leaves the pending changes pending.
    base_slots_ = std::move(slots);
    changed_.clear();
    changed_entries_ = 0;
    hidden_.clear();
    ++next.merges;
    retired_base_ = now->base;
  } else {
    std::vector<IpEntry> delta;
    delta.reserve(changed_entries_);
    for (const auto& [id, entries] : changed_) delta.insert(delta.end(), entries.begin(), entries.end());
    next.base = now->base;
    next.delta = IpIndex::build(std::move(delta));
    next.hidden = hidden_;
    next.changed_records = changed_.size();
  }
  publish(std::make_shared<const Snapshot>(std::move(next)));
}

void LiveIpIndex::View::lookup(const IpRange& address, std::vector<const IpEntry*>& hits) const {
  const Snapshot& s = *snap_;
  hits.clear();
  s.base->lookup(address, hits);
  if (!s.hidden.empty()) {
    const IpEntry* first = s.base->entries().data();
    std::erase_if(hits, [&](const IpEntry* e) { return is_hidden(s.hidden, static_cast<std::size_t>(e - first)); });
  }
  if (s.delta.size() == 0) return;
  std::size_t from_base = hits.size();
  s.delta.lookup(address, hits);
  // Each part is already most specific first; interleave them to keep that order overall
  // (stable: for one block, the base's entries stay first).
  if (from_base > 0 && hits.size() > from_base)
    std::inplace_merge(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(from_base), hits.end(),
                       [](const IpEntry* a, const IpEntry* b) { return a->range.prefix > b->range.prefix; });
}

std::vector<IpEntry> LiveIpIndex::lookup(const IpRange& address) const {
  // Reused per thread so that a miss allocates nothing.
  thread_local std::vector<const IpEntry*> hits;
  const View v = view();  // keeps the entries alive while they are copied
  v.lookup(address, hits);
  std::vector<IpEntry> out;
  out.reserve(hits.size());
  for (const IpEntry* e : hits) out.push_back(*e);
  return out;
}

LiveIpIndex::Stats LiveIpIndex::stats() const {
  std::shared_ptr<const Snapshot> snap = snapshot();
  return {snap->base->size(), snap->delta.size(), snap->changed_records, snap->merges};
}

}  // namespace darwaza::registries
