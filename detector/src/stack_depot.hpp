// Interned call stacks (TSan's StackDepot): a stack seen many times (an
// allocation site, a `go` statement) is stored once and named by a 32-bit
// id, which is what heap blocks and goroutines keep.
//
// Invariants:
//  - Id 0 is the empty stack; put() of equal stacks returns equal ids.
//  - Stored stacks are never freed: an id stays valid for the process.
//  - Shards are locked independently by the detector's own locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chansan {

uint32_t depot_put(const uintptr_t* pcs, std::size_t n);
std::vector<uintptr_t> depot_get(uint32_t id);

}  // namespace chansan
