// ShadowMap's slow paths; see shadow.hpp.
#include "shadow.hpp"

#include <sys/mman.h>

#include <cstring>
#include <string>

#include "check.hpp"

namespace chansan {
namespace {

void* reserve(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) fatal_error("cannot reserve " + std::to_string(bytes) + " bytes of shadow");
  return p;
}

// Zeroes shadow: small spans by stores, large ones by handing their whole
// pages back to the kernel (they read as zero, and cost nothing until the
// next touch), so clearing a big block does not commit its shadow.
void zero(char* p, std::size_t n) {
  constexpr std::size_t kPage = 4096;
  if (n < 16 * kPage) {
    std::memset(p, 0, n);
    return;
  }
  char* lo = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(p) + kPage - 1) & ~(kPage - 1));
  char* hi = reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(p + n) & ~(kPage - 1));
  std::memset(p, 0, static_cast<std::size_t>(lo - p));
  std::memset(hi, 0, static_cast<std::size_t>(p + n - hi));
  madvise(lo, static_cast<std::size_t>(hi - lo), MADV_DONTNEED);
}

}  // namespace

ShadowMap::ShadowMap()
    : top_(static_cast<std::atomic<std::atomic<uint64_t>*>*>(
          reserve(kTopEntries * sizeof(std::atomic<uint64_t>*)))),
      mapped_(static_cast<std::atomic<uint32_t>*>(reserve(kMaxRegions * sizeof(std::atomic<uint32_t>)))) {}

ShadowMap::~ShadowMap() {
  std::size_t n = regions_.load() < kMaxRegions ? regions_.load() : kMaxRegions;
  for (std::size_t i = 0; i < n; i++)
    munmap(top_[mapped_[i].load(std::memory_order_relaxed)].load(std::memory_order_relaxed),
           kRegionShadowBytes);
  munmap(top_, kTopEntries * sizeof(std::atomic<uint64_t>*));
  munmap(mapped_, kMaxRegions * sizeof(std::atomic<uint32_t>));
}

std::atomic<uint64_t>* ShadowMap::map_region(uintptr_t index) {
  // The program's own wild pointer: it would fault anyway; say why here.
  if (index >= kTopEntries) fatal_error("an access to an address outside user space (above 2^47)");
  auto* fresh = static_cast<std::atomic<uint64_t>*>(reserve(kRegionShadowBytes));
  std::atomic<uint64_t>* expected = nullptr;
  if (top_[index].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
    std::size_t n = regions_.fetch_add(1, std::memory_order_relaxed);
    if (n < kMaxRegions) mapped_[n].store(static_cast<uint32_t>(index), std::memory_order_relaxed);
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
      zero(reinterpret_cast<char*>(first), granules * kShadowCells * sizeof(uint64_t));
    }
    a = stop;
  }
}

}  // namespace chansan
