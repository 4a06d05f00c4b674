// Heap blocks known to the detector: where each live block was allocated,
// for "Location is heap block ... allocated by". Filled by the malloc
// interceptors (interceptors.cpp); kept in heap.cpp's meta map.
//
// Invariants:
//  - A block is in the table from its allocation until its free; then, in
//    its shard's ring of the last 64 frees, until 64 more frees push it
//    out (heap_find falls back to those, newest first, so a report on freed
//    memory still names the block and its allocation).
//  - Adding and removing a block cost O(1) whatever the number of live
//    blocks (a cell store and a record from a free list), and the table
//    holds 16 bytes per live block plus 4 bytes per 16 bytes of heap that
//    ever held a block. It is searched by containing address only when a
//    report is written.
//  - Block starts are 16-aligned (glibc's); a remove of any other address,
//    or of a block never added, answers false.
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
// Records ever handed out (a test's measure of the table's growth).
std::size_t heap_records_used();
// The ending thread's cache of free records goes back for others to use.
void heap_thread_exit();
// Every live block as (start, size), unordered (the deadlock detector's
// search, while the program holds still).
void heap_snapshot(std::vector<std::pair<uintptr_t, std::size_t>>& out);

}  // namespace chansan
