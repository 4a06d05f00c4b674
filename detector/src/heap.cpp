// The table of live heap blocks (heap.hpp): a meta map from a block's start
// to a 16-byte record, as ThreadSanitizer's meta shadow.
//
// Why not a hash table: every malloc and free of the program lands here.
// A std::unordered_map per shard cost a node (64 bytes with the internal
// heap's header) and a bucket per live block, its rehashes left arrays of
// every size behind, and each insert and erase chased a chain: 100k jobs
// in flight through a queue took 57 MB of detector heap, more than the
// program and its shadow together.
//
// Layout:
//  - Meta cells (meta_map.hpp): one uint32_t per 16 bytes of application
//    memory (glibc's blocks start 16-aligned, at least 32 bytes apart). A
//    cell holds the index of the record of the block that starts there,
//    or 0.
//  - Records: a reserved array, touched as it grows; index 0 is never used.
//    Free records sit in a cache per thread (up to kCacheMax) and, in
//    batches of kBatch chained through `size`, on one shared list. A
//    thread's cache goes back to a shard when it ends (heap_thread_exit);
//    one that ends otherwise keeps at most kCacheMax records from reuse.
//
// Invariants:
//  - A cell is set by the thread that allocated the block, after malloc
//    returned it, and cleared by exchange when the block is freed, before
//    it goes back to malloc; malloc's own synchronization orders a reuse
//    after the clear, and of two frees of one block (the program's double
//    free) only one takes the record.
//  - Blocks of kBigBlock bytes or more are also listed apart, so finding
//    the block that holds an address scans back over at most kBigBlock
//    bytes of cells.
//  - A freed block's record, copied, stays in its shard's ring of the last
//    kFreedPerShard frees (reports on freed memory).
#include "heap.hpp"

#include <x86intrin.h>

#include <atomic>

#include "check.hpp"
#include "internal_mutex.hpp"
#include "meta_map.hpp"

