// The happens-before seam between the runtime and a race detector (Go's
// racesync/raceacquireg/racereleaseg). Every synchronization point in rt/
// calls exactly one of these, at the exact point where Go's memory model puts
// the edge, naming the goroutine on whose behalf the edge is taken (a waker
// often acts for the goroutine it wakes).
//
// Three builds, chosen by one macro:
//  - CSP_HB_NONE (default): empty inline functions, no cost per sync point.
//  - CSP_HB_TSAN: ThreadSanitizer annotations; an edge for another goroutine
//    is taken by briefly switching TSan to that goroutine's fiber.
//  - CSP_HB_CHANSAN: the chansan detector's C ABI (added with the detector).
//
// The runtime's own atomics and locks are never visible to a detector: only
// these calls create edges, so no edge exists that Go's model lacks.
#pragma once

#include "g.hpp"

namespace csp::rt::hb {

#if defined(CSP_HB_TSAN)
void acquire(G* g, const void* sync);  // g's clock absorbs sync's
void release(G* g, const void* sync);  // sync's clock absorbs g's
void go_start(G* parent, G* child);    // `go` before the child's first step
#else
inline void acquire(G*, const void*) {}
inline void release(G*, const void*) {}
inline void go_start(G*, G*) {}
#endif

}  // namespace csp::rt::hb
