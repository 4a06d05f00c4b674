// Go's context package: cancellation trees with done() channels.
#pragma once

#include <chrono>
#include <utility>

#include "csp/chan.hpp"
#include "csp/time.hpp"

namespace csp {

enum class context_error { none, canceled, deadline_exceeded };

class cancel_func;

class context {
 public:
  context(const context& o) noexcept : s_(o.s_) { detail::context_retain(s_); }
  context& operator=(context o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~context() { detail::context_release(s_); }

  // Closed when the context is cancelled; nil for background() (as in Go).
  chan<unit> done() const {
    return detail::chan_access::adopt<unit>(detail::context_done(s_));
  }
  context_error err() const { return static_cast<context_error>(detail::context_err(s_)); }

 private:
  friend context background();
  friend class cancel_func;
  friend std::pair<context, class cancel_func> with_cancel(const context&);
  template <class Rep, class Period>
  friend std::pair<context, cancel_func> with_timeout(const context&,
                                                      std::chrono::duration<Rep, Period>);
  explicit context(detail::context_state* s) noexcept : s_(s) {}  // takes a reference
  detail::context_state* s_;
};

class cancel_func {
 public:
  cancel_func(const cancel_func& o) noexcept : s_(o.s_) { detail::context_retain(s_); }
  cancel_func& operator=(cancel_func o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~cancel_func() { detail::context_release(s_); }
  void operator()() const { detail::context_cancel(s_); }

 private:
  friend std::pair<context, cancel_func> with_cancel(const context&);
  template <class Rep, class Period>
  friend std::pair<context, cancel_func> with_timeout(const context&,
                                                      std::chrono::duration<Rep, Period>);
  explicit cancel_func(detail::context_state* s) noexcept : s_(s) {}  // takes a reference
  detail::context_state* s_;
};

inline context background() { return context(detail::context_background()); }

inline std::pair<context, cancel_func> with_cancel(const context& parent) {
  detail::context_state* s = detail::context_with_cancel(parent.s_);
  detail::context_retain(s);
  return {context(s), cancel_func(s)};
}

template <class Rep, class Period>
std::pair<context, cancel_func> with_timeout(const context& parent,
                                             std::chrono::duration<Rep, Period> d) {
  detail::context_state* s = detail::context_with_timeout(parent.s_, detail::to_ns(d));
  detail::context_retain(s);
  return {context(s), cancel_func(s)};
}

}  // namespace csp
