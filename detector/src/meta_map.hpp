// A meta map: a uint32 cell per 2^kCellShift bytes of application memory,
// beside it rather than in it (ThreadSanitizer's meta shadow). The heap
// table (heap.cpp) and the sync map (sync_map.cpp) keep in a cell the
// index of a record of their own.
//
// Invariants:
//  - Two levels, as the shadow: a reserved top array indexed by
//    addr >> kRegionShift, and per 4 MiB region a block of cells (plus
//    kTailBytes for the user's per-region data) mapped on first use and
//    installed by compare-exchange; the loser of a race unmaps its copy.
//  - Everything is reserved (MAP_NORESERVE): a page costs memory only once
//    written. A mapped region stays until the map is destroyed.
//  - The first kMaxRegions regions mapped are listed in mapping order, for
//    a walk over every cell (regions()) and for the destructor.
#pragma once

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.hpp"

namespace chansan {

// Address space for a detector table, or a clear fatal error.
inline void* reserve_table(std::size_t bytes, const char* what) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fatal_error(std::string("cannot reserve address space for ") + what);
  return p;
}

template <unsigned kCellShift, std::size_t kTailBytes = 0>
class MetaMap {
 public:
  static constexpr unsigned kRegionShift = 22;  // 4 MiB application regions
  static constexpr std::size_t kCellsPerRegion = std::size_t{1} << (kRegionShift - kCellShift);
  static constexpr std::size_t kTopEntries = std::size_t{1} << (47 - kRegionShift);
  static constexpr std::size_t kMaxRegions = 1 << 16;
  using Cell = std::atomic<uint32_t>;

  explicit MetaMap(const char* what)
      : what_(what),
        top_(static_cast<std::atomic<Cell*>*>(reserve_table(kTopEntries * sizeof(void*), what))),
        mapped_(static_cast<std::atomic<uint32_t>*>(reserve_table(kMaxRegions * sizeof(uint32_t), what))) {}
  ~MetaMap() {
    for (std::size_t i = 0; i < regions(); i++) munmap(region(i), kRegionBytes);
    munmap(mapped_, kMaxRegions * sizeof(uint32_t));
    munmap(top_, kTopEntries * sizeof(void*));
  }
  MetaMap(const MetaMap&) = delete;
  MetaMap& operator=(const MetaMap&) = delete;

  // addr's cell; null if addr is outside user space, or its region was
  // never mapped and `create` is false.
  Cell* cell(uintptr_t addr, bool create) {
    const uintptr_t index = addr >> kRegionShift;
    if (index >= kTopEntries) return nullptr;
    Cell* r = top_[index].load(std::memory_order_acquire);
    if (__builtin_expect(r == nullptr, 0)) {
      if (!create) return nullptr;
      r = map_region(index);
    }
    return r + ((addr & ((uintptr_t{1} << kRegionShift) - 1)) >> kCellShift);
  }
  // The first cell of the region holding `c` (addr is c's address).
  static Cell* region_of(uintptr_t addr, Cell* c) {
    return c - ((addr & ((uintptr_t{1} << kRegionShift) - 1)) >> kCellShift);
  }
  // The kTailBytes after a region's cells.
  static void* tail(Cell* region) { return region + kCellsPerRegion; }

  // Mapped regions, in mapping order: region(i) holds the cells of the
  // memory from base(i).
  std::size_t regions() const {
    const std::size_t n = regions_.load(std::memory_order_acquire);
    return n < kMaxRegions ? n : kMaxRegions;
  }
  uintptr_t base(std::size_t i) const {
    return uintptr_t{mapped_[i].load(std::memory_order_acquire)} << kRegionShift;
  }
  Cell* region(std::size_t i) const {  // null while its index is not yet stored
    return top_[mapped_[i].load(std::memory_order_acquire)].load(std::memory_order_acquire);
  }

 private:
  static constexpr std::size_t kRegionBytes = kCellsPerRegion * sizeof(Cell) + kTailBytes;

  Cell* map_region(uintptr_t index) {
    auto* fresh = static_cast<Cell*>(reserve_table(kRegionBytes, what_));
    Cell* expected = nullptr;
    if (top_[index].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
      const std::size_t n = regions_.fetch_add(1, std::memory_order_relaxed);
      if (n < kMaxRegions) mapped_[n].store(static_cast<uint32_t>(index), std::memory_order_release);
      return fresh;
    }
    munmap(fresh, kRegionBytes);  // another thread mapped it first
    return expected;
  }

  const char* what_;
  std::atomic<Cell*>* top_;
  std::atomic<std::size_t> regions_{0};
  std::atomic<uint32_t>* mapped_;
};

}  // namespace chansan
