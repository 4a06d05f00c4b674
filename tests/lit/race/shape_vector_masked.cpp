// Vectorized loops whose stores and loads are masked (llvm.masked.store
// for a conditional store, llvm.masked.gather for an indexed load): each
// lane is checked when, and only when, its mask bit is set. Two threads
// write the even and the odd elements of one array through masked stores
// of whole vectors, and read through gathers: no report, though every
// vector covers both threads' elements. With -DRACY the second thread's
// mask also takes element 8: a report naming the conditional store.
// Built for Skylake (AVX2, whose cost model picks gathers); runs where the
// CPU has AVX2.
// REQUIRES: avx2
// RUN: env CHANSAN_PASS_STATS=1 %chansan_cxx -O3 -march=skylake %s -o %t.ok 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -O3 -march=skylake -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// STATS: {{[2-9][0-9]*}} masked vector ops
// OK-NOT: WARNING: chansan
// OK: done 1024 512
// RACE: WARNING: chansan: data race
// RACE: #0 fill{{.*}}shape_vector_masked.cpp:[[@LINE+13]]
#include <cstdio>
#include <thread>

constexpr int kN = 1024;
double out[kN];
double in[kN];
int index_of[kN];
bool mine[2][kN];

__attribute__((noinline)) void fill(const bool* sel, double v) {
#pragma clang loop vectorize(enable)
  for (int i = 0; i < kN; i++)
    if (sel[i]) out[i] = v;
}

__attribute__((noinline)) double gather(int parity) {
  double s = 0;
#pragma clang loop vectorize(enable)
  for (int i = parity; i < kN; i += 2) s += in[index_of[i]];
  return s;
}

int main() {
  for (int i = 0; i < kN; i++) {
    mine[i % 2][i] = true;
    in[i] = 1;
    index_of[i] = i;
  }
#ifdef RACY
  mine[1][8] = true;
#endif
  double s0 = 0, s1 = 0;
  std::thread even([&] {
    fill(mine[0], 1.0);
    s0 = gather(0);
  });
  std::thread odd([&] {
    fill(mine[1], 1.0);
    s1 = gather(1);
  });
  even.join();
  odd.join();
  double total = 0;
  for (double v : out) total += v;
  std::printf("done %d %d\n", static_cast<int>(total), static_cast<int>(s0 + s1) / 2);
}
