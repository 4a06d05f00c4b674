// Shared by the detector-overhead workloads: peak resident set (VmHWM, in
// KiB) and a wall clock in milliseconds, printed as the Go twins in
// ../shared/bench/go/detector print them; and the concurrency they use, in
// two spellings of the same work:
//  - by default goroutines, csp::mutex and csp::cond (what chansan checks);
//  - with -DBENCH_STD_THREAD std::thread, std::mutex and
//    std::condition_variable: the program a ThreadSanitizer user would
//    write instead (bench/detector.sh times it under TSan 19).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#ifdef BENCH_STD_THREAD
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace bench {
using mutex = std::mutex;
// Go's sync.Cond shape over std::condition_variable: wait() with mu held.
class cond {
 public:
  explicit cond(mutex& mu) : mu_(mu) {}
  void wait() {
    std::unique_lock<std::mutex> held(mu_, std::adopt_lock);
    cv_.wait(held);
    held.release();  // still held, by the caller
  }
  void signal() { cv_.notify_one(); }

 private:
  mutex& mu_;
  std::condition_variable cv_;
};
// A set of threads, each started by go() and all joined by wait().
class group {
 public:
  template <class F>
  void go(F f) { threads_.emplace_back(std::move(f)); }
  void wait() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::vector<std::thread> threads_;
};
}  // namespace bench
#else
#include <csp/csp.hpp>

namespace bench {
using mutex = csp::mutex;
using cond = csp::cond;
// Goroutines counted by a wait group.
class group {
 public:
  template <class F>
  void go(F f) {
    wg_.add(1);
    csp::go([this, f = std::move(f)]() mutable {
      f();
      wg_.done();
    });
  }
  void wait() { wg_.wait(); }

 private:
  csp::wait_group wg_;
};
}  // namespace bench
#endif

inline long hwm_kb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
  std::fclose(f);
  return kb;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
