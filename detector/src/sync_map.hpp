// Clocks of synchronization objects (channels' waiters and buffer slots,
// mutexes, wait groups, atomics' addresses), keyed by address: the sync
// objects of detector/DESIGN.md, "Goroutines and edges".
//
// Layout (as ThreadSanitizer's meta shadow): a meta cell of 4 bytes per
// 8-byte granule of memory (meta_map.hpp) holds the first of a chain of 32-byte records, one per key in that
// granule (atomic<bool> flags put up to 8 there). A lookup is a cell load
// and a short chain; no hashing, no allocation but the clock's entries.
//
// Invariants:
//  - A clock's address is stable from creation until the memory that holds
//    its key is freed (erase_range); callers hold no pointer across a free.
//  - Locks are sharded by granule: a granule's chain, and the clocks on it,
//    change only under its shard's lock, so an atomic's operation and its
//    clock work are one step, and neighbouring objects (a channel's buffer
//    slots) do not share a lock. Records come from, and go back to, their
//    shard's free list.
//  - A page's bit is set once a key on the page was made, and cleared when
//    a free covers the whole page: nearly every free of memory that never
//    held a sync object is a bit test per page; one that did reads its own
//    cells. A free costs O(its block), never O(all sync objects).
//  - Keys at or above kUserSpaceEnd (thread_sync_key) are not memory: they
//    live in a small per-shard table, no free ever erases them, and they
//    have no page bit.
//  - These are the detector's own locks: never seen by the detector, so
//    they create no happens-before edge in the program.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "clock.hpp"
#include "internal_mutex.hpp"
#include "meta_map.hpp"

namespace chansan {

constexpr uintptr_t kUserSpaceEnd = uintptr_t{1} << 47;

// The key of an OS thread's end (released when it ends, acquired by its
// join): outside user space, so the key does not die with the thread's
// stack, where glibc keeps the thread's descriptor (pthread_self()).
inline uintptr_t thread_sync_key(uintptr_t pthread_id) { return pthread_id | (uintptr_t{1} << 62); }

class SyncMap {
  struct Shard;

  // The shard's lock, taken by every reader and writer of its chains and
  // clocks; it moves the shard's sequence count to odd while held, so an
  // unlocked reader (load_acquire) can tell that its copy may be torn.
  class CSP_SCOPED_CAPABILITY ShardLock {
   public:
    explicit ShardLock(Shard& s) CSP_ACQUIRE(s.lock);
    ~ShardLock() CSP_RELEASE();
    ShardLock(const ShardLock&) = delete;
    ShardLock& operator=(const ShardLock&) = delete;

   private:
    Shard& s_;
  };

 public:
  SyncMap();
  ~SyncMap();
  SyncMap(const SyncMap&) = delete;

  // The clock of `addr`, created empty on first use. `fn(clock)` runs with
  // the shard locked, so acquire/release on one object are atomic.
  template <class F>
  void with_clock(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    ShardLock l(s);
    fn(get_or_make(s, addr));
  }

  // As with_clock, but only if `addr` has a clock (an acquire of an object
  // nobody released has nothing to learn, and must not allocate).
  template <class F>
  bool with_existing(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    ShardLock l(s);
    SyncClock* c = find(s, addr);
    if (!c) return false;
    fn(*c);
    return true;
  }

  // Runs fn(clock or nullptr, make) with the shard locked: atomics do their
  // operation and its clock work as one step.
  template <class F>
  void with_shard(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    ShardLock l(s);
    // The lambda runs inside fn, under the lock (the analysis cannot follow).
    fn(find(s, addr), [&]() CSP_NO_TSA -> SyncClock& { return get_or_make(s, addr); });
  }

  // Inside with_shard's fn: the version (load_acquire's) addr's shard will
  // be at once the lock is let go.
  uint64_t version_at_unlock(uintptr_t addr) { return shard(addr).seq.load(std::memory_order_relaxed) + 1; }

  bool contains(uintptr_t addr) {
    Shard& s = shard(addr);
    ShardLock l(s);
    return find(s, addr) != nullptr;
  }

