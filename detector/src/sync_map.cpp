// SyncMap and SlotPool; see sync_map.hpp.
#include "sync_map.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

namespace chansan {
namespace {
constexpr std::size_t kPageBitsBytes = (std::size_t{1} << (47 - 12)) / 8;  // 47-bit user space
}  // namespace

SyncMap::SyncMap() {
  void* p = mmap(nullptr, kPageBitsBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    std::fprintf(stderr, "chansan: fatal: cannot reserve the sync page map\n");
    std::abort();
  }
  page_bits_ = static_cast<std::atomic<uint64_t>*>(p);
}

SyncMap::~SyncMap() { munmap(page_bits_, kPageBitsBytes); }

bool SyncMap::any_page_marked(uintptr_t begin, std::size_t size) const {
  uintptr_t first = begin >> kPageShift, last = (begin + size - 1) >> kPageShift;
  for (uintptr_t pg = first; pg <= last; pg++)
    if (page_bits_[pg >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (pg & 63))) return true;
  return false;
}

void SyncMap::erase_range(uintptr_t begin, std::size_t size) {
  if (size == 0 || !any_page_marked(begin, size)) return;
  uintptr_t end = begin + size;
  if (size <= 256) {  // small ranges: probe each address in its own shard
    for (uintptr_t a = begin; a < end; a++) {
      Shard& s = shard(a);
      std::lock_guard<InternalMutex> l(s.lock);
      s.clocks.erase(a);
    }
    return;
  }
  for (Shard& s : shards_) {
    std::lock_guard<InternalMutex> l(s.lock);
    for (auto it = s.clocks.begin(); it != s.clocks.end();) {
      it = (it->first >= begin && it->first < end) ? s.clocks.erase(it) : std::next(it);
    }
  }
}

std::size_t SyncMap::size() {
  std::size_t n = 0;
  for (Shard& s : shards_) {
    std::lock_guard<InternalMutex> l(s.lock);
    n += s.clocks.size();
  }
  return n;
}

}  // namespace chansan
