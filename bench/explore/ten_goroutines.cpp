// The exploration benchmark's test (bench/explore.sh): 10 goroutines that
// pass a token around a ring of channels and take a shared mutex, ~200
// scheduling points in all, then check the total. `ROUNDS` scales it for
// the seeded-vs-free slowdown.
#include <csp/csp.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2;
  constexpr int kG = 10;
  csp::chan<int> ring[kG];
  for (auto& c : ring) c = csp::make_chan<int>(1);
  csp::mutex mu;
  long total = 0;
  csp::wait_group wg;
  wg.add(kG);
  for (int i = 0; i < kG; i++) {
    csp::go([&, i] {
      for (int r = 0; r < rounds; r++) {
        int v = ring[i].recv();
        {
          std::lock_guard<csp::mutex> l(mu);
          total += v;
        }
        ring[(i + 1) % kG].send(v + 1);
      }
      wg.done();
    });
  }
  ring[0].send(0);
  wg.wait();
  int last = ring[0].recv();
  if (last != rounds * kG || total != static_cast<long>(last) * (last - 1) / 2) {
    std::printf("wrong: last %d total %ld\n", last, total);
    return 1;
  }
  return 0;
}
