// The registry of live goroutines (Go's allgs) and the G records of OS
// threads that block in csp code without being workers.
//
// Invariants:
//  - Every goroutine between spawn_commit and goroutine_exit is on the list,
//    with its status, wait reason and call site, parent and creation site:
//    what the deadlock and leak detectors will walk.
//  - Goroutine ids are unique and never reused; the main goroutine is 1.
//  - A thread G parks on its own futex word; unpark before park is not lost.
//  - Thread Gs are kept on their own list for the life of the process: a
//    waker may still hold one after its thread exits, and the deadlock
//    detector must see OS threads blocked in csp.
#pragma once

#include <cstdint>

#include "g.hpp"

namespace csp::rt {

void registry_add(G* g);     // assigns g->id
void registry_remove(G* g);
int registry_live();         // goroutines on the list, main included

// Calls f(g, arg) for each live goroutine, under the registry lock: f must
// not block or spawn.
void registry_for_each(void (*f)(G* g, void* arg), void* arg);

// The same for the G records of OS threads (thread Gs).
void registry_for_each_thread_g(void (*f)(G* g, void* arg), void* arg);

G* make_main_g();                 // goroutine 1: the main thread's context
G* make_thread_g(G** tls_slot);   // a non-worker OS thread's G
void thread_g_park(G* g);
void thread_g_unpark(G* g);

}  // namespace csp::rt
