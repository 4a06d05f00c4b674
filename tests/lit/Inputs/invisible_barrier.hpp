// A barrier the detector cannot see, for tests (compiler-rt's tsan tests
// order their steps with such a barrier_wait): it fixes the order of a
// test's steps without creating a happens-before edge, so a race test can
// make sure both accesses happen (and in which order) and still expect the
// report — where a sleep only makes that likely.
//
// Invisible because the pass does not instrument functions marked
// disable_sanitizer_instrumentation, and the atomics below are builtins in
// that function, not calls to instrumented library code. A waiter yields
// (a goroutine lets others run on its worker; an OS thread yields the CPU):
// with more goroutines at the barrier than workers, they still all arrive.
#pragma once

#include <csp/csp.hpp>

struct InvisibleBarrier {
  unsigned count;           // parties
  unsigned arrived = 0;     // in the current round
  unsigned generation = 0;  // rounds completed
  explicit InvisibleBarrier(unsigned n) : count(n) {}
};

__attribute__((disable_sanitizer_instrumentation, noinline)) inline void invisible_barrier_wait(
    InvisibleBarrier* b) {
  const unsigned gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == b->count) {
    __atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&b->generation, 1, __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen) csp::yield();
}
