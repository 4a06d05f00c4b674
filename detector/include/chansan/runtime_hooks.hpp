// The detector's side of the csp runtime's happens-before seam
// (rt/src/hb.hpp with CSP_HB_CHANSAN): what the runtime tells the detector
// about goroutines and synchronization. Only libcsp_race.a calls these; user
// code reaches the detector through chansan_interface.h.
//
// Contract:
//  - Every goroutine has one GoroutineState, created by goroutine_new and
//    freed by goroutine_free after the goroutine has switched away for good.
//  - acquire/release name the goroutine on whose behalf the edge is taken;
//    that goroutine is either the caller or parked (its single waker acts).
//  - switched_in runs on the thread that is about to run the goroutine's
//    code; switched_out before it stops.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chansan::hooks {

struct GoroutineState;

// The calling OS thread's own state (main thread, workers' scheduler
// contexts, threads blocked in csp). `goid` names it in reports.
GoroutineState* thread_state(uint64_t goid);
// [closure, stack_hi) holds the goroutine's own copy of its function and
// arguments (csp::go decay-copies them there) and the runtime's record.
GoroutineState* goroutine_new(uint64_t goid, const void* stack_lo, const void* stack_hi,
                              const void* closure);
// `go`: runs on the parent's thread before the child's first step. The
// child's clock starts at the parent's; its creation stack is the parent's
// current stack plus `create_pc`.
void go(GoroutineState* parent, GoroutineState* child, const void* create_pc);
void switched_out(GoroutineState* g);
void switched_in(GoroutineState* g);
// The goroutine is gone: its stack's shadow is cleared, its slot freed.
void goroutine_free(GoroutineState* g);

void acquire(GoroutineState* g, const void* sync);
void release(GoroutineState* g, const void* sync);
// from's clock reaches to directly (a hand-off between two goroutines): no
// sync object, so nothing is left behind and no third goroutine is ordered.
void transfer(GoroutineState* from, GoroutineState* to);

// Brackets the runtime's own work on user values (moving a value between a
// sender, a buffer and a receiver; destroying a channel's buffer): a free
// inside it forgets the memory but is not checked as the calling
// goroutine's access (in Go it is the runtime's, ordered by the channel).
void invisible_begin();
void invisible_end();

// Finds the goroutine whose stack holds `addr` (for "Location is stack of
// goroutine N"); returns 0 if none.
using StackOwnerFn = uint64_t (*)(uintptr_t addr);
void set_stack_owner_fn(StackOwnerFn fn);

}  // namespace chansan::hooks
