// The lock-order graph: an edge A -> B means some goroutine acquired lock B
// while holding lock A. A cycle means two or more goroutines can each hold a
// lock the next one wants: a deadlock this run may have escaped (TSan's
// "lock-order inversion").
//
// Invariants:
//  - Each edge is kept once, with the first acquisition that made it: the
//    stack where the held lock was taken and the stack where the second
//    was taken, by one goroutine.
//  - add() checks for a cycle only through the edge it adds, by a search
//    from the new edge's head: the graph had no cycle through any other
//    edge when that edge was added (or it was reported then), so a cycle
//    that appears is a cycle through the new edge. The search visits only
//    what the new head reaches (Abseil's graphcycles keeps a topological
//    order to bound it further; lock graphs here stay small).
//  - forget() drops a lock's node and every edge at it: the lock's memory
//    was freed, and a new lock at the same address is a different lock.
//  - Not thread-safe: the caller serializes (held_locks.cpp, under graph_mu).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace chansan {

struct LockEdge {
  uintptr_t from = 0, to = 0;
  uint64_t goid = 0;             // the goroutine that took `to` while holding `from`
  uint32_t create_stack = 0;     // its creation stack (0: main or a thread)
  uint32_t from_stack = 0;       // where it acquired `from`
  uint32_t to_stack = 0;         // where it acquired `to`
};

class LockGraph {
 public:
  // Adds the edge if new. Returns true if it closes a cycle; `cycle` then
  // holds the cycle's edges, the new one first, each edge's `to` being the
  // next one's `from`.
  bool add(const LockEdge& e, std::vector<LockEdge>& cycle);
  bool has_edge(uintptr_t from, uintptr_t to) const;
  // Forgets every lock in [lo, lo + n).
  void forget(uintptr_t lo, std::size_t n);
  std::size_t nodes() const { return nodes_.size(); }
  bool empty() const { return nodes_.empty(); }
  uintptr_t min_lock() const { return nodes_.empty() ? 0 : nodes_.begin()->first; }
  uintptr_t max_lock() const { return nodes_.empty() ? 0 : nodes_.rbegin()->first; }

 private:
  struct Node {
    std::vector<LockEdge> out;
    std::vector<uintptr_t> in;  // sources of edges into this node
  };
  bool find_path(uintptr_t from, uintptr_t to, std::vector<LockEdge>& path) const;
  std::map<uintptr_t, Node> nodes_;
};

}  // namespace chansan
