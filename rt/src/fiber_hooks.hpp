// Tells a sanitizer or the detector about goroutine switches (TSan's and
// ASan's fiber APIs, chansan's GoroutineState). Empty in plain builds; one
// file per backend (fibers_tsan.cpp, fibers_asan.cpp, fibers_chansan.cpp),
// chosen in rt/CMakeLists.txt. Called only from switch_to in scheduler.cpp
// and from goroutine creation and destruction.
#pragma once

#include "g.hpp"

namespace csp::rt::fiber_hooks {

#if defined(CSP_HB_TSAN) || defined(CSP_FIBERS_ASAN) || defined(CSP_HB_CHANSAN)
void on_create(G* g);                      // g's fiber exists from here on
void on_destroy(G* g);                     // after g has switched away for good
void before_switch(G* from, G* to, bool from_dies);
void after_switch(G* from, G* to);         // runs in `to`
void adopt_thread(G* g);                   // g is the running OS thread's context
// A stack is about to carry a new goroutine: forget what the sanitizer knows
// of its previous one (TSan's accesses, ASan's poisoned frames), as a
// sanitizer does for the stack of an OS thread that exits.
void on_stack_reuse(const Stack& s);
// At exit: goroutines still alive hold pointers on their stacks, which a
// leak checker does not know to scan; tell it about the live part of each.
void at_exit();
#else
inline void on_create(G*) {}
inline void on_destroy(G*) {}
inline void before_switch(G*, G*, bool) {}
inline void after_switch(G*, G*) {}
inline void adopt_thread(G*) {}
inline void on_stack_reuse(const Stack&) {}
inline void at_exit() {}
#endif

}  // namespace csp::rt::fiber_hooks
