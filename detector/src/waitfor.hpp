// The wait-for analyses over one consistent snapshot of the goroutines
// (detector/DESIGN.md, "Blocking bugs"). Pure functions of the snapshot and
// of the program's memory as a MemoryView, so tests can build both.
//
// Two questions:
//  1. Lock cycles (find_lock_cycles): goroutines each blocked on a lock
//     (mutex, rwmutex, once) that the next one in the cycle holds. Every
//     edge waiter -> holder is exact: a reader waits for the writer that
//     owns the rwmutex, a writer that owns it waits for its readers, a
//     writer waits for the writer before it.
//  2. Stuck goroutines (find_stuck): blocked goroutines that nothing that
//     can still run can ever reach. Roots: the stacks of goroutines that can
//     run (running, runnable, sleeping), the program's globals (if anything
//     can run at all), and what armed timers act on. Memory is followed
//     conservatively, word by word: a word that points into a heap block
//     reaches the whole block; one that points into a blocked goroutine's
//     stack reaches that stack from there up. A blocked goroutine whose
//     channel, lock or wait group is reached can be woken: it joins the
//     roots, and the search goes on until nothing changes. What is left
//     can never be woken: no code that runs can name what it waits on.
//     The criterion is sound only when the snapshot is: nothing ran while
//     the memory was read (the caller checks that every goroutine still
//     waits with the same park count afterwards).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "chansan/runtime_hooks.hpp"

namespace chansan {

struct HeldLockSnap {
  uintptr_t lock;
  uint32_t stack;
  hooks::LockMode mode;
};

struct GSnap {
  uint64_t id = 0;
  bool waiting = false;
  bool is_thread = false;
  hooks::WaitKind kind = hooks::WaitKind::none;
  const char* reason = "";
  uintptr_t wait_pc = 0;
  uintptr_t create_pc = 0;
  std::vector<uintptr_t> objs;
  uint32_t park_count = 0;
  // Its stack for scanning: [stack_lo, stack_hi); the live part starts at
  // sp (stack_lo if unknown: the whole stack counts).
  uintptr_t stack_lo = 0, stack_hi = 0, sp = 0;
  std::vector<HeldLockSnap> held;
  void* state = nullptr;  // the detector's GState
};

struct Snapshot {
  std::vector<GSnap> gs;
  std::vector<uintptr_t> timer_args;  // armed timers
  bool timers_firing = false;         // the timer thread is acting: nothing holds still
  std::size_t used = 0;               // while filling: elements of gs in use
};

// The program's memory as the search sees it.
struct MemoryView {
  std::vector<std::pair<uintptr_t, uintptr_t>> globals;     // [lo, hi) ranges
  std::vector<std::pair<uintptr_t, std::size_t>> heap;      // blocks, sorted by start
};

// Cycles of goroutines (indices into snap.gs), each waiting on a lock the
// next one holds. Each goroutine is in at most one returned cycle.
std::vector<std::vector<std::size_t>> find_lock_cycles(const Snapshot& snap);

// The holders (indices) a waiting goroutine waits for, by its wait kind.
std::vector<std::size_t> lock_holders(const Snapshot& snap, std::size_t waiter);

// Indices of waiting goroutines that can never be woken.
std::vector<std::size_t> find_stuck(const Snapshot& snap, const MemoryView& mem);

// True if a waiting goroutine of this kind waits for a lock's holder.
inline bool waits_for_lock(hooks::WaitKind k) {
  using K = hooks::WaitKind;
  return k == K::mutex || k == K::rw_writer || k == K::rw_writer_readers || k == K::rw_reader ||
         k == K::once;
}

}  // namespace chansan
