// Shadow memory (detector/DESIGN.md, "Shadow memory"): for every 8-byte
// granule of application memory, kShadowCells cells of one 8-byte word,
// each recording one earlier access.
//
// Invariants:
//  - A cell is either empty (all zero) or records an access with a
//    non-empty byte mask: mask 0 never encodes an access.
//  - Two accesses conflict iff their byte masks overlap, at least one is a
//    write, and not both are atomic. A conflict is a race iff the earlier
//    one's (slot, epoch) has not been seen by the later one's clock.
//  - ShadowMap::cells(addr) is lock-free: two dependent loads; a region's
//    shadow is mapped once, on first touch, and installed by CAS.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "clock.hpp"

namespace chansan {

constexpr std::size_t kGranule = 8;
// Two cells, 16 bytes of shadow per 8 bytes of memory: as much as
// ThreadSanitizer's four 4-byte cells (the RSS target is TSan's). Eviction
// prefers cells ordered before the new access (access.cpp), so what is lost
// is rarely a candidate for a race.
constexpr int kShadowCells = 2;

// One recorded access, bit-packed:
//   bits 0-7 byte mask within the granule, 8-15 slot, 16-47 epoch,
//   bit 48 read, bit 49 atomic, bit 50 freed (the free of a heap block,
//   left in its first granules: any later access is reported, ordered or
//   not, until the memory is allocated again).
// The hot path (access.cpp) works on the raw word with the constants below:
// a goroutine's `stamp` (slot and epoch) or'ed with the mask and kind bits
// is the cell of its access. The accessors are the readable formula; a
// debug build checks the bit tricks against them.
class Shadow {
 public:
  static constexpr uint64_t kMaskBits = 0xff;
  static constexpr unsigned kSidShift = 8;
  static constexpr unsigned kEpochShift = 16;
  static constexpr uint64_t kStampBits = ((uint64_t{1} << 40) - 1) << kSidShift;  // slot and epoch
  static constexpr uint64_t kReadBit = uint64_t{1} << 48;
  static constexpr uint64_t kAtomicBit = uint64_t{1} << 49;
  static constexpr uint64_t kFreedBit = uint64_t{1} << 50;

  Shadow() = default;
  // The slot-and-epoch bits of every access a goroutine makes in an epoch.
  static uint64_t stamp(Sid sid, Epoch epoch) {
    return static_cast<uint64_t>(sid) << kSidShift | static_cast<uint64_t>(epoch) << kEpochShift;
  }
  static uint64_t kind_bits(bool is_read, bool is_atomic) {
    return (is_read ? kReadBit : 0) | (is_atomic ? kAtomicBit : 0);
  }
  static Shadow access(Sid sid, Epoch epoch, uintptr_t addr, std::size_t size, bool is_read,
                       bool is_atomic) {
    return Shadow(stamp(sid, epoch) | byte_mask(addr, size) | kind_bits(is_read, is_atomic));
  }
  static Shadow from_raw(uint64_t raw) { return Shadow(raw); }

  uint64_t raw() const { return raw_; }
  bool empty() const { return raw_ == 0; }
  uint8_t mask() const { return static_cast<uint8_t>(raw_ & kMaskBits); }
  Sid sid() const { return static_cast<Sid>(raw_ >> kSidShift); }
  Epoch epoch() const { return static_cast<Epoch>(raw_ >> kEpochShift); }
  bool is_read() const { return raw_ & kReadBit; }
  bool is_atomic() const { return raw_ & kAtomicBit; }
  bool is_freed() const { return raw_ & kFreedBit; }
  // The mark a free leaves: a write of the whole granule by the freeing
  // goroutine at its epoch (reports restore the free's stack from it).
  static Shadow freed(Sid sid, Epoch epoch) { return Shadow(stamp(sid, epoch) | kMaskBits | kFreedBit); }
  // The accessed bytes: [offset, offset + size) within the granule.
  unsigned offset() const { return static_cast<unsigned>(__builtin_ctz(mask())); }
  unsigned size() const { return static_cast<unsigned>(__builtin_popcount(mask())); }

  // The bytes of the granule that an access of `size` at `addr` touches
  // (clipped to the granule; a wider access touches several granules).
  static uint8_t byte_mask(uintptr_t addr, std::size_t size) {
    unsigned off = static_cast<unsigned>(addr % kGranule);
    std::size_t n = size < kGranule - off ? size : kGranule - off;
    return static_cast<uint8_t>(((1u << n) - 1) << off);
  }

