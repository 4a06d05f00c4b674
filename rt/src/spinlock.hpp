// A test-and-test-and-set spinlock for the runtime's short critical sections
// (channel state, run-queue overflow, parking-lot buckets). Holders never
// block or park while holding one, except across the context switch of
// park(), where the lock is released by the next context right after.
#pragma once

#include <atomic>
#include <cstdint>

#include "hb.hpp"
#include "platform/os.hpp"
#include "thread_safety.hpp"

namespace csp::rt {

class CSP_CAPABILITY("mutex") SpinLock {
 public:
  void lock() noexcept CSP_ACQUIRE() {
    if (!word_.exchange(1, std::memory_order_acquire)) return;
    lock_slow();
  }
  bool try_lock() noexcept CSP_TRY_ACQUIRE(true) {
    return !word_.load(std::memory_order_relaxed) && !word_.exchange(1, std::memory_order_acquire);
  }
  void unlock() noexcept CSP_RELEASE() { word_.store(0, std::memory_order_release); }

  // For park's post-switch unlock, which runs in another context.
  static void unlock_fn(void* l) CSP_NO_TSA { static_cast<SpinLock*>(l)->unlock(); }

 private:
  void lock_slow() noexcept {
    // Beyond this many pauses the holder's thread was probably preempted.
    constexpr unsigned kSpinsBeforeYield = 128;
    unsigned spins = 0;
    do {
      while (word_.load(std::memory_order_relaxed)) {
        if (++spins < kSpinsBeforeYield) {
          os::cpu_relax();
        } else {
          os::thread_yield();
          spins = 0;
        }
      }
    } while (word_.exchange(1, std::memory_order_acquire));
  }
  std::atomic<uint32_t> word_{0};
};

// A scoped critical section of runtime-internal work: invisible to a
// detector (hb::Invisible), and never spanning a switch.
struct CSP_SCOPED_CAPABILITY SpinGuard {
  explicit SpinGuard(SpinLock& l) CSP_ACQUIRE(l) : l_(l) { l_.lock(); }
  ~SpinGuard() CSP_RELEASE() { l_.unlock(); }
  SpinGuard(const SpinGuard&) = delete;
  SpinLock& l_;
  hb::Invisible invisible_;
};

}  // namespace csp::rt
