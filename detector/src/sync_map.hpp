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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "clock.hpp"

namespace chansan {

class SyncMap {
 public:
  // The clock of `addr`, created empty on first use. `fn(clock)` runs with
  // the shard locked, so acquire/release on one object are atomic.
  template <class F>
  void with_clock(uintptr_t addr, F&& fn) {
    Shard& s = shard(addr);
    std::lock_guard<std::mutex> l(s.lock);
    std::unique_ptr<VectorClock>& c = s.clocks[addr];
    if (!c) c = std::make_unique<VectorClock>();
    fn(*c);
  }
  bool contains(uintptr_t addr) {
    Shard& s = shard(addr);
    std::lock_guard<std::mutex> l(s.lock);
    return s.clocks.count(addr) != 0;
  }
  // Forgets the clocks of every object in [begin, begin + size): the memory
  // was freed, and a new object there must not inherit old edges.
  void erase_range(uintptr_t begin, std::size_t size);
  std::size_t size();

 private:
  static constexpr std::size_t kShards = 64;
  struct Shard {
    std::mutex lock;
    std::unordered_map<uintptr_t, std::unique_ptr<VectorClock>> clocks;  // guarded by lock
  };
  Shard& shard(uintptr_t addr) { return shards_[(addr >> 3) % kShards]; }
  Shard shards_[kShards];
};

// Slots for running goroutines (clock.hpp). acquire() hands out a free slot
// with its next epoch; a slot's epochs only grow, so accesses recorded by an
// earlier owner stay distinguishable from the new owner's.
class SlotPool {
 public:
  SlotPool();
  // False when every slot is taken or the chosen slot's epochs are spent:
  // the caller must start a new generation (reset) and retry.
  bool acquire(Sid& sid, Epoch& epoch);
  void release(Sid sid);
  // Starts a new generation: every slot free, epochs from 1 again.
  void reset();
  std::size_t in_use();

 private:
  std::mutex lock_;
  Epoch next_epoch_[kSlots];  // guarded by lock_
  bool used_[kSlots];         // guarded by lock_
  int hint_ = 0;              // guarded by lock_
};

}  // namespace chansan
