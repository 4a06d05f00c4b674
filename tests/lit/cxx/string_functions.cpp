// The C library's string and memory functions read and write the
// program's memory outside instrumented code: memcmp, memchr, strlen,
// strcmp, strncmp, strchr, strcpy, strncpy, strcat and strstr are checked
// as the ranges they touch (TSan's interceptors). Ordered uses are silent;
// with -DRACY a thread compares a buffer (memcmp) and takes a string's
// length (strlen) while main writes them: two reports, each naming the
// libc function and the user's line.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 0 5 0 1 hello-world
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}string_functions.cpp:{{[0-9]+}} in
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}string_functions.cpp:{{[0-9]+}} in
#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>

char a[64], b[64], name[64], out[64];
std::atomic<int> step{0};  // relaxed: orders nothing for the detector

int main() {
  std::strcpy(a, "abcdef");
  std::strcpy(b, "abcdef");
  std::strcpy(name, "hello");
  int cmp = 0;
  std::size_t len = 0;
  std::thread t([&] {
#ifdef RACY
    while (step.load(std::memory_order_relaxed) == 0) {
    }
#endif
    cmp = std::memcmp(a, b, 6);
    len = std::strlen(name);
  });
#ifdef RACY
  a[3] = 'x';        // unordered with the memcmp
  name[2] = 'L';     // unordered with the strlen
  step.store(1, std::memory_order_relaxed);
#endif
  t.join();
  // Ordered by the join: no report.
  int scmp = std::strcmp(a, b) == 0 ? 0 : 1;
  int has = std::strchr(name, 'o') != nullptr && std::strstr(name, "ll") != nullptr &&
            std::memchr(name, 'h', 5) != nullptr && std::strncmp(name, "he", 2) == 0;
  std::strncpy(out, name, sizeof out);
  std::strcat(out, "-world");
  std::printf("done %d %zu %d %d %s\n", cmp, len, scmp, has, out);
}
