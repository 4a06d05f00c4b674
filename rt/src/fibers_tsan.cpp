// TSan's fiber API for the TSan build (libcsp_tsan.a, -fsanitize=thread
// trees): each G is a TSan fiber, and switches use the no-sync flag, so
// TSan sees only the edges the runtime publishes through hb:: (hb_tsan.cpp).
#include "fiber_hooks.hpp"

#include "platform/os.hpp"
#include "tsan_api.hpp"

namespace csp::rt::fiber_hooks {
namespace {
constexpr unsigned kNoSync = 1;  // __tsan_switch_to_fiber_no_sync

void* fiber_of(G* g) {
  if (!g->backend.tsan_fiber) g->backend.tsan_fiber = __tsan_get_current_fiber();
  return g->backend.tsan_fiber;
}
}  // namespace

void on_create(G* g) { g->backend.tsan_fiber = __tsan_create_fiber(0); }
void on_destroy(G* g) { __tsan_destroy_fiber(g->backend.tsan_fiber); }
void before_switch(G*, G* to, bool) { __tsan_switch_to_fiber(fiber_of(to), kNoSync); }
void after_switch(G*, G*) {}
void adopt_thread(G* g) { g->backend.tsan_fiber = __tsan_get_current_fiber(); }
// TSan has no public call to forget a fiber's stack; its mmap interceptor
// resets the shadow of the range, at the price of fresh pages (TSan build
// only).
void on_stack_reuse(const Stack& s) { os::remap_fresh(s.lo, s.size()); }
void at_exit() {}

}  // namespace csp::rt::fiber_hooks
