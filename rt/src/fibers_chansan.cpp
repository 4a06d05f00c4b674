// The fiber hooks (fiber_hooks.hpp) for the chansan build: each G carries
// the detector's state (G::backend.detector_state); the hooks tell the
// detector which state runs on this thread.
#include "chansan_backend.hpp"
#include "fiber_hooks.hpp"

namespace csp::rt {
namespace {
namespace ch = chansan::hooks;
using chansan_backend::register_walkers;
using chansan_backend::state_of;
}  // namespace

namespace fiber_hooks {
void on_create(G* g) {
  register_walkers();
  g->backend.detector_state = ch::goroutine_new(g->id, g->stack.lo, g->stack.hi, g->closure);
}
void on_destroy(G* g) {
  ch::goroutine_free(state_of(g));
  g->backend.detector_state = nullptr;
}
void before_switch(G* from, G*, bool) { ch::switched_out(state_of(from)); }
void after_switch(G*, G* to) { ch::switched_in(state_of(to)); }
void adopt_thread(G* g) {
  register_walkers();
  g->backend.detector_state = ch::thread_state(g->id);
}
void on_stack_reuse(const Stack&) {}  // cleared by goroutine_free, down to the depth used
void at_exit() {}
}  // namespace fiber_hooks

}  // namespace csp::rt
