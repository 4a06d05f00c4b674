// Heap blocks known to the detector: where each live block was allocated,
// for "Location is heap block ... allocated by". Filled by the malloc
// interceptors (interceptors.cpp).
//
// Invariants:
//  - A block is in the table from its allocation until its free; then, in
//    its shard's ring of the last 64 frees, until 64 more frees push it
//    out (heap_find falls back to those, newest first, so a report on freed
//    memory still names the block and its allocation).
//  - The table is the detector's own (sharded, locked per shard); it is
//    searched by containing address only when a report is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace chansan {

struct HeapBlock {
  std::size_t size = 0;
  uint32_t stack = 0;  // stack depot id of the allocation
  uint64_t goid = 0;
};

void heap_add(uintptr_t start, const HeapBlock& b);
bool heap_remove(uintptr_t start, HeapBlock& b);
bool heap_find(uintptr_t addr, uintptr_t& start, HeapBlock& b);
// Every live block as (start, size), unordered (the deadlock detector's
// search, while the program holds still).
void heap_snapshot(std::vector<std::pair<uintptr_t, std::size_t>>& out);

}  // namespace chansan
