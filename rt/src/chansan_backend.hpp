// What the chansan backend's files share (fibers_chansan.cpp,
// hb_chansan.cpp, wf_chansan.cpp): the detector's state of a G, and the
// one-time registration of the runtime's walkers with the detector.
#pragma once

#include "chansan/runtime_hooks.hpp"
#include "g.hpp"

namespace csp::rt::chansan_backend {

// g's detector state; an OS thread's G gets its thread's state on first use.
inline chansan::hooks::GoroutineState* state_of(G* g) {
  if (!g->backend.detector_state) g->backend.detector_state = chansan::hooks::thread_state(g->id);
  return g->backend.detector_state;
}

// Tells the detector how to walk goroutines and timers, find a stack's
// owner, sleep, and where the schedule's replay line is (once).
void register_walkers();

}  // namespace csp::rt::chansan_backend
