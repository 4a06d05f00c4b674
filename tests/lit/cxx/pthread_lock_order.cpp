// Lock-order inversions among pthread mutexes (std::mutex), as TSan reports
// them: a cycle of three mutexes taken pairwise by three threads (joined
// one after the other, so this run never deadlocks), and one thread that
// holds ten locks at once (more than the six once tracked) and later takes
// the tenth before the ninth. The fixed twin (-DFIXED) keeps one order.
// RUN: %chansan_cxx %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: %chansan_cxx -DFIXED %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// OK-NOT: WARNING: chansan
// OK: done
// BUG: WARNING: chansan: lock-order inversion
// BUG: Cycle in lock order graph: {{.*}}('a'){{.*}}('b'){{.*}}('c')
// BUG: in thread T{{[0-9]+}}:
// BUG: SUMMARY: chansan: lock-order inversion {{.*}}pthread_lock_order.cpp:{{[0-9]+}} in
// BUG: WARNING: chansan: lock-order inversion
// BUG: acquired here while holding mutex
// BUG: SUMMARY: chansan: lock-order inversion {{.*}}pthread_lock_order.cpp:{{[0-9]+}} in
// BUG: done
#include <cstdio>
#include <mutex>
#include <thread>

std::mutex a, b, c;
std::mutex nested[10];

template <class F>
void in_thread(F f) {
  std::thread t(f);
  t.join();
}

int main() {
  in_thread([] {
    std::lock_guard<std::mutex> x(a);
    std::lock_guard<std::mutex> y(b);
  });
  in_thread([] {
    std::lock_guard<std::mutex> x(b);
    std::lock_guard<std::mutex> y(c);
  });
  in_thread([] {
#ifdef FIXED
    std::lock_guard<std::mutex> x(a);
    std::lock_guard<std::mutex> y(c);
#else
    std::lock_guard<std::mutex> x(c);
    std::lock_guard<std::mutex> y(a);
#endif
  });
  for (auto& m : nested) m.lock();
  for (int i = 9; i >= 0; i--) nested[i].unlock();
  in_thread([] {
#ifdef FIXED
    std::lock_guard<std::mutex> x(nested[8]);
    std::lock_guard<std::mutex> y(nested[9]);
#else
    std::lock_guard<std::mutex> x(nested[9]);
    std::lock_guard<std::mutex> y(nested[8]);
#endif
  });
  std::printf("done\n");
}
