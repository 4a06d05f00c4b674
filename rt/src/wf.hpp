// The wait-for seam between the runtime and the deadlock detector
// (detector/DESIGN.md, "Blocking bugs"). What the detector needs beyond the
// happens-before seam (hb.hpp):
//  - who holds which lock: lock_acquired / lock_released, called by mutex
//    and rwmutex at the moment the caller owns (or gives up) the lock;
//  - what each parked G waits on: G::wait_objs, set by park() (no call);
//  - which memory is the runtime's own bookkeeping (RuntimeOwned): its
//    records (the registry, the scheduler, thread Gs, the parking lot) hold
//    pointers to every goroutine and wait object, and must never count as a
//    path by which user code reaches a channel or a lock;
//  - which OS threads are the runtime's (workers, the timer thread): they
//    run no user code, so they never count as a goroutine that could wake
//    another;
//  - when main has returned (leak check, before the runtime stops).
// Plain and TSan builds compile the seam to nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "g.hpp"

namespace csp::rt::wf {

// How a lock is held: a mutex or an rwmutex's writer, an rwmutex's reader,
// or the goroutine running a once's function (callers wait for it; it is
// not part of the lock order).
enum class LockMode : uint8_t { exclusive, shared, once };

#if defined(CSP_HB_CHANSAN)
void lock_acquired(G* g, const void* lock, LockMode mode, const void* pc);
void lock_released(G* g, const void* lock, LockMode mode);
void runtime_owned_begin();
void runtime_owned_end();
void runtime_thread();
void main_returned();
void bubble_deadlocked(const uint64_t* ids, std::size_t n);
void schedule_idle();
#else
inline void lock_acquired(G*, const void*, LockMode, const void*) {}
inline void lock_released(G*, const void*, LockMode) {}
inline void runtime_owned_begin() {}
inline void runtime_owned_end() {}
inline void runtime_thread() {}
inline void main_returned() {}
inline void bubble_deadlocked(const uint64_t*, std::size_t) {}
inline void schedule_idle() {}
#endif

// Allocations made inside are the runtime's own records: the detector
// neither tracks them as heap blocks nor scans them for pointers.
struct RuntimeOwned {
  RuntimeOwned() { runtime_owned_begin(); }
  ~RuntimeOwned() { runtime_owned_end(); }
  RuntimeOwned(const RuntimeOwned&) = delete;
};

}  // namespace csp::rt::wf
