// ShadowMap's slow paths; see shadow.hpp.
#include "shadow.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace chansan {
namespace {

void* reserve(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) {
    std::fprintf(stderr, "chansan: fatal: cannot reserve %zu bytes of shadow\n", bytes);
    std::abort();
  }
  return p;
}

}  // namespace

ShadowMap::ShadowMap()
    : top_(static_cast<std::atomic<std::atomic<uint64_t>*>*>(
          reserve(kTopEntries * sizeof(std::atomic<uint64_t>*)))) {}

ShadowMap::~ShadowMap() {
  for (uintptr_t i : mapped_) munmap(top_[i].load(std::memory_order_relaxed), kRegionShadowBytes);
  munmap(top_, kTopEntries * sizeof(std::atomic<uint64_t>*));
}

std::atomic<uint64_t>* ShadowMap::map_region(uintptr_t index) {
  if (index >= kTopEntries) {
    std::fprintf(stderr, "chansan: fatal: address 0x%lx outside user space\n",
                 static_cast<unsigned long>(index << kRegionShift));
    std::abort();
  }
  auto* fresh = static_cast<std::atomic<uint64_t>*>(reserve(kRegionShadowBytes));
  std::atomic<uint64_t>* expected = nullptr;
  if (top_[index].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
    regions_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> l(mapped_lock_);
    mapped_.push_back(index);
    return fresh;
  }
  munmap(fresh, kRegionShadowBytes);  // another thread installed it first
  return expected;
}

void ShadowMap::clear(uintptr_t addr, std::size_t size) {
  uintptr_t end = addr + size;
  for (uintptr_t a = addr & ~(kGranule - 1); a < end;) {
    uintptr_t region_end = (a | (kRegionBytes - 1)) + 1;
    uintptr_t stop = end < region_end ? end : region_end;
    std::atomic<uint64_t>* region = top_[a >> kRegionShift].load(std::memory_order_acquire);
    if (region) {  // never touched: nothing to forget
      std::atomic<uint64_t>* first = cells(a);
      std::size_t granules = (stop - a + kGranule - 1) / kGranule;
      for (std::size_t i = 0; i < granules * kShadowCells; i++)
        first[i].store(0, std::memory_order_relaxed);
    }
    a = stop;
  }
}

}  // namespace chansan
