// prodcons done the Go way: a buffered channel of 1024 (twin of
// ../shared/bench/go/detector/prodchan). usage: prodchan [K=1000000]
#include <csp/csp.hpp>
#include <cstdint>
#include <cstdlib>

#include "common.hpp"

int main(int argc, char** argv) {
  int k = argc > 1 ? std::atoi(argv[1]) : 1000000;
  auto ch = csp::make_chan<int64_t>(1024);
  auto t0 = std::chrono::steady_clock::now();
  csp::go([ch, k] {
    for (int i = 0; i < k; i++) ch.send(int64_t(i) * 3 + 1);
    ch.close();
  });
  uint64_t sum = 0;
  for (int64_t v : ch) sum = sum * 31 + uint64_t(v);
  double ms = ms_since(t0);
  std::printf("prodchan k=%d checksum=%lu compute_ms=%.1f hwm_kb=%ld\n", k, (unsigned long)sum, ms,
              hwm_kb());
}
