// The happens-before seam (hb.hpp) for the TSan build: ThreadSanitizer's
// annotations. An edge for a G other than the running one is taken by
// switching TSan to that G's fiber for the duration of the annotation.
#include "hb.hpp"

#include "tsan_api.hpp"

namespace csp::rt::hb {
namespace {
constexpr unsigned kNoSync = 1;  // __tsan_switch_to_fiber_no_sync

template <class F>
void as(G* g, F f) {
  void* cur = __tsan_get_current_fiber();
  void* target = g->backend.tsan_fiber ? g->backend.tsan_fiber : cur;
  if (target == cur) return f();
  __tsan_switch_to_fiber(target, kNoSync);
  f();
  __tsan_switch_to_fiber(cur, kNoSync);
}
}  // namespace

void acquire(G* g, const void* sync) { as(g, [&] { __tsan_acquire(const_cast<void*>(sync)); }); }
// TSan cannot forget a thread's clock: the timer thread's edges accumulate
// under TSan (a miss at worst, never a false report).
void acquire_alone(G* g, const void* sync) { acquire(g, sync); }
void release(G* g, const void* sync) { as(g, [&] { __tsan_release(const_cast<void*>(sync)); }); }
void invisible_begin() { __tsan_ignore_thread_begin(); }
void invisible_end() { __tsan_ignore_thread_end(); }
void go_start(G* parent, G* child) {
  release(parent, child);
  acquire(child, child);
}
void transfer(G* from, G* to, const void* sync) {
  release(from, sync);
  acquire(to, sync);
}
}  // namespace csp::rt::hb
