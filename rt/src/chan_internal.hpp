// Channel internals shared by chan.cpp and select.cpp (Go's hchan/sudog).
//
// Invariants (all under chan_core::lock):
//  - At least one of recvq and sendq is empty, except when the goroutine
//    blocked in select has waiters on both queues of one channel.
//  - count == 0 when recvq is non-empty; count == cap when sendq is
//    non-empty (an unbuffered channel's count is always 0).
//  - Buffered values sit in buf[recvx .. recvx+count) modulo cap.
//  - A Waiter lives on its goroutine's stack and is touched by a waker only
//    until that waker calls ready(): the goroutine may return at once.
//  - A select waiter counts only if its waker wins g->select_done 0 -> 1.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstring>

#include "csp/detail/core.hpp"
#include "g.hpp"
#include "hb.hpp"
#include "spinlock.hpp"
#include "thread_safety.hpp"

namespace csp::detail {

struct Waiter {
  rt::G* g = nullptr;
  void* elem = nullptr;    // send: value to move from; recv: destination
  Waiter* prev = nullptr;  // in the channel's queue
  Waiter* next = nullptr;
  chan_core* c = nullptr;
  std::size_t case_index = 0;
  bool is_select = false;
  bool queued = false;
  bool success = false;    // completed by a communication, not by close
};

class WaitQueue {
 public:
  bool empty() const { return first_ == nullptr; }
  void enqueue(Waiter* w);
  // Removes and returns the first waiter that may be woken (for a select
  // waiter: whose select this call wins); nullptr if none.
  Waiter* dequeue();
  void remove(Waiter* w);  // no-op if w was already taken off

 private:
  Waiter* first_ = nullptr;
  Waiter* last_ = nullptr;
};

struct chan_core {
  rt::SpinLock lock;
  std::atomic<uint32_t> refs{1};
  std::size_t cap = 0;
  std::atomic<std::size_t> count{0};  // written under lock; read racily by len()
  std::size_t sendx CSP_GUARDED_BY(lock) = 0;
  std::size_t recvx CSP_GUARDED_BY(lock) = 0;
  void* buf CSP_PT_GUARDED_BY(lock) = nullptr;  // cap elements
  bool closed CSP_GUARDED_BY(lock) = false;
  const elem_ops* ops = nullptr;
  // The synctest bubble it was made in, if any: only a bubble's own
  // channels block its goroutines durably (api.md §4.1, as in Go).
  const rt::Bubble* bubble = nullptr;
  WaitQueue recvq CSP_GUARDED_BY(lock);
  WaitQueue sendq CSP_GUARDED_BY(lock);

  void* slot(std::size_t i) const CSP_REQUIRES(lock) {
    return static_cast<char*>(buf) + i * ops->size;
  }
  void move(void* dst, void* src) const {
    rt::hb::Invisible runtime_copy;
    if (ops->trivial) {
      std::memcpy(dst, src, ops->size);
    } else {
      ops->move_assign(dst, src);
    }
  }
};

// The operations below expect c->lock held; they release it before waking
// anyone and report the edges of Go's memory model through rt::hb.

// A receiver is waiting: hand it *elem, unlock, wake it.
void send_to_waiter(chan_core* c, Waiter* r, void* elem, rt::G* self) CSP_RELEASE(c->lock);
// A sender is waiting: take its value (or the buffer head), unlock, wake it.
void recv_from_waiter(chan_core* c, Waiter* s, void* elem, rt::G* self) CSP_RELEASE(c->lock);
// Buffer operations; the caller checked count.
void buffer_put(chan_core* c, void* elem, rt::G* self) CSP_REQUIRES(c->lock);
void buffer_take(chan_core* c, void* elem, rt::G* self) CSP_REQUIRES(c->lock);
// Receive that returns because the channel is closed and drained.
void observe_close(chan_core* c, rt::G* self) CSP_REQUIRES(c->lock);

void unlock_chan(void* c) CSP_NO_TSA;  // park's post-switch unlock

// A non-blocking send for the runtime's own senders (timers): drops the
// value if nobody waits and the buffer is full, or the channel is closed.
void chan_offer(chan_core* c, void* elem, rt::G* self);

}  // namespace csp::detail
