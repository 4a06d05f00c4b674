// sleep, after, timer and ticker on top of the timer heap (timer.hpp).
#include <chrono>
#include <new>

#include "chan_internal.hpp"
#include "csp/detail/core.hpp"
#include "hb.hpp"
#include "platform/os.hpp"
#include "sched.hpp"
#include "schedule.hpp"
#include "timer.hpp"

namespace csp::detail {
namespace {

struct ChanTimer {
  rt::TimerEntry entry;  // first: a TimerEntry* is a ChanTimer*
  chan_core* ch;         // retained
};

void fire_send_time(rt::TimerEntry* t) {
  auto* ct = reinterpret_cast<ChanTimer*>(t);
  rt::G* self = rt::current_g();  // the timer thread
  rt::hb::acquire_alone(self, t);  // edge: this timer's arming before its firing is observed
  // The firing's own clock: a virtual clock's time stands still while its
  // timers fire.
  auto now = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(rt::clock_now(t->clock)));
  chan_offer(ct->ch, &now, self);
}

void destroy_chan_timer(rt::TimerEntry* t) {
  auto* ct = reinterpret_cast<ChanTimer*>(t);
  chan_release(ct->ch);
  delete ct;
}

void arm(rt::TimerEntry* t) { rt::hb::release(rt::current_g(), t); }  // edge: see fire_send_time

}  // namespace

int64_t now_ns() { return rt::now_ns(); }

__attribute__((noinline)) void sleep_ns(int64_t ns) {
  rt::schedule::point();
  if (ns <= 0) return;
  rt::VirtualClock* c = rt::current_clock();
  rt::timer_sleep_until(c, rt::deadline_after(c, ns), __builtin_return_address(0));
}

timer_core* timer_new(chan_core* ch, int64_t delay_ns, int64_t period_ns) {
  rt::runtime_init();
  auto* ct = new ChanTimer;
  chan_retain(ch);
  ct->ch = ch;
  ct->entry.fire = fire_send_time;
  ct->entry.destroy = destroy_chan_timer;
  ct->entry.period = period_ns;
  ct->entry.clock = rt::current_clock();
  arm(&ct->entry);
  rt::timer_add(&ct->entry, rt::deadline_after(ct->entry.clock, delay_ns));
  return reinterpret_cast<timer_core*>(ct);
}

bool timer_stop(timer_core* t) {
  rt::schedule::point();
  return rt::timer_del(reinterpret_cast<rt::TimerEntry*>(t));
}

bool timer_reset(timer_core* t, int64_t delay_ns) {
  auto* e = reinterpret_cast<rt::TimerEntry*>(t);
  rt::schedule::point();
  arm(e);
  return rt::timer_modify(e, rt::deadline_after(e->clock, delay_ns));
}

void timer_release(timer_core* t) noexcept {
  auto* e = reinterpret_cast<rt::TimerEntry*>(t);
  if (rt::exiting()) return;  // the timer thread may be frozen holding its lock
  // Go lets an unreferenced timer fire; a C++ timer object stops when
  // destroyed, except after(): its channel is the only way to observe it.
  if (e->period > 0) rt::timer_del(e);
  rt::timer_unref(e);
}

}  // namespace csp::detail
