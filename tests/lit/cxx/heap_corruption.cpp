// A program that writes into blocks it has freed corrupts glibc's heap
// (the free lists kept inside the freed blocks). The detector keeps its
// own structures on a heap of its own, so it reports the bug, with both
// stacks, and finishes its work (reports, exit) without crashing on the
// program's heap; it crashed in its own hash tables before. The program
// makes no allocation after the corruption, as one that would survive it.
// RUN: %chansan_cxx %s -o %t
// RUN: %t > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s < %t.log
// CHECK: WARNING: chansan: heap-use-after-free
// CHECK: #0 scribble
// CHECK: #0 free
// CHECK: SUMMARY: chansan: heap-use-after-free {{.*}}heap_corruption.cpp
// CHECK: done 8
#include <cstdio>
#include <cstdlib>
#include <cstring>

__attribute__((noinline)) void scribble(char* p, std::size_t n) { std::memset(p, 0x41, n); }

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // no stdio buffer to allocate later
  char* blocks[8];
  for (int i = 0; i < 8; i++) blocks[i] = static_cast<char*>(std::malloc(std::size_t{16} << i));
  for (int i = 0; i < 8; i++) std::free(blocks[i]);
  for (int i = 0; i < 8; i++) scribble(blocks[i], std::size_t{16} << i);  // the bug
  std::printf("done %d\n", 8);
}
