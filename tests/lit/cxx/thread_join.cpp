// Thread end before join: what a std::thread wrote is read and freed after
// join() without a report, whoever joins (main, a goroutine, another
// thread) and however the thread ends (return, pthread_exit).
// With -DRACY main reads before the join: a report naming the thread as
// TSan does ("thread T1") with where it was created.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 4950 28 7 9
// RACE: WARNING: chansan: data race
// RACE: by thread T1:
// RACE: thread T1 created at:
// RACE: #{{[0-9]+}} main {{.*}}thread_join.cpp:[[@LINE+16]]
#include <pthread.h>

#include <csp/csp.hpp>
#include <cstdio>
#include <thread>
#include <vector>

int* fill(int n) {
  int* p = new int[n];
  for (int i = 0; i < n; i++) p[i] = i;
  return p;
}

int main() {
  int* data = nullptr;
  std::thread t([&] { data = fill(100); });
#ifdef RACY
  std::printf("early %p\n", static_cast<void*>(data));
#endif
  t.join();
  long sum = 0;
  for (int i = 0; i < 100; i++) sum += data[i];
  delete[] data;

  // Several threads, each writing its own element, joined in order.
  std::vector<int> v(8);
  std::vector<std::thread> ts;
  for (int k = 0; k < 8; k++) ts.emplace_back([&v, k] { v[k] = k; });
  for (auto& th : ts) th.join();
  int vs = 0;
  for (int x : v) vs += x;

  // Joined by a goroutine.
  auto* box = new int(0);
  auto done = csp::make_chan<int>();
  csp::go([&] {
    std::thread w([box] { *box = 7; });
    w.join();
    done.send(*box);
  });
  int from_goroutine = done.recv();
  delete box;

  // A thread that ends by pthread_exit, joined by another thread.
  static int exited_value;
  std::thread outer([] {
    pthread_t inner;
    pthread_create(&inner, nullptr, [](void*) -> void* {
      exited_value = 9;
      pthread_exit(nullptr);
    }, nullptr);
    pthread_join(inner, nullptr);
  });
  outer.join();
  std::printf("done %ld %d %d %d\n", sum, vs, from_goroutine, exited_value);
}
