// Loops checked as one range before the loop (the pass's loop ranges,
// issue 13) find what per-iteration checks find, name the loop's line and
// the one element in conflict, and never report what the loop did not
// touch:
//  - Without RACY, two goroutines fill disjoint halves of one array (ascending and
//    descending loops, ints and an unrolled double loop): no report.
//  - With RACY, the second one's range overlaps the first's from element 500
//    on: a race on exactly that element (4 bytes, or the 16 of a vector
//    store), naming the loop line.
//  - With RACY and "down", the same overlap through a descending loop.
//  - With "early", a loop that stops at a sentinel (an exit whose trip
//    count is known only on the way out: checked there, as the iterations
//    that ran) leaves the other half alone: no report, though a range of
//    the whole array would overlap the other goroutine's writes. With
//    RACY the other goroutine also writes [400, 500): reported.
//  - With "merge", a merge's two indices, each moving by 0 or 1 per
//    iteration: the elements it read, and only those (merge_mode).
// The goroutines are not ordered (a relaxed atomic orders nothing).
// RUN: env CHANSAN_PASS_STATS=1 %chansan_cxx -O2 %s -o %t.ok 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %t.ok early 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %t.ok down 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -O2 -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// RUN: %t.racy down > %t.down 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=DOWN < %t.down
// RUN: %t.racy early > %t.early 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=EARLY < %t.early
// RUN: %t.ok merge 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %t.racy merge > %t.merge 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=MERGE < %t.merge
// STATS: checked {{[1-9][0-9]*}} loop accesses once per loop run
// OK-NOT: WARNING: chansan
// OK: done
// RACE: first=[[ADDR:0x[0-9a-f]+]]
// RACE: WARNING: chansan: data race
// RACE-NEXT: Write of size {{4|16}} at [[ADDR]] by goroutine
// RACE-NEXT: #0 fill_up{{.*}}shape_loop_range.cpp:72
// RACE: Previous write of size {{4|16}} at [[ADDR]] by goroutine
// RACE-NEXT: #0 fill_up{{.*}}shape_loop_range.cpp:72
// EARLY: WARNING: chansan: data race
// EARLY: fill_until_zero{{.*}}shape_loop_range.cpp:83
// MERGE: merged=[[ADDR:0x[0-9a-f]+]]
// MERGE: WARNING: chansan: data race
// MERGE-NEXT: Read of size 4 at [[ADDR]] by goroutine
// MERGE-NEXT: #0 merge{{.*}}shape_loop_range.cpp:90
// MERGE-NOT: WARNING: chansan
// MERGE: done 500
// DOWN: first=[[ADDR:0x[0-9a-f]+]]
// DOWN: WARNING: chansan: data race
// DOWN-NEXT: Write of size {{4|16}} at [[ADDR]] by goroutine
// DOWN-NEXT: #0 fill_down{{.*}}shape_loop_range.cpp:75
#include <csp/csp.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>

constexpr int kN = 1000;
int ints[kN];
double doubles[kN];
std::atomic<int> turn;

#ifdef RACY
constexpr int kOverlap = 100;  // the second half starts at 500 - 100
#else
constexpr int kOverlap = 0;
#endif

__attribute__((noinline)) void fill_up(int* a, int n, int v) {
  for (int i = 0; i < n; i++) a[i] = v;  // line 72
}
__attribute__((noinline)) void fill_down(int* a, long n, int v) {
  for (long i = n - 1; i >= 0; i--) a[i] = v;  // line 75
}
__attribute__((noinline)) void scale(double* a, int n, double f) {
  for (int i = 0; i < n; i++) a[i] = a[i] * f + 1;
}
// Stops at the first zero: its trip count is known only as it runs.
__attribute__((noinline)) int fill_until_zero(int* a, int v) {
  int i = 0;
  for (; a[i] != 0; i++) a[i] = v;  // line 83
  return i;
}
// A merge: i and j move by 0 or 1 each iteration (checked on the way out,
// as the elements from each one's start to where it stopped).
__attribute__((noinline)) int merge(const int* a, int h, int n, int* out) {
  int i = 0, j = h, k = 0;
  while (i < h && j < n) out[k++] = a[i] <= a[j] ? a[i++] : a[j++];  // line 90
  return k;
}

// Two sorted runs, [0, 500) below [500, 1000): the merge takes all of the
// first and stops with j at 500; it read ints[0..500], not beyond. The
// other goroutine writes ints[505], which no iteration read (a range up to
// the end of the second run would report it); with RACY also ints[250].
int merge_mode() {
  for (int i = 0; i < kN; i++) ints[i] = i;
  std::printf("merged=%p\n", static_cast<void*>(&ints[250]));
  std::fflush(stdout);
  static int out[kN];
  int k = 0;
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    while (turn.load(std::memory_order_relaxed) == 0) csp::yield();
    k = merge(ints, kN / 2, kN, out);
    wg.done();
  });
  csp::go([&] {
    ints[kN / 2 + 5] = -1;
#ifdef RACY
    ints[250] = 250;
#endif
    turn.store(1, std::memory_order_relaxed);
    wg.done();
  });
  wg.wait();
  std::printf("done %d\n", k);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "merge") == 0) return merge_mode();
  const bool down = argc > 1 && std::strcmp(argv[1], "down") == 0;
  const bool early = argc > 1 && std::strcmp(argv[1], "early") == 0;
  // The element both would write first: the lower half's 500th, which the
  // upper half's loop reaches first (ascending: its first element when
  // kOverlap is 0; RACY: 500 is where the lower half's writes start to
  // meet it, reported at the first byte of the overlap it checks).
  std::printf("first=%p\n", static_cast<void*>(&ints[kN / 2]));
  std::fflush(stdout);
  for (int i = 0; i < kN; i++) ints[i] = early && i == kN / 2 ? 0 : 1;
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    if (early) {
      fill_until_zero(ints, 7);  // stops at kN / 2
    } else {
      // The lower half, [0, 500 + overlap) written after the other goroutine.
      while (turn.load(std::memory_order_relaxed) == 0) csp::yield();
      if (down) fill_down(ints, kN / 2 + kOverlap, 2);
      else fill_up(ints, kN / 2 + kOverlap, 2);
    }
    scale(doubles, kN / 2, 2.0);
    wg.done();
  });
  csp::go([&] {
    // The upper half, [500, 1000).
    if (early) {  // all but the sentinel (RACY: from 400 on)
      for (int i = kN / 2 - kOverlap; i < kN / 2; i++) ints[i] = 3;
      for (int i = kN / 2 + 1; i < kN; i++) ints[i] = 3;
    } else if (down) {
      fill_down(ints + kN / 2, kN / 2, 3);
    } else {
      fill_up(ints + kN / 2, kN / 2, 3);
    }
    scale(doubles + kN / 2, kN / 2, 3.0);
    turn.store(1, std::memory_order_relaxed);
    wg.done();
  });
  wg.wait();
  std::printf("done %d %d\n", ints[0], ints[kN - 1]);
}
