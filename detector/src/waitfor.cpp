// The wait-for analyses; see waitfor.hpp.
#include "waitfor.hpp"

#include <algorithm>

namespace chansan {

using K = hooks::WaitKind;

std::vector<std::size_t> lock_holders(const Snapshot& snap, std::size_t waiter) {
  const GSnap& w = snap.gs[waiter];
  std::vector<std::size_t> out;
  if (!w.waiting || !waits_for_lock(w.kind) || w.objs.empty()) return out;
  uintptr_t lock = w.objs[0];
  using M = hooks::LockMode;
  const M mode = w.kind == K::rw_writer_readers ? M::shared : w.kind == K::once ? M::once : M::exclusive;
  for (std::size_t i = 0; i < snap.gs.size(); i++)
    for (const HeldLockSnap& h : snap.gs[i].held)
      if (h.lock == lock && h.mode == mode) {
        // A writer that owns the rwmutex waits for readers, not for itself.
        if (i == waiter && w.kind == K::rw_writer_readers) continue;
        out.push_back(i);
        break;
      }
  return out;
}

std::vector<std::vector<std::size_t>> find_lock_cycles(const Snapshot& snap) {
  const std::size_t n = snap.gs.size();
  std::vector<std::vector<std::size_t>> next(n);
  for (std::size_t i = 0; i < n; i++) {
    for (std::size_t h : lock_holders(snap, i))
      if (snap.gs[h].waiting && waits_for_lock(snap.gs[h].kind)) next[i].push_back(h);
  }
  // Depth-first search with colours; a back edge closes a cycle.
  std::vector<int> colour(n, 0);  // 0 new, 1 on the path, 2 done
  std::vector<bool> in_cycle(n, false);
  std::vector<std::vector<std::size_t>> cycles;
  std::vector<std::size_t> path;
  std::vector<std::size_t> edge_pos;
  for (std::size_t root = 0; root < n; root++) {
    if (colour[root] || next[root].empty()) continue;
    path.assign(1, root);
    edge_pos.assign(1, 0);
    colour[root] = 1;
    while (!path.empty()) {
      std::size_t v = path.back();
      if (edge_pos.back() == next[v].size()) {
        colour[v] = 2;
        path.pop_back();
        edge_pos.pop_back();
        continue;
      }
      std::size_t u = next[v][edge_pos.back()++];
      if (colour[u] == 0) {
        colour[u] = 1;
        path.push_back(u);
        edge_pos.push_back(0);
      } else if (colour[u] == 1) {
        auto from = std::find(path.begin(), path.end(), u);
        std::vector<std::size_t> cycle(from, path.end());
        bool fresh = std::none_of(cycle.begin(), cycle.end(), [&](std::size_t x) { return in_cycle[x]; });
        if (fresh) {
          for (std::size_t x : cycle) in_cycle[x] = true;
          cycles.push_back(std::move(cycle));
        }
      }
    }
  }
  return cycles;
}

namespace {

struct Region {  // a goroutine's stack
  uintptr_t lo, hi;
  std::size_t g;
};

class Search {
 public:
  Search(const Snapshot& snap, const MemoryView& mem) : snap_(snap), mem_(mem) {
    for (std::size_t i = 0; i < snap.gs.size(); i++) {
      const GSnap& g = snap.gs[i];
      if (g.stack_hi > g.stack_lo) regions_.push_back({g.stack_lo, g.stack_hi, i});
    }
    std::sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) { return a.lo < b.lo; });
    heap_marked_.assign(mem.heap.size(), false);
    scanned_from_.assign(snap.gs.size(), ~uintptr_t{0});
    live_.assign(snap.gs.size(), false);
  }

  std::vector<std::size_t> run() {
    bool any_agent = !snap_.timer_args.empty();
    for (std::size_t i = 0; i < snap_.gs.size(); i++) {
      const GSnap& g = snap_.gs[i];
      if (!g.waiting || g.kind == K::sleep || g.kind == K::none) {
        make_live(i);
        any_agent = true;
      }
    }
    any_agent_ = any_agent;
    if (any_agent) {
      for (auto [lo, hi] : mem_.globals) push(lo, hi);
      for (uintptr_t a : snap_.timer_args) visit(a);
    }
    for (bool changed = true; changed;) {
      drain();
      changed = false;
      for (std::size_t i = 0; i < snap_.gs.size(); i++) {
        if (live_[i] || !wakeable(i)) continue;
        make_live(i);
        changed = true;
      }
    }
    std::vector<std::size_t> stuck;
    for (std::size_t i = 0; i < snap_.gs.size(); i++)
      if (!live_[i] && snap_.gs[i].waiting) stuck.push_back(i);
    return stuck;
  }

