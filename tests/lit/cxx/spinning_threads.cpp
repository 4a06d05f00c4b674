// More OS threads than the detector has slots (256), all alive at once and
// spinning on a hand-made barrier: a relaxed counter (no edge), waited on
// with sched_yield by half of them and usleep by the other half. A thread
// that yields or sleeps lets its slot go, as one blocked in a lock does, so
// the threads still starting get slots and the program finishes (it hung
// before) with nothing reported.
// With -DRACY each thread also writes its neighbour's element unordered.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 300 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy 300 > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: sum 44850
// RACE: WARNING: chansan: data race
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 300;
  std::atomic<int> arrived{0};
  std::vector<int> slots(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; i++) {
    threads.emplace_back([&, i] {
      slots[static_cast<std::size_t>(i)] = i;
#ifdef RACY
      slots[static_cast<std::size_t>((i + 1) % n)] += 1;
#endif
      arrived.fetch_add(1, std::memory_order_relaxed);
      while (arrived.load(std::memory_order_relaxed) < n) {
        if (i % 2) {
          sched_yield();
        } else {
          usleep(50);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  long sum = 0;
  for (int v : slots) sum += v;
  std::printf("sum %ld\n", sum);
}
