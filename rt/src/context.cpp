// Go's context: a tree of cancellation states. Cancelling a context closes
// its done channel and cancels its children; a timeout is a timer whose
// firing cancels with deadline_exceeded.
//
// Invariants:
//  - err, children and timer are guarded by the state's lock; err changes
//    once, from none.
//  - A parent holds a reference to each child it will cancel, a child to its
//    parent, a timer to its context: the references that form cycles are
//    dropped when the context is cancelled (by its cancel_func, its parent
//    or its deadline), as Go's contexts release resources on cancel.
//  - Locks are taken parent before child, never the other way while held.
#include <new>
#include <vector>

#include "chan_internal.hpp"
#include "csp/context.hpp"
#include "csp/detail/core.hpp"
#include "hb.hpp"
#include "platform/os.hpp"
#include "sched.hpp"
#include "spinlock.hpp"
#include "timer.hpp"

namespace csp::detail {

struct context_state {
  std::atomic<int> refs{1};
  bool cancelable = false;             // false only for background()
  context_state* parent = nullptr;     // retained
  chan_core* done = nullptr;           // chan<unit>, unbuffered; null for background
  rt::SpinLock lock;
  int err CSP_GUARDED_BY(lock) = 0;
  std::vector<context_state*> children CSP_GUARDED_BY(lock);  // retained
  rt::TimerEntry* timer CSP_GUARDED_BY(lock) = nullptr;       // retained
};

namespace {

const elem_ops* unit_ops() {
  static const elem_ops ops = {
      [](void*, void*) {}, [](std::size_t) -> void* { return nullptr; },
      [](void*, std::size_t) {}, sizeof(csp::unit), true};
  return &ops;
}

struct DeadlineTimer {
  rt::TimerEntry entry;  // first: a TimerEntry* is a DeadlineTimer*
  context_state* ctx;    // retained until the timer is destroyed
};

void cancel(context_state* s, int err);

void remove_child(context_state* parent, context_state* child) {
  bool found = false;
  {
    rt::SpinGuard l(parent->lock);
    auto& c = parent->children;
    for (std::size_t i = 0; i < c.size(); i++) {
      if (c[i] == child) {
        c[i] = c.back();
        c.pop_back();
        found = true;
        break;
      }
    }
  }
  if (found) context_release(child);
}

void cancel(context_state* s, int err) {
  std::vector<context_state*> children;
  rt::TimerEntry* timer;
  {
    rt::SpinGuard l(s->lock);
    if (s->err != 0) return;
    s->err = err;
    // Edge: cancel before an err() that reports it (done's close carries the
    // edge to receivers).
    rt::hb::release(rt::current_g(), s);
    children.swap(s->children);
    timer = s->timer;
    s->timer = nullptr;
  }
  chan_close(s->done);
  for (context_state* c : children) {
    cancel(c, err);
    context_release(c);
  }
  if (timer) {
    rt::timer_del(timer);
    rt::timer_unref(timer);
  }
  if (s->parent && s->parent->cancelable) remove_child(s->parent, s);
}

context_state* new_child(context_state* parent) {
  rt::runtime_init();
  auto* s = new context_state;
  s->cancelable = true;
  s->done = chan_new(0, unit_ops());
  context_retain(parent);
  s->parent = parent;
  if (!parent->cancelable) return s;
  int parent_err;
  {
    rt::SpinGuard l(parent->lock);
    parent_err = parent->err;
    if (!parent_err) {
      context_retain(s);
      parent->children.push_back(s);
    }
  }
  if (parent_err) cancel(s, parent_err);
  return s;
}

}  // namespace

context_state* context_background() noexcept {
  static context_state* bg = [] {
    auto* s = new context_state;  // never destroyed
    return s;
  }();
  context_retain(bg);
  return bg;
}

context_state* context_with_cancel(context_state* parent) { return new_child(parent); }

context_state* context_with_timeout(context_state* parent, int64_t timeout_ns) {
  context_state* s = new_child(parent);
  auto* t = new DeadlineTimer;
  t->entry.fire = [](rt::TimerEntry* e) {
    rt::hb::acquire_alone(rt::current_g(), e);  // edge: this arming before the deadline fires
    cancel(reinterpret_cast<DeadlineTimer*>(e)->ctx, static_cast<int>(context_error::deadline_exceeded));
  };
  t->entry.destroy = [](rt::TimerEntry* e) {
    auto* dt = reinterpret_cast<DeadlineTimer*>(e);
    context_release(dt->ctx);
    delete dt;
  };
  context_retain(s);
  t->ctx = s;
  {
    rt::SpinGuard l(s->lock);
    if (s->err) {  // the parent was already cancelled
      t->entry.destroy(&t->entry);
      return s;
    }
    s->timer = &t->entry;  // the context's reference is the initial one
  }
  rt::hb::release(rt::current_g(), &t->entry);
  t->entry.clock = rt::current_clock();
  rt::timer_add(&t->entry, rt::deadline_after(t->entry.clock, timeout_ns));
  return s;
}

void context_retain(context_state* s) noexcept { s->refs.fetch_add(1, std::memory_order_relaxed); }

void context_release(context_state* s) noexcept {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (s->done) chan_release(s->done);
  if (s->parent) context_release(s->parent);
  delete s;
}

chan_core* context_done(context_state* s) {
  if (s->done) chan_retain(s->done);
  return s->done;
}

int context_err(context_state* s) {
  if (!s->cancelable) return 0;
  rt::SpinGuard l(s->lock);
  if (s->err) rt::hb::acquire(rt::current_g(), s);  // edge: cancel before this err()
  return s->err;
}

void context_cancel(context_state* s) {
  if (s->cancelable) cancel(s, static_cast<int>(context_error::canceled));
}

}  // namespace csp::detail
