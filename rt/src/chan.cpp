// Channels: Go's chan.go in C++. See chan_internal.hpp for the invariants.
#include <new>

#include "chan_internal.hpp"
#include "check.hpp"
#include "csp/panic.hpp"
#include "sched.hpp"
#include "schedule.hpp"

namespace csp::detail {
using rt::G;

void WaitQueue::enqueue(Waiter* w) {
  w->next = nullptr;
  w->prev = last_;
  if (last_) {
    last_->next = w;
  } else {
    first_ = w;
  }
  last_ = w;
  w->queued = true;
}

void WaitQueue::remove(Waiter* w) {
  if (!w->queued) return;
  if (w->prev) {
    w->prev->next = w->next;
  } else {
    first_ = w->next;
  }
  if (w->next) {
    w->next->prev = w->prev;
  } else {
    last_ = w->prev;
  }
  w->queued = false;
  w->prev = w->next = nullptr;
}

Waiter* WaitQueue::dequeue() {
  while (Waiter* w = first_) {
    remove(w);
    if (w->is_select) {
      uint32_t zero = 0;
      // Lost to another case of the same select: drop this waiter.
      if (!w->g->select_done.compare_exchange_strong(zero, 1, std::memory_order_acq_rel)) continue;
    }
    return w;
  }
  return nullptr;
}

void unlock_chan(void* c) { static_cast<chan_core*>(c)->lock.unlock(); }

namespace {

// Go's racesync for a direct hand-off between two goroutines: the send
// happens before the receive completes and, on an unbuffered channel, the
// receive happens before the send completes. `sync` is the waiter, private
// to this pair, so no third goroutine is ordered by it.
void publish_handoff(const chan_core* c, G* sender, G* receiver, const void* sync) {
  rt::hb::transfer(sender, receiver, sync);
  if (c->cap == 0) rt::hb::transfer(receiver, sender, sync);
}

void wake(Waiter* w) {
  G* g = w->g;
  g->param = w;
  rt::ready(g);  // w may be gone after this
}

}  // namespace

void send_to_waiter(chan_core* c, Waiter* r, void* elem, G* self) {
  c->move(r->elem, elem);
  publish_handoff(c, self, r->g, r);
  r->success = true;
  c->lock.unlock();
  wake(r);
}

void recv_from_waiter(chan_core* c, Waiter* s, void* elem, G* self) {
  if (c->cap == 0) {
    c->move(elem, s->elem);
    publish_handoff(c, s->g, self, s);
  } else {
    // Full buffer: take the head; the sender's value goes to the tail, which
    // is the same slot. Edges as for a buffer take then a buffer put by the
    // sender: the k-th receive before the (k+C)-th send completes, and that
    // send before the receive that will take its value.
    void* slot = c->slot(c->recvx);
    rt::hb::acquire(self, slot);
    c->move(elem, slot);
    rt::hb::release(self, slot);
    rt::hb::acquire(s->g, slot);
    c->move(slot, s->elem);
    rt::hb::release(s->g, slot);
    if (++c->recvx == c->cap) c->recvx = 0;
    c->sendx = c->recvx;
  }
  s->success = true;
  c->lock.unlock();
  wake(s);
}

void buffer_put(chan_core* c, void* elem, G* self) {
  void* slot = c->slot(c->sendx);
  // Edge: the receive that last emptied this slot (the k-th) happens before
  // this send (the (k+C)-th) completes; this send happens before the
  // receive that takes the value.
  rt::hb::acquire(self, slot);
  c->move(slot, elem);
  rt::hb::release(self, slot);
  if (++c->sendx == c->cap) c->sendx = 0;
  c->count.store(c->count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void buffer_take(chan_core* c, void* elem, G* self) {
  void* slot = c->slot(c->recvx);
  // Edge: the send that filled this slot happens before this receive
  // completes; this receive happens before the send that refills the slot.
  rt::hb::acquire(self, slot);
  c->move(elem, slot);
  rt::hb::release(self, slot);
  if (++c->recvx == c->cap) c->recvx = 0;
  c->count.store(c->count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

void observe_close(chan_core* c, G* self) {
  rt::hb::acquire(self, c);  // edge: close before a receive that sees it
}

chan_core* chan_new(std::size_t cap, const elem_ops* ops) {
  rt::runtime_init();
  auto* c = new chan_core;
  c->bubble = rt::current_g()->bubble;
  c->cap = cap;
  c->ops = ops;
  if (cap > 0) c->buf = ops->new_buffer(cap);
  return c;
}

void chan_retain(chan_core* c) noexcept { c->refs.fetch_add(1, std::memory_order_relaxed); }

// The last reference: nobody else can hold the lock.
CSP_NO_TSA void chan_release(chan_core* c) noexcept {
  // acq_rel: the last owner must see every other owner's writes to the
  // buffer before destroying it. Not a happens-before edge for user code.
  if (c->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  CSP_CHECK(c->recvq.empty() && c->sendq.empty());
  {
    // Values left in the buffer die with the channel: runtime work (Go's
    // collector), not an access of the goroutine that dropped the last handle.
    rt::hb::Invisible runtime_free;
    if (c->buf) c->ops->delete_buffer(c->buf, c->cap);
  }
  delete c;
}

std::size_t chan_len(const chan_core* c) noexcept {
  return c->count.load(std::memory_order_relaxed);
}
std::size_t chan_cap(const chan_core* c) noexcept { return c->cap; }

// Parks with the lock held (released after the switch).
__attribute__((noinline)) CSP_NO_TSA void chan_send(chan_core* c, void* elem) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  if (!c) rt::park_forever(rt::WaitReason::chan_send_nil, pc);
  G* self = rt::current_g();
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    throw csp::panic("send on closed channel");
  }
  if (Waiter* r = c->recvq.dequeue()) return send_to_waiter(c, r, elem, self);
  if (c->count.load(std::memory_order_relaxed) < c->cap) {
    buffer_put(c, elem, self);
    c->lock.unlock();
    return;
  }
  Waiter w;
  w.g = self;
  w.elem = elem;
  w.c = c;
  c->sendq.enqueue(&w);
  rt::park(rt::WaitReason::chan_send, pc, c, unlock_chan, c);
  // Woken by a receiver (success) or by close.
  if (!w.success) throw csp::panic("send on closed channel");
}

__attribute__((noinline)) CSP_NO_TSA bool chan_recv(chan_core* c, void* elem) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  if (!c) rt::park_forever(rt::WaitReason::chan_recv_nil, pc);
  G* self = rt::current_g();
  c->lock.lock();
  if (Waiter* s = c->sendq.dequeue()) {
    recv_from_waiter(c, s, elem, self);
    return true;
  }
  if (c->count.load(std::memory_order_relaxed) > 0) {
    buffer_take(c, elem, self);
    c->lock.unlock();
    return true;
  }
  if (c->closed) {
    observe_close(c, self);
    c->lock.unlock();
    return false;
  }
  Waiter w;
  w.g = self;
  w.elem = elem;
  w.c = c;
  c->recvq.enqueue(&w);
  rt::park(rt::WaitReason::chan_recv, pc, c, unlock_chan, c);
  return w.success;
}

void chan_offer(chan_core* c, void* elem, G* self) {
  c->lock.lock();
  if (c->closed) return c->lock.unlock();
  if (Waiter* r = c->recvq.dequeue()) return send_to_waiter(c, r, elem, self);
  if (c->count.load(std::memory_order_relaxed) < c->cap) buffer_put(c, elem, self);
  c->lock.unlock();
}

void chan_close(chan_core* c) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  if (!c) throw csp::panic("close of nil channel");
  G* self = rt::current_g();
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    throw csp::panic("close of closed channel");
  }
  c->closed = true;
  rt::hb::release(self, c);  // edge: close before a receive that sees it
  Waiter* wake_list = nullptr;
  while (Waiter* r = c->recvq.dequeue()) {
    r->success = false;
    rt::hb::acquire(r->g, c);  // this receive returns because of the close
    r->next = wake_list;
    wake_list = r;
  }
  while (Waiter* s = c->sendq.dequeue()) {  // they panic when they wake
    s->success = false;
    s->next = wake_list;
    wake_list = s;
  }
  c->lock.unlock();
  while (Waiter* w = wake_list) {
    wake_list = w->next;  // read before the wake: w may be gone after it
    wake(w);
  }
}

}  // namespace csp::detail
