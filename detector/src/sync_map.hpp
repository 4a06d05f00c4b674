// Clocks of synchronization objects (channels' waiters and buffer slots,
// mutexes, wait groups, atomics' addresses), keyed by address: the sync
// objects of detector/DESIGN.md, "Goroutines and edges".
//
// Invariants:
//  - A clock's address is stable from creation until the memory that holds
//    its key is freed (erase_range); callers hold no pointer across a free.
//  - Shards are locked independently; a lookup locks one shard. These are
//    the detector's own locks: never seen by the detector, so they create
//    no happens-before edge in the program.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "internal_mutex.hpp"
#include <unordered_map>

#include "clock.hpp"

namespace chansan {

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
    std::lock_guard<InternalMutex> l(s.lock);
    std::unique_ptr<VectorClock>& c = s.clocks[addr];
    if (!c) {
      c = std::make_unique<VectorClock>();
      mark_page(addr);
    }
    fn(*c);
  }
  // As with_clock, but only if `addr` has a clock (an acquire of an object
  // nobody released has nothing to learn, and must not allocate).
  template <class F>
  bool with_existing(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    std::lock_guard<InternalMutex> l(s.lock);
    auto it = s.clocks.find(addr);
    if (it == s.clocks.end()) return false;
    fn(*it->second);
    return true;
  }
  // Runs fn(clock or nullptr) with the shard locked: atomics do their
  // operation and its clock work as one step.
  template <class F>
  void with_shard(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    std::lock_guard<InternalMutex> l(s.lock);
    auto it = s.clocks.find(addr);
    fn(it == s.clocks.end() ? nullptr : it->second.get(), [&]() -> VectorClock& {
      std::unique_ptr<VectorClock>& c = s.clocks[addr];
      if (!c) {
        c = std::make_unique<VectorClock>();
        mark_page(addr);
      }
      return *c;
    });
  }
  bool contains(uintptr_t addr) {
    Shard& s = shard(addr);
    std::lock_guard<InternalMutex> l(s.lock);
    return s.clocks.count(addr) != 0;
  }
  // Forgets the clocks of every object in [begin, begin + size): the memory
  // was freed, and a new object there must not inherit old edges.
  void erase_range(uintptr_t begin, std::size_t size);
  std::size_t size();

 private:
  static constexpr std::size_t kShards = 64;
  static constexpr unsigned kPageShift = 12;
  // One bit per page of user space that has ever held a clock: a free of
  // memory without one (nearly every free) costs a few bit tests.
  void mark_page(uintptr_t addr) {
    uintptr_t pg = addr >> kPageShift;
    page_bits_[pg >> 6].fetch_or(uint64_t{1} << (pg & 63), std::memory_order_relaxed);
  }
  bool any_page_marked(uintptr_t begin, std::size_t size) const;
  std::atomic<uint64_t>* page_bits_;
  struct Shard {
    InternalMutex lock;
    std::unordered_map<uintptr_t, std::unique_ptr<VectorClock>> clocks;  // guarded by lock
  };
  Shard& shard(uintptr_t addr) { return shards_[(addr >> 3) % kShards]; }
  Shard shards_[kShards];
};

}  // namespace chansan
