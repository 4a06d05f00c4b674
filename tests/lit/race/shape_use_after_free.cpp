// Shape: an access to a heap block after its free is reported even when it
// is ordered after the free -- by the goroutine that freed it, or by one
// started after -- as a heap-use-after-free (ThreadSanitizer's name), with
// the free as the earlier access, and the block named as ThreadSanitizer
// names it (size, where allocated), though it is no longer live. The correct twin frees only after the
// last use, then allocates again at the same addresses: no report. A large
// block (served by mmap, unmapped by free) whose addresses come back from
// the program's own mmap is not a use after free either.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DUSE_AFTER_FREE %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: grep -c 'WARNING: chansan: heap-use-after-free' %t.log | FileCheck %s --check-prefix=TWO
// RUN: env CHANSAN_OPTIONS=report_format=json %t.bug > %t.json 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// OK-NOT: WARNING: chansan
// OK-NOT: mmap did not reuse
// OK: done
// TWO: 2
// JSON: {"kind":"heap-use-after-free","accesses":[{"op":"read"
#include <csp/csp.hpp>

#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <sys/mman.h>

struct Account {
  long balance;
  long history[3];
};

int main() {
  volatile long keep = 0;
  Account* a = new Account{100, {}};
  keep = a->balance;
#ifdef USE_AFTER_FREE
  delete a;
  keep = a->balance;  // the same goroutine, after its own free
// BUG: WARNING: chansan: heap-use-after-free
// BUG-NEXT: Read of size 8 at {{0x[0-9a-f]+}} by {{.*}}:
// BUG-NEXT: #0 main {{.*}}shape_use_after_free.cpp:[[@LINE-3]]
// BUG: Previous write of size 32 at {{0x[0-9a-f]+}} by {{.*}}:
// BUG-NEXT: #0 free
// BUG-NEXT: #1 main {{.*}}shape_use_after_free.cpp:[[@LINE-7]]
// BUG: Location is heap block of size 32 at {{0x[0-9a-f]+}} allocated by {{.*}}:
// BUG-NEXT: #0 main {{.*}}shape_use_after_free.cpp:[[@LINE-12]]
// BUG: SUMMARY: chansan: heap-use-after-free {{.*}}shape_use_after_free.cpp:[[@LINE-9]] in main
#else
  keep = a->balance;
  delete a;
#endif
  int* scores = static_cast<int*>(std::malloc(16 * sizeof(int)));
  scores[0] = 7;
  std::free(scores);
  auto done = csp::make_chan<long>();
  csp::go([&] {
#ifdef USE_AFTER_FREE
    done.send(scores[0]);  // started after the free: ordered after it, still freed
// BUG: WARNING: chansan: heap-use-after-free
// BUG: #0 main::$_0::operator()() const {{.*}}shape_use_after_free.cpp:[[@LINE-2]]
// BUG: Location is heap block of size 64 at {{0x[0-9a-f]+}} allocated by
#else
    int* fresh = static_cast<int*>(std::malloc(16 * sizeof(int)));  // may be the same block again
    fresh[0] = 8;
    done.send(fresh[0]);
    std::free(fresh);
#endif
  });
  keep = done.recv();
  // 32 MiB: glibc serves it by mmap (its header and the block, one page
  // more) and free unmaps it; the program maps the same addresses again
  // (the hint is free, so the kernel takes it), and malloc never sees it.
  for (int round = 0; round < 4; round++) {
    char* big = static_cast<char*>(std::malloc(32 << 20));
    big[0] = 1;
    std::free(big);
    const std::size_t length = (32 << 20) + 4096;
    void* hint = reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(big) & ~uintptr_t{4095});
    void* m = mmap(hint, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != hint) std::printf("mmap did not reuse the freed block's addresses\n");
    static_cast<volatile long*>(m)[2] = round;
    keep = static_cast<volatile long*>(m)[2];
    munmap(m, length);
  }
  std::printf("done %ld\n", static_cast<long>(keep));
}
