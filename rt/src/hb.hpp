// The happens-before seam between the runtime and a race detector (Go's
// racesync/raceacquireg/racereleaseg). Each edge of Go's memory model is
// made by these calls at the exact point where the model puts it, naming
// the goroutine on whose behalf the edge is taken (a waker often acts for
// the goroutine it wakes). One operation may make several edges, as Go's
// does: a buffered channel's send acquires and releases its slot for the
// sender, and for a receiver it hands the value to directly (chan.cpp).
//
// Backends (chosen in rt/CMakeLists.txt, one per library):
//  - none (CSP_HB_NONE): empty inline functions, no cost per sync point.
//  - tsan (CSP_HB_TSAN, hb_tsan.cpp): ThreadSanitizer annotations; an edge
//    for another goroutine is taken by briefly switching TSan to that
//    goroutine's fiber.
//  - chansan (CSP_HB_CHANSAN, hb_chansan.cpp): the chansan detector
//    (detector/include/chansan/runtime_hooks.hpp), in libcsp_race.a.
//
// The runtime's own atomics and locks are never visible to a detector: only
// these calls create edges, so no edge exists that Go's model lacks.
#pragma once

#include "g.hpp"

namespace csp::rt::hb {

#if defined(CSP_HB_TSAN) || defined(CSP_HB_CHANSAN)
void acquire(G* g, const void* sync);  // g's clock absorbs sync's
// g's clock becomes sync's: the timer thread, before it fires a timer,
// knows exactly that timer's arming and nothing of the timers it fired
// before (each timer orders only its own arming before its own firing).
void acquire_alone(G* g, const void* sync);
void release(G* g, const void* sync);  // sync's clock absorbs g's
// A direct hand-off between two goroutines (a channel's waiter): `from`'s
// clock reaches `to`, and no one else. `sync` names the pair (the waiter);
// a detector may keep no state for it.
void transfer(G* from, G* to, const void* sync);
void go_start(G* parent, G* child);    // `go` before the child's first step
void invisible_begin();
void invisible_end();
#else
inline void acquire(G*, const void*) {}
inline void acquire_alone(G*, const void*) {}
inline void release(G*, const void*) {}
inline void go_start(G*, G*) {}
inline void transfer(G*, G*, const void*) {}
inline void invisible_begin() {}
inline void invisible_end() {}
#endif

// Brackets memory work that is the runtime's own, on the current goroutine,
// with no switch inside: its critical sections (SpinGuard) and the transfer
// of a value between a sender's variable, a buffer slot and a receiver's
// variable. As in Go, whose runtime is not instrumented, such accesses are
// ordered by the edges above, not user accesses: a detector must not see
// them (a sanitizer intercepts memcpy even in uninstrumented code).
struct Invisible {
  Invisible() { invisible_begin(); }
  ~Invisible() { invisible_end(); }
  Invisible(const Invisible&) = delete;
};

}  // namespace csp::rt::hb
