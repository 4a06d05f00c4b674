// SyncMap; see sync_map.hpp.
#include "sync_map.hpp"

#include <sys/mman.h>

#include <new>

#include "check.hpp"

namespace chansan {
namespace {

constexpr std::size_t kPageBitsBytes = (kUserSpaceEnd >> 12) / 8;
constexpr uint32_t kFreshBatch = 64;

}  // namespace

SyncMap::ShardLock::ShardLock(Shard& s) : s_(s) {
  s_.lock.lock();
  s_.seq.store(s_.seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // odd before any change is seen
}

SyncMap::ShardLock::~ShardLock() {
  s_.seq.store(s_.seq.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  s_.lock.unlock();
}

SyncMap::SyncMap()
    : page_bits_(static_cast<std::atomic<uint64_t>*>(reserve_table(kPageBitsBytes, "the sync page map"))),
      records_(static_cast<Record*>(reserve_table(std::size_t{kMaxRecords} * sizeof(Record), "the sync map"))) {}

SyncMap::~SyncMap() {
  for (Shard& s : shards_) {
    ShardLock l(s);
    s.far.clear();
  }
  // Every record ever handed out that holds a clock: those on free lists
  // were destroyed when freed and hold none (e_ == nullptr after reset).
  const uint32_t n = fresh_.load(std::memory_order_relaxed);
  for (uint32_t i = 1; i < n && i < kMaxRecords; i++) records_[i].clock.~SyncClock();
  munmap(records_, std::size_t{kMaxRecords} * sizeof(Record));
  munmap(page_bits_, kPageBitsBytes);
}

uint32_t SyncMap::take_record(Shard& s) {
  if (s.free_head == 0) {  // a batch of never-used records; zero pages hold empty clocks
    uint32_t first = fresh_.fetch_add(kFreshBatch, std::memory_order_relaxed);
    if (first > kMaxRecords - kFreshBatch) fatal_error("more live sync objects than the detector can track (2^28)");
    for (uint32_t i = 0; i < kFreshBatch; i++) records_[first + i].next = i + 1 < kFreshBatch ? first + i + 1 : 0;
    s.free_head = first;
  }
  uint32_t i = s.free_head;
  s.free_head = records_[i].next;
  return i;
}

SyncClock* SyncMap::find_far(Shard& s, uintptr_t addr) {
  auto it = s.far.find(addr);
  return it == s.far.end() ? nullptr : &it->second;
}

SyncClock& SyncMap::get_or_make(Shard& s, uintptr_t addr) {
  if (addr >= kUserSpaceEnd) return s.far[addr];
  if (SyncClock* c = find(s, addr)) return *c;
  std::atomic<uint32_t>* c = cell(addr, true);
  uint32_t i = take_record(s);
  Record& r = records_[i];
  r.key = addr;
  r.next = c->load(std::memory_order_relaxed);
  c->store(i, std::memory_order_relaxed);
  s.live++;
  const uintptr_t pg = page_of(addr);
  std::atomic<uint64_t>& w = page_bits_[pg >> 6];
  const uint64_t bit = uint64_t{1} << (pg & 63);
  if (!(w.load(std::memory_order_relaxed) & bit)) w.fetch_or(bit, std::memory_order_relaxed);
  return r.clock;
}

void SyncMap::erase_in_granule(Shard& s, std::atomic<uint32_t>* c, uintptr_t begin, uintptr_t end) {
  std::size_t seen = 0;
  uint32_t kept = 0;  // the chain rebuilt from the records that stay
  for (uint32_t i = c->load(std::memory_order_relaxed); i != 0;) {
    Record& r = records_[i];
    const uint32_t next = r.next;
    seen++;
    if (r.key >= begin && r.key < end) {
      r.clock.~SyncClock();  // frees its entries and leaves it empty
      new (&r.clock) SyncClock();
      r.next = s.free_head;
      s.free_head = i;
      s.live--;
    } else {
      r.next = kept;
      kept = i;
    }
    i = next;
  }
  c->store(kept, std::memory_order_relaxed);
  examined_.fetch_add(seen, std::memory_order_relaxed);
}

void SyncMap::erase(uintptr_t addr) {
  if (addr >= kUserSpaceEnd) {
    Shard& s = shard(addr);
    ShardLock l(s);
    s.far.erase(addr);
    return;
  }
  erase_range(addr, 1);
}

void SyncMap::erase_range(uintptr_t begin, std::size_t size) {
  if (size == 0 || begin >= kUserSpaceEnd) return;
  uintptr_t end = begin + size;
  if (end > kUserSpaceEnd || end < begin) end = kUserSpaceEnd;
  constexpr uintptr_t kPage = uintptr_t{1} << kPageShift;
  for (uintptr_t pg = page_of(begin), last = page_of(end - 1); pg <= last; pg++) {
    if (!page_marked(pg)) continue;  // nearly every free: a bit test per page
    const uintptr_t lo = pg << kPageShift > begin ? pg << kPageShift : begin;
    const uintptr_t hi = (pg << kPageShift) + kPage < end ? (pg << kPageShift) + kPage : end;
    std::atomic<uint32_t>* c = cell(lo, false);
    if (!c) continue;
    for (uintptr_t g = lo >> kGranuleShift, g_end = (hi + 7) >> kGranuleShift; g < g_end; g++, c++) {
      if (c->load(std::memory_order_relaxed) == 0) continue;
      Shard& s = shard(g << kGranuleShift);
      ShardLock l(s);
      erase_in_granule(s, c, begin, end);
    }
    // A free of the whole page leaves no key on it (a key made there
    // meanwhile would be the program's use of freed memory).
    if (lo == pg << kPageShift && hi == (pg << kPageShift) + kPage)
      page_bits_[pg >> 6].fetch_and(~(uint64_t{1} << (pg & 63)), std::memory_order_relaxed);
  }
}

std::size_t SyncMap::size() {
  std::size_t n = 0;
  for (Shard& s : shards_) {
    ShardLock l(s);
    n += s.live + s.far.size();
  }
  return n;
}

}  // namespace chansan
