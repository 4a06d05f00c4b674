// Goroutine stacks: fixed-size mmap'd regions, committed only as touched,
// with a PROT_NONE guard page below each, recycled through per-worker caches
// and a global free list so the spawn path makes no system call.
//
// Invariants:
//  - Stacks are carved from slabs of kStacksPerSlab, mapped once and never
//    unmapped; a free stack keeps its touched pages (no madvise).
//  - Guard pages split mappings, and Linux caps mappings per process
//    (vm.max_map_count, 65530 by default): only the first kGuardedStacks
//    stacks get a guard page. Every switch away from a goroutine checks its
//    stack pointer against the bottom (stack_overflowed), which is all an
//    unguarded stack has: a canary word there would cost a page per
//    goroutine. An overflow between two switches goes undetected there.
#pragma once

#include <cstddef>
#include <cstdint>

namespace csp::rt {

struct Stack {
  char* lo = nullptr;  // lowest usable address
  char* hi = nullptr;  // one past the highest
  bool guarded = false;
  Stack* next_free = nullptr;  // intrusive free list (lives in the stack)
  std::size_t size() const { return static_cast<std::size_t>(hi - lo); }
};

// A per-worker LIFO of free stacks; not thread-safe (owned by one worker).
class StackCache {
 public:
  Stack get();
  void put(Stack s);

 private:
  static constexpr int kMax = 64;  // beyond this, stacks go back to the pool
  Stack* head_ = nullptr;
  int count_ = 0;
};

// True if sp is within the lowest kOverflowMargin bytes of s: the goroutine
// is about to overflow an unguarded stack (or has). The margin leaves room
// to print the report on the goroutine's own stack.
bool stack_overflowed(const Stack& s, const void* sp);

Stack stack_alloc();        // from the global pool (thread-safe)
void stack_free(Stack s);   // to the global pool (thread-safe)
std::size_t stack_size();   // usable bytes per stack

}  // namespace csp::rt