namespace chansan {
namespace {

constexpr unsigned kCellShift = 4;  // a cell per 16 bytes
constexpr uint32_t kMaxRecords = uint32_t{1} << 30;
constexpr std::size_t kBigBlock = std::size_t{1} << 16;
constexpr std::size_t kShards = 64;
constexpr std::size_t kFreedPerShard = 64;
constexpr uint32_t kBatch = 32;  // records a thread's cache takes or gives back at once
constexpr uint32_t kCacheMax = 2 * kBatch;
constexpr std::size_t kMaxBig = 1 << 16;  // big blocks listed apart; past that, a report deep inside one may not name it
// A region's cells, then a bit per 4 KiB page of them that ever held one
// (the snapshot reads only those: reading the rest would fault in zero
// pages by the hundred).
constexpr std::size_t kCellPages = (std::size_t{1} << (22 - kCellShift)) * sizeof(uint32_t) / 4096;
using Cells = MetaMap<kCellShift, kCellPages / 8>;

// 16 bytes: the goroutine id is kept in 32 bits (goroutines below 2^31,
// threads from kThreadBase as 2^31 + their number); one that does not fit
// is kept as 0, unknown, which only a report's wording can show.
struct Record {
  uint64_t size;  // the block's size; on a free list, the next free index
  uint32_t stack;
  uint32_t owner;
};
static_assert(sizeof(Record) == 16);

constexpr uint64_t kThreadBase = uint64_t{1} << 32;  // report.hpp's kFirstThreadId
constexpr uint32_t kThreadBit = uint32_t{1} << 31;

uint32_t pack_owner(uint64_t goid) {
  if (goid < kThreadBit) return static_cast<uint32_t>(goid);
  if (goid >= kThreadBase && goid - kThreadBase < kThreadBit) return kThreadBit | static_cast<uint32_t>(goid - kThreadBase);
  return 0;
}
uint64_t unpack_owner(uint32_t o) { return o & kThreadBit ? kThreadBase + (o & ~kThreadBit) : o; }

struct FreedBlock {
  uintptr_t start = 0;
  HeapBlock block;
  uint64_t when = 0;  // the time stamp counter at the free: which of two came last
};

// A line at least each (a shard's lock is taken by every malloc and free
// of its blocks): neighbours must not share it.
struct alignas(64) Shard {
  InternalMutex lock;
  FreedBlock freed[kFreedPerShard] CSP_GUARDED_BY(lock);
  std::size_t freed_next CSP_GUARDED_BY(lock) = 0;
};

struct RecordCache {
  uint32_t n;
  uint32_t idx[kCacheMax];
};

struct BigBlock {
  uintptr_t start;
  std::size_t size;
};

struct Table {
  Cells cells{"the heap table"};
  Record* records = static_cast<Record*>(reserve_table(std::size_t{kMaxRecords} * sizeof(Record), "the heap table"));
  std::atomic<uint32_t> fresh{1};  // records below it have been handed out at least once
  Shard shards[kShards];
  // Free records, a batch each (give_batch): taken once per kBatch
  // allocations or frees, so one lock serves all threads.
  alignas(64) InternalMutex batch_lock;
  uint32_t batches CSP_GUARDED_BY(batch_lock) = 0;
  alignas(64) InternalMutex big_lock;
  // Blocks of kBigBlock bytes or more, unordered; few (glibc serves them
  // by mmap from 128 KiB), so a report scans them all.
  BigBlock* big CSP_GUARDED_BY(big_lock) =
      static_cast<BigBlock*>(reserve_table(kMaxBig * sizeof(BigBlock), "the heap table"));
  std::size_t big_count CSP_GUARDED_BY(big_lock) = 0;
};

Table& table() {
  static Table* t = new (reserve_table(sizeof(Table), "the heap table")) Table;  // never destroyed: reports at exit
  return *t;
}

Shard& shard_of(uintptr_t start) { return table().shards[(start >> kCellShift) % kShards]; }

std::atomic<uint32_t>* cell(uintptr_t addr, bool create) { return table().cells.cell(addr, create); }

std::atomic<uint64_t>* page_bits(std::atomic<uint32_t>* region) {
  return static_cast<std::atomic<uint64_t>*>(Cells::tail(region));
}

// Marks the page of cells that holds `c` as used (once per page).
void mark_page(uintptr_t addr, std::atomic<uint32_t>* c) {
  std::atomic<uint32_t>* region = Cells::region_of(addr, c);
  const std::size_t page = static_cast<std::size_t>(c - region) * sizeof(uint32_t) / 4096;
  std::atomic<uint64_t>& w = page_bits(region)[page / 64];
  const uint64_t bit = uint64_t{1} << (page % 64);
  if (!(w.load(std::memory_order_relaxed) & bit)) w.fetch_or(bit, std::memory_order_relaxed);
}

// A thread's own free records. Most mallocs take one here and most frees
// give one back, without a lock: a queue's producer allocates what its
// consumer frees, and on a shared list both took one lock per block. A
// full cache gives kBatch records back to a shard at once, as a batch.
__thread RecordCache tls_records;

// A batch of free records on a shard's list: a chain through Record::size;
// its first record holds the next batch in `stack`, and
// nothing else (it is walked outside the lock by whoever takes it).
void give_batch(Table& t, const uint32_t* idx, uint32_t n) {
  if (n == 0) return;
  for (uint32_t k = 0; k + 1 < n; k++) t.records[idx[k]].size = idx[k + 1];
  t.records[idx[n - 1]].size = 0;
  InternalLock l(t.batch_lock);
  t.records[idx[0]].stack = t.batches;
  t.batches = idx[0];
}

void refill(Table& t, RecordCache& c) {
  uint32_t head;
  {
    InternalLock l(t.batch_lock);
    head = t.batches;
    if (head) t.batches = t.records[head].stack;
  }
  if (head == 0) {  // a batch of never-used records
    const uint32_t first = t.fresh.fetch_add(kBatch, std::memory_order_relaxed);
    if (first > kMaxRecords - kBatch) fatal_error("more live heap blocks than the detector can track (2^30)");
    for (uint32_t k = 0; k < kBatch; k++) c.idx[c.n++] = first + kBatch - 1 - k;
    return;
  }
  // Walked outside the lock: the batch is this thread's now.
  for (uint32_t i = head; i != 0 && c.n < kCacheMax; i = static_cast<uint32_t>(t.records[i].size)) c.idx[c.n++] = i;
}

uint32_t take_record(Table& t) {
  RecordCache& c = tls_records;
  if (c.n == 0) refill(t, c);
  return c.idx[--c.n];
}

void give_record(Table& t, uint32_t i) {
  RecordCache& c = tls_records;
  if (c.n == kCacheMax) {
    c.n -= kBatch;
    give_batch(t, c.idx + c.n, kBatch);
  }
  c.idx[c.n++] = i;
}

HeapBlock to_block(const Record& r) { return HeapBlock{r.size, r.stack, unpack_owner(r.owner)}; }

bool holds(uintptr_t start, std::size_t size, uintptr_t addr) { return addr >= start && addr < start + (size ? size : 1); }

}  // namespace

void heap_add(uintptr_t start, const HeapBlock& b) {
  Table& t = table();
  CHANSAN_CHECK((start & ((uintptr_t{1} << kCellShift) - 1)) == 0);
  std::atomic<uint32_t>* c = cell(start, true);
  if (!c) return;  // above user space: not a block malloc could return
  const uint32_t i = take_record(t);
  t.records[i] = Record{b.size, b.stack, pack_owner(b.goid)};
  if (b.size >= kBigBlock) {
    InternalLock l(t.big_lock);
    if (t.big_count < kMaxBig) t.big[t.big_count++] = BigBlock{start, b.size};
  }
  mark_page(start, c);
  uint32_t old = c->exchange(i, std::memory_order_release);
  if (old != 0) give_record(t, old);  // a block freed behind the detector's back (never through free): forget it
}

bool heap_remove(uintptr_t start, HeapBlock& b) {
  Table& t = table();
  std::atomic<uint32_t>* c = cell(start, false);
  if (!c || (start & ((uintptr_t{1} << kCellShift) - 1)) != 0) return false;
  uint32_t i = c->exchange(0, std::memory_order_acquire);
  if (i == 0) return false;
  b = to_block(t.records[i]);
  if (b.size >= kBigBlock) {
    InternalLock l(t.big_lock);
    for (std::size_t k = 0; k < t.big_count; k++)
      if (t.big[k].start == start) {
        t.big[k] = t.big[--t.big_count];
        break;
      }
  }
  Shard& s = shard_of(start);
  {
    InternalLock l(s.lock);
    s.freed[s.freed_next++ % kFreedPerShard] = {start, b, __rdtsc()};
  }
  give_record(t, i);
  return true;
}

void heap_snapshot(std::vector<std::pair<uintptr_t, std::size_t>>& out) {
  Table& t = table();
  out.clear();
  for (std::size_t k = 0; k < t.cells.regions(); k++) {
    std::atomic<uint32_t>* r = t.cells.region(k);
    if (!r) continue;  // counted, not yet stored
    const uintptr_t base = t.cells.base(k);
    constexpr std::size_t kCellsPerPage = 4096 / sizeof(uint32_t);
    for (std::size_t page = 0; page < kCellPages; page++) {
      if (!(page_bits(r)[page / 64].load(std::memory_order_acquire) & (uint64_t{1} << (page % 64)))) continue;
      for (std::size_t j = page * kCellsPerPage; j < (page + 1) * kCellsPerPage; j++) {
        uint32_t i = r[j].load(std::memory_order_acquire);
        if (i) out.push_back({base | (j << kCellShift), t.records[i].size});
      }
    }
  }
}

std::size_t heap_records_used() { return table().fresh.load(std::memory_order_relaxed) - 1; }

void heap_thread_exit() {
  RecordCache& c = tls_records;
  if (c.n == 0) return;
  Table& t = table();
  give_batch(t, c.idx, c.n);
  c.n = 0;
}

bool heap_find(uintptr_t addr, uintptr_t& start, HeapBlock& b) {
  Table& t = table();
  {
    InternalLock l(t.big_lock);
    for (std::size_t k = 0; k < t.big_count; k++)
      if (holds(t.big[k].start, t.big[k].size, addr)) {
        std::atomic<uint32_t>* c = cell(t.big[k].start, false);
        uint32_t i = c ? c->load(std::memory_order_acquire) : 0;
        if (!i) continue;
        start = t.big[k].start;
        b = to_block(t.records[i]);
        return true;
      }
  }
  // The nearest block start at or below addr, within kBigBlock: the only
  // small block that can hold it (blocks do not overlap).
  uintptr_t lo = addr >= kBigBlock ? addr - kBigBlock : 0;
  for (uintptr_t a = addr & ~((uintptr_t{1} << kCellShift) - 1);; a -= uintptr_t{1} << kCellShift) {
    std::atomic<uint32_t>* c = cell(a, false);
    if (!c) {  // a region never used: skip to the end of the one below
      uintptr_t below = (a >> Cells::kRegionShift) << Cells::kRegionShift;
      if (below == 0 || below - 1 < lo) break;
      a = below;  // the loop steps to below - 16
      continue;
    }
    if (uint32_t i = c->load(std::memory_order_acquire)) {
      if (!holds(a, t.records[i].size, addr)) break;
      start = a;
      b = to_block(t.records[i]);
      return true;
    }
    if (a < lo + (uintptr_t{1} << kCellShift)) break;
  }
  // Not live: the most recently freed block that held it, if still kept.
  bool found = false;
  uint64_t newest = 0;
  for (Shard& s : t.shards) {
    InternalLock l(s.lock);
    const std::size_t kept = s.freed_next < kFreedPerShard ? s.freed_next : kFreedPerShard;
    for (std::size_t k = 1; k <= kept; k++) {
      const FreedBlock& f = s.freed[(s.freed_next - k) % kFreedPerShard];
      if (!holds(f.start, f.block.size, addr) || (found && f.when <= newest)) continue;
      found = true;
      newest = f.when;
      start = f.start;
      b = f.block;
    }
  }
  return found;
}

}  // namespace chansan
