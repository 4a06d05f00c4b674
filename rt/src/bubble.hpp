// synctest bubbles (api.md §4.1, Go's testing/synctest): a goroutine started
// by synctest::run and every goroutine it starts, transitively, share a
// virtual clock that moves only when all of them are durably blocked.
//
// Invariants (all counts guarded by Bubble::lock):
//  - total counts the bubble's live goroutines; blocked counts those parked
//    durably (G::bubble_blocked set), a synctest::wait caller included.
//  - blocked is raised by park() before the goroutine's wait lock is
//    released, and lowered by ready(): so a wake-up is always counted after
//    the park it ends.
//  - When blocked == total, exactly one party acts: the goroutine in
//    synctest::wait if any (it returns), else the bubble's clock goroutine
//    (a runtime goroutine outside the bubble), which fires the earliest
//    timers, moving the clock, or declares the bubble deadlocked.
//  - The Bubble lives until both run()'s caller and the clock goroutine are
//    done with it (refs); a deadlocked one is never freed (its goroutines
//    stay blocked on it, as in Go).
//  - Happens-before, as Go's race detector has it for bubbles: a goroutine
//    releases the bubble when it blocks durably and when it exits; wait()
//    and run() acquire it before they return.
#pragma once

#include "g.hpp"
#include "timer.hpp"

namespace csp::rt {

struct Bubble;

VirtualClock* bubble_clock(Bubble* b);

// Hooks for the scheduler; each is a no-op unless the G is in a bubble.
void bubble_on_spawn(G* parent, G* child);
void bubble_on_exit(G* g);
void bubble_on_park(G* g, WaitReason reason);  // before the wait lock is released
void bubble_on_ready(G* g);

}  // namespace csp::rt
