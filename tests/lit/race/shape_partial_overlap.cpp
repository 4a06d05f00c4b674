// Shape: partial overlaps of different sizes, and an unaligned access across two granules.
// Built twice: as written (race-free: no report, exit 0) and with -DRACY
// (the edge removed: a report naming both lines, exit 66).
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
#include <csp/csp.hpp>
#include <cstdio>

#include <cstdint>
#include <cstring>

alignas(16) unsigned char buf[32];
volatile uint32_t sink32;

template <class T>
void store_at(int off, T v) {
  std::memcpy(&buf[off], &v, sizeof v);  // becomes a plain (maybe unaligned) store
}
template <class T>
T load_at(int off) {
  T v;
  std::memcpy(&v, &buf[off], sizeof v);
  return v;
}

int main() {
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    store_at<uint16_t>(2, 7);    // bytes 2-3
    store_at<uint64_t>(12, 9);   // bytes 12-19: crosses into the next granule
    wg.done();
  });
  csp::go([&] {
    store_at<uint8_t>(4, 1);     // byte 4: next to 2-3, no overlap
    store_at<uint32_t>(20, 3);   // bytes 20-23: after 12-19
#ifdef RACY
    sink32 = load_at<uint32_t>(16);  // bytes 16-19: inside the other's 8-byte store
#else
    sink32 = load_at<uint32_t>(24);
#endif
    wg.done();
  });
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_partial_overlap.cpp:{{[0-9]+}} in
