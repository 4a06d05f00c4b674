// What the files of the blocking-bug detector share among themselves
// (detector/DESIGN.md, "Blocking bugs"); blocking.hpp is what the rest of
// the detector sees.
//
//   held_locks.cpp       each goroutine's held-lock list; the lock-order graph
//   snapshot.cpp         a frozen view of the goroutines and of memory
//   blocking_report.cpp  deadlock and leak reports from a snapshot
//   watchdog.cpp         the watchdog thread: lock cycles, stuck goroutines
//   leak_check.cpp       leaks at main's return and at a test's end
//
// Invariants:
//  - One analysis at a time: a snapshot is analysed and reported under
//    analysis_mu, which also guards the set of goroutines already reported.
//  - A goroutine's held list is written only by that goroutine, between
//    two bumps of its sequence count; others copy it with read_held.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "blocking.hpp"
#include "internal.hpp"
#include "internal_mutex.hpp"
#include "waitfor.hpp"

namespace chansan {

// ---- held_locks.cpp ----
void held_locks_init();
// A consistent copy of g's held list, without what others unlocked for it.
uint32_t read_held(GState* g, GState::HeldLock* out);

// ---- snapshot.cpp ----
extern std::atomic<hooks::WalkGoroutinesFn> g_walk_goroutines;
extern std::atomic<hooks::WalkTimersFn> g_walk_timers;
// Waits without holding up the caller's worker: other goroutines must run
// meanwhile (with one worker, a thread sleep would stop them all).
void pause_ns(long ns);
bool take_snapshot(Snapshot& snap);
// Nothing of the program runs: every goroutine waits (but `except`, the
// caller), and every thread the program made is blocked in csp.
bool quiescent(const Snapshot& snap, uint64_t except);
// A hash of who waits and how often each has parked: equal fingerprints,
// nothing ran in between.
uint64_t fingerprint(const Snapshot& s);
// The stuck-goroutine search on a quiescent snapshot; `except` is the
// calling goroutine (0: none), `main_returned` makes main an agent without
// a stack. Returns false if the snapshot did not hold still (unless the
// caller knows it did: `held_still`).
bool stuck_goroutines(Snapshot& snap, uint64_t except, bool main_returned, std::vector<std::size_t>& stuck,
                      bool held_still = false);

// ---- blocking_report.cpp ----
extern InternalMutex analysis_mu;
// Goroutines already reported stuck (as a deadlock or a leak).
extern std::unordered_set<uint64_t>* g_reported CSP_GUARDED_BY(analysis_mu);
// Reports goroutines `idx` as one deadlock; true if any was new. `cycle`:
// the ids of a lock cycle, in order (empty for stuck goroutines).
bool report_deadlock(const Snapshot& snap, const std::vector<std::size_t>& idx, const std::string& title,
                     const std::vector<uint64_t>& cycle) CSP_REQUIRES(analysis_mu);
// (where created, where blocked) -> members: one `goroutine leak` report each.
using LeakGroups = std::map<std::pair<uintptr_t, uintptr_t>, std::vector<std::size_t>>;
void report_leaks(const Snapshot& snap, LeakGroups& groups, const std::string& title);

// ---- watchdog.cpp ----
// main has returned: what is stuck now is the leak check's to report (as
// leaks), not the watchdog's (as deadlocks).
extern std::atomic<bool> g_main_returned;
void tick() CSP_EXCLUDES(analysis_mu);

}  // namespace chansan
