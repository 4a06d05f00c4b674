// Abseil's synchronization (absl::Mutex, CondVar, Notification,
// BlockingCounter) as chansan sees pthread's: Debian's libabsl is built
// without instrumentation, so its atomics make no edge, and every program
// that guards data with an absl::Mutex would get false reports.
//
// How: the entry points are defined here again, under the names the
// installed headers give them (the inline namespace is the version's), so
// the dynamic linker binds the program's calls -- and the library's own
// calls through its PLT, as Notification::Notify's call of Mutex::Lock --
// to these. Each calls the library's definition (found by its own symbol
// name with dlsym(RTLD_NEXT)) and makes the edges around it.
//
// Invariants:
//  - Edges as for a pthread mutex: the release (and the lock-order
//    graph's unlock) before an unlock, the acquire after a lock; a wait
//    (Await, CondVar::Wait) gives the mutex up and takes it back inside.
//  - Calls the library makes while inside one of these (Notification's
//    own Lock and Unlock, CondVar's reacquire) pass straight through: the
//    outer call makes the edges.
//  - The definitions are weak: a program that links Abseil statically
//    keeps the archive's (and gets no edges from here) instead of failing
//    to link.
#include <absl/synchronization/blocking_counter.h>
#include <absl/synchronization/mutex.h>
#include <absl/synchronization/notification.h>
#include <dlfcn.h>

#include <cstring>

#include "blocking.hpp"
#include "check.hpp"
#include "internal.hpp"

namespace chansan {
namespace {

// >0 inside a wrapped Abseil call on this thread.
__thread int tls_in_absl = 0;

struct AbslCall {
  AbslCall() { tls_in_absl++; }
  ~AbslCall() { tls_in_absl--; }
  AbslCall(const AbslCall&) = delete;
};

bool outermost() { return tls_in_absl == 0 && tracking(); }

// The library's definition of the function whose own definition is at
// `ours`: the same symbol name, next in lookup order.
void* library_definition(void* ours) {
  Dl_info info;
  if (dladdr(ours, &info) == 0 || info.dli_sname == nullptr) return nullptr;
  return dlsym(RTLD_NEXT, info.dli_sname);
}

template <class MemberFn>
void* address_of(MemberFn fn) {
  static_assert(sizeof(MemberFn) >= sizeof(void*));
  void* p;
  std::memcpy(&p, &fn, sizeof p);  // Itanium ABI: a non-virtual member's code address comes first
  return p;
}

// The real member function, resolved on first use (the program reached
// it, so its symbol is exported and the library is loaded).
template <class Fn, class MemberFn>
Fn real(void*& slot, MemberFn ours) {
  void* f = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
  if (__builtin_expect(f == nullptr, 0)) {
    InternalScope in;
    f = library_definition(address_of(ours));
    if (f == nullptr) fatal_error("chansan: cannot find Abseil's own definition of an intercepted function");
    __atomic_store_n(&slot, f, __ATOMIC_RELEASE);
  }
  return reinterpret_cast<Fn>(f);
}

// Runs the library's fn as the outermost Abseil call on this thread.
template <class Fn, class... A>
auto inside(Fn fn, A... args) {
  AbslCall in;
  return fn(args...);
}

// fn gives the mutex up and takes it back before it returns (Await,
// CondVar::Wait): a release before, an acquire after, whatever it returns.
template <class Fn, class... A>
auto wait_inside(const void* mu, Fn fn, A... args) {
  struct Reacquire {
    const void* mu;
    ~Reacquire() { acquire_obj(mu); }
  };
  release_obj(mu);
  Reacquire after{mu};
  return inside(fn, args...);
}

// fn returns holding the mutex, in `mode` (LockWhen and its variants).
template <class Fn, class... A>
auto lock_inside(const void* mu, hooks::LockMode mode, uintptr_t pc, Fn fn, A... args) {
  struct Locked {
    const void* mu;
    hooks::LockMode mode;
    uintptr_t pc;
    ~Locked() { program_lock_acquired(mu, mode, pc); }
  };
  Locked after{mu, mode, pc};
  return inside(fn, args...);
}

void* real_lock = nullptr;
void* real_reader_lock = nullptr;
void* real_try_lock = nullptr;
void* real_reader_try_lock = nullptr;
void* real_unlock = nullptr;
void* real_reader_unlock = nullptr;
void* real_lock_when = nullptr;
void* real_reader_lock_when = nullptr;
void* real_lock_when_timeout = nullptr;
void* real_lock_when_deadline = nullptr;
void* real_await = nullptr;
void* real_await_timeout = nullptr;
void* real_await_deadline = nullptr;
void* real_cv_wait = nullptr;
void* real_cv_wait_timeout = nullptr;
void* real_cv_wait_deadline = nullptr;
void* real_notify = nullptr;
void* real_wait_notification = nullptr;
void* real_wait_notification_timeout = nullptr;
void* real_wait_notification_deadline = nullptr;
void* real_decrement = nullptr;
void* real_counter_wait = nullptr;

}  // namespace
}  // namespace chansan

