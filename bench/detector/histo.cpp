// Per-goroutine buckets merged under a mutex (csp::mutex, or std::mutex with
// -DBENCH_STD_THREAD: common.hpp), P passes over a shared
// input (twin of ../shared/bench/go/detector/histo).
// usage: histo [M=4194304] [T=2] [P=16]
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common.hpp"

int main(int argc, char** argv) {
  int m = argc > 1 ? std::atoi(argv[1]) : 4194304;
  int nt = argc > 2 ? std::atoi(argv[2]) : 2;
  int passes = argc > 3 ? std::atoi(argv[3]) : 16;
  std::vector<uint32_t> in(m);
  uint32_t x = 2463534242u;
  for (auto& v : in) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = x;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::vector<uint64_t> global(4096);
  bench::mutex mu;
  bench::group workers;
  for (int t = 0; t < nt; t++) {
    workers.go([&, t] {
      std::vector<uint64_t> local(4096);
      int lo = int(int64_t(t) * m / nt), hi = int(int64_t(t + 1) * m / nt);
      for (int p = 0; p < passes; p++) {
        unsigned shift = unsigned(p % 21);
        for (auto& b : local) b = 0;
        for (int i = lo; i < hi; i++) local[(in[i] >> shift) & 4095]++;
        std::lock_guard<bench::mutex> l(mu);
        for (int b = 0; b < 4096; b++) global[b] += local[b];
      }
    });
  }
  workers.wait();
  double ms = ms_since(t0);
  uint64_t sum = 0, total = 0;
  for (int b = 0; b < 4096; b++) {
    sum += global[b] * uint64_t(b + 1);
    total += global[b];
  }
  std::printf("histo m=%d threads=%d passes=%d total=%lu checksum=%lu compute_ms=%.1f hwm_kb=%ld\n", m,
              nt, passes, (unsigned long)total, (unsigned long)sum, ms, hwm_kb());
}
