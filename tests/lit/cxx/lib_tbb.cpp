// oneTBB (Debian's libtbb-dev; the scheduler is in the uninstrumented
// libtbb, the task and wait bookkeeping in its headers): parallel_for over
// an array the main thread writes before and reads after, three rounds on
// the same worker threads; a task_group's tasks; a concurrent_queue of
// heap objects from a std::thread, its pages reused. No report (ThreadSanitizer reports this
// program, 12 times). With -DRACY the parallel_for body also adds into one
// plain shared total, and so do the task_group's two tasks, which meet at
// a barrier the detector cannot see first (so they run at once, on two
// threads, in every run) and add one after the other, in an order that
// barrier sets (two checks at the same instant can miss each other, as in
// ThreadSanitizer: detector/DESIGN.md): a report naming a line of this file.
// REQUIRES: tbb
// RUN: %chansan_cxx %s -o %t.ok -ltbb && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy -ltbb
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: rounds 99990000 99990000 99990000 tasks 1 2 queue 4999950000
// RACE: WARNING: chansan: data race
// RACE: lib_tbb.cpp:{{[0-9]+}}
#include <tbb/concurrent_queue.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "../Inputs/invisible_barrier.hpp"

long total;

int main() {
  const int n = 10000;
  std::vector<int> v(n);
  long sums[3] = {};
  for (long& sum : sums) {
    for (int i = 0; i < n; i++) v[i] = i;
    tbb::parallel_for(0, n, [&](int i) {
      v[i] = v[i] * 2;
#ifdef RACY
      total += v[i];
#endif
    });
    for (int x : v) sum += x;
  }
  int a = 0, b = 0;
  tbb::task_group g;
#ifdef RACY
  InvisibleBarrier both(2);
  g.run([&] {
    invisible_barrier_wait(&both);
    a = 1;
    total++;
    invisible_barrier_wait(&both);
  });
  g.run([&] {
    invisible_barrier_wait(&both);
    b = 2;
    invisible_barrier_wait(&both);
    total++;
  });
#else
  g.run([&] { a = 1; });
  g.run([&] { b = 2; });
#endif
  g.wait();
  // Enough items that the queue frees pages and takes them again (from
  // TBB's own allocator, whose frees the detector does not see).
  constexpr int kItems = 100000;
  tbb::concurrent_queue<int*> q;
  std::thread producer([&] {
    for (int i = 0; i < kItems; i++) q.push(new int(i));
  });
  long s = 0;
  int got = 0;
  int* p;
  while (got < kItems)
    if (q.try_pop(p)) {
      s += *p;
      delete p;
      got++;
    }
  producer.join();
  std::printf("rounds %ld %ld %ld tasks %d %d queue %ld\n", sums[0], sums[1], sums[2], a, b, s);
}
