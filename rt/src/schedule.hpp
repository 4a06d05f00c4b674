// Seeded schedules (api.md §4.2): with CSP_SCHEDULE=random:<seed> or
// pct:<seed>[:<depth>] the whole program runs on one worker, on a virtual
// clock, and at every scheduling point the next goroutine is chosen by a
// generator seeded with <seed>. Same binary, seed and input: the same
// interleaving.
//
// Invariants:
//  - enabled() is fixed before main's first step (runtime_init) and never
//    changes; free runs pay one predictable branch per scheduling point.
//  - Every decision is a function of the seed and of the order in which
//    goroutines became runnable, which with one worker is itself a function
//    of earlier decisions. The exception is an OS thread the program made
//    readying a goroutine (outside the guarantee; its push is locked).
//  - The runnable set holds each G at most once, never the running one.
#pragma once

#include <cstdint>

#include "g.hpp"

namespace csp::rt {
struct VirtualClock;
}

namespace csp::rt::schedule {

extern bool g_enabled;
inline bool enabled() { return __builtin_expect(g_enabled, false); }

// Reads CSP_SCHEDULE; a bad value is a start-up error (exit 2). Called
// once by runtime_init before any goroutine exists.
void init();

// The schedule's clock, or null in a free run.
VirtualClock* clock();

// The line every report and panic of a seeded run ends with
// ("replay: CSP_SCHEDULE=pct:7:3"), or null in a free run.
const char* replay_line();

// 64 random bits from the schedule's generator (select's shuffles).
uint64_t next_random();

// A scheduling point in the running goroutine: the schedule may switch to
// another runnable goroutine here (scheduler.cpp).
void point_slow();
inline void point() {
  if (enabled()) point_slow();
}

// ---- the scheduler's side ----
void on_new_g(G* g);   // a goroutine was created (its PCT priority)
void push(G* g);       // g became runnable
// One decision. `running` (the goroutine at the scheduling point, or null)
// is a candidate when `running_can_run`; it is never in the set. Returns
// the G to run (possibly `running`), taken out of the set, or null if
// there is none.
G* pick(G* running, bool running_can_run);

}  // namespace csp::rt::schedule
