// The detector's own lock: a futex word, never a pthread mutex, so that the
// detector's locking is invisible to its own pthread interceptors (which
// turn a program's lock/unlock into happens-before edges) and cannot
// recurse into them.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "../../rt/src/thread_safety.hpp"

namespace chansan {

// A capability for -Wthread-safety: fields say GUARDED_BY which lock.
class CSP_CAPABILITY("mutex") InternalMutex {
 public:
  void lock() CSP_ACQUIRE() {
    int c = 0;
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
    // Held for a clock's join or a table's update: a short spin first
    // usually sees it free, where sleeping costs two system calls and a
    // context switch for each side.
    for (int spin = 0; spin < kSpins; spin++) {
      __builtin_ia32_pause();
      c = state_.load(std::memory_order_relaxed);
      if (c == 0 && state_.compare_exchange_weak(c, 1, std::memory_order_acquire)) return;
    }
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      syscall(SYS_futex, &state_, FUTEX_WAIT_PRIVATE, 2, nullptr, nullptr, 0);
      c = state_.exchange(2, std::memory_order_acquire);
    }
  }
  void unlock() CSP_RELEASE() {
    if (state_.exchange(0, std::memory_order_release) == 2)
      syscall(SYS_futex, &state_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

 private:
  static constexpr int kSpins = 100;
  std::atomic<int> state_{0};  // 0 free, 1 locked, 2 locked with waiters
};

// std::lock_guard for InternalMutex, which the analysis can follow
// (libstdc++'s guards carry no annotations).
class CSP_SCOPED_CAPABILITY InternalLock {
 public:
  explicit InternalLock(InternalMutex& m) CSP_ACQUIRE(m) : m_(m) { m_.lock(); }
  ~InternalLock() CSP_RELEASE() { m_.unlock(); }
  InternalLock(const InternalLock&) = delete;
  InternalLock& operator=(const InternalLock&) = delete;

 private:
  InternalMutex& m_;
};

}  // namespace chansan