using chansan::AbslCall;
using chansan::outermost;
using chansan::real;
using LockMode = chansan::hooks::LockMode;

namespace absl {
ABSL_NAMESPACE_BEGIN

// Locks: the acquire after, the release before.
#define CHANSAN_ABSL_LOCK(Name, slot, mode)                                                     \
  __attribute__((weak)) void Mutex::Name() {                                                    \
    auto fn = real<void (*)(Mutex*)>(chansan::slot, &Mutex::Name);                             \
    if (!outermost()) return fn(this);                                                          \
    {                                                                                           \
      AbslCall in;                                                                              \
      fn(this);                                                                                 \
    }                                                                                           \
    chansan::program_lock_acquired(this, mode, CS_PC);                                                         \
  }
CHANSAN_ABSL_LOCK(Lock, real_lock, LockMode::exclusive)
CHANSAN_ABSL_LOCK(ReaderLock, real_reader_lock, LockMode::shared)
#undef CHANSAN_ABSL_LOCK

#define CHANSAN_ABSL_TRY_LOCK(Name, slot, mode)                                                 \
  __attribute__((weak)) bool Mutex::Name() {                                                    \
    auto fn = real<bool (*)(Mutex*)>(chansan::slot, &Mutex::Name);                             \
    if (!outermost()) return fn(this);                                                          \
    bool ok;                                                                                    \
    {                                                                                           \
      AbslCall in;                                                                              \
      ok = fn(this);                                                                            \
    }                                                                                           \
    if (ok) chansan::program_lock_acquired(this, mode, CS_PC);                                                 \
    return ok;                                                                                  \
  }
CHANSAN_ABSL_TRY_LOCK(TryLock, real_try_lock, LockMode::exclusive)
CHANSAN_ABSL_TRY_LOCK(ReaderTryLock, real_reader_try_lock, LockMode::shared)
#undef CHANSAN_ABSL_TRY_LOCK

#define CHANSAN_ABSL_UNLOCK(Name, slot)                                                         \
  __attribute__((weak)) void Mutex::Name() {                                                    \
    auto fn = real<void (*)(Mutex*)>(chansan::slot, &Mutex::Name);                             \
    if (!outermost()) return fn(this);                                                          \
    chansan::program_lock_released(this);                                                                   \
    AbslCall in;                                                                                \
    fn(this);                                                                                   \
  }
CHANSAN_ABSL_UNLOCK(Unlock, real_unlock)
CHANSAN_ABSL_UNLOCK(ReaderUnlock, real_reader_unlock)
#undef CHANSAN_ABSL_UNLOCK

// Conditional locks: they always return holding the mutex. (The library's
// functions are called through pointer types that take the Condition by
// pointer: the same in the ABI as by reference.)
__attribute__((weak)) void Mutex::LockWhen(const Condition& c) {
  auto fn = real<void (*)(Mutex*, const Condition*)>(chansan::real_lock_when, &Mutex::LockWhen);
  if (!outermost()) return fn(this, &c);
  chansan::lock_inside(this, LockMode::exclusive, CS_PC, fn, this, &c);
}

__attribute__((weak)) void Mutex::ReaderLockWhen(const Condition& c) {
  auto fn = real<void (*)(Mutex*, const Condition*)>(chansan::real_reader_lock_when, &Mutex::ReaderLockWhen);
  if (!outermost()) return fn(this, &c);
  chansan::lock_inside(this, LockMode::shared, CS_PC, fn, this, &c);
}

__attribute__((weak)) bool Mutex::LockWhenWithTimeout(const Condition& c, absl::Duration d) {
  auto fn = real<bool (*)(Mutex*, const Condition*, absl::Duration)>(chansan::real_lock_when_timeout,
                                                                      &Mutex::LockWhenWithTimeout);
  if (!outermost()) return fn(this, &c, d);
  return chansan::lock_inside(this, LockMode::exclusive, CS_PC, fn, this, &c, d);
}

__attribute__((weak)) bool Mutex::LockWhenWithDeadline(const Condition& c, absl::Time t) {
  auto fn = real<bool (*)(Mutex*, const Condition*, absl::Time)>(chansan::real_lock_when_deadline,
                                                                  &Mutex::LockWhenWithDeadline);
  if (!outermost()) return fn(this, &c, t);
  return chansan::lock_inside(this, LockMode::exclusive, CS_PC, fn, this, &c, t);
}

// Waits inside a held mutex: it is given up and taken back (an edge each
// way; the holder does not change).
__attribute__((weak)) void Mutex::Await(const Condition& c) {
  auto fn = real<void (*)(Mutex*, const Condition*)>(chansan::real_await, &Mutex::Await);
  if (!outermost()) return fn(this, &c);
  chansan::wait_inside(this, fn, this, &c);
}

__attribute__((weak)) bool Mutex::AwaitWithTimeout(const Condition& c, absl::Duration d) {
  auto fn = real<bool (*)(Mutex*, const Condition*, absl::Duration)>(chansan::real_await_timeout,
                                                                      &Mutex::AwaitWithTimeout);
  if (!outermost()) return fn(this, &c, d);
  return chansan::wait_inside(this, fn, this, &c, d);
}

__attribute__((weak)) bool Mutex::AwaitWithDeadline(const Condition& c, absl::Time t) {
  auto fn = real<bool (*)(Mutex*, const Condition*, absl::Time)>(chansan::real_await_deadline,
                                                                  &Mutex::AwaitWithDeadline);
  if (!outermost()) return fn(this, &c, t);
  return chansan::wait_inside(this, fn, this, &c, t);
}

__attribute__((weak)) void CondVar::Wait(Mutex* mu) {
  auto fn = real<void (*)(CondVar*, Mutex*)>(chansan::real_cv_wait, &CondVar::Wait);
  if (!outermost()) return fn(this, mu);
  chansan::wait_inside(mu, fn, this, mu);
}

__attribute__((weak)) bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration d) {
  auto fn = real<bool (*)(CondVar*, Mutex*, absl::Duration)>(chansan::real_cv_wait_timeout,
                                                              &CondVar::WaitWithTimeout);
  if (!outermost()) return fn(this, mu, d);
  return chansan::wait_inside(mu, fn, this, mu, d);
}

