// The detector's run-time state: per-goroutine state (GState), slots, and
// the process-wide context. detector/DESIGN.md explains the model.
//
// Invariants:
//  - A GState is touched only by its own goroutine while it runs, or by the
//    one goroutine that acts for it while it is parked (its waker).
//  - A slot is owned by at most one GState. Its epochs only grow, across
//    owners: an owner's epochs are [own_start, epoch], and no other owner
//    ever issues one of them. The slot's trace is written only by its owner
//    while the owner runs (Slot::state has the running bit set).
//  - clock[sid] of a slot's owner is what the owner knows of the slot's
//    *earlier* owners; its own epoch is `epoch`. So a cell (s, e) is ordered
//    before the owner's next access iff e <= clock[s], or s is its slot and
//    e >= own_start (its own access). A new owner thus inherits nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "chansan/runtime_hooks.hpp"
#include "clock.hpp"
#include "options.hpp"
#include "shadow.hpp"
#include "suppressions.hpp"
#include "sync_map.hpp"
#include "trace.hpp"

namespace chansan {

struct Slot;

// Lazily allocated on a goroutine's first fence (fences are rare).
struct FenceState {
  VectorClock at_release_fence;  // the clock as of the last release fence
  bool have_release = false;
  // The clocks seen by relaxed loads so far, joined: what the next acquire
  // fence learns. It only grows (learning a clock twice changes nothing).
  VectorClock pending_acquire;
  // Which clocks are already in pending_acquire: the address and its
  // shard's sequence count (SyncMap::load_acquire's version) when copied,
  // by address bits. A polling loop then copies a clock only when it
  // changed.
  static constexpr unsigned kSeen = 8;
  struct Seen {
    uintptr_t addr = 0;
    uint64_t version = 0;
  } seen[kSeen];
  Seen& seen_for(uintptr_t addr) { return seen[(addr >> 3) % kSeen]; }
};

struct GState {
  // Hot fields first: what every access reads.
  Slot* slot = nullptr;   // null: no slot yet, or lost while parked
  uint64_t stamp = 0;     // sid << 8 | epoch << 16: the slot and epoch bits of a shadow cell
  Event* trace_events = nullptr;           // the slot's trace (cached)
  uint64_t trace_mask = 0;
  std::atomic<uint64_t>* trace_pos = nullptr;
  VectorClock clock;
  Epoch epoch = 0;        // own current epoch in `sid` (valid while has_slot)
  Epoch own_start = 0;    // first epoch of this ownership of `sid`
  Sid sid = 0;
  bool bump_pending = false;  // a waker released for us: bump before our next event
  bool is_thread = false;     // an OS thread's own state, not a goroutine
  uint64_t goid = 0;
  uint32_t create_stack = 0;  // stack depot id; 0: none (main, threads)
  // Shadow call stack: return addresses, outermost first.
  uint32_t depth = 0;
  uint32_t cap = kInlineFrames;
  uintptr_t* frames = inline_frames;
  // Stack bounds and the lowest frame address an instrumented function
  // reached: the part whose shadow is cleared when the stack is reused.
  uintptr_t stack_lo = 0, stack_hi = 0, stack_low_water = ~uintptr_t{0};
  // [private_lo, stack_hi): the goroutine's own closure (csp::go copied its
  // function and arguments there) and the runtime's G. The goroutine's own
  // plain accesses there are not checked: no other goroutine is given the
  // closure, and checking would commit a page of shadow per goroutine (the
  // per-goroutine budget; on these machines even a read of untouched
  // shadow commits its page). Another goroutine's accesses, through a
  // pointer it was handed, are still checked against each other.
  uintptr_t private_lo = 0;
  FenceState* fence = nullptr;
  // Locks this goroutine holds (deadlock detector, held_locks.cpp), with the
  // stack of each acquisition. Written only by the goroutine itself, under
  // the sequence count held_seq (odd while writing; readers retry). A lock
  // another goroutine unlocks (Go allows it) is recorded apart, and the
  // owner drops it at its next lock operation (foreign_release set).
  struct HeldLock {
    uintptr_t lock;
    uint32_t stack;  // stack depot id of the acquisition
    hooks::LockMode mode;
  };
  static constexpr uint32_t kMaxHeld = 16;  // more nested locks are not tracked
  std::atomic<uint32_t> held_seq{0};
  std::atomic<bool> foreign_release{false};
  uint32_t nheld = 0;
  HeldLock held[kMaxHeld];
  // The last lock acquisition's stack, by call site and shadow stack top: a
  // goroutine locking in a loop asks the stack depot once.
  uintptr_t lock_site_pc = 0, lock_site_caller = 0;
  uint32_t lock_site_depth = 0, lock_site_stack = 0;
  static constexpr uint32_t kInlineFrames = 40;
  uintptr_t inline_frames[kInlineFrames];
};

// One cache line per slot: each running owner writes its trace position on
// every access, and neighbours must not share the line.
struct alignas(64) Slot {
  // Owner GState* with bit 0 set while the owner runs; 0 when free.
  std::atomic<uintptr_t> state{0};
  std::atomic<Epoch> epoch_hwm{0};  // highest epoch issued in this slot
  Trace trace;
  // The slot's last kJournal owners, from the epoch each started at: who
  // made an access whose events the trace no longer holds (TSan's slot
  // journal). Written by each new owner at attach.
  static constexpr uint32_t kJournal = 64;
  struct Owner {
    Epoch start;
    uint32_t create_stack;
    uint64_t goid;
  };
  Owner* journal = nullptr;  // kJournal entries, in zero pages reserved at start-up
  std::atomic<uint32_t> journal_n{0};
  bool owner_at(Epoch e, uint64_t& goid, uint32_t& create_stack) const;
};

struct Context {
  Options options;
  Suppressions suppressions;
  ShadowMap shadow;
  SyncMap sync;
  Slot slots[kSlots];
  // Read by every atomic operation: a line of its own, with the other
  // read-mostly fields, none of whose neighbours is written often.
  alignas(64) std::atomic<bool> fences_used{false};
  std::atomic<int> reports{0};
  int log_fd = 2;
  hooks::StackOwnerFn stack_owner = nullptr;
  char tail_pad[64];  // what the allocator puts after the context is on another line
};

extern Context* ctx;
extern std::atomic<bool> initialized;
// An instrumented module holds a fence (__chansan_fences_present, which may
// run before the detector starts).
extern std::atomic<bool> fences_announced;

// The running goroutine's or thread's state; created on first use.
GState* cur();
void attach_slot(GState* g);  // slow path: g has no slot
void bump_epoch(GState* g);   // g runs: start a new epoch (after a release)

// A race between `old` and the current access; slow path. With
// `use_after_free`, `old` is a free the access is ordered after: reported
// as a heap-use-after-free instead of a data race.
void report_race(GState* g, Shadow old, uintptr_t granule, uintptr_t addr, std::size_t size,
                 bool is_write, bool is_atomic, uintptr_t pc, bool is_free, bool use_after_free = false);

}  // namespace chansan
