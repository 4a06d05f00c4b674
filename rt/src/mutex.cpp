// csp::mutex: a three-state futex mutex (Drepper's "Futexes Are Tricky"),
// parking goroutines on the parking lot, with a short spin first as Go's
// sync.Mutex does on multi-core machines.
//
// States: 0 unlocked, 1 locked, 2 locked and maybe waited on.
// The *_impl functions are the lock itself; rwmutex builds on them and
// tells the deadlock detector about its own lock (wf.hpp).
// Invariant: unlock's last touch of the mutex is the exchange to 0; the wake
// that may follow uses the address as a key only (parking_lot.hpp).
#include "csp/detail/core.hpp"
#include "csp/panic.hpp"
#include "hb.hpp"
#include "parking_lot.hpp"
#include "platform/os.hpp"
#include "sched.hpp"
#include "wf.hpp"
#include "schedule.hpp"

namespace csp::detail {
namespace {

constexpr int kSpinTries = 8;  // pauses; longer spins measured no faster (bench mutex)

}  // namespace

bool mutex_try_lock_impl(std::atomic<uint32_t>* state) noexcept {
  uint32_t zero = 0;
  if (!state->compare_exchange_strong(zero, 1, std::memory_order_acquire)) return false;
  rt::hb::acquire(rt::current_g(), state);  // edge: the last unlock before this lock
  return true;
}

void mutex_lock_impl(std::atomic<uint32_t>* state, const void* pc, rt::WaitReason reason,
                     const void* obj) {
  uint32_t c = 0;
  if (!state->compare_exchange_strong(c, 1, std::memory_order_acquire)) {
    for (int i = 0; i < kSpinTries && c != 0; i++) {
      rt::os::cpu_relax();
      c = state->load(std::memory_order_relaxed);
      if (c == 0 && state->compare_exchange_strong(c, 1, std::memory_order_acquire)) break;
    }
    if (c != 0) {
      // Mark contended; whoever holds it will wake someone on unlock.
      while (state->exchange(2, std::memory_order_acquire) != 0) rt::wait_on(state, 2, reason, pc, obj);
    }
  }
  rt::hb::acquire(rt::current_g(), state);  // edge: the last unlock before this lock
}

void mutex_unlock_impl(std::atomic<uint32_t>* state) {
  if (state->load(std::memory_order_relaxed) == 0) throw csp::panic("sync: unlock of unlocked mutex");
  rt::hb::release(rt::current_g(), state);  // edge: this unlock before the next lock
  uint32_t prev = state->exchange(0, std::memory_order_release);
  if (prev == 2) rt::wake_on(state, 1);
  if (prev == 0) throw csp::panic("sync: unlock of unlocked mutex");
}

bool mutex_try_lock(std::atomic<uint32_t>* state) noexcept {
  if (!mutex_try_lock_impl(state)) return false;
  rt::wf::lock_acquired(rt::current_g(), state, rt::wf::LockMode::exclusive,
                        __builtin_return_address(0));
  return true;
}

__attribute__((noinline)) void mutex_lock(std::atomic<uint32_t>* state) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  mutex_lock_impl(state, pc, rt::WaitReason::mutex_lock, state);
  rt::wf::lock_acquired(rt::current_g(), state, rt::wf::LockMode::exclusive, pc);
}

void mutex_unlock(std::atomic<uint32_t>* state) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  if (state->load(std::memory_order_relaxed) != 0)
    rt::wf::lock_released(rt::current_g(), state, rt::wf::LockMode::exclusive);
  mutex_unlock_impl(state);
}

}  // namespace csp::detail
