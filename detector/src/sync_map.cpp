// SyncMap; see sync_map.hpp.
#include "sync_map.hpp"

#include <sys/mman.h>

#include "check.hpp"

namespace chansan {
namespace {
constexpr std::size_t kPageBitsBytes = (kUserSpaceEnd >> 12) / 8;
}  // namespace

SyncMap::SyncMap() {
  void* p = mmap(nullptr, kPageBitsBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fatal_error("cannot reserve the sync page map");
  page_bits_ = static_cast<std::atomic<uint64_t>*>(p);
}

SyncMap::~SyncMap() { munmap(page_bits_, kPageBitsBytes); }

SyncClock& SyncMap::get_or_make(Shard& s, uintptr_t addr) {
  auto [it, inserted] = s.clocks.try_emplace(addr);
  if (inserted && addr < kUserSpaceEnd) {
    const uintptr_t pg = page_of(addr);
    PageShard& ps = page_shard(pg);
    InternalLock l(ps.lock);
    ps.keys[pg].push_back(addr);
    page_bits_[pg >> 6].fetch_or(uint64_t{1} << (pg & 63), std::memory_order_relaxed);
  }
  return it->second;
}

void SyncMap::take_page_keys(uintptr_t page, uintptr_t begin, uintptr_t end, std::vector<uintptr_t>& out) {
  PageShard& ps = page_shard(page);
  InternalLock l(ps.lock);
  auto it = ps.keys.find(page);
  if (it == ps.keys.end()) return;
  std::vector<uintptr_t>& keys = it->second;
  examined_.fetch_add(keys.size(), std::memory_order_relaxed);
  for (std::size_t i = 0; i < keys.size();) {
    if (keys[i] >= begin && keys[i] < end) {
      out.push_back(keys[i]);
      keys[i] = keys.back();
      keys.pop_back();
    } else {
      i++;
    }
  }
  if (keys.empty()) {
    ps.keys.erase(it);
    page_bits_[page >> 6].fetch_and(~(uint64_t{1} << (page & 63)), std::memory_order_relaxed);
  }
}

void SyncMap::erase(uintptr_t addr) {
  if (addr >= kUserSpaceEnd) {
    Shard& s = shard(addr);
    InternalLock l(s.lock);
    s.clocks.erase(addr);
    return;
  }
  erase_range(addr, 1);
}

void SyncMap::erase_range(uintptr_t begin, std::size_t size) {
  if (size == 0 || begin >= kUserSpaceEnd) return;
  uintptr_t end = begin + size;
  if (end > kUserSpaceEnd || end < begin) end = kUserSpaceEnd;
  std::vector<uintptr_t> keys;
  for (uintptr_t pg = page_of(begin), last = page_of(end - 1); pg <= last; pg++) {
    if (!page_marked(pg)) continue;  // nearly every free: a bit test per page
    take_page_keys(pg, begin, end, keys);
  }
  for (uintptr_t k : keys) {
    Shard& s = shard(k);
    InternalLock l(s.lock);
    s.clocks.erase(k);
  }
}

std::size_t SyncMap::size() {
  std::size_t n = 0;
  for (Shard& s : shards_) {
    InternalLock l(s.lock);
    n += s.clocks.size();
  }
  return n;
}

}  // namespace chansan
