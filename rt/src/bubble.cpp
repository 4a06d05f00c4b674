// synctest bubbles; see bubble.hpp for the invariants and
// include/csp/synctest.hpp for the contract.
#include "bubble.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "chan_internal.hpp"
#include "csp/detail/core.hpp"
#include "csp/panic.hpp"
#include "csp/synctest.hpp"
#include "hb.hpp"
#include "registry.hpp"
#include "sched.hpp"
#include "spinlock.hpp"
#include "stack_trace.hpp"
#include "wf.hpp"

namespace csp::rt {

enum class BubbleState : uint8_t { starting, running, done, deadlocked };

struct Bubble {
  SpinLock lock;
  VirtualClock clock;
  int total CSP_GUARDED_BY(lock) = 0;
  int blocked CSP_GUARDED_BY(lock) = 0;
  BubbleState state CSP_GUARDED_BY(lock) = BubbleState::starting;
  G* waiter CSP_GUARDED_BY(lock) = nullptr;  // in synctest::wait
  G* joiner CSP_GUARDED_BY(lock) = nullptr;  // run()'s caller, once parked
  G* clock_g CSP_GUARDED_BY(lock) = nullptr; // set while the clock goroutine is parked idle
  std::atomic<int> refs{2};                  // run()'s caller and the clock goroutine
};

namespace {

// Up to two goroutines to wake once the bubble lock is released (ready()
// of a bubble goroutine takes that lock itself).
struct Wakes {
  G* g[2] = {nullptr, nullptr};
  void add(G* x) { g[g[0] ? 1 : 0] = x; }
  void run() {
    for (G* x : g)
      if (x) ready(x);
  }
};

// Called with b->lock held after a count changed.
void settle_locked(Bubble* b, Wakes& w) CSP_REQUIRES(b->lock) {
  if (b->state != BubbleState::running) return;
  if (b->total == 0) {
    b->state = BubbleState::done;
    if (b->joiner) w.add(b->joiner);
    b->joiner = nullptr;
    if (b->clock_g) w.add(b->clock_g);  // to exit
    b->clock_g = nullptr;
    return;
  }
  if (b->blocked != b->total) return;
  if (G* waiter = b->waiter) {
    b->waiter = nullptr;
    waiter->bubble_blocked = false;
    b->blocked--;
    w.add(waiter);
    return;
  }
  if (b->clock_g) {  // time must move, or the bubble is deadlocked
    w.add(b->clock_g);
    b->clock_g = nullptr;
  }
}

void release(Bubble* b) {
  if (b->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // The bubble's goroutines released b as they exited: their timers are
  // freed after their last use.
  hb::acquire(current_g(), b);
  virtual_clock_unregister(&b->clock);
  virtual_clock_clear(&b->clock);  // timers nobody waited for (an unread after())
  delete b;
}

// The bubble's clock goroutine: a runtime goroutine outside the bubble,
// woken when every goroutine of the bubble is durably blocked. It fires the
// earliest timers (moving the clock) or, with none pending, declares the
// bubble deadlocked. Firing from its own context keeps each firing's
// happens-before edges as the timer thread's are (hb::acquire_alone).
// Parks with the bubble lock held (released after the switch).
CSP_NO_TSA void clock_main(Bubble* b) {
  for (;;) {
    b->lock.lock();
    BubbleState st = b->state;
    bool stuck = st == BubbleState::running && b->total > 0 && b->blocked == b->total && !b->waiter;
    if (st == BubbleState::done) {
      b->lock.unlock();
      break;
    }
    if (!stuck) {
      b->clock_g = current_g();
      park(WaitReason::sleep, nullptr, b, SpinLock::unlock_fn, &b->lock);
      continue;
    }
    b->lock.unlock();
    // Never under the bubble lock: a sleeper holds the heap lock while it
    // parks, and parking takes the bubble lock.
    if (virtual_clock_advance(&b->clock)) continue;
    Wakes w;
    {
      SpinGuard l(b->lock);
      if (b->state != BubbleState::running || b->blocked != b->total || b->waiter) continue;
      b->state = BubbleState::deadlocked;
      if (b->joiner) w.add(b->joiner);
      b->joiner = nullptr;
    }
    w.run();
    break;  // the blocked goroutines keep the bubble: it is never freed
  }
  release(b);
}

struct Blocked {
  uint64_t id;
  WaitReason reason;
  const void* pc;
};

// The goroutines of a deadlocked bubble (at most 64: they never run again,
// so their records hold still).
std::vector<Blocked> blocked_goroutines(Bubble* b) {
  struct Collect {
    Bubble* b;
    std::vector<Blocked> out;
  } c{b, {}};
  c.out.reserve(64);
  registry_for_each(
      [](G* g, void* arg) {
        auto* c = static_cast<Collect*>(arg);
        if (g->bubble == c->b && c->out.size() < c->out.capacity())
          c->out.push_back({g->id, g->wait_reason, g->wait_pc});
      },
      &c);
  return c.out;
}

// The deadlock panic's text, as Go's: what each goroutine of the bubble
// waits on, and where.
std::string deadlock_text(const std::vector<Blocked>& blocked) {
  std::string text = "deadlock: all goroutines in bubble are blocked";
  for (auto it = blocked.rbegin(); it != blocked.rend(); ++it) {
    text += "\n\ngoroutine " + std::to_string(it->id) + " [" + wait_reason_string(it->reason) +
            ", durably blocked]:";
    if (!it->pc) continue;
    char* buf = nullptr;
    std::size_t len = 0;
    if (std::FILE* f = open_memstream(&buf, &len)) {
      void* site = const_cast<char*>(static_cast<const char*>(it->pc)) - 1;  // return address
      print_stack(f, &site, 1);
      std::fclose(f);
      if (buf) {
        std::string s(buf, len);
        while (!s.empty() && s.back() == '\n') s.pop_back();
        text += "\n" + s;
      }
      std::free(buf);
    }
  }
  return text;
}

}  // namespace

VirtualClock* bubble_clock(Bubble* b) { return &b->clock; }

void bubble_on_spawn(G* parent, G* child) {
  Bubble* b = parent->spawn_bubble ? parent->spawn_bubble : parent->bubble;
  parent->spawn_bubble = nullptr;
  if (!b || child->system) return;
  child->bubble = b;
  SpinGuard l(b->lock);
  b->total++;
  if (b->state == BubbleState::starting) b->state = BubbleState::running;
}

void bubble_on_exit(G* g) {
  Bubble* b = g->bubble;
  if (!b) return;
  hb::release(g, b);  // edge: what it did before run() returns (Go: racereleasemergeg)
  Wakes w;
  {
    SpinGuard l(b->lock);
    b->total--;
    settle_locked(b, w);
  }
  w.run();
}

// A channel operation or select blocks durably only on the bubble's own
// channels: one made outside may be sent on from outside.
static bool on_own_channels(const G* g, WaitReason reason) {
  if (reason != WaitReason::chan_send && reason != WaitReason::chan_recv && reason != WaitReason::select)
    return true;
  for (uint32_t i = 0; i < g->wait_nobjs; i++)
    if (static_cast<const detail::chan_core*>(g->wait_objs[i])->bubble != g->bubble) return false;
  return true;
}

void bubble_on_park(G* g, WaitReason reason) {
  Bubble* b = g->bubble;
  if (!b || !durable(reason) || reason == WaitReason::synctest_wait || !on_own_channels(g, reason)) return;
  hb::release(g, b);  // edge: what it did before a synctest::wait that sees it blocked returns
  Wakes w;
  {
    SpinGuard l(b->lock);
    g->bubble_blocked = true;
    b->blocked++;
    settle_locked(b, w);
  }
  // Neither is g: the waiter is a different goroutine (g is not in wait),
  // the clock goroutine is outside the bubble.
  w.run();
}

void bubble_on_ready(G* g) {
  Bubble* b = g->bubble;
  SpinGuard l(b->lock);
  if (!g->bubble_blocked) return;
  g->bubble_blocked = false;
  b->blocked--;
}

}  // namespace csp::rt

namespace csp::detail {
using namespace csp::rt;

struct bubble_state {};  // a Bubble

bubble_state* bubble_begin() {
  runtime_init();
  G* g = current_g();
  if (g->bubble) throw csp::panic("synctest.Run called from within a synctest bubble");
  Bubble* b;
  {
    wf::RuntimeOwned own;  // holds G pointers: never a path to user objects
    b = new Bubble;
  }
  virtual_clock_register(&b->clock);
  // The clock goroutine first, so it is not counted in the bubble.
  {
    spawn_slot* slot = nullptr;
    void* mem = spawn_prepare(sizeof(Bubble*), alignof(Bubble*), &slot);
    *static_cast<Bubble**>(mem) = b;
    reinterpret_cast<G*>(slot)->system = true;
    spawn_commit(slot, [](void* p) { clock_main(*static_cast<Bubble**>(p)); });
  }
  g->spawn_bubble = b;
  return reinterpret_cast<bubble_state*>(b);
}

CSP_NO_TSA void bubble_join(bubble_state* s) {
  auto* b = reinterpret_cast<Bubble*>(s);
  G* g = current_g();
  g->spawn_bubble = nullptr;
  b->lock.lock();
  if (b->state == BubbleState::starting) {  // `go` threw before the bubble started
    b->state = BubbleState::done;
    G* clock = b->clock_g;
    b->clock_g = nullptr;
    b->lock.unlock();
    if (clock) ready(clock);
  } else if (b->state == BubbleState::running) {
    b->joiner = g;
    park(WaitReason::synctest_run, __builtin_return_address(0), b, SpinLock::unlock_fn, &b->lock);
  } else {
    b->lock.unlock();
  }
  b->lock.lock();
  BubbleState st = b->state;
  b->lock.unlock();
  // Edge: what the bubble's goroutines did before they exited (or blocked
  // for good), before run() returns or panics.
  hb::acquire(g, b);
  if (st == BubbleState::deadlocked) {
    std::vector<Blocked> blocked = blocked_goroutines(b);
    std::vector<uint64_t> ids;
    for (const Blocked& x : blocked) ids.push_back(x.id);
    wf::bubble_deadlocked(ids.data(), ids.size());  // with the detector: a `deadlock` report
    throw csp::panic(deadlock_text(blocked));
  }
  release(b);
}

__attribute__((noinline)) CSP_NO_TSA void bubble_wait() {
  G* g = current_g();
  Bubble* b = g->bubble;
  if (!b) throw csp::panic("synctest.Wait called from outside a synctest bubble");
  b->lock.lock();
  if (b->waiter) {
    b->lock.unlock();
    throw csp::panic("synctest.Wait called by more than one goroutine of a bubble at once");
  }
  if (b->blocked == b->total - 1) {  // everyone else is already durably blocked
    b->lock.unlock();
  } else {
    b->waiter = g;
    g->bubble_blocked = true;
    b->blocked++;
    park(WaitReason::synctest_wait, __builtin_return_address(0), b, SpinLock::unlock_fn, &b->lock);
  }
  hb::acquire(g, b);  // edge: the others' steps before they blocked, before this return
}

}  // namespace csp::detail
