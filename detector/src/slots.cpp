// Slots (detector/DESIGN.md, "Clocks: slots, not goroutines"): which
// goroutine owns which of the kSlots slots, each slot's trace, and epochs.
//
// Invariants:
//  - Slot::state is 0 (free), g (owned by g, parked) or g|1 (owned by g,
//    running). Only the owner sets |1; a parked owner's slot may be taken
//    by CAS (g -> other|1), and the owner finds out in slot_resume.
//  - Slots are handed out never-used first, then those of exited owners
//    (FIFO under slot_mu), then taken from a parked owner, round robin.
//  - A new owner starts at the slot's highest epoch + 1: epochs of a slot
//    only grow, across owners, so no cell of an earlier owner looks like
//    the new owner's own access.
#include <sched.h>
#include <sys/mman.h>

#include "check.hpp"
#include "internal.hpp"

namespace chansan {
namespace {

InternalMutex slot_mu;
int next_fresh_slot CSP_GUARDED_BY(slot_mu) = 0;  // slots never owned yet
// FIFO of slots whose owner exited.
int free_slots[kSlots] CSP_GUARDED_BY(slot_mu);
int free_head CSP_GUARDED_BY(slot_mu) = 0;
int free_count CSP_GUARDED_BY(slot_mu) = 0;
int reclaim_cursor CSP_GUARDED_BY(slot_mu) = 0;

// The slot's trace, mapped on its first use (reserved, so untouched parts
// cost nothing).
void ensure_trace(Slot& s) CSP_REQUIRES(slot_mu) {
  if (s.trace.events) return;
  std::size_t n = std::size_t{1} << (12 + ctx->options.history_size);
  void* p = mmap(nullptr, n * sizeof(Event), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fatal_error("cannot map the trace of a slot");
  s.trace.mask = n - 1;
  s.trace.events = static_cast<Event*>(p);
}

}  // namespace

void trace_header(GState* g, Trace& t, uint64_t& p) {
  t.events[p++ & t.mask] = Event::owner(g->goid, g->epoch, g->create_stack);
  uint32_t first = 0;
  if (g->depth > Trace::kPartEvents / 2) first = g->depth - Trace::kPartEvents / 2;
  for (uint32_t i = first; i < g->depth; i++) t.events[p++ & t.mask] = Event::enter(g->frames[i]);
}

uint64_t trace_part_start(GState* g, uint64_t p) {
  trace_header(g, g->slot->trace, p);
  return p;
}

void attach_slot(GState* g) {
  InternalScope in;
  const auto me = reinterpret_cast<uintptr_t>(g);
  int idx = -1;
  while (idx < 0) {
    {
      InternalLock l(slot_mu);
      if (next_fresh_slot < kSlots) {
        idx = next_fresh_slot++;
      } else if (free_count > 0) {
        idx = free_slots[free_head];
        free_head = (free_head + 1) % kSlots;
        free_count--;
      }
      if (idx >= 0) {
        ctx->slots[idx].state.store(me | 1, std::memory_order_relaxed);
      } else {
        // Take the slot of a parked goroutine, round-robin: it learns of
        // the loss when it next runs (switched_in).
        for (int k = 0; k < kSlots && idx < 0; k++) {
          int i = (reclaim_cursor + k) % kSlots;
          uintptr_t s = ctx->slots[i].state.load(std::memory_order_relaxed);
          if (s == 0 || (s & 1)) continue;
          if (ctx->slots[i].state.compare_exchange_strong(s, me | 1, std::memory_order_acquire)) {
            idx = i;
            reclaim_cursor = (i + 1) % kSlots;
          }
        }
      }
      if (idx >= 0) ensure_trace(ctx->slots[idx]);
    }
    if (idx < 0) sched_yield();  // every slot is running: wait for one to park
  }
  Slot& s = ctx->slots[idx];
  // Ours now, running, with its trace mapped.
  CHANSAN_CHECK(s.state.load(std::memory_order_relaxed) == (me | 1) && s.trace.events != nullptr);
  Epoch start = s.epoch_hwm.load(std::memory_order_acquire) + 1;
  g->slot = &s;
  g->sid = static_cast<Sid>(idx);
  g->own_start = start;
  g->epoch = start;
  g->bump_pending = false;
  g->stamp = Shadow::stamp(g->sid, start);
  g->trace_events = s.trace.events;
  g->trace_mask = s.trace.mask;
  g->trace_pos = &s.trace.pos;
  s.epoch_hwm.store(start, std::memory_order_relaxed);
  {
    uint32_t n = s.journal_n.load(std::memory_order_relaxed);
    s.journal[n % Slot::kJournal] = {start, g->create_stack, g->goid};
    s.journal_n.store(n + 1, std::memory_order_release);
  }
  uint64_t p = s.trace.pos.load(std::memory_order_relaxed);
  trace_header(g, s.trace, p);
  s.trace.pos.store(p, std::memory_order_release);
}

bool Slot::owner_at(Epoch e, uint64_t& goid, uint32_t& create_stack) const {
  uint32_t n = journal_n.load(std::memory_order_acquire);
  uint32_t kept = n < kJournal ? n : kJournal;
  for (uint32_t k = 1; k <= kept; k++) {  // newest first
    const Owner& o = journal[(n - k) % kJournal];
    if (o.start <= e) {
      goid = o.goid;
      create_stack = o.create_stack;
      return true;
    }
  }
  return false;
}

void bump_epoch(GState* g) {
  if (!g->slot) return;
  if (__builtin_expect(g->epoch == kEpochLast - 1, 0)) fatal_error("epoch space of a slot exhausted");
  g->epoch++;
  g->stamp = Shadow::stamp(g->sid, g->epoch);
  g->slot->epoch_hwm.store(g->epoch, std::memory_order_relaxed);
  trace_put(g, Event::epoch_change(g->epoch));
}

void slot_park(GState* g) {
  if (g->slot) g->slot->state.store(reinterpret_cast<uintptr_t>(g), std::memory_order_release);
}

void slot_resume(GState* g) {
  if (!g->slot) return;
  uintptr_t me = reinterpret_cast<uintptr_t>(g);
  uintptr_t expected = me;
  if (g->slot->state.compare_exchange_strong(expected, me | 1, std::memory_order_acquire)) {
    if (g->bump_pending) {
      g->bump_pending = false;
      bump_epoch(g);
    }
    return;
  }
  if (expected == (me | 1)) return;  // never switched out (a thread's own state)
  // The slot was given to another goroutine while we were parked: keep
  // knowing our own past there, and take a slot when next needed.
  if (g->clock.get(g->sid) < g->epoch) g->clock.set(g->sid, g->epoch);
  g->slot = nullptr;
  g->bump_pending = false;
}

void slot_release(GState* g) {
  if (!g->slot) return;
  const uintptr_t me = reinterpret_cast<uintptr_t>(g);
  uintptr_t expected = me;
  bool freed = g->slot->state.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
  if (!freed && expected == (me | 1))  // a thread's own state: it never switched out
    freed = g->slot->state.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
  if (freed) {
    InternalLock l(slot_mu);
    free_slots[(free_head + free_count) % kSlots] = g->sid;
    free_count++;
  }
}

void thread_block_begin() {
  GState* g = tls_cur;
  if (!g || !g->is_thread || !g->slot || tls_internal) return;
  g->slot->state.store(reinterpret_cast<uintptr_t>(g), std::memory_order_release);
}

void thread_block_end() {
  GState* g = tls_cur;
  if (!g || !g->is_thread || tls_internal) return;
  hooks::switched_in(reinterpret_cast<hooks::GoroutineState*>(g));
}

}  // namespace chansan
