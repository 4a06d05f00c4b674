// The deadlock, lock-order and leak detector's entry points for the rest of
// the detector (its files: blocking_internal.hpp; the runtime's side is in
// runtime_hooks.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "chansan/runtime_hooks.hpp"

namespace chansan {

struct GState;

void blocking_init();  // at start-up, after the options: starts the watchdog
// A thread of the program (interceptors.cpp): counted by its creator before
// it starts (user_thread_started, or user_thread_not_started if the
// creation failed), then by itself: user_thread_running first thing, and
// user_thread_exited at its end.
// A pthread mutex or rwlock (exclusive or shared) taken or given
// up by the current thread: the held-lock list and the lock-order graph,
// as for csp's locks. Only the holder unlocks a pthread lock; an rwlock's
// unlock does not say which mode it ends.
void pthread_lock_acquired(GState* g, uintptr_t lock, hooks::LockMode mode, uintptr_t pc);
// About to wait for a pthread lock held by another thread: the lock order
// learns of it now, so that two threads that deadlock on each other's
// locks (each waiting, neither ever taking the lock) are still reported.
void pthread_lock_wanted(GState* g, uintptr_t lock, hooks::LockMode mode, uintptr_t pc);
// A lock of the program's taken, about to be waited for, or given up, as
// an interceptor or wrapper (pthread, Abseil, TSan's annotations) sees it:
// the lock's edge (acquire after taking, release before giving up) and its
// place in the held list and the lock-order graph, at the call site pc.
void program_lock_acquired(const void* lock, hooks::LockMode mode, uintptr_t pc);
void program_lock_wanted(const void* lock, hooks::LockMode mode, uintptr_t pc);
void program_lock_released(const void* lock);
void pthread_lock_released(GState* g, uintptr_t lock);

void user_thread_started();
void user_thread_not_started();
void user_thread_running();
void user_thread_exited();
// g is about to be freed: forget what others unlocked for it.
void goroutine_gone(GState* g);
// Memory [addr, addr + n) was freed: locks there are new locks from now on.
void locks_forget(uintptr_t addr, std::size_t n);

}  // namespace chansan
