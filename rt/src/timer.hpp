// Timers: a min-heap of deadlines served by one timer thread that sleeps on
// a futex until the earliest one (so a program whose goroutines all wait on
// timers uses no CPU). Used by sleep, after, timer, ticker and context.
//
// Invariants:
//  - heap_index >= 0 exactly when the entry is in the heap; both guarded by
//    the timers lock.
//  - The heap holds a reference to each entry in it, and the timer thread
//    holds one while it fires an entry, so fire() never sees a freed entry.
//  - fire() runs on the timer thread without the timers lock held; it must
//    not block (channel sends are non-blocking, as Go's sendTime).
#pragma once

#include <atomic>
#include <cstdint>

namespace csp::rt {

struct TimerEntry {
  std::atomic<int> refs{1};
  int64_t when = 0;             // monotonic ns; guarded by the timers lock
  int64_t period = 0;           // > 0: re-arm after firing (ticker)
  int heap_index = -1;          // guarded by the timers lock
  uint64_t seq = 0;             // bumped by stop/reset; guarded by the timers lock
  void (*fire)(TimerEntry*) = nullptr;
  void (*destroy)(TimerEntry*) = nullptr;  // when refs reaches 0; may be null
  void* arg = nullptr;
};

void timer_add(TimerEntry* t, int64_t when);        // arms; t must be idle
bool timer_del(TimerEntry* t);                       // true if it was armed
bool timer_modify(TimerEntry* t, int64_t when);      // re-arms; true if it was armed
void timer_unref(TimerEntry* t);

// Calls f(t, arg) and f(t->arg, arg) for each armed entry, under the timers
// lock (the deadlock detector: an armed timer can still wake what these
// lead to).
// Returns false if the timer thread is firing entries just taken off the
// heap: it is then acting on something the walk did not show.
bool timer_for_each_armed(void (*f)(const void* timer_arg, void* arg), void* arg);

// Sleeps the current G until `when`; the entry lives on the caller's stack.
void timer_sleep_until(int64_t when, const void* pc);

}  // namespace csp::rt
