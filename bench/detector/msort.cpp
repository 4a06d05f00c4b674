// Top-down merge sort, the left half on a new goroutine down to depth D
// (twin of ../shared/bench/go/detector/msort). usage: msort [M=4194304] [D=1]
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.hpp"

void msort(int32_t* a, int32_t* tmp, int n, int depth) {
  if (n <= 16) {
    for (int i = 1; i < n; i++) {
      int32_t v = a[i];
      int j = i - 1;
      while (j >= 0 && a[j] > v) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
    return;
  }
  int h = n / 2;
  if (depth > 0) {
    bench::group left;
    left.go([&] { msort(a, tmp, h, depth - 1); });
    msort(a + h, tmp + h, n - h, depth - 1);
    left.wait();
  } else {
    msort(a, tmp, h, 0);
    msort(a + h, tmp + h, n - h, 0);
  }
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  std::memcpy(a, tmp, sizeof(int32_t) * size_t(n));
}

int main(int argc, char** argv) {
  int m = argc > 1 ? std::atoi(argv[1]) : 4194304;
  int depth = argc > 2 ? std::atoi(argv[2]) : 1;
  std::vector<int32_t> a(m), tmp(m);
  uint32_t x = 88675123u;
  for (auto& v : a) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = int32_t(x & 0x7fffffff);
  }
  auto t0 = std::chrono::steady_clock::now();
  msort(a.data(), tmp.data(), m, depth);
  double ms = ms_since(t0);
  int sorted = 1;
  uint64_t sum = 0;
  for (int i = 0; i < m; i++) {
    if (i > 0 && a[i - 1] > a[i]) sorted = 0;
    sum = sum * 31 + uint64_t(a[i]);
  }
  std::printf("msort m=%d depth=%d sorted=%d checksum=%lu compute_ms=%.1f hwm_kb=%ld\n", m, depth,
              sorted, (unsigned long)sum, ms, hwm_kb());
  return sorted ? 0 : 1;
}
