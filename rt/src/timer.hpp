// Timers: a min-heap of deadlines per clock. The real clock's heap is served
// by one timer thread that sleeps on a futex until the earliest deadline (so
// a program whose goroutines all wait on timers uses no CPU). A virtual
// clock (a synctest bubble's, or a seeded schedule's: api.md §4) has a heap
// of its own and no thread: its time moves only when its owner calls
// virtual_clock_advance, which jumps to the earliest deadline and fires
// what is due. Used by sleep, after, timer, ticker and context.
//
// Invariants:
//  - heap_index >= 0 exactly when the entry is in its clock's heap; both
//    guarded by that heap's lock.
//  - An entry's clock is set before it is first armed and never changes.
//  - The heap holds a reference to each entry in it, and the firer holds
//    one while it fires an entry, so fire() never sees a freed entry.
//  - fire() runs without a heap lock held; it must not block (channel sends
//    are non-blocking, as Go's sendTime).
//  - A virtual clock's time never goes backwards.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "spinlock.hpp"

namespace csp::rt {

struct VirtualClock;

struct TimerEntry {
  std::atomic<int> refs{1};
  int64_t when = 0;             // ns on the entry's clock; guarded by the heap lock
  int64_t period = 0;           // > 0: re-arm after firing (ticker)
  int heap_index = -1;          // guarded by the heap lock
  uint64_t seq = 0;             // bumped by stop/reset; guarded by the heap lock
  VirtualClock* clock = nullptr;  // null: the real (monotonic) clock
  void (*fire)(TimerEntry*) = nullptr;
  void (*destroy)(TimerEntry*) = nullptr;  // when refs reaches 0; may be null
  void* arg = nullptr;
};

struct TimerHeap {
  SpinLock lock;
  std::vector<TimerEntry*> heap CSP_GUARDED_BY(lock);  // min-heap on when
  // Entries taken off the heap and not yet fired (and re-armed): the firer
  // is acting on them (the deadlock detector).
  int firing CSP_GUARDED_BY(lock) = 0;
};

// The first instant of every virtual clock (as Go's synctest: midnight UTC,
// 2000-01-01, counted here on the steady clock's scale).
constexpr int64_t kVirtualEpochNs = 946'684'800'000'000'000;

struct VirtualClock {
  TimerHeap timers;
  std::atomic<int64_t> now{kVirtualEpochNs};
  VirtualClock* prev = nullptr;  // live virtual clocks, for timer_for_each_armed
  VirtualClock* next = nullptr;
};

void virtual_clock_register(VirtualClock* c);
void virtual_clock_unregister(VirtualClock* c);
// Fires what is due; if nothing is, moves time to the earliest deadline
// first. False if no timer is armed on c (time stays).
bool virtual_clock_advance(VirtualClock* c);
// Disarms every timer of c without firing it (a bubble that ended: its
// timers can never be observed).
void virtual_clock_clear(VirtualClock* c);

// The clock of the running goroutine: its bubble's, the seeded schedule's,
// or null (real time).
VirtualClock* current_clock();
int64_t clock_now(const VirtualClock* c);
inline int64_t now_ns() { return clock_now(current_clock()); }
// now + ns on clock c, saturating.
int64_t deadline_after(const VirtualClock* c, int64_t ns);

void timer_add(TimerEntry* t, int64_t when);        // arms; t must be idle
bool timer_del(TimerEntry* t);                       // true if it was armed
bool timer_modify(TimerEntry* t, int64_t when);      // re-arms; true if it was armed
void timer_unref(TimerEntry* t);

// Calls f(t, arg) and f(t->arg, arg) for each armed entry of every clock,
// under the heap locks (the deadlock detector: an armed timer can still
// wake what these lead to).
// Returns false if a firer is firing entries just taken off a heap: it is
// then acting on something the walk did not show.
bool timer_for_each_armed(void (*f)(const void* timer_arg, void* arg), void* arg);

// Sleeps the current G until `when` on its clock; the entry lives on the
// caller's stack.
void timer_sleep_until(VirtualClock* c, int64_t when, const void* pc);

}  // namespace csp::rt
