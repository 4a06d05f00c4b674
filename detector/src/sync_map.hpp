// Clocks of synchronization objects (channels' waiters and buffer slots,
// mutexes, wait groups, atomics' addresses), keyed by address: the sync
// objects of detector/DESIGN.md, "Goroutines and edges".
//
// Invariants:
//  - A clock's address is stable from creation until the memory that holds
//    its key is freed (erase_range); callers hold no pointer across a free.
//  - Clocks are sharded by address (neighbouring objects, a channel's
//    buffer slots, do not share a lock); a second index, sharded by page,
//    lists each 4 KiB page's keys: forgetting a freed block costs O(its
//    pages + the keys on them), never O(all sync objects).
//  - Lock order: a clock shard, then a page shard (insertion); erasure
//    takes a page shard alone, then clock shards one at a time.
//  - A page's bit is set while (and only while, up to a racing free) the
//    page lists a key; bits and lists change under the page shard's lock.
//  - Keys at or above kUserSpaceEnd (thread_sync_key) are not memory: no
//    free ever erases them, and they have no page bit.
//  - Shards are locked independently; a lookup locks one shard. These are
//    the detector's own locks: never seen by the detector, so they create
//    no happens-before edge in the program.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "clock.hpp"
#include "internal_mutex.hpp"

namespace chansan {

constexpr uintptr_t kUserSpaceEnd = uintptr_t{1} << 47;

// The key of an OS thread's end (released when it ends, acquired by its
// join): outside user space, so the key does not die with the thread's
// stack, where glibc keeps the thread's descriptor (pthread_self()).
inline uintptr_t thread_sync_key(uintptr_t pthread_id) { return pthread_id | (uintptr_t{1} << 62); }

class SyncMap {
 public:
  SyncMap();
  ~SyncMap();
  SyncMap(const SyncMap&) = delete;

  // The clock of `addr`, created empty on first use. `fn(clock)` runs with
  // the shard locked, so acquire/release on one object are atomic.
  template <class F>
  void with_clock(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    InternalLock l(s.lock);
    fn(get_or_make(s, addr));
  }
  // As with_clock, but only if `addr` has a clock (an acquire of an object
  // nobody released has nothing to learn, and must not allocate).
  template <class F>
  bool with_existing(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    InternalLock l(s.lock);
    auto it = s.clocks.find(addr);
    if (it == s.clocks.end()) return false;
    fn(it->second);
    return true;
  }
  // Runs fn(clock or nullptr, make) with the shard locked: atomics do their
  // operation and its clock work as one step.
  template <class F>
  void with_shard(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    InternalLock l(s.lock);
    auto it = s.clocks.find(addr);
    fn(it == s.clocks.end() ? nullptr : &it->second,
       [&]() -> SyncClock& { return get_or_make(s, addr); });
  }
  bool contains(uintptr_t addr) {
    Shard& s = shard(addr);
    InternalLock l(s.lock);
    return s.clocks.count(addr) != 0;
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
  struct Shard {
    InternalMutex lock;
    std::unordered_map<uintptr_t, SyncClock> clocks;  // guarded by lock; node-based: stable addresses
  };
  struct PageShard {
    InternalMutex lock;
    std::unordered_map<uintptr_t, std::vector<uintptr_t>> keys;  // guarded by lock: page -> its keys
  };
  static uintptr_t page_of(uintptr_t addr) { return addr >> kPageShift; }
  Shard& shard(uintptr_t addr) { return shards_[(addr >> 3) % kShards]; }
  PageShard& page_shard(uintptr_t page) {
    return page_shards_[(page * 0x9E3779B97F4A7C15ull) >> 58];  // Fibonacci hashing
  }
  static_assert(kShards == 64, "page_shard() takes the top 6 bits of the hash");
  SyncClock& get_or_make(Shard& s, uintptr_t addr);
  // Takes the keys of one page in [begin, end) out of the index.
  void take_page_keys(uintptr_t page, uintptr_t begin, uintptr_t end, std::vector<uintptr_t>& out);
  bool page_marked(uintptr_t page) const {
    return page_bits_[page >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (page & 63));
  }
  std::atomic<uint64_t>* page_bits_;
  std::atomic<std::size_t> examined_{0};
  Shard shards_[kShards];
  PageShard page_shards_[kShards];
};

}  // namespace chansan
