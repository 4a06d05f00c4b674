// csp::wait_group: Go's sync.WaitGroup. state = counter << 32 | waiters.
//
// Invariant: the add that brings the counter to zero with waiters present
// resets the state and releases every waiter with one semaphore release,
// which is its last touch of the object (a woken waiter may free it).
#include "csp/detail/core.hpp"
#include "csp/panic.hpp"
#include "hb.hpp"
#include "parking_lot.hpp"
#include "sched.hpp"
#include "schedule.hpp"

namespace csp::detail {

void wg_add(wait_group_state* s, int delta) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  if (delta < 0) rt::hb::release(rt::current_g(), s);  // edge: done before the wait it releases
  uint64_t state = s->state.fetch_add(static_cast<uint64_t>(static_cast<int64_t>(delta)) << 32,
                                      std::memory_order_acq_rel) +
                   (static_cast<uint64_t>(static_cast<int64_t>(delta)) << 32);
  auto v = static_cast<int32_t>(state >> 32);
  auto w = static_cast<uint32_t>(state);
  if (v < 0) {
    s->state.fetch_sub(static_cast<uint64_t>(static_cast<int64_t>(delta)) << 32);
    throw csp::panic("sync: negative WaitGroup counter");
  }
  if (w != 0 && delta > 0 && v == delta)
    throw csp::panic("sync: WaitGroup misuse: Add called concurrently with Wait");
  if (v > 0 || w == 0) return;
  if (s->state.load(std::memory_order_relaxed) != state)
    throw csp::panic("sync: WaitGroup misuse: Add called concurrently with Wait");
  s->state.store(0, std::memory_order_relaxed);
  rt::sema_release(&s->sema, w);
}

__attribute__((noinline)) void wg_wait(wait_group_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  rt::G* self = rt::current_g();
  uint64_t state = s->state.load(std::memory_order_acquire);
  for (;;) {
    if ((state >> 32) == 0) break;
    if (s->state.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel)) {
      rt::sema_acquire(&s->sema, rt::WaitReason::wait_group, pc, s);
      if (s->state.load(std::memory_order_relaxed) != 0)
        throw csp::panic("sync: WaitGroup is reused before previous Wait has returned");
      break;
    }
  }
  rt::hb::acquire(self, s);  // edge: every done before this wait returns
}

}  // namespace csp::detail