  // An acquiring load without the lock (polled flags and counters are read
  // by many threads at once; an exclusive lock per read sends its line
  // from core to core): runs `load`, then copies addr's clock into out
  // (room for kSlots; *n = 0 if it has none). False if a writer of the
  // shard came in between: the caller then takes the locked way. True
  // means no release into the shard ran while the value was read and the
  // clock copied, so the copy is the clock released with that value.
  // On success, *version (if given) is the shard's sequence count the copy
  // was taken at: while the count stays there, addr's clock is the same.
  template <class Load>
  bool load_acquire(uintptr_t addr, Load&& load, Epoch* out, int* n, uint64_t* version = nullptr) {
    if (addr >= kUserSpaceEnd) return false;
    Shard& s = shard(addr);
    const uint64_t before = s.seq.load(std::memory_order_acquire);
    if (before & 1) return false;
    load();
    *n = 0;
    if (std::atomic<uint32_t>* c = cell(addr, false)) {
      int steps = 0;
      for (uint32_t i = c->load(std::memory_order_acquire); i != 0 && steps < 64; steps++) {
        const Record& r = records_[i];
        if (__atomic_load_n(&r.key, __ATOMIC_RELAXED) == addr) {
          *n = r.clock.copy_unlocked(out);
          break;
        }
        i = __atomic_load_n(&r.next, __ATOMIC_RELAXED);
      }
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (version) *version = before;
    return s.seq.load(std::memory_order_relaxed) == before;
  }

  // Runs `load` and returns true if addr's shard is at `version` (from
  // load_acquire) before and after it: no writer came in since that copy,
  // so the value read came with the clock already copied. A loop polling
  // an address nobody writes reads two lines that stay in its cache, and
  // looks nothing up. False: the caller copies the clock again.
  template <class Load>
  bool load_if_unchanged(uintptr_t addr, uint64_t version, Load&& load) {
    Shard& s = shard(addr);
    if (s.seq.load(std::memory_order_acquire) != version) return false;
    load();
    std::atomic_thread_fence(std::memory_order_acquire);
    return s.seq.load(std::memory_order_relaxed) == version;
  }

  // Forgets the clocks of every object in [begin, begin + size): the memory
  // was freed, and a new object there must not inherit old edges.
  void erase(uintptr_t addr);
  void erase_range(uintptr_t begin, std::size_t size);
  std::size_t size();
  // Keys looked at by erase_range so far: what a free costs, for tests
  // that pin it to the freed pages, whatever lives elsewhere.
  std::size_t keys_examined() const { return examined_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kShards = 64;
  static constexpr unsigned kPageShift = 12;
  static constexpr unsigned kGranuleShift = 3;
  static constexpr uint32_t kMaxRecords = uint32_t{1} << 28;

  struct Record {
    uintptr_t key;
    uint32_t next;  // the next record of the granule's chain, or of a free list; 0 ends
    SyncClock clock;
  };
  // A line each: threads working on different shards must not move each
  // other's lock and sequence count between cores.
  struct alignas(64) Shard {
    InternalMutex lock;
    std::atomic<uint64_t> seq{0};  // odd while the lock is held; never wraps
    uint32_t free_head CSP_GUARDED_BY(lock) = 0;
    std::size_t live CSP_GUARDED_BY(lock) = 0;  // user-space keys
    std::unordered_map<uintptr_t, SyncClock> far CSP_GUARDED_BY(lock);  // keys above user space
  };

  static uintptr_t page_of(uintptr_t addr) { return addr >> kPageShift; }
  Shard& shard(uintptr_t addr) { return shards_[(addr >> kGranuleShift) % kShards]; }
  bool page_marked(uintptr_t page) const {
    return page_bits_[page >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (page & 63));
  }
  // The granule's meta cell; null if its region was never mapped and
  // `create` is false.
  std::atomic<uint32_t>* cell(uintptr_t addr, bool create) { return cells_.cell(addr, create); }
  SyncClock* find(Shard& s, uintptr_t addr) CSP_REQUIRES(s.lock) {
    if (__builtin_expect(addr >= kUserSpaceEnd, 0)) return find_far(s, addr);
    std::atomic<uint32_t>* c = cell(addr, false);
    if (!c) return nullptr;
    for (uint32_t i = c->load(std::memory_order_relaxed); i != 0; i = records_[i].next)
      if (records_[i].key == addr) return &records_[i].clock;
    return nullptr;
  }
  SyncClock* find_far(Shard& s, uintptr_t addr) CSP_REQUIRES(s.lock);
  SyncClock& get_or_make(Shard& s, uintptr_t addr) CSP_REQUIRES(s.lock);
  uint32_t take_record(Shard& s) CSP_REQUIRES(s.lock);
  // Drops the keys in [begin, end) from the chain at `c` (its shard locked).
  void erase_in_granule(Shard& s, std::atomic<uint32_t>* c, uintptr_t begin, uintptr_t end) CSP_REQUIRES(s.lock);

  std::atomic<uint64_t>* page_bits_;
  MetaMap<kGranuleShift> cells_{"the sync map"};
  Record* records_;
  std::atomic<uint32_t> fresh_{1};  // records below it were handed out at least once
  std::atomic<std::size_t> examined_{0};
  Shard shards_[kShards];
};

}  // namespace chansan
