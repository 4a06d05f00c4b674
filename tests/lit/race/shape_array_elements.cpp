// Shape: array elements. Disjoint elements (of every size) never race; one shared element does.
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

uint8_t bytes[64];
uint16_t shorts[64];
uint64_t longs[64];

int main() {
  csp::wait_group wg;
  for (int w = 0; w < 4; w++) {
    wg.add(1);
    csp::go([&, w] {
      for (int i = w; i < 64; i += 4) {  // interleaved: neighbours belong to others
        bytes[i] = static_cast<uint8_t>(i);
        shorts[i] = static_cast<uint16_t>(i);
        longs[i] = static_cast<uint64_t>(i);
      }
#ifdef RACY
      longs[63] += 1;  // every worker
#endif
      wg.done();
    });
  }
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_array_elements.cpp:{{[0-9]+}} in
