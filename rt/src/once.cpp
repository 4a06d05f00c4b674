// csp::once: a done flag and a mutex, as Go's sync.Once. The function runs
// under the mutex, so every call returns after it has.
#include "csp/detail/core.hpp"
#include "hb.hpp"
#include "mutex.hpp"
#include "sched.hpp"

namespace csp::detail {

bool once_done(once_state* s) {
  if (!s->done.load(std::memory_order_acquire)) return false;
  rt::hb::acquire(rt::current_g(), s);  // edge: the function before every call returns
  return true;
}

__attribute__((noinline)) void once_lock(once_state* s) {
  mutex_lock_as(&s->m, rt::WaitReason::once, __builtin_return_address(0));
}

void once_finish(once_state* s) {
  if (!s->done.load(std::memory_order_relaxed)) {
    rt::hb::release(rt::current_g(), s);  // edge: the function before every call returns
    s->done.store(1, std::memory_order_release);
  }
  mutex_unlock(&s->m);
}

}  // namespace csp::detail
