// C = A*B, N x N doubles, row blocks over T goroutines, i-k-j loop (twin of
// ../shared/bench/go/detector/matmul). usage: matmul [N=512] [T=2]
#include <cstdlib>
#include <vector>

#include "common.hpp"

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 512;
  int nt = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<double> a(n * n), b(n * n), c(n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      a[i * n + j] = double((i * 7 + j * 3) % 17) - 8.0;
      b[i * n + j] = double((i * 5 + j * 11) % 13) - 6.0;
    }
  auto t0 = std::chrono::steady_clock::now();
  bench::group workers;
  for (int t = 0; t < nt; t++) {
    workers.go([&, t] {
      int lo = t * n / nt, hi = (t + 1) * n / nt;
      for (int i = lo; i < hi; i++) {
        double* ci = &c[i * n];
        for (int k = 0; k < n; k++) {
          double aik = a[i * n + k];
          const double* bk = &b[k * n];
          for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
        }
      }
    });
  }
  workers.wait();
  double ms = ms_since(t0);
  double sum = 0;
  for (int i = 0; i < n * n; i++) sum += c[i] * double(i % 7 + 1);
  std::printf("matmul n=%d threads=%d checksum=%.0f compute_ms=%.1f hwm_kb=%ld\n", n, nt, sum, ms,
              hwm_kb());
}
