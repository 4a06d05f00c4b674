// A 1024-slot ring under a mutex + two condition variables (csp, or std with
// -DBENCH_STD_THREAD: common.hpp), one producer, one
// consumer, K items (twin of ../shared/bench/go/detector/prodcons).
// usage: prodcons [K=1000000]
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common.hpp"

struct Queue {
  bench::mutex mu;
  bench::cond not_empty{mu}, not_full{mu};
  std::vector<int64_t> ring = std::vector<int64_t>(1024);
  int head = 0, count = 0;
  void put(int64_t v) {
    mu.lock();
    while (count == int(ring.size())) not_full.wait();
    ring[(head + count) % ring.size()] = v;
    count++;
    not_empty.signal();
    mu.unlock();
  }
  int64_t get() {
    mu.lock();
    while (count == 0) not_empty.wait();
    int64_t v = ring[head];
    head = (head + 1) % int(ring.size());
    count--;
    not_full.signal();
    mu.unlock();
    return v;
  }
};

int main(int argc, char** argv) {
  int k = argc > 1 ? std::atoi(argv[1]) : 1000000;
  Queue q;
  auto t0 = std::chrono::steady_clock::now();
  bench::group workers;
  workers.go([&] {
    for (int i = 0; i < k; i++) q.put(int64_t(i) * 3 + 1);
  });
  uint64_t sum = 0;
  workers.go([&] {
    for (int i = 0; i < k; i++) sum = sum * 31 + uint64_t(q.get());
  });
  workers.wait();
  double ms = ms_since(t0);
  std::printf("prodcons k=%d checksum=%lu compute_ms=%.1f hwm_kb=%ld\n", k, (unsigned long)sum, ms,
              hwm_kb());
}
