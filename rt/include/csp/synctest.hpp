// Virtual time for tests (api.md §4.1; Go's testing/synctest).
//
//   csp::synctest::run([] {
//     auto start = csp::now();
//     csp::sleep(std::chrono::hours(1));      // returns at once, in real time
//     assert(csp::now() - start == std::chrono::hours(1));
//   });
//
// run(f) starts f as a goroutine in a new *bubble* and returns when it and
// every goroutine started from inside the bubble (transitively) have
// exited. Inside, time is virtual: it starts at a fixed instant and moves
// only when every goroutine of the bubble is durably blocked (on a channel,
// select, wait_group, cond, sleep or timer; not on a mutex), then jumps to
// the next timer due in the bubble. If every goroutine is durably blocked
// and no timer is pending, run() panics with
// "deadlock: all goroutines in bubble are blocked", listing them.
#pragma once

#include <utility>

#include "csp/csp.hpp"

namespace csp {
namespace detail {
struct bubble_state;  // opaque
// Makes the caller's next `go` start a new bubble's first goroutine.
// Panics when called from inside a bubble.
bubble_state* bubble_begin();
// Waits for the bubble to end; panics if it deadlocked. Frees b.
void bubble_join(bubble_state* b);
void bubble_wait();
}  // namespace detail

namespace synctest {

// Runs f as a new goroutine in a new bubble; returns once every goroutine
// of the bubble has exited.
template <class F>
void run(F&& f) {
  detail::bubble_state* b = detail::bubble_begin();
  csp::go(std::forward<F>(f));
  detail::bubble_join(b);
}

// From inside a bubble: returns once every other goroutine of the bubble is
// durably blocked. Panics outside a bubble, or if another goroutine of the
// bubble is already waiting.
inline void wait() { detail::bubble_wait(); }

}  // namespace synctest
}  // namespace csp
