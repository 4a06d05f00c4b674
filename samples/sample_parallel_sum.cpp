// Parallel data processing: split a slice into chunks, sum each chunk in its
// own goroutine, collect the partial sums over a channel.
#include <csp/csp.hpp>
#include <cstdio>
#include <numeric>
#include <vector>

int main() {
  std::vector<long> data(1'000'000);
  std::iota(data.begin(), data.end(), 1);
  const int chunks = 8;
  auto partial = csp::make_chan<long>(chunks);
  for (int c = 0; c < chunks; c++) {
    std::size_t lo = data.size() * c / chunks, hi = data.size() * (c + 1) / chunks;
    // Each goroutine reads only its own range: no sharing, no race.
    csp::go([&data, lo, hi, partial] {
      partial.send(std::accumulate(data.begin() + lo, data.begin() + hi, 0L));
    });
  }
  long total = 0;
  for (int c = 0; c < chunks; c++) total += partial.recv();
  std::printf("sum of 1..%zu = %ld\n", data.size(), total);
}
