// More OS threads than the detector has slots (256), all alive at once and
// waiting on each other at a barrier, then on a mutex and a condition
// variable: threads blocked in the C library give their slot up while they
// wait, so the program finishes (it hung before) and nothing is reported.
// With -DRACY each thread also writes its neighbour's element unordered.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 300 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %t.ok 1000 2>&1 | FileCheck %s --check-prefix=OK1000
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy 300 > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: sum 44850 woken 300
// OK1000-NOT: WARNING: chansan
// OK1000: sum 499500 woken 1000
// RACE: WARNING: chansan: data race
#include <pthread.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 300;
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, nullptr, static_cast<unsigned>(n));
  std::vector<int> slots(static_cast<std::size_t>(n));
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  int woken = 0;
  std::vector<std::thread> ts;
  for (int i = 0; i < n; i++)
    ts.emplace_back([&, i] {
      slots[static_cast<std::size_t>(i)] = i;
#ifdef RACY
      slots[static_cast<std::size_t>((i + 1) % n)] = (i + 1) % n;  // what its owner writes too
#endif
      pthread_barrier_wait(&barrier);
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return go; });
      woken++;
    });
  {
    std::lock_guard<std::mutex> l(mu);
    go = true;
  }
  cv.notify_all();
  for (auto& t : ts) t.join();
  long sum = 0;
  for (int x : slots) sum += x;
  std::printf("sum %ld woken %d\n", sum, woken);
  pthread_barrier_destroy(&barrier);
}
