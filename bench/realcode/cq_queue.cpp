// Heap objects from two producers to two consumers through moodycamel's
// BlockingConcurrentQueue (Debian's libconcurrentqueue-dev), each freed by
// its consumer. Usage: cq_queue N
//
// At most kWindow jobs are in flight: a producer takes a place from the
// library's LightweightSemaphore before each job and its consumer gives
// it back. Unbounded, the queue's depth is a race between the threads'
// speeds and the memory figure is that race's: the same program under
// TSan peaked at 43 MB in one run and 517 MB in another (600k in flight).
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/lightweightsemaphore.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

struct Job {
  std::string name;
  long value;
};

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  moodycamel::BlockingConcurrentQueue<Job*> q;
  constexpr long kWindow = 4096;
  std::atomic<long> sum{0};
  moodycamel::LightweightSemaphore window(kWindow);
  std::vector<std::thread> consumers;
  for (int c = 0; c < 2; c++)
    consumers.emplace_back([&] {
      for (int k = 0; k < n / 2; k++) {
        Job* j;
        q.wait_dequeue(j);
        sum.fetch_add(j->value + static_cast<long>(j->name.size()), std::memory_order_relaxed);
        delete j;
        window.signal();
      }
    });
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; p++)
    producers.emplace_back([&, p] {
      moodycamel::ProducerToken token(q);
      for (int i = p; i < n; i += 2) {
        window.wait();
        q.enqueue(token, new Job{"job" + std::to_string(i), i});
      }
    });
  for (auto& t : producers) t.join();
  for (auto& t : consumers) t.join();
  std::printf("sum %ld\n", sum.load());
}
