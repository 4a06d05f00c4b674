// Memory given back with munmap is forgotten: a thread writes a mapped
// page, the mapping goes, and a new mapping at the same address is new
// memory for whoever writes it next, with no order to the old writes (the
// threads hand over through a relaxed flag, which makes no edge). No
// report. With -DRACY the page is reused without munmap: a report.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 7
// RACE: WARNING: chansan: data race
#include <sched.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdio>
#include <thread>

std::atomic<int> written{0};

int main() {
  const std::size_t size = 4096 - 1;  // unmapped as a whole page
  auto* page = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (page == MAP_FAILED) return 1;
  std::thread writer([page, size] {
    page[0] = 1;
    page[size - 1] = 1;
    written.store(1, std::memory_order_relaxed);
  });
  while (written.load(std::memory_order_relaxed) == 0) sched_yield();
#ifndef RACY
  munmap(page, size);
  if (mmap(page, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != page) return 1;
#endif
  page[0] = 3;
  page[size - 1] = 4;
  std::printf("done %d\n", page[0] + page[size - 1]);
  writer.join();
  munmap(page, size);
}
