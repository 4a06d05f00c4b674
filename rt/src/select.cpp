// select: Go's selectgo. Poll the cases in a random order with every channel
// locked; if none is ready, take the default or enqueue a waiter on every
// channel and park; the first waker to win g->select_done completes one case.
//
// Invariants:
//  - Channels are locked in address order (each once), so two selects over
//    the same channels cannot deadlock on their locks.
//  - Among ready cases, each is chosen with equal probability: the poll
//    order is a uniform random permutation (Fisher-Yates).
#include <algorithm>
#include <cstdint>

#include "chan_internal.hpp"
#include "csp/panic.hpp"
#include "sched.hpp"
#include "schedule.hpp"

namespace csp::detail {
using rt::G;

namespace {

// Cases a select can hold on the stack; more go to the heap.
constexpr std::size_t kInlineCases = 16;

struct LockSet {
  chan_core** chans;  // sorted, unique
  std::size_t n;
  void lock() const CSP_NO_TSA {
    for (std::size_t i = 0; i < n; i++) chans[i]->lock.lock();
  }
  void unlock() const CSP_NO_TSA {
    for (std::size_t i = n; i-- > 0;) chans[i]->lock.unlock();
  }
  // For the hand-off paths, which unlock `keep` themselves.
  void unlock_all_but(const chan_core* keep) const CSP_NO_TSA {
    for (std::size_t i = n; i-- > 0;)
      if (chans[i] != keep) chans[i]->lock.unlock();
  }
  static void unlock_fn(void* s) { static_cast<LockSet*>(s)->unlock(); }
};

template <class T>
struct ScratchArray {
  explicit ScratchArray(std::size_t n) : p(n <= kInlineCases ? inline_ : new T[n]) {}
  ~ScratchArray() {
    if (p != inline_) delete[] p;
  }
  T inline_[kInlineCases];
  T* p;
};

// Tries case `i` with its channel locked. Returns true if it completed; in
// that case every lock in `locks` has been released. Throws (after
// unlocking) for a send on a closed channel.
// The analysis cannot follow a set of locks: select locks every case's
// channel through LockSet.
CSP_NO_TSA bool try_case(select_case& sc, const LockSet& locks, G* self) {
  chan_core* c = sc.ch;
  if (sc.kind == case_kind::recv) {
    if (Waiter* s = c->sendq.dequeue()) {
      locks.unlock_all_but(c);
      recv_from_waiter(c, s, sc.elem, self);
      sc.recv_ok = true;
      return true;
    }
    if (c->count.load(std::memory_order_relaxed) > 0) {
      buffer_take(c, sc.elem, self);
      locks.unlock();
      sc.recv_ok = true;
      return true;
    }
    if (c->closed) {
      observe_close(c, self);
      locks.unlock();
      sc.recv_ok = false;
      return true;
    }
    return false;
  }
  if (c->closed) {
    locks.unlock();
    throw csp::panic("send on closed channel");
  }
  if (Waiter* r = c->recvq.dequeue()) {
    locks.unlock_all_but(c);
    send_to_waiter(c, r, sc.elem, self);
    return true;
  }
  if (c->count.load(std::memory_order_relaxed) < c->cap) {
    buffer_put(c, sc.elem, self);
    locks.unlock();
    return true;
  }
  return false;
}

}  // namespace

__attribute__((noinline)) CSP_NO_TSA std::size_t select_run(select_case* cases, std::size_t n) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  std::size_t fallback = n;
  ScratchArray<uint32_t> order(n);
  std::size_t nready = 0;  // cases with a non-nil channel
  for (std::size_t i = 0; i < n; i++) {
    if (cases[i].kind == case_kind::fallback) {
      fallback = i;
    } else if (cases[i].ch) {
      // Fisher-Yates, inside out: a uniform permutation of the live cases.
      uint32_t j = rt::fastrand() % static_cast<uint32_t>(nready + 1);
      order.p[nready] = order.p[j];
      order.p[j] = static_cast<uint32_t>(i);
      nready++;
    }
  }
  if (nready == 0) {
    if (fallback < n) return fallback;
    rt::park_forever(n == 0 ? rt::WaitReason::select_no_cases : rt::WaitReason::select, pc);
  }

  ScratchArray<chan_core*> chans(nready);
  for (std::size_t k = 0; k < nready; k++) chans.p[k] = cases[order.p[k]].ch;
  std::sort(chans.p, chans.p + nready);
  LockSet locks{chans.p, static_cast<std::size_t>(std::unique(chans.p, chans.p + nready) - chans.p)};

  G* self = rt::current_g();
  locks.lock();
  for (std::size_t k = 0; k < nready; k++) {
    if (try_case(cases[order.p[k]], locks, self)) return order.p[k];
  }
  if (fallback < n) {
    locks.unlock();
    return fallback;
  }

  // Nothing ready: wait on every case.
  ScratchArray<Waiter> waiters(nready);
  self->select_done.store(0, std::memory_order_relaxed);
  for (std::size_t k = 0; k < nready; k++) {
    std::size_t i = order.p[k];
    Waiter& w = waiters.p[k];
    w = Waiter{};
    w.g = self;
    w.elem = cases[i].elem;
    w.c = cases[i].ch;
    w.case_index = i;
    w.is_select = true;
    (cases[i].kind == case_kind::send ? w.c->sendq : w.c->recvq).enqueue(&w);
  }
  self->param = nullptr;
  // What it waits on, for the deadlock detector: the channel list, which
  // lives in this frame until the park returns.
  rt::park_on(rt::WaitReason::select, pc, const_cast<const void* const*>(reinterpret_cast<void* const*>(locks.chans)),
              static_cast<uint32_t>(locks.n), LockSet::unlock_fn, &locks);

  auto* winner = static_cast<Waiter*>(self->param);
  locks.lock();
  for (std::size_t k = 0; k < nready; k++) {
    Waiter& w = waiters.p[k];
    if (&w == winner) continue;
    std::size_t i = w.case_index;
    (cases[i].kind == case_kind::send ? w.c->sendq : w.c->recvq).remove(&w);
  }
  locks.unlock();
  select_case& won = cases[winner->case_index];
  if (won.kind == case_kind::send) {
    if (!winner->success) throw csp::panic("send on closed channel");
  } else {
    won.recv_ok = winner->success;
  }
  return winner->case_index;
}

}  // namespace csp::detail
