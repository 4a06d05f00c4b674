// Stress cases, tagged [stress]: sized to finish in seconds in every build
// by default, 10x longer with ./test.sh --long (stress_scale()).
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace csp::rt {
int spinning_workers_for_test();  // scheduler.cpp
}

TEST_CASE("100k goroutines can be parked at once", "[stress]") {
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  // TSan keeps about 0.5 MB of state per fiber: 100k would need 50 GB.
  constexpr int n = 2000;
#define CSP_SCALED_DOWN
#endif
#endif
#ifndef CSP_SCALED_DOWN
  constexpr int n = 100000;
#endif
  auto gate = csp::make_chan<csp::unit>();
  csp::wait_group parked, finished;
  std::atomic<long> sum{0};
  parked.add(n);
  finished.add(n);
  for (int i = 0; i < n; i++)
    csp::go([&, i] {
      parked.done();
      gate.recv();
      sum += i;
      finished.done();
    });
  parked.wait();
  REQUIRE(csp::num_goroutines() >= n);
  gate.close();
  finished.wait();
  REQUIRE(sum == long(n) * (n - 1) / 2);
}

TEST_CASE("millions of channel operations across many goroutines keep every value", "[stress]") {
  FOR_EACH_PROCS(procs) {
    for (std::size_t cap : {0, 1, 16, 128}) {
      constexpr int producers = 4, consumers = 4;
      const long per = (cap == 0 ? 20000L : 100000L) * stress_scale();
      auto ch = csp::make_chan<long>(cap);
      std::atomic<long> sum{0}, count{0};
      csp::wait_group pwg, cwg;
      pwg.add(producers);
      cwg.add(consumers);
      for (int p = 0; p < producers; p++)
        csp::go([&, p] {
          for (long i = 0; i < per; i++) ch.send(p * per + i);
          pwg.done();
        });
      for (int c = 0; c < consumers; c++)
        csp::go([&] {
          long s = 0, k = 0;
          for (long v : ch) s += v, k++;
          sum += s;
          count += k;
          cwg.done();
        });
      pwg.wait();
      ch.close();
      cwg.wait();
      long total = producers * per;
      REQUIRE(count == total);
      REQUIRE(sum == total * (total - 1) / 2);
    }
  }
}

TEST_CASE("close racing with senders and receivers loses nothing and panics only senders", "[stress]") {
  FOR_EACH_PROCS(procs) {
    for (int round = 0; round < 100 * stress_scale(); round++) {
      for (std::size_t cap : {0, 4}) {
        auto ch = csp::make_chan<int>(cap);
        std::atomic<int> sent{0}, received{0}, panicked{0};
        csp::wait_group wg;
        wg.add(8);
        for (int s = 0; s < 4; s++)
          csp::go([&] {
            for (int i = 0; i < 50; i++) {
              try {
                ch.send(1);
                sent++;
              } catch (const csp::panic&) {
                panicked++;
                break;
              }
            }
            wg.done();
          });
        for (int r = 0; r < 4; r++)
          csp::go([&] {
            for (int v : ch) received += v;
            wg.done();
          });
        csp::yield();
        ch.close();
        wg.wait();
        REQUIRE(received == sent);
      }
    }
  }
}

TEST_CASE("select over many channels fed concurrently receives every value once", "[stress]") {
  FOR_EACH_PROCS(procs) {
    const int n = 40000 * stress_scale();
    std::vector<csp::chan<int>> cs;
    for (int i = 0; i < 4; i++) cs.push_back(csp::make_chan<int>(i));  // caps 0..3
    for (int s = 0; s < 4; s++)
      csp::go([c = cs[s], s, n] {
        for (int i = s * n / 4; i < (s + 1) * n / 4; i++) c.send(i);
      });
    long sum = 0;
    for (int i = 0; i < n; i++) {
      auto h = [&](int v) { sum += v; };
      csp::select(csp::on_recv(cs[0], h), csp::on_recv(cs[1], h), csp::on_recv(cs[2], h),
                  csp::on_recv(cs[3], h));
    }
    REQUIRE(sum == long(n) * (n - 1) / 2);
  }
}

TEST_CASE("changing max_procs while goroutines hand off work leaks no spinning count", "[stress]") {
  // set_max_procs racing with wake-ups. The bug this pins down (fixed by
  // the explicit worker state in scheduler.cpp): set_max_procs woke a
  // worker that was awake but still listed idle, a concurrent wakep counted
  // it as a spinner twice, and the leaked count later left a runnable
  // goroutine with every worker asleep — a hang once in 20 suite runs. The
  // hang needs a rare second interleaving; the leak does not, and it
  // lasts: once the work is done and the workers have gone to sleep, no
  // worker may still be counted as spinning.
  const int total = 20000 * stress_scale();
  int old = csp::set_max_procs(2);
  auto work = csp::make_chan<int>(4), results = csp::make_chan<int>(4);
  csp::wait_group wg;
  wg.add(4);
  for (int w = 0; w < 4; w++)
    csp::go([&] {
      for (int v : work) results.send(v);
      wg.done();
    });
  csp::go([&] {
    wg.wait();
    results.close();
  });
  csp::go([&] {
    for (int i = 0; i < total; i++) {
      work.send(i);
      if (i % 4 == 0) csp::set_max_procs(1 + (i / 4) % 4);
    }
    work.close();
  });
  long sum = 0;
  int n = 0;
  for (int v : results) sum += v, n++;
  csp::set_max_procs(old);
  REQUIRE(n == total);
  REQUIRE(sum == long(total) * (total - 1) / 2);
  // Spinners give up after a few microseconds without work; a leaked count
  // never goes back to 0. Bounded wait, not an ordering: 5 s is 1000x the
  // longest spin.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (csp::rt::spinning_workers_for_test() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(csp::rt::spinning_workers_for_test() == 0);
}