 private:
  void make_live(std::size_t i) {
    live_[i] = true;
    const GSnap& g = snap_.gs[i];
    uintptr_t from = g.sp >= g.stack_lo && g.sp < g.stack_hi ? g.sp : g.stack_lo;
    reach_stack(i, from);
  }

  // Marks goroutine i's stack as reached from `from` up.
  void reach_stack(std::size_t i, uintptr_t from) {
    const GSnap& g = snap_.gs[i];
    if (from >= scanned_from_[i]) return;
    uintptr_t hi = scanned_from_[i] < g.stack_hi ? scanned_from_[i] : g.stack_hi;
    scanned_from_[i] = from;
    push(from, hi);
  }

  void push(uintptr_t lo, uintptr_t hi) {
    if (hi > lo) work_.push_back({lo, hi});
  }

  const Region* region_of(uintptr_t a) const {
    auto it = std::upper_bound(regions_.begin(), regions_.end(), a,
                               [](uintptr_t x, const Region& r) { return x < r.lo; });
    if (it == regions_.begin()) return nullptr;
    --it;
    return a < it->hi ? &*it : nullptr;
  }

  long block_of(uintptr_t a) const {
    const auto& h = mem_.heap;
    auto it = std::upper_bound(h.begin(), h.end(), a,
                               [](uintptr_t x, const std::pair<uintptr_t, std::size_t>& b) { return x < b.first; });
    if (it == h.begin()) return -1;
    --it;
    return a < it->first + (it->second ? it->second : 1) ? it - h.begin() : -1;
  }

  void visit(uintptr_t w) {
    long b = block_of(w);
    if (b >= 0) {
      if (!heap_marked_[static_cast<std::size_t>(b)]) {
        heap_marked_[static_cast<std::size_t>(b)] = true;
        push(mem_.heap[static_cast<std::size_t>(b)].first,
             mem_.heap[static_cast<std::size_t>(b)].first + mem_.heap[static_cast<std::size_t>(b)].second);
      }
      return;
    }
    if (const Region* r = region_of(w)) reach_stack(r->g, w);
  }

  void drain() {
    while (!work_.empty()) {
      auto [lo, hi] = work_.back();
      work_.pop_back();
      lo = (lo + 7) & ~uintptr_t{7};
      for (uintptr_t p = lo; p + 8 <= hi; p += 8) visit(*reinterpret_cast<const uintptr_t*>(p));
    }
  }

  bool reached(uintptr_t obj) const {
    long b = block_of(obj);
    if (b >= 0) return heap_marked_[static_cast<std::size_t>(b)];
    if (const Region* r = region_of(obj)) return scanned_from_[r->g] <= obj;
    // A global, or memory the search does not know (mmap'd by the
    // program): anything that runs may name it.
    return any_agent_;
  }

  bool wakeable(std::size_t i) const {
    const GSnap& g = snap_.gs[i];
    if (!g.waiting) return true;
    if (g.kind == K::forever) return false;
    for (uintptr_t o : g.objs)
      if (reached(o)) return true;
    // A lock's holder that can run may unlock it.
    if (waits_for_lock(g.kind))
      for (std::size_t h : lock_holders(snap_, i))
        if (live_[h]) return true;
    return false;
  }

  const Snapshot& snap_;
  const MemoryView& mem_;
  std::vector<Region> regions_;
  std::vector<bool> heap_marked_;
  std::vector<uintptr_t> scanned_from_;
  std::vector<bool> live_;
  std::vector<std::pair<uintptr_t, uintptr_t>> work_;
  bool any_agent_ = false;
};

}  // namespace

std::vector<std::size_t> find_stuck(const Snapshot& snap, const MemoryView& mem) {
  return Search(snap, mem).run();
}

}  // namespace chansan
