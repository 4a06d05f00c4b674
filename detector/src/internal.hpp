// Helpers shared by the detector's translation units: the current state,
// the trace writer, and the guard that hides the detector's own work from
// its interceptors.
#pragma once

#include <dlfcn.h>

#include <cstdint>

#include "state.hpp"

namespace chansan {

extern __thread GState* tls_cur;
// >0 while this thread runs detector code that may allocate: interceptors
// then pass straight through (no shadow work, no recursion into locks).
extern __thread int tls_internal;
// >0 while the csp runtime moves or destroys user values (hooks::invisible_begin).
extern __thread int tls_invisible;

// An interceptor records the call (edges, accesses): the detector runs and
// this is not its own work.
inline bool tracking() { return initialized.load(std::memory_order_relaxed) && tls_internal == 0; }

// An interceptor's real function, from `slot` (resolved at start-up by the
// interceptor's file; resolved here only if called before that).
template <class F>
F resolved(void*& slot, const char* name) {
  void* f = __atomic_load_n(&slot, __ATOMIC_RELAXED);
  if (__builtin_expect(f == nullptr, 0)) {
    f = dlsym(RTLD_NEXT, name);
    __atomic_store_n(&slot, f, __ATOMIC_RELAXED);
  }
  return reinterpret_cast<F>(f);
}

struct InternalScope {
  InternalScope() { tls_internal++; }
  ~InternalScope() { tls_internal--; }
  InternalScope(const InternalScope&) = delete;
};

// The return address of the interceptor or entry point that uses it: the
// program's call site.
#define CS_PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))

uint64_t trace_part_start(GState* g, uint64_t pos);  // writes a part header
// slots.cpp: g parks (its slot may be taken), runs again (it may find its
// slot taken, and take a new one when next needed), or ends.
void slot_park(GState* g);
void slot_resume(GState* g);
void slot_release(GState* g);
void grow_frames(GState* g);

// A stack as the detector records it: `pc` (skipped if 0), then g's shadow
// call stack, innermost first, into out[0, max); returns the count. The one
// walk of the shadow stack: depot stacks, lock sites and reports use it.
inline std::size_t shadow_stack(const GState* g, uintptr_t pc, uintptr_t* out, std::size_t max) {
  std::size_t n = 0;
  if (pc && n < max) out[n++] = pc;
  if (g)
    for (uint32_t i = g->depth; i > 0 && n < max; i--) out[n++] = g->frames[i - 1];
  return n;
}
// Stacks kept in the depot (allocation, creation and lock sites) keep at
// most this many frames; a report's current stack keeps all.
constexpr std::size_t kDepotFrames = 64;
// Interns shadow_stack(g, pc) in the stack depot.
uint32_t capture_stack(GState* g, uintptr_t pc);
void sync_acquire(GState* g, uintptr_t sync);
void sync_release(GState* g, uintptr_t sync);
// c learns g's clock and g's own current epoch (a release of g into c).
template <class Clock>
void release_into(GState* g, Clock& c) {
  c.acquire(g->clock);
  if (g->slot && c.get(g->sid) < g->epoch) c.set(g->sid, g->epoch);
}
void after_release(GState* g);
GState* make_thread_state(uint64_t goid);
uint64_t next_thread_goid();       // a thread met without seeing it start
uint64_t next_user_thread_goid();  // a thread started through pthread_create
void unregister_thread_state(GState* g);
uint64_t thread_stack_owner(uintptr_t addr);
// An OS thread about to block in the C library (a lock, a wait, a join, a
// read) lets its slot go, as a parked goroutine does: a slot may be taken
// from it while it waits, so more than kSlots threads can wait on each
// other (300 threads at one barrier). After the call it takes its slot back
// or, if the slot was taken, a new one when it next needs one.
void thread_block_begin();
void thread_block_end();
struct ThreadBlocked {
  ThreadBlocked() { thread_block_begin(); }
  ~ThreadBlocked() { thread_block_end(); }
  ThreadBlocked(const ThreadBlocked&) = delete;
};

// A C library call's read or write of [addr, addr + size), made at pc.
void range_access(GState* g, uintptr_t addr, std::size_t size, bool is_write, uintptr_t pc);
// A free of [addr, addr + size), checked as a write.
void free_access(GState* g, uintptr_t addr, std::size_t size, uintptr_t pc);
// An atomic operation's access (atomics.cpp), checked against plain ones.
void atomic_access(GState* g, uintptr_t addr, std::size_t size, bool is_write, uintptr_t pc);

// Memory that is no longer what it was (freed inside the runtime's value
// work, unmapped, handed out again by a library's own pool): its shadow,
// its sync objects' clocks and its locks' place in the lock order go.
void forget_memory(uintptr_t addr, std::size_t size);

// An access the program names itself (tsan_interface.cpp): checked as a
// range, placed at pc.
void explicit_access(const void* addr, std::size_t size, bool is_write, uintptr_t pc);

// The shadow cells of addr's granule: ctx->shadow.cells() without the
// loads of ctx (the table's address is cached at start-up).
extern std::atomic<std::atomic<uint64_t>*>* g_shadow_top;
inline std::atomic<uint64_t>* shadow_cells(uintptr_t addr) {
  std::atomic<uint64_t>* region = g_shadow_top[addr >> ShadowMap::kRegionShift].load(std::memory_order_acquire);
  if (__builtin_expect(region == nullptr, 0)) return ctx->shadow.cells(addr);
  return ShadowMap::in_region(region, addr);
}

// Appends one event to the running owner's slot trace.
inline void trace_put(GState* g, Event e) {
  uint64_t p = g->trace_pos->load(std::memory_order_relaxed);
  if (__builtin_expect((p & (Trace::kPartEvents - 1)) == 0, 0)) p = trace_part_start(g, p);
  g->trace_events[p & g->trace_mask] = e;
  g->trace_pos->store(p + 1, std::memory_order_release);
}

// The current state, ready to record events (it owns a slot); null while
// the detector is not initialized or is doing its own work.
inline GState* ready_state() {
  GState* g = tls_cur;
  if (__builtin_expect(g != nullptr && g->slot != nullptr, 1)) return g;
  if (tls_internal) return nullptr;
  g = cur();
  if (!g) return nullptr;
  if (!g->slot) attach_slot(g);
  return g;
}

// An interceptor's edge on a sync object named by an address (a lock, a
// once flag, a task): the current goroutine or thread acquires from it or
// releases into it, if the detector is tracking.
inline void acquire_at(uintptr_t key) {
  if (!tracking()) return;
  if (GState* g = ready_state()) sync_acquire(g, key);
}
inline void release_at(uintptr_t key) {
  if (!tracking()) return;
  if (GState* g = ready_state()) sync_release(g, key);
}
inline void acquire_obj(const void* o) { acquire_at(reinterpret_cast<uintptr_t>(o)); }
inline void release_obj(const void* o) { release_at(reinterpret_cast<uintptr_t>(o)); }

}  // namespace chansan
