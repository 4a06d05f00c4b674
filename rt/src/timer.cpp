// The timer heaps, the real clock's timer thread and virtual clocks; see
// timer.hpp for the invariants.
#include "timer.hpp"

#include <pthread.h>

#include <utility>
#include <vector>

#include "bubble.hpp"
#include "check.hpp"
#include "g.hpp"
#include "hb.hpp"
#include "platform/os.hpp"
#include "registry.hpp"
#include "schedule.hpp"
#include "sched.hpp"
#include "wf.hpp"

namespace csp::rt {
namespace {

struct RealTimers : TimerHeap {
  std::atomic<uint32_t> wake_seq{0};  // futex: bumped when the earliest changes
  std::atomic<bool> started{false};
  pthread_t thread{};
};
RealTimers& real_timers() {
  static RealTimers* t = new RealTimers;  // never destroyed
  return *t;
}

// Live virtual clocks, for the deadlock detector's walk.
struct ClockList {
  SpinLock lock;
  VirtualClock* head CSP_GUARDED_BY(lock) = nullptr;
};
ClockList& clock_list() {
  static ClockList* l = new ClockList;  // never destroyed
  return *l;
}

TimerHeap& heap_of(const TimerEntry* t) {
  return t->clock ? t->clock->timers : static_cast<TimerHeap&>(real_timers());
}

bool earlier(const TimerEntry* a, const TimerEntry* b) { return a->when < b->when; }

void place(std::vector<TimerEntry*>& h, std::size_t i, TimerEntry* t) {
  h[i] = t;
  t->heap_index = static_cast<int>(i);
}

void sift_up(std::vector<TimerEntry*>& h, std::size_t i) {
  TimerEntry* t = h[i];
  while (i > 0) {
    std::size_t p = (i - 1) / 2;
    if (!earlier(t, h[p])) break;
    place(h, i, h[p]);
    i = p;
  }
  place(h, i, t);
}

void sift_down(std::vector<TimerEntry*>& h, std::size_t i) {
  TimerEntry* t = h[i];
  for (;;) {
    std::size_t c = 2 * i + 1;
    if (c >= h.size()) break;
    if (c + 1 < h.size() && earlier(h[c + 1], h[c])) c++;
    if (!earlier(h[c], t)) break;
    place(h, i, h[c]);
    i = c;
  }
  place(h, i, t);
}

// Returns true if t became the earliest.
bool heap_insert(TimerHeap& ts, TimerEntry* t) CSP_REQUIRES(ts.lock) {
  ts.heap.push_back(t);
  sift_up(ts.heap, ts.heap.size() - 1);
  return t->heap_index == 0;
}

// t is in the heap.
void heap_remove(TimerHeap& ts, TimerEntry* t) CSP_REQUIRES(ts.lock) {
  auto i = static_cast<std::size_t>(t->heap_index);
  TimerEntry* last = ts.heap.back();
  ts.heap.pop_back();
  t->heap_index = -1;
  if (last == t) return;
  place(ts.heap, i, last);
  sift_down(ts.heap, i);
  sift_up(ts.heap, static_cast<std::size_t>(last->heap_index));
}

using Due = std::vector<std::pair<TimerEntry*, uint64_t>>;

// Takes every entry due at `now` off the heap (the heap's reference passes
// to `due`), in deadline order.
void take_due(TimerHeap& ts, int64_t now, Due& due) CSP_REQUIRES(ts.lock) {
  while (!ts.heap.empty() && ts.heap[0]->when <= now) {
    TimerEntry* t = ts.heap[0];
    heap_remove(ts, t);
    due.emplace_back(t, t->seq);
  }
  ts.firing = static_cast<int>(due.size());
}

// Fires the entries take_due took, re-arming tickers; `c` is their clock.
void fire_due(TimerHeap& ts, const VirtualClock* c, Due& due) {
  for (auto [t, seq_at_fire] : due) {
    if (!t->destroy) {  // on a sleeper's stack: firing is the last touch
      t->fire(t);
      continue;
    }
    t->fire(t);
    if (t->period > 0) {
      SpinGuard l(ts.lock);
      // Re-arm unless stopped or reset meanwhile; keep the phase.
      if (t->seq == seq_at_fire && t->heap_index < 0) {
        int64_t now = clock_now(c);
        t->when += t->period;
        if (t->when <= now) t->when += ((now - t->when) / t->period + 1) * t->period;
        t->refs.fetch_add(1, std::memory_order_relaxed);
        heap_insert(ts, t);
      }
    }
    timer_unref(t);
  }
  if (!due.empty()) {
    due.clear();
    SpinGuard l(ts.lock);
    ts.firing = 0;
  }
}

void* timer_thread_main(void*) {
  wf::runtime_thread();
  RealTimers& ts = real_timers();
  Due due;
  for (;;) {
    int64_t wait_ns = -1;
    uint32_t seq;
    {
      SpinGuard l(ts.lock);
      seq = ts.wake_seq.load(std::memory_order_relaxed);
      int64_t now = os::monotonic_ns();
      take_due(ts, now, due);
      if (!ts.heap.empty()) wait_ns = ts.heap[0]->when - now;
    }
    if (exiting()) {  // fire nothing once exit began (see stop_runtime_at_exit)
      for (;;) os::futex_wait(&ts.wake_seq, ts.wake_seq.load(), -1);
    }
    if (!due.empty()) {
      fire_due(ts, nullptr, due);
      continue;
    }
    os::futex_wait(&ts.wake_seq, seq, wait_ns);
  }
}

void ensure_thread(RealTimers& ts) {
  if (ts.started.load(std::memory_order_acquire)) return;
  static SpinLock start_lock;
  SpinGuard l(start_lock);
  if (ts.started.load(std::memory_order_relaxed)) return;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  {
    wf::RuntimeOwned own;  // not one of the program's threads
    pthread_create(&ts.thread, &attr, timer_thread_main, nullptr);
  }
  pthread_attr_destroy(&attr);
  ts.started.store(true, std::memory_order_release);
}

// A new earliest deadline: the real clock's thread must re-plan its sleep.
// A virtual clock has no thread; its time moves only when advanced.
void kick(const TimerEntry* t) {
  if (t->clock) return;
  RealTimers& ts = real_timers();
  ts.wake_seq.fetch_add(1, std::memory_order_release);
  os::futex_wake(&ts.wake_seq, 1);
}

void prepare(const TimerEntry* t) {
  if (!t->clock) ensure_thread(real_timers());
}

}  // namespace

VirtualClock* current_clock() {
  G* g = current_g();
  if (g->bubble) return bubble_clock(g->bubble);
  return schedule::clock();
}

int64_t clock_now(const VirtualClock* c) {
  return c ? c->now.load(std::memory_order_relaxed) : os::monotonic_ns();
}

int64_t deadline_after(const VirtualClock* c, int64_t ns) {
  int64_t now = clock_now(c);
  if (ns <= 0) return now;
  return ns > INT64_MAX - now ? INT64_MAX : now + ns;
}

void virtual_clock_register(VirtualClock* c) {
  ClockList& l = clock_list();
  SpinGuard g(l.lock);
  c->prev = nullptr;
  c->next = l.head;
  if (l.head) l.head->prev = c;
  l.head = c;
}

void virtual_clock_unregister(VirtualClock* c) {
  ClockList& l = clock_list();
  SpinGuard g(l.lock);
  if (c->prev) {
    c->prev->next = c->next;
  } else {
    l.head = c->next;
  }
  if (c->next) c->next->prev = c->prev;
}

void virtual_clock_clear(VirtualClock* c) {
  TimerHeap& ts = c->timers;
  std::vector<TimerEntry*> dropped;
  {
    SpinGuard l(ts.lock);
    dropped.swap(ts.heap);
    for (TimerEntry* t : dropped) {
      t->heap_index = -1;
      t->seq++;
    }
  }
  for (TimerEntry* t : dropped) timer_unref(t);  // the heap's references
}

bool virtual_clock_advance(VirtualClock* c) {
  TimerHeap& ts = c->timers;
  Due due;
  {
    SpinGuard l(ts.lock);
    if (ts.heap.empty()) return false;
    int64_t when = ts.heap[0]->when;
    if (when > c->now.load(std::memory_order_relaxed)) c->now.store(when, std::memory_order_relaxed);
    take_due(ts, c->now.load(std::memory_order_relaxed), due);
  }
  fire_due(ts, c, due);
  return true;
}

void timer_add(TimerEntry* t, int64_t when) {
  prepare(t);
  TimerHeap& ts = heap_of(t);
  bool first;
  {
    SpinGuard l(ts.lock);
    CSP_CHECK(t->heap_index < 0);
    t->when = when;
    t->seq++;
    t->refs.fetch_add(1, std::memory_order_relaxed);  // the heap's
    first = heap_insert(ts, t);
  }
  if (first) kick(t);
}

bool timer_del(TimerEntry* t) {
  TimerHeap& ts = heap_of(t);
  bool was;
  {
    SpinGuard l(ts.lock);
    t->seq++;
    was = t->heap_index >= 0;
    if (was) heap_remove(ts, t);
  }
  if (was) timer_unref(t);
  return was;
}

bool timer_modify(TimerEntry* t, int64_t when) {
  prepare(t);
  TimerHeap& ts = heap_of(t);
  bool was, first;
  {
    SpinGuard l(ts.lock);
    t->seq++;
    was = t->heap_index >= 0;
    if (was) {
      heap_remove(ts, t);
    } else {
      t->refs.fetch_add(1, std::memory_order_relaxed);
    }
    t->when = when;
    first = heap_insert(ts, t);
  }
  if (first) kick(t);
  return was;
}

namespace {
bool walk_heap(TimerHeap& ts, void (*f)(const void*, void*), void* arg) {
  SpinGuard l(ts.lock);
  for (TimerEntry* t : ts.heap) {
    f(t, arg);  // a channel timer's entry leads to its channel
    if (t->arg) f(t->arg, arg);
  }
  return ts.firing == 0;
}
}  // namespace

bool timer_for_each_armed(void (*f)(const void*, void*), void* arg) {
  bool quiet = walk_heap(real_timers(), f, arg);
  ClockList& l = clock_list();
  SpinGuard g(l.lock);
  for (VirtualClock* c = l.head; c; c = c->next) quiet &= walk_heap(c->timers, f, arg);
  return quiet;
}

void timer_unref(TimerEntry* t) {
  if (t->refs.fetch_sub(1, std::memory_order_acq_rel) == 1 && t->destroy) t->destroy(t);
}

// Parks with the heap lock held (released after the switch).
CSP_NO_TSA void timer_sleep_until(VirtualClock* c, int64_t when, const void* pc) {
  TimerEntry e;  // on this stack: destroy stays null, refs never reach 0
  e.clock = c;
  prepare(&e);
  TimerHeap& ts = heap_of(&e);
  e.fire = [](TimerEntry* t) { ready(static_cast<G*>(t->arg)); };
  e.arg = current_g();
  bool first;
  ts.lock.lock();
  e.when = when;
  e.refs.fetch_add(1, std::memory_order_relaxed);
  {
    hb::Invisible heap_work;
    first = heap_insert(ts, &e);
  }
  if (first) kick(&e);
  // The timer can fire only after the lock is released, which park does
  // once this goroutine is off its stack.
  park(WaitReason::sleep, pc, nullptr, SpinLock::unlock_fn, &ts.lock);
}

}  // namespace csp::rt
