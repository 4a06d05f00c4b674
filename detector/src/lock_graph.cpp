// The lock-order graph; see lock_graph.hpp for the invariants.
#include "lock_graph.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace chansan {

bool LockGraph::has_edge(uintptr_t from, uintptr_t to) const {
  auto it = nodes_.find(from);
  if (it == nodes_.end()) return false;
  for (const LockEdge& e : it->second.out)
    if (e.to == to) return true;
  return false;
}

// Depth-first search from `from` for `to`; `path` gets the edges, in order.
bool LockGraph::find_path(uintptr_t from, uintptr_t to, std::vector<LockEdge>& path) const {
  std::unordered_map<uintptr_t, const LockEdge*> via;  // node -> edge it was reached by
  std::vector<uintptr_t> stack{from};
  via[from] = nullptr;
  while (!stack.empty()) {
    uintptr_t n = stack.back();
    stack.pop_back();
    auto it = nodes_.find(n);
    if (it == nodes_.end()) continue;
    for (const LockEdge& e : it->second.out) {
      if (via.count(e.to)) continue;
      via[e.to] = &e;
      if (e.to == to) {
        for (const LockEdge* p = &e; p; p = via[p->from]) path.push_back(*p);
        std::reverse(path.begin(), path.end());
        return true;
      }
      stack.push_back(e.to);
    }
  }
  return false;
}

bool LockGraph::add(const LockEdge& e, std::vector<LockEdge>& cycle) {
  if (e.from == e.to || has_edge(e.from, e.to)) return false;
  nodes_[e.from].out.push_back(e);
  nodes_[e.to].in.push_back(e.from);
  std::vector<LockEdge> back;
  if (!find_path(e.to, e.from, back)) return false;
  cycle.clear();
  cycle.push_back(e);
  cycle.insert(cycle.end(), back.begin(), back.end());
  return true;
}

void LockGraph::forget(uintptr_t lo, std::size_t n) {
  auto first = nodes_.lower_bound(lo);
  if (first == nodes_.end() || first->first >= lo + n) return;
  std::unordered_set<uintptr_t> gone;
  for (auto it = first; it != nodes_.end() && it->first < lo + n; ++it) gone.insert(it->first);
  for (uintptr_t g : gone) {
    Node& node = nodes_[g];
    for (const LockEdge& e : node.out) {
      auto t = nodes_.find(e.to);
      if (t == nodes_.end() || gone.count(e.to)) continue;
      auto& in = t->second.in;
      in.erase(std::remove(in.begin(), in.end(), g), in.end());
    }
    for (uintptr_t src : node.in) {
      auto s = nodes_.find(src);
      if (s == nodes_.end() || gone.count(src)) continue;
      auto& out = s->second.out;
      out.erase(std::remove_if(out.begin(), out.end(), [&](const LockEdge& x) { return x.to == g; }),
                out.end());
    }
  }
  for (uintptr_t g : gone) nodes_.erase(g);
}

}  // namespace chansan
