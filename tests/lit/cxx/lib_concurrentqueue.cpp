// moodycamel::ConcurrentQueue (Debian's libconcurrentqueue-dev, header-only,
// lock-free on atomics): heap objects handed from two producers to two
// consumers through a BlockingConcurrentQueue, each freed by its consumer.
// The queue's own atomics order each object's construction before its use
// and free: no report (ThreadSanitizer reports this program). With -DRACY
// the consumers also count in a plain shared variable: a report.
// REQUIRES: concurrentqueue
// RUN: %chansan_cxx %s -o %t.ok -lpthread && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy -lpthread
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: sum 5000738890
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}lib_concurrentqueue.cpp:{{[0-9]+}} in
#include <concurrentqueue/blockingconcurrentqueue.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

struct Job {
  std::string name;
  long value;
};

int main() {
  const int n = 100000;
  moodycamel::BlockingConcurrentQueue<Job*> q;
  std::atomic<long> sum{0};
  long processed = 0;  // touched only with -DRACY
  std::vector<std::thread> consumers;
  for (int c = 0; c < 2; c++)
    consumers.emplace_back([&] {
      for (int k = 0; k < n / 2; k++) {
        Job* j;
        q.wait_dequeue(j);
        sum.fetch_add(j->value + static_cast<long>(j->name.size()), std::memory_order_relaxed);
#ifdef RACY
        processed++;
#endif
        delete j;
      }
    });
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; p++)
    producers.emplace_back([&, p] {
      moodycamel::ProducerToken token(q);
      for (int i = p; i < n; i += 2) q.enqueue(token, new Job{"job" + std::to_string(i), i});
    });
  for (auto& t : producers) t.join();
  for (auto& t : consumers) t.join();
  std::printf("sum %ld\n", sum.load() + processed * 0);
}
