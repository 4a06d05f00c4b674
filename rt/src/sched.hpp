// The scheduler's interface to the rest of the runtime: park and ready
// (Go's gopark/goready), the current G, and runtime state.
#pragma once

#include <cstdint>

#include "g.hpp"

namespace csp::rt {

void runtime_init();  // idempotent; adopts the main thread as goroutine 1

// The running G: a goroutine, or the thread G of an OS thread that is not a
// worker (created on first use).
G* current_g();

// Parks the current G. `unlock(arg)` runs once the G is off its stack (for a
// goroutine: in the next context), so a waker that needs the lock released
// by unlock can never ready the G before its context is saved.
// `obj` (or `objs`, which must stay valid while parked) is what the G waits
// on, for the deadlock detector (G::wait_objs).
void park(WaitReason reason, const void* pc, const void* obj, void (*unlock)(void*), void* arg);
void park_on(WaitReason reason, const void* pc, const void* const* objs, uint32_t nobjs,
             void (*unlock)(void*), void* arg);

// Makes a parked G runnable (from any thread). For a goroutine woken by a
// goroutine, it runs next on the waker's worker (Go's runnext).
void ready(G* g);

[[noreturn]] void park_forever(WaitReason reason, const void* pc);

bool exiting();

// Fast random numbers for select's order; per worker, no locking.
uint32_t fastrand();

}  // namespace csp::rt
