// Shape: freed and reused heap memory never races with its past; a free racing with an access is reported.
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

// Whichever comes first, the free is one of the two accesses:
// RACE: {{^    #0 free }}
#include <cstdlib>

struct Node {
  int value;
};

int main() {
  // Goroutines allocate, use and free blocks of one size with no
  // synchronization between them: the allocator hands the same memory from
  // one to the next, which is not a race.
  csp::wait_group wg;
  for (int i = 0; i < 200; i++) {
    wg.add(1);
    csp::go([&, i] {
      for (int k = 0; k < 20; k++) {
        Node* n = new Node{k};
        n->value += i;
        delete n;
        void* raw = std::malloc(24);
        static_cast<int*>(raw)[3] = k;
        std::free(raw);
      }
      wg.done();
    });
  }
  wg.wait();
#ifdef RACY
  Node* shared = new Node{1};
  wg.add(1);
  csp::go([&, shared] {
    volatile int v = shared->value;
    (void)v;
    wg.done();
  });
  delete shared;  // not ordered after the goroutine's read
  wg.wait();
#endif
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_free_reuse.cpp:{{[0-9]+}} in
