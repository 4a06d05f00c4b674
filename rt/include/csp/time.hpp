// Time: csp::sleep, after, timer, ticker (Go's time package).
#pragma once

#include <chrono>
#include <cstdint>

#include "csp/chan.hpp"

namespace csp {

using time_point = std::chrono::steady_clock::time_point;

namespace detail {
template <class Rep, class Period>
std::int64_t to_ns(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}
}  // namespace detail

// The current time on the steady clock's scale (Go's time.Now): virtual
// inside a synctest bubble and under CSP_SCHEDULE (api.md §4), where it
// starts at a fixed instant and moves only when every goroutine is blocked.
inline time_point now() { return time_point(std::chrono::nanoseconds(detail::now_ns())); }

// Parks the calling goroutine for d.
template <class Rep, class Period>
void sleep(std::chrono::duration<Rep, Period> d) {
  detail::sleep_ns(detail::to_ns(d));
}

// Go's time.Timer: c() receives the time once, after d.
class timer {
 public:
  template <class Rep, class Period>
  explicit timer(std::chrono::duration<Rep, Period> d) : timer(detail::to_ns(d), 0) {}
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;
  ~timer() { detail::timer_release(t_); }

  const chan<time_point>& c() const { return c_; }
  // True if the call stopped the timer before it fired.
  bool stop() { return detail::timer_stop(t_); }
  // Re-arms the timer for d; true if it had been active.
  template <class Rep, class Period>
  bool reset(std::chrono::duration<Rep, Period> d) {
    return detail::timer_reset(t_, detail::to_ns(d));
  }

 protected:
  timer(std::int64_t delay_ns, std::int64_t period_ns)
      : c_(make_chan<time_point>(1)),
        t_(detail::timer_new(detail::chan_access::core(c_), delay_ns, period_ns)) {}

 private:
  chan<time_point> c_;
  detail::timer_core* t_;
};

// Go's time.Ticker: c() receives the time every d (dropping ticks for a slow
// receiver).
class ticker : private timer {
 public:
  template <class Rep, class Period>
  explicit ticker(std::chrono::duration<Rep, Period> d)
      : timer(check(detail::to_ns(d)), detail::to_ns(d)) {}
  using timer::c;
  void stop() { timer::stop(); }

 private:
  static std::int64_t check(std::int64_t ns) {
    if (ns <= 0) throw panic("non-positive interval for NewTicker");
    return ns;
  }
};

// A channel that receives the time once, after d (Go's time.After).
template <class Rep, class Period>
chan<time_point> after(std::chrono::duration<Rep, Period> d) {
  auto c = make_chan<time_point>(1);
  detail::timer_release(detail::timer_new(detail::chan_access::core(c), detail::to_ns(d), 0));
  return c;
}

}  // namespace csp
