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
#include <mutex>

#include "internal_mutex.hpp"
#include <vector>

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
//   bit 48 read, bit 49 atomic.
class Shadow {
 public:
  Shadow() = default;
  static Shadow access(Sid sid, Epoch epoch, uintptr_t addr, std::size_t size, bool is_read,
                       bool is_atomic) {
    return Shadow(static_cast<uint64_t>(byte_mask(addr, size)) |
                  static_cast<uint64_t>(sid) << 8 | static_cast<uint64_t>(epoch) << 16 |
                  static_cast<uint64_t>(is_read) << 48 | static_cast<uint64_t>(is_atomic) << 49);
  }
  static Shadow from_raw(uint64_t raw) { return Shadow(raw); }

  uint64_t raw() const { return raw_; }
  bool empty() const { return raw_ == 0; }
  uint8_t mask() const { return static_cast<uint8_t>(raw_); }
  Sid sid() const { return static_cast<Sid>(raw_ >> 8); }
  Epoch epoch() const { return static_cast<Epoch>(raw_ >> 16); }
  bool is_read() const { return (raw_ >> 48) & 1; }
  bool is_atomic() const { return (raw_ >> 49) & 1; }
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

 private:
  explicit Shadow(uint64_t raw) : raw_(raw) {}
  uint64_t raw_ = 0;
};
static_assert(sizeof(Shadow) == 8);

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