__attribute__((weak)) bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time t) {
  auto fn = real<bool (*)(CondVar*, Mutex*, absl::Time)>(chansan::real_cv_wait_deadline,
                                                          &CondVar::WaitWithDeadline);
  if (!outermost()) return fn(this, mu, t);
  return chansan::wait_inside(mu, fn, this, mu, t);
}

// Notification: Notify orders before every wait that sees it (a wait that
// finds it already notified takes no lock inside the library).
__attribute__((weak)) void Notification::Notify() {
  auto fn = real<void (*)(Notification*)>(chansan::real_notify, &Notification::Notify);
  if (!outermost()) return fn(this);
  chansan::release_obj(this);
  AbslCall in;
  fn(this);
}

__attribute__((weak)) void Notification::WaitForNotification() const {
  auto fn = real<void (*)(const Notification*)>(chansan::real_wait_notification, &Notification::WaitForNotification);
  if (!outermost()) return fn(this);
  {
    AbslCall in;
    fn(this);
  }
  chansan::acquire_obj(this);
}

__attribute__((weak)) bool Notification::WaitForNotificationWithTimeout(absl::Duration d) const {
  auto fn = real<bool (*)(const Notification*, absl::Duration)>(chansan::real_wait_notification_timeout,
                                                                 &Notification::WaitForNotificationWithTimeout);
  if (!outermost()) return fn(this, d);
  const bool notified = chansan::inside(fn, this, d);
  if (notified) chansan::acquire_obj(this);
  return notified;
}

__attribute__((weak)) bool Notification::WaitForNotificationWithDeadline(absl::Time t) const {
  auto fn = real<bool (*)(const Notification*, absl::Time)>(chansan::real_wait_notification_deadline,
                                                             &Notification::WaitForNotificationWithDeadline);
  if (!outermost()) return fn(this, t);
  const bool notified = chansan::inside(fn, this, t);
  if (notified) chansan::acquire_obj(this);
  return notified;
}

// BlockingCounter: every DecrementCount orders before Wait's return.
__attribute__((weak)) bool BlockingCounter::DecrementCount() {
  auto fn = real<bool (*)(BlockingCounter*)>(chansan::real_decrement, &BlockingCounter::DecrementCount);
  if (!outermost()) return fn(this);
  chansan::release_obj(this);
  AbslCall in;
  return fn(this);
}

__attribute__((weak)) void BlockingCounter::Wait() {
  auto fn = real<void (*)(BlockingCounter*)>(chansan::real_counter_wait, &BlockingCounter::Wait);
  if (!outermost()) return fn(this);
  {
    AbslCall in;
    fn(this);
  }
  chansan::acquire_obj(this);
}

ABSL_NAMESPACE_END
}  // namespace absl
