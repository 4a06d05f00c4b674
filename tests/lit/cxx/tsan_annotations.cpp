// Code written for ThreadSanitizer annotates what the detector cannot see:
// <sanitizer/tsan_interface.h>'s __tsan_release/__tsan_acquire, the
// dynamic annotations AnnotateHappensBefore/After, and a custom lock's
// __tsan_mutex_* calls. chansan makes the same edges (here over relaxed
// atomics, which make none themselves): no report.
// With -DRACY the annotations are left out: a report.
// With -DINVERSION two annotated locks are taken in both orders: a
// lock-order inversion, as for pthread mutexes.
// With -DRANGE the explicit checks __tsan_write_range/__tsan_read8 stand
// for accesses the compiler did not see: a report naming their lines.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// RUN: %chansan_cxx -DINVERSION %s -o %t.inv
// RUN: %t.inv > %t.inv.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=INV < %t.inv.log
// RUN: %chansan_cxx -DRANGE %s -o %t.range
// RUN: %t.range > %t.range.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RANGE < %t.range.log
// OK-NOT: WARNING: chansan
// OK: done 1 2 3000
// RACE: WARNING: chansan: data race
// INV: WARNING: chansan: lock-order inversion
// RANGE: WARNING: chansan: data race
// RANGE-DAG: #0 fill{{.*}}tsan_annotations.cpp:{{[0-9]+}}
// RANGE-DAG: #0 peek{{.*}}tsan_annotations.cpp:{{[0-9]+}}
#include <sanitizer/tsan_interface.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <thread>

extern "C" void __tsan_write_range(void* addr, unsigned long size);
extern "C" void __tsan_read8(void* addr);
extern "C" void AnnotateHappensBefore(const char* f, int l, void* addr);
extern "C" void AnnotateHappensAfter(const char* f, int l, void* addr);

#ifdef RACY
#define ANNOTATE(x)
#else
#define ANNOTATE(x) x
#endif

// A spin lock of relaxed atomics, annotated as TSan asks of custom locks.
struct SpinLock {
  std::atomic<bool> held{false};
  void lock() {
    ANNOTATE(__tsan_mutex_pre_lock(this, 0));
    while (held.exchange(true, std::memory_order_relaxed)) sched_yield();
    ANNOTATE(__tsan_mutex_post_lock(this, 0, 0));
  }
  void unlock() {
    ANNOTATE(__tsan_mutex_pre_unlock(this, 0));
    held.store(false, std::memory_order_relaxed);
    ANNOTATE(__tsan_mutex_post_unlock(this, 0));
  }
};

int first, second;
std::atomic<int> flag1, flag2;
SpinLock spin;
int counter;

#ifdef RANGE
long buffer[4];
void fill() {
  __tsan_write_range(buffer, sizeof buffer);  // stands for a write in assembly
}
void peek() {
  __tsan_read8(&buffer[2]);  // stands for a read in assembly
}
#endif

int main() {
#ifdef INVERSION
  SpinLock a, b;
  a.lock();
  b.lock();
  b.unlock();
  a.unlock();
  b.lock();
  a.lock();
  a.unlock();
  b.unlock();
#endif
#ifdef RANGE
  std::thread filler(fill);
  std::thread peeker(peek);
  filler.join();
  peeker.join();
#endif
  std::thread producer([] {
    first = 1;
    ANNOTATE(__tsan_release(&flag1));
    flag1.store(1, std::memory_order_relaxed);
    second = 2;
    ANNOTATE(AnnotateHappensBefore(__FILE__, __LINE__, &flag2));
    flag2.store(1, std::memory_order_relaxed);
  });
  while (flag1.load(std::memory_order_relaxed) == 0) sched_yield();
  ANNOTATE(__tsan_acquire(&flag1));
  int got1 = first;
  while (flag2.load(std::memory_order_relaxed) == 0) sched_yield();
  ANNOTATE(AnnotateHappensAfter(__FILE__, __LINE__, &flag2));
  int got2 = second;
  producer.join();

  std::thread counters[3];
  for (auto& t : counters)
    t = std::thread([] {
      for (int i = 0; i < 1000; i++) {
        spin.lock();
        counter++;
        spin.unlock();
      }
    });
  for (auto& t : counters) t.join();
  std::printf("done %d %d %d\n", got1, got2, counter);
}
