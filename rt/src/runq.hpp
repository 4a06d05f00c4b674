// A worker's local run queue (Go's p.runq): a fixed ring that only its owner
// pushes to and pops from, and that other workers steal half of.
//
// Invariants:
//  - tail_ is written only by the owner; head_ is advanced by CAS by the owner
//    (pop) and by thieves (steal), so an element is taken exactly once.
//  - 0 <= tail_ - head_ <= kSize.
#pragma once

#include <atomic>
#include <cstdint>

#include "g.hpp"

namespace csp::rt {

class RunQueue {
 public:
  static constexpr uint32_t kSize = 256;

  // Owner only. False when full (the caller moves work to the global queue).
  bool push(G* g) {
    uint32_t t = tail_.load(std::memory_order_relaxed);
    // Acquire pairs with a thief's head_ CAS: its reads of the slots are done.
    uint32_t h = head_.load(std::memory_order_acquire);
    if (t - h >= kSize) return false;
    slots_[t % kSize].store(g, std::memory_order_relaxed);
    // Release publishes the slot to pop/steal, which load tail_ with acquire.
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }

  // Owner only.
  G* pop() {
    uint32_t h = head_.load(std::memory_order_acquire);
    for (;;) {
      uint32_t t = tail_.load(std::memory_order_relaxed);
      if (t == h) return nullptr;
      G* g = slots_[h % kSize].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel)) return g;
    }
  }

  // Any worker: moves about half of this queue into `into` (which must be
  // empty and owned by the caller); returns one G to run, or nullptr.
  G* steal_into(RunQueue& into) {
    for (;;) {
      uint32_t h = head_.load(std::memory_order_acquire);
      uint32_t t = tail_.load(std::memory_order_acquire);  // pairs with push
      uint32_t n = t - h;
      if (n == 0 || n > kSize) {  // empty, or a torn read: retry or give up
        if (n == 0) return nullptr;
        continue;
      }
      n -= n / 2;
      // The first stolen G runs right away; the rest go into `into`, which no
      // thief can see until its tail_ moves.
      G* first = slots_[h % kSize].load(std::memory_order_relaxed);
      uint32_t it = into.tail_.load(std::memory_order_relaxed);
      for (uint32_t i = 1; i < n; i++)
        into.slots_[(it + i - 1) % kSize].store(slots_[(h + i) % kSize].load(std::memory_order_relaxed),
                                                 std::memory_order_relaxed);
      if (!head_.compare_exchange_weak(h, h + n, std::memory_order_acq_rel)) continue;
      if (n > 1) into.tail_.store(it + n - 1, std::memory_order_release);
      return first;
    }
  }

  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }
  uint32_t size() const {
    return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire);
  }

 private:
  alignas(64) std::atomic<uint32_t> head_{0};
  alignas(64) std::atomic<uint32_t> tail_{0};
  std::atomic<G*> slots_[kSize];
};

}  // namespace csp::rt
