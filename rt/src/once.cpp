// csp::once: Go's sync.Once on one state word, 0 new -> 1 running -> 2 done.
// Callers that find it running park on the word (parking lot).
//
// Invariant: once_finish's store of 2 is its last touch of the object; the
// wake that follows uses the address as a key only. (Go's Once stores done
// and then unlocks a mutex: a caller that sees done may return and free the
// object while that unlock is still to come, which Go's GC makes safe and
// C++ does not.)
#include <climits>

#include "csp/detail/core.hpp"
#include "hb.hpp"
#include "wf.hpp"
#include "parking_lot.hpp"
#include "sched.hpp"
#include "schedule.hpp"

namespace csp::detail {
namespace {
constexpr uint32_t kNew = 0, kRunning = 1, kDone = 2;
}

bool once_done(once_state* s) {
  if (s->state.load(std::memory_order_acquire) != kDone) return false;
  rt::hb::acquire(rt::current_g(), s);  // edge: the function before every call returns
  return true;
}

__attribute__((noinline)) bool once_begin(once_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  for (;;) {
    uint32_t st = s->state.load(std::memory_order_acquire);
    if (st == kDone) {
      rt::hb::acquire(rt::current_g(), s);  // edge: the function before every call returns
      return false;
    }
    if (st == kNew &&
        s->state.compare_exchange_weak(st, kRunning, std::memory_order_acquire)) {
      // The runner holds the once as a lock: a caller waits for it.
      rt::wf::lock_acquired(rt::current_g(), s, rt::wf::LockMode::once, pc);
      return true;
    }
    if (st == kRunning) rt::wait_on(&s->state, kRunning, rt::WaitReason::once, pc, s);
  }
}

void once_finish(once_state* s) {
  rt::wf::lock_released(rt::current_g(), s, rt::wf::LockMode::once);
  rt::hb::release(rt::current_g(), s);  // edge: the function before every call returns
  s->state.store(kDone, std::memory_order_release);
  rt::wake_on(&s->state, INT_MAX);
}

}  // namespace csp::detail