  // The bytes of `cur` (a raw cell) that `cell` covers: both are accesses
  // of one goroutine in one epoch (same slot and epoch), equally atomic,
  // and `cell` at least as strong (a write covers a read). An empty cell
  // covers nothing: epochs start at 1. A freed mark covers nothing (an
  // access never has the freed bit): every access after a free is checked.
  // The hot path's form; a debug build checks it against
  // covering_bytes_readable.
  static uint64_t covering_bytes(uint64_t cell, uint64_t cur) {
    const bool same =
        ((cell ^ cur) & (kStampBits | kAtomicBit | kFreedBit)) == 0 && (!(cell & kReadBit) || (cur & kReadBit));
    return same ? (cell & kMaskBits) : 0;
  }
  static uint64_t covering_bytes_readable(Shadow cell, Shadow cur) {
    if (cell.empty() || cell.is_freed() || cell.sid() != cur.sid() || cell.epoch() != cur.epoch() ||
        cell.is_atomic() != cur.is_atomic() || (cell.is_read() && !cur.is_read()))
      return 0;
    return cell.mask();
  }

 private:
  explicit Shadow(uint64_t raw) : raw_(raw) {}
  uint64_t raw_ = 0;
};
static_assert(sizeof(Shadow) == 8);
static_assert(Shadow::kStampBits >> Shadow::kSidShift == (uint64_t{1} << (8 * (sizeof(Sid) + sizeof(Epoch)))) - 1,
              "the stamp holds exactly a slot and an epoch");
static_assert((Shadow::kStampBits & (Shadow::kMaskBits | Shadow::kReadBit | Shadow::kAtomicBit |
                                     Shadow::kFreedBit)) == 0 &&
                  ((Shadow::kReadBit | Shadow::kAtomicBit) & Shadow::kFreedBit) == 0,
              "fields do not overlap");

inline bool conflicts(Shadow earlier, Shadow later) {
  return (earlier.mask() & later.mask()) != 0 && !(earlier.is_read() && later.is_read()) &&
         !(earlier.is_atomic() && later.is_atomic());
}

// `later` is performed by the owner of `clock`.
inline bool races(Shadow earlier, Shadow later, const VectorClock& clock) {
  return !earlier.empty() && conflicts(earlier, later) &&
         !clock.has_seen(earlier.sid(), earlier.epoch());
}

// Application address -> its granule's cells. Two levels: a lazily
// committed top array indexed by addr >> kRegionShift, and per region a
// shadow block mapped on first touch.
class ShadowMap {
 public:
  static constexpr unsigned kAddressBits = 47;  // x86-64 user space
  static constexpr unsigned kRegionShift = 22;  // 4 MiB application regions
  static constexpr std::size_t kRegionBytes = std::size_t{1} << kRegionShift;
  static constexpr std::size_t kRegionShadowBytes =
      kRegionBytes / kGranule * kShadowCells * sizeof(uint64_t);

  ShadowMap();
  ~ShadowMap();
  ShadowMap(const ShadowMap&) = delete;

  std::atomic<uint64_t>* cells(uintptr_t addr) {
    std::atomic<uint64_t>* region = top_[addr >> kRegionShift].load(std::memory_order_acquire);
    if (__builtin_expect(region == nullptr, 0)) region = map_region(addr >> kRegionShift);
    return in_region(region, addr);
  }
  // addr's cells within the shadow block of its region.
  static std::atomic<uint64_t>* in_region(std::atomic<uint64_t>* region, uintptr_t addr) {
    return region + (addr & (kRegionBytes - 1)) / kGranule * kShadowCells;
  }

  // Forgets every access to the granules [addr, addr + size) touches
  // (memory freed or reused). Whole granules: forgetting a neighbour's
  // access can only miss a race, never invent one.
  void clear(uintptr_t addr, std::size_t size);

  // The top-level table, for a caller that caches it (the detector's hot
  // path); a null entry is mapped by cells().
  std::atomic<std::atomic<uint64_t>*>* top() const { return top_; }

  std::size_t regions_mapped() const { return regions_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t>* map_region(uintptr_t index);
  static constexpr std::size_t kTopEntries = std::size_t{1} << (kAddressBits - kRegionShift);
  std::atomic<std::atomic<uint64_t>*>* top_;
  std::atomic<std::size_t> regions_{0};
  // Indices in top_ of mapped regions, for the destructor (no allocation:
  // the slow path runs inside the detector's malloc interceptor).
  // Reserved, not part of the object: zero pages cost nothing until used
  // (the object is built at every process start).
  static constexpr std::size_t kMaxRegions = 1 << 16;
  std::atomic<uint32_t>* mapped_;
};

}  // namespace chansan
