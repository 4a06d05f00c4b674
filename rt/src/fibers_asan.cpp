// ASan's fiber API for the ASan build: each switch is bracketed by
// __sanitizer_{start,finish}_switch_fiber so ASan knows which stack is
// live (and keeps a switched-out G's fake stack in G::backend); stacks of
// Gs the runtime did not create (main, worker g0s) are learned on the
// first switch away. ASan needs no happens-before seam.
#include <cstddef>

#include "fiber_hooks.hpp"
#include "registry.hpp"

extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old,
                                     size_t* size_old);
void __asan_unpoison_memory_region(const volatile void* addr, size_t size);
void __lsan_register_root_region(const void* p, size_t size);
}

namespace csp::rt::fiber_hooks {
void on_create(G*) {}
void on_destroy(G*) {}
void adopt_thread(G*) {}
void on_stack_reuse(const Stack& s) { __asan_unpoison_memory_region(s.lo, s.size()); }
void at_exit() {
  registry_for_each(
      [](G* g, void*) {
        if (!g->stack.lo || !g->run) return;  // main and thread Gs: LSan scans OS stacks
        bool parked = g->status.load(std::memory_order_relaxed) != GStatus::running;
        const char* lo = parked ? static_cast<const char*>(g->sp) : g->stack.lo;
        __lsan_register_root_region(lo, static_cast<size_t>(g->stack.hi - lo));
      },
      nullptr);
}
void before_switch(G* from, G* to, bool from_dies) {
  __sanitizer_start_switch_fiber(from_dies ? nullptr : &from->backend.asan_fake_stack, to->stack.lo,
                                 to->stack.size());
}
void after_switch(G* from, G* to) {
  const void* bottom = nullptr;
  size_t size = 0;
  __sanitizer_finish_switch_fiber(to->backend.asan_fake_stack, &bottom, &size);
  to->backend.asan_fake_stack = nullptr;
  if (from && !from->stack.lo && bottom) {
    from->stack.lo = static_cast<char*>(const_cast<void*>(bottom));
    from->stack.hi = from->stack.lo + size;
  }
}
}  // namespace csp::rt::fiber_hooks
