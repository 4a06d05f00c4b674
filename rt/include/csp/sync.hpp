// Go's sync package: mutex, rwmutex, wait_group, once, cond.
//
// As in Go these may live on a goroutine's stack and be destroyed as soon as
// the call that waited on them returns: the runtime never touches an object
// after the wake-up that let its waiter go. A call still in progress on
// another goroutine does use the object, as in C++ generally: e.g. signal a
// cond whose waiter frees it while holding the cond's locker. All blocking
// goes through the runtime, so a goroutine that waits parks and frees its
// worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <utility>

#include "csp/detail/core.hpp"

namespace csp {

class mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  void lock() { detail::mutex_lock(&state_); }
  bool try_lock() noexcept { return detail::mutex_try_lock(&state_); }
  // As in Go, any goroutine may unlock. Unlocking an unlocked mutex throws
  // csp::panic("sync: unlock of unlocked mutex").
  void unlock() { detail::mutex_unlock(&state_); }

 private:
  std::atomic<std::uint32_t> state_{0};
};

class rwmutex {
 public:
  rwmutex() = default;
  rwmutex(const rwmutex&) = delete;
  rwmutex& operator=(const rwmutex&) = delete;
  void lock() { detail::rw_lock(&s_); }
  bool try_lock() noexcept { return detail::rw_try_lock(&s_); }
  void unlock() { detail::rw_unlock(&s_); }
  void lock_shared() { detail::rw_lock_shared(&s_); }
  bool try_lock_shared() noexcept { return detail::rw_try_lock_shared(&s_); }
  void unlock_shared() { detail::rw_unlock_shared(&s_); }

  // Go's RLocker: a lockable whose lock/unlock are lock_shared/unlock_shared.
  class reader {
   public:
    explicit reader(rwmutex& rw) : rw_(&rw) {}
    void lock() { rw_->lock_shared(); }
    void unlock() { rw_->unlock_shared(); }

   private:
    rwmutex* rw_;
  };
  reader rlocker() { return reader(*this); }

 private:
  detail::rwmutex_state s_;
};

class wait_group {
 public:
  wait_group() = default;
  wait_group(const wait_group&) = delete;
  wait_group& operator=(const wait_group&) = delete;
  // A counter below zero throws csp::panic("sync: negative WaitGroup counter").
  void add(int delta) { detail::wg_add(&s_, delta); }
  void done() { detail::wg_add(&s_, -1); }
  void wait() { detail::wg_wait(&s_); }

 private:
  detail::wait_group_state s_;
};

class once {
 public:
  once() = default;
  once(const once&) = delete;
  once& operator=(const once&) = delete;
  // Calls f the first time only; every call returns after f has returned. As
  // in Go, an f that throws still counts as done.
  template <class F>
  void call(F&& f) {
    if (detail::once_done(&s_) || !detail::once_begin(&s_)) return;
    struct finisher {
      detail::once_state* s;
      ~finisher() { detail::once_finish(s); }
    } fin{&s_};
    std::forward<F>(f)();
  }

 private:
  detail::once_state s_;
};

// Go's sync.Cond over any Locker (a type with lock() and unlock()).
class cond {
 public:
  template <class L>
  explicit cond(L& l)
      : l_{&l, [](void* o) { static_cast<L*>(o)->lock(); },
           [](void* o) { static_cast<L*>(o)->unlock(); }} {}
  template <class L>
  explicit cond(L&& l)  // e.g. cond(rw.rlocker()): keep the locker by value
      : held_(new L(std::move(l)), [](void* p) { delete static_cast<L*>(p); }),
        l_{held_.get(), [](void* o) { static_cast<L*>(o)->lock(); },
           [](void* o) { static_cast<L*>(o)->unlock(); }} {}
  cond(const cond&) = delete;
  cond& operator=(const cond&) = delete;

  // Unlocks the locker, waits for signal/broadcast, locks it again.
  void wait() { detail::cond_wait(&s_, l_); }
  void signal() { detail::cond_signal(&s_); }
  void broadcast() { detail::cond_broadcast(&s_); }

 private:
  struct holder {
    holder() = default;
    holder(void* p, void (*d)(void*)) : p_(p), d_(d) {}
    holder(const holder&) = delete;
    ~holder() {
      if (p_) d_(p_);
    }
    void* get() const { return p_; }
    void* p_ = nullptr;
    void (*d_)(void*) = nullptr;
  };
  holder held_;
  detail::locker_ref l_;
  detail::cond_state s_;
};

}  // namespace csp
