// Small programs whose process-level behaviour process_test.sh checks:
// exit codes, panic reports, start-up errors, exit with goroutines alive.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>

#include <csp/csp.hpp>

using namespace std::chrono_literals;

namespace {

// A static object whose destructor runs at exit while goroutines may still
// be running or blocked: it must not crash or hang.
struct noisy_global {
  std::string s = "global";
  ~noisy_global() { std::puts("static destructor ran"); }
} g_global;

void thrower() { throw std::runtime_error("boom in goroutine"); }

// Recursion deeper than any stack, which the optimizer cannot flatten.
volatile int g_depth_limit = 1 << 30;
int recurse(int n) {
  volatile char frame[512];
  frame[0] = static_cast<char>(n);
  if (n >= g_depth_limit) return frame[0];
  return recurse(n + 1) + frame[0];
}

// The same, switching goroutines at every level.
int recurse_yielding(int n) {
  volatile char frame[512];
  frame[0] = static_cast<char>(n);
  csp::yield();
  if (n >= g_depth_limit) return frame[0];
  return recurse_yielding(n + 1) + frame[0];
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "panic_in_goroutine") {
    auto never = csp::make_chan<int>();
    csp::go([] { thrower(); });
    never.recv();
  } else if (mode == "send_on_closed") {
    auto ch = csp::make_chan<int>();
    ch.close();
    ch.send(1);
  } else if (mode == "exit_with_goroutines") {
    auto block = csp::make_chan<int>();
    for (int i = 0; i < 1000; i++) csp::go([block] { block.recv(); });
    // One goroutine that never blocks keeps a worker busy while main exits.
    // (Only one: without preemption, spinners on every worker would starve
    // main, as in Go before 1.14.)
    csp::go([] {
      volatile unsigned long x = 0;
      for (;;) x = x + g_global.s.size();
    });
    csp::sleep(10ms);
    std::cout << "main returns" << std::endl;
    return 0;
  } else if (mode == "idle_timers_use_no_cpu") {
    csp::wait_group wg;
    wg.add(100);
    for (int i = 0; i < 100; i++)
      csp::go([&] {
        csp::sleep(300ms);
        wg.done();
      });
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    wg.wait();
    getrusage(RUSAGE_SELF, &after);
    auto us = [](const rusage& r) {
      return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000000L + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
    };
    long cpu = us(after) - us(before);
    std::printf("cpu_us=%ld\n", cpu);
    return cpu < 60000 ? 0 : 1;  // well under the 300 ms wall time
  } else if (mode == "nil_deref_in_goroutine") {
    auto never = csp::make_chan<int>();
    csp::go([] {
      volatile int* p = nullptr;
      *p = 1;
    });
    never.recv();
  } else if (mode == "stack_overflow_in_goroutine") {
    auto never = csp::make_chan<int>();
    csp::go([] { std::printf("%d\n", recurse(1)); });
    never.recv();
  } else if (mode == "stack_overflow_unguarded") {
    // Past the guarded stacks (stack.cpp keeps guard pages for the first
    // 16384), overflow is caught by the stack-pointer check at a switch.
    auto never = csp::make_chan<int>();
    for (int i = 0; i < 17000; i++) csp::go([never] { never.recv(); });
    csp::go([] { std::printf("%d\n", recurse_yielding(1)); });
    never.recv();
  } else if (mode == "num_goroutines") {
    auto block = csp::make_chan<int>();
    csp::wait_group started;
    started.add(1000);
    for (int i = 0; i < 1000; i++)
      csp::go([&started, block] {
        started.done();
        block.recv();
      });
    started.wait();
    int during = csp::num_goroutines();
    block.close();
    while (csp::num_goroutines() > 1) csp::yield();
    std::printf("during=%d after=%d\n", during, csp::num_goroutines());
    return 0;
  } else if (mode == "panics_at_once") {
    // Two goroutines and main panic at the same moment: all three reach the
    // throw together (a barrier that yields, so that a goroutine queued
    // behind a spinning one on its worker gets to run; no sleeps).
    csp::set_max_procs(2);
    static std::atomic<int> arrived{0};
    auto arrive = [] {
      arrived.fetch_add(1);
      while (arrived.load() < 3) csp::yield();
    };
    csp::go([arrive] {
      auto closed = csp::make_chan<int>();
      closed.close();
      arrive();
      closed.send(1);
    });
    csp::go([arrive] {
      arrive();
      throw std::runtime_error("boom in goroutine");
    });
    arrive();
    throw std::runtime_error("boom in main");
  } else if (mode == "first_select") {
    // The first choice of a process between two ready cases, in main (an
    // OS thread) and in a goroutine (on a worker).
    auto choose = [] {
      auto a = csp::make_chan<int>(1), b = csp::make_chan<int>(1);
      a.send(1);
      b.send(2);
      return csp::select(csp::on_recv(a), csp::on_recv(b));
    };
    std::size_t in_main = choose();
    auto out = csp::make_chan<std::size_t>(1);
    csp::go([&] { out.send(choose()); });
    std::printf("main=%zu goroutine=%zu\n", in_main, out.recv());
    return 0;
  } else if (mode == "maxprocs") {
    std::printf("procs=%d\n", csp::set_max_procs(0));
    return 0;
  }
  return 0;
}
