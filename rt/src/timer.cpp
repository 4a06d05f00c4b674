// The timer heap and its thread; see timer.hpp for the invariants.
#include "timer.hpp"

#include <pthread.h>

#include <vector>

#include "check.hpp"
#include "g.hpp"
#include "hb.hpp"
#include "platform/os.hpp"
#include "registry.hpp"
#include "sched.hpp"
#include "spinlock.hpp"
#include "wf.hpp"

namespace csp::rt {
namespace {

struct Timers {
  SpinLock lock;
  std::vector<TimerEntry*> heap CSP_GUARDED_BY(lock);  // min-heap on when
  std::atomic<uint32_t> wake_seq{0};  // futex: bumped when the earliest changes
  std::atomic<bool> started{false};
  pthread_t thread{};
  // Entries taken off the heap and not yet fired (and re-armed): the timer
  // thread is acting on them (guarded by lock; the deadlock detector).
  int firing CSP_GUARDED_BY(lock) = 0;
};
Timers& timers() {
  static Timers* t = new Timers;  // never destroyed
  return *t;
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
bool heap_insert(Timers& ts, TimerEntry* t) CSP_REQUIRES(ts.lock) {
  ts.heap.push_back(t);
  sift_up(ts.heap, ts.heap.size() - 1);
  return t->heap_index == 0;
}

// t is in the heap.
void heap_remove(Timers& ts, TimerEntry* t) CSP_REQUIRES(ts.lock) {
  auto i = static_cast<std::size_t>(t->heap_index);
  TimerEntry* last = ts.heap.back();
  ts.heap.pop_back();
  t->heap_index = -1;
  if (last == t) return;
  place(ts.heap, i, last);
  sift_down(ts.heap, i);
  sift_up(ts.heap, static_cast<std::size_t>(last->heap_index));
}

void* timer_thread_main(void*) {
  wf::runtime_thread();
  Timers& ts = timers();
  std::vector<std::pair<TimerEntry*, uint64_t>> due;
  for (;;) {
    int64_t wait_ns = -1;
    uint32_t seq;
    {
      SpinGuard l(ts.lock);
      seq = ts.wake_seq.load(std::memory_order_relaxed);
      int64_t now = os::monotonic_ns();
      while (!ts.heap.empty() && ts.heap[0]->when <= now) {
        TimerEntry* t = ts.heap[0];
        heap_remove(ts, t);  // the heap's reference passes to `due`
        due.emplace_back(t, t->seq);
      }
      ts.firing = static_cast<int>(due.size());
      if (!ts.heap.empty()) wait_ns = ts.heap[0]->when - now;
    }
    if (exiting()) {  // fire nothing once exit began (see stop_runtime_at_exit)
      for (;;) os::futex_wait(&ts.wake_seq, ts.wake_seq.load(), -1);
    }
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
          int64_t now = os::monotonic_ns();
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
      continue;
    }
    os::futex_wait(&ts.wake_seq, seq, wait_ns);
  }
}

void ensure_thread(Timers& ts) {
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

void kick(Timers& ts) {
  ts.wake_seq.fetch_add(1, std::memory_order_release);
  os::futex_wake(&ts.wake_seq, 1);
}

}  // namespace

void timer_add(TimerEntry* t, int64_t when) {
  Timers& ts = timers();
  ensure_thread(ts);
  bool first;
  {
    SpinGuard l(ts.lock);
    CSP_CHECK(t->heap_index < 0);
    t->when = when;
    t->seq++;
    t->refs.fetch_add(1, std::memory_order_relaxed);  // the heap's
    first = heap_insert(ts, t);
  }
  if (first) kick(ts);
}

bool timer_del(TimerEntry* t) {
  Timers& ts = timers();
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
  Timers& ts = timers();
  ensure_thread(ts);
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
  if (first) kick(ts);
  return was;
}

bool timer_for_each_armed(void (*f)(const void*, void*), void* arg) {
  Timers& ts = timers();
  SpinGuard l(ts.lock);
  for (TimerEntry* t : ts.heap) {
    f(t, arg);  // a channel timer's entry leads to its channel
    if (t->arg) f(t->arg, arg);
  }
  return ts.firing == 0;
}

void timer_unref(TimerEntry* t) {
  if (t->refs.fetch_sub(1, std::memory_order_acq_rel) == 1 && t->destroy) t->destroy(t);
}

// Parks with the timers lock held (released after the switch).
CSP_NO_TSA void timer_sleep_until(int64_t when, const void* pc) {
  Timers& ts = timers();
  ensure_thread(ts);
  TimerEntry e;  // on this stack: destroy stays null, refs never reach 0
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
  if (first) kick(ts);
  // The timer thread can fire only after the lock is released, which park
  // does once this goroutine is off its stack.
  park(WaitReason::sleep, pc, nullptr, SpinLock::unlock_fn, &ts.lock);
}

}  // namespace csp::rt
