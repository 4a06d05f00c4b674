// csp::cond: Go's sync.Cond. Waiters queue in arrival order on a list
// guarded by the cond's spinlock; signal wakes the oldest, broadcast all.
//
// Invariants:
//  - A waiter enqueues before unlocking the user's locker, so a signal sent
//    after that unlock is never lost.
//  - `notified` and `parked` of a node change only under the spinlock; the
//    signaller readies only nodes that had parked, after dropping the lock,
//    and touches neither the cond nor those nodes afterwards.
#include <atomic>

#include "csp/detail/core.hpp"
#include "hb.hpp"
#include "sched.hpp"
#include "spinlock.hpp"
#include "schedule.hpp"

namespace csp::detail {
namespace {

struct CondNode {
  rt::G* g;
  CondNode* next = nullptr;
  CondNode* wake_next = nullptr;
  bool notified = false;
  bool parked = false;
};

// The public header keeps the lock word as a bare atomic; it is a SpinLock.
rt::SpinLock& lock_of(cond_state* s) {
  static_assert(sizeof(rt::SpinLock) == sizeof(s->lock));
  return *reinterpret_cast<rt::SpinLock*>(&s->lock);
}

// Detaches up to `max` waiters; returns those that must be readied.
CondNode* take_waiters(cond_state* s, int max) {
  CondNode* to_wake = nullptr;
  rt::G* self = rt::current_g();
  while (max-- > 0 && s->head) {
    auto* n = static_cast<CondNode*>(s->head);
    s->head = n->next;
    if (!s->head) s->tail = nullptr;
    rt::hb::release(self, n);  // edge: signal/broadcast before the woken wait returns
    n->notified = true;
    if (n->parked) {
      n->wake_next = to_wake;
      to_wake = n;
    }
  }
  return to_wake;
}

void wake_all(CondNode* n) {
  while (n) {
    CondNode* next = n->wake_next;  // read first: n may be gone after ready
    rt::ready(n->g);
    n = next;
  }
}

}  // namespace

// Parks with the cond's lock held (released after the switch).
__attribute__((noinline)) CSP_NO_TSA void cond_wait(cond_state* s, locker_ref l) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  rt::SpinLock& lock = lock_of(s);
  CondNode n{rt::current_g()};
  lock.lock();
  if (s->tail) {
    static_cast<CondNode*>(s->tail)->next = &n;
  } else {
    s->head = &n;
  }
  s->tail = &n;
  lock.unlock();
  l.unlock(l.obj);
  lock.lock();
  if (n.notified) {
    lock.unlock();
  } else {
    n.parked = true;
    rt::park(rt::WaitReason::cond_wait, pc, s, rt::SpinLock::unlock_fn, &lock);
  }
  rt::hb::acquire(n.g, &n);  // edge: the signal before this wait returns
  l.lock(l.obj);
}

void cond_signal(cond_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  rt::SpinLock& lock = lock_of(s);
  lock.lock();
  CondNode* w = take_waiters(s, 1);
  lock.unlock();
  wake_all(w);
}

void cond_broadcast(cond_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  rt::SpinLock& lock = lock_of(s);
  lock.lock();
  CondNode* w = take_waiters(s, 1 << 30);
  lock.unlock();
  wake_all(w);
}

}  // namespace csp::detail
