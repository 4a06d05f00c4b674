// Goroutines: csp::go, yield, num_goroutines, set_max_procs.
#pragma once

#include <cstddef>
#include <functional>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

#include "csp/detail/core.hpp"

namespace csp {

// Runs std::invoke(f, args...) as a new goroutine. f and args are
// decay-copied before go returns, as with std::thread.
template <class F, class... Args>
void go(F&& f, Args&&... args) {
  using closure = std::tuple<std::decay_t<F>, std::decay_t<Args>...>;
  detail::spawn_slot* slot = nullptr;
  void* mem = detail::spawn_prepare(sizeof(closure), alignof(closure), &slot);
  ::new (mem) closure(std::forward<F>(f), std::forward<Args>(args)...);
  // Not noexcept: an escaping exception must reach the bottom of the
  // goroutine's stack unhandled, so the panic report sees the throw site.
  detail::spawn_commit(slot, [](void* p) {
    auto* c = static_cast<closure*>(p);
    std::apply([](auto&... fa) { std::invoke(std::move(fa)...); }, *c);
    c->~closure();
  });
}

// Lets other goroutines run (Go's runtime.Gosched).
inline void yield() { detail::yield_now(); }

// Live goroutines, the main one included (Go's runtime.NumGoroutine).
inline int num_goroutines() { return detail::live_goroutines(); }

// Sets the number of worker threads running goroutines; returns the previous
// value. n < 1 leaves it unchanged (Go's runtime.GOMAXPROCS).
inline int set_max_procs(int n) { return detail::max_procs(n); }

}  // namespace csp
