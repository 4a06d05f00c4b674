// csp::select: Go's select statement. Runs exactly one ready case (chosen
// uniformly at random among the ready ones) and returns its index; with no
// ready case it runs on_default if present, else blocks.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "csp/chan.hpp"

namespace csp {

namespace detail {

struct no_handler {};

// Cases refer to the caller's channel without owning it: a case lives only
// within the full-expression `select(on_recv(ch), ...)`, while the caller's
// handle (or temporary) does, so no reference count is touched per select.
template <class T, class H>
struct recv_case {
  chan_core* ch;
  H handler;
  T value{};
  void describe(select_case& c) { c = {ch, &value, case_kind::recv, false}; }
  void run(const select_case& c) {
    if constexpr (std::is_same_v<H, no_handler>) {
    } else if constexpr (std::is_invocable_v<H&, T&&, bool>) {
      handler(std::move(value), c.recv_ok);
    } else if constexpr (std::is_invocable_v<H&, T&&>) {
      handler(std::move(value));
    } else {
      static_assert(std::is_invocable_v<H&>, "on_recv handler must take (v, ok), (v) or ()");
      handler();
    }
  }
};

template <class T, class H>
struct send_case {
  chan_core* ch;
  T value;
  H handler;
  void describe(select_case& c) { c = {ch, &value, case_kind::send, false}; }
  void run(const select_case&) {
    if constexpr (!std::is_same_v<H, no_handler>) handler();
  }
};

template <class H>
struct default_case {
  H handler;
  void describe(select_case& c) { c = {nullptr, nullptr, case_kind::fallback, false}; }
  void run(const select_case&) {
    if constexpr (!std::is_same_v<H, no_handler>) handler();
  }
};

template <class C>
struct is_default_case : std::false_type {};
template <class H>
struct is_default_case<default_case<H>> : std::true_type {};

}  // namespace detail

template <class T, class H = detail::no_handler>
detail::recv_case<T, std::decay_t<H>> on_recv(const chan<T>& ch, H&& h = {}) {
  return {detail::chan_access::core(ch), std::forward<H>(h)};
}

template <class T, class V, class H = detail::no_handler>
detail::send_case<T, std::decay_t<H>> on_send(const chan<T>& ch, V&& v, H&& h = {}) {
  return {detail::chan_access::core(ch), T(std::forward<V>(v)), std::forward<H>(h)};
}

template <class H = detail::no_handler>
detail::default_case<std::decay_t<H>> on_default(H&& h = {}) {
  return {std::forward<H>(h)};
}

template <class... Cases>
std::size_t select(Cases&&... cases) {
  static_assert((0 + ... + detail::is_default_case<std::decay_t<Cases>>::value) <= 1,
                "select: at most one on_default");
  constexpr std::size_t n = sizeof...(Cases);
  detail::select_case descs[n > 0 ? n : 1];
  std::size_t i = 0;
  (cases.describe(descs[i++]), ...);
  std::size_t chosen = detail::select_run(descs, n);
  i = 0;
  ((i++ == chosen ? cases.run(descs[chosen]) : void()), ...);
  return chosen;
}

}  // namespace csp
