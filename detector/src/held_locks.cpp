// Held locks and lock order (detector/DESIGN.md, "Blocking bugs"): the
// bookkeeping that runs on the goroutine that locks. Its held-lock list,
// and for a nested acquisition the lock-order edge (held -> new) with a
// cycle check through the new edge: a cycle is reported at once, as a
// lock-order inversion, whether or not this run deadlocks.
//
// Invariants:
//  - Only the owner writes its held list (plain stores between two bumps
//    of held_seq, no read-modify-write on the lock path); readers copy it
//    and retry on a changed count (read_held).
//  - A lock unlocked by another goroutine (Go allows it) is not dropped by
//    the unlocker: it is queued under foreign_mu for the holder, which
//    applies it when it next locks, unlocks or ends; read_held hides it
//    meanwhile.
//  - One inversion report per set of acquisition sites.
#include <algorithm>
#include <unordered_set>
#include <vector>

#include "blocking_internal.hpp"
#include "check.hpp"
#include "hash.hpp"
#include "lock_graph.hpp"
#include "report_out.hpp"
#include "symbolize.hpp"

namespace chansan {
namespace {

InternalMutex graph_mu;
LockGraph* g_graph CSP_GUARDED_BY(graph_mu) = nullptr;
std::atomic<uintptr_t> g_graph_lo{~uintptr_t{0}}, g_graph_hi{0};  // bounds of its locks
// Keys of the sets of acquisition sites already reported as inversions.
std::unordered_set<uint64_t>* g_seen_inversions CSP_GUARDED_BY(graph_mu) = nullptr;

// The owner's writes to its held list: plain stores between two bumps of
// the sequence count (no atomic read-modify-write on the lock path).
struct HeldWrite {
  explicit HeldWrite(GState* g) : g_(g) {
    // Only the owner writes, one write at a time: never inside another.
    CHANSAN_CHECK((g_->held_seq.load(std::memory_order_relaxed) & 1) == 0);
    g_->held_seq.store(g_->held_seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
  }
  ~HeldWrite() {
    g_->held_seq.store(g_->held_seq.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  GState* g_;
};

// Locks unlocked by a goroutine other than their holder, not yet dropped
// from the holder's list: (holder, lock, mode).
struct ForeignRelease {
  GState* holder;
  uintptr_t lock;
  hooks::LockMode mode;
};
InternalMutex foreign_mu;
std::vector<ForeignRelease>* g_foreign CSP_GUARDED_BY(foreign_mu) = nullptr;

bool drop_own(GState* g, uintptr_t l, hooks::LockMode mode) {
  for (uint32_t i = g->nheld; i > 0; i--) {
    if (g->held[i - 1].lock == l && g->held[i - 1].mode == mode) {
      HeldWrite w(g);
      for (uint32_t k = i; k < g->nheld; k++) g->held[k - 1] = g->held[k];
      g->nheld--;
      return true;
    }
  }
  return false;
}

// The owner applies what others unlocked for it (rare: its flag is set).
void apply_foreign_releases(GState* g) {
  InternalScope in;
  InternalLock l(foreign_mu);
  auto& v = *g_foreign;
  for (std::size_t i = 0; i < v.size();) {
    if (v[i].holder == g) {
      drop_own(g, v[i].lock, v[i].mode);
      v[i] = v.back();
      v.pop_back();
    } else {
      i++;
    }
  }
  g->foreign_release.store(false, std::memory_order_release);
}

uint32_t current_stack(GState* g, uintptr_t pc) {
  uintptr_t caller = g->depth ? g->frames[g->depth - 1] : 0;
  if (pc == g->lock_site_pc && caller == g->lock_site_caller && g->depth == g->lock_site_depth &&
      g->lock_site_stack)
    return g->lock_site_stack;
  InternalScope in;
  g->lock_site_pc = pc;
  g->lock_site_caller = caller;
  g->lock_site_depth = g->depth;
  return g->lock_site_stack = capture_stack(g, pc);
}

void report_inversion(const std::vector<LockEdge>& cycle) {
  LockOrderReport r;
  for (const LockEdge& e : cycle) {
    LockOrderEdge out;
    out.from = e.from;
    out.to = e.to;
    out.goroutine = e.goid;
    out.from_stack = depot_frames(e.from_stack, false);
    out.to_stack = depot_frames(e.to_stack, false);
    std::string name;
    uintptr_t start = 0;
    std::size_t size = 0;
    if (symbolize_global(e.from, name, start, size) && start == e.from) r.names.push_back({e.from, name});
    r.edges.push_back(std::move(out));
    bool known = false;
    for (const GoroutineDesc& d : r.goroutines) known |= d.id == e.goid;
    GoroutineDesc d;
    if (!known && describe_goroutine(e.goid, e.create_stack, d)) r.goroutines.push_back(std::move(d));
  }
  std::vector<const std::vector<Frame>*> stacks;
  for (const LockOrderEdge& e : r.edges) {
    stacks.push_back(&e.from_stack);
    stacks.push_back(&e.to_stack);
  }
  if (suppressed(SuppressionKind::deadlock, stacks)) return;
  emit_report(r);
}

}  // namespace

void held_locks_init() {
  InternalScope in;
  {
    InternalLock l(graph_mu);
    g_graph = new LockGraph;
    g_seen_inversions = new std::unordered_set<uint64_t>;
  }
  InternalLock l(foreign_mu);
  g_foreign = new std::vector<ForeignRelease>;
}

uint32_t read_held(GState* g, GState::HeldLock* out) {
  uint32_t n;
  for (;;) {
    uint32_t s1 = g->held_seq.load(std::memory_order_acquire);
    if (s1 & 1) {
      __builtin_ia32_pause();
      continue;
    }
    n = g->nheld < GState::kMaxHeld ? g->nheld : GState::kMaxHeld;
    for (uint32_t i = 0; i < n; i++) out[i] = g->held[i];
    std::atomic_thread_fence(std::memory_order_acquire);
    if (g->held_seq.load(std::memory_order_relaxed) == s1) break;
  }
  if (g->foreign_release.load(std::memory_order_acquire)) {
    InternalLock l(foreign_mu);
    for (const ForeignRelease& f : *g_foreign) {
      if (f.holder != g) continue;
      for (uint32_t i = 0; i < n; i++)
        if (out[i].lock == f.lock && out[i].mode == f.mode) {
          out[i] = out[--n];
          break;
        }
    }
  }
  return n;
}

void goroutine_gone(GState* g) {
  if (g->foreign_release.load(std::memory_order_acquire)) apply_foreign_releases(g);
}

void locks_forget(uintptr_t addr, std::size_t n) {
  if (addr + n <= g_graph_lo.load(std::memory_order_relaxed) || addr >= g_graph_hi.load(std::memory_order_relaxed))
    return;
  InternalScope in;
  InternalLock l(graph_mu);
  g_graph->forget(addr, n);
}

// The lock-order graph learns that g takes l after every lock it holds
// (once locks aside: a once is waited for, not ordered); each new cycle
// that closes is reported once per set of acquisition sites.
void order_after_held(GState* g, uintptr_t l, hooks::LockMode mode, uint32_t stack) {
  GState::HeldLock others[GState::kMaxHeld];
  uint32_t nothers = 0;
  if (mode != hooks::LockMode::once)
    for (uint32_t i = 0; i < g->nheld; i++)
      if (g->held[i].mode != hooks::LockMode::once && g->held[i].lock != l) others[nothers++] = g->held[i];
  if (nothers == 0) return;
  InternalScope in;
  std::vector<std::vector<LockEdge>> cycles;
  {
    InternalLock gl(graph_mu);
    for (uint32_t i = 0; i < nothers; i++) {
      LockEdge e{others[i].lock, l, g->goid, g->create_stack, others[i].stack, stack};
      std::vector<LockEdge> cycle;
      if (!g_graph->add(e, cycle)) continue;
      // One report per set of acquisition sites.
      std::vector<uint64_t> sites;
      for (const LockEdge& c : cycle) sites.push_back(hash_mix(c.from_stack, c.to_stack));
      std::sort(sites.begin(), sites.end());
      uint64_t key = 0;
      for (uint64_t s : sites) key = hash_mix(key, s);
      if (g_seen_inversions->insert(key).second) cycles.push_back(std::move(cycle));
    }
    uintptr_t lo = std::min(g_graph_lo.load(std::memory_order_relaxed), std::min(l, others[0].lock));
    uintptr_t hi = std::max(g_graph_hi.load(std::memory_order_relaxed), l + 1);
    for (uint32_t i = 0; i < nothers; i++) {
      lo = std::min(lo, others[i].lock);
      hi = std::max(hi, others[i].lock + 1);
    }
    g_graph_lo.store(lo, std::memory_order_relaxed);
    g_graph_hi.store(hi, std::memory_order_relaxed);
  }
  for (const auto& c : cycles) report_inversion(c);
}

void pthread_lock_wanted(GState* g, uintptr_t lock, hooks::LockMode mode, uintptr_t pc) {
  if (!ctx->options.detect_deadlocks) return;
  uint32_t stack = current_stack(g, pc);
  if (__builtin_expect(g->foreign_release.load(std::memory_order_relaxed), 0)) apply_foreign_releases(g);
  order_after_held(g, lock, mode, stack);
}

void program_lock_acquired(const void* lock, hooks::LockMode mode, uintptr_t pc) {
  if (!tracking()) return;
  if (GState* g = ready_state()) {
    sync_acquire(g, reinterpret_cast<uintptr_t>(lock));
    pthread_lock_acquired(g, reinterpret_cast<uintptr_t>(lock), mode, pc);
  }
}

void program_lock_wanted(const void* lock, hooks::LockMode mode, uintptr_t pc) {
  if (!tracking()) return;
  if (GState* g = ready_state()) pthread_lock_wanted(g, reinterpret_cast<uintptr_t>(lock), mode, pc);
}

void program_lock_released(const void* lock) {
  if (!tracking()) return;
  if (GState* g = ready_state()) {
    pthread_lock_released(g, reinterpret_cast<uintptr_t>(lock));
    sync_release(g, reinterpret_cast<uintptr_t>(lock));
  }
}

void pthread_lock_acquired(GState* g, uintptr_t lock, hooks::LockMode mode, uintptr_t pc) {
  hooks::lock_acquired(reinterpret_cast<hooks::GoroutineState*>(g), reinterpret_cast<const void*>(lock), mode,
                       reinterpret_cast<const void*>(pc));
}

void pthread_lock_released(GState* g, uintptr_t lock) {
  if (!ctx->options.detect_deadlocks) return;
  if (!drop_own(g, lock, hooks::LockMode::exclusive)) drop_own(g, lock, hooks::LockMode::shared);
}

}  // namespace chansan

namespace chansan::hooks {

void lock_acquired(GoroutineState* gst, const void* lock, LockMode mode, const void* pc) {
  auto* g = reinterpret_cast<GState*>(gst);
  if (!g || !ctx->options.detect_deadlocks) return;
  auto l = reinterpret_cast<uintptr_t>(lock);
  uint32_t stack = current_stack(g, reinterpret_cast<uintptr_t>(pc));
  if (__builtin_expect(g->foreign_release.load(std::memory_order_relaxed), 0)) apply_foreign_releases(g);
  order_after_held(g, l, mode, stack);
  if (g->nheld < GState::kMaxHeld) {
    HeldWrite w(g);
    g->held[g->nheld] = {l, stack, mode};
    g->nheld++;
  }
}

void lock_released(GoroutineState* gst, const void* lock, LockMode mode) {
  auto* g = reinterpret_cast<GState*>(gst);
  if (!g || !ctx->options.detect_deadlocks) return;
  auto l = reinterpret_cast<uintptr_t>(lock);
  if (__builtin_expect(g->foreign_release.load(std::memory_order_relaxed), 0)) apply_foreign_releases(g);
  if (drop_own(g, l, mode)) return;
  // Go lets another goroutine unlock a mutex: find its holder, and record
  // the release for it to apply (its list is its own to write).
  auto walk = g_walk_goroutines.load(std::memory_order_acquire);
  if (!walk) return;
  struct Find {
    uintptr_t l;
    LockMode mode;
    GState* holder;
  } f{l, mode, nullptr};
  InternalScope in;
  walk(
      [](const GoroutineInfo& info, void* arg) {
        auto* f = static_cast<Find*>(arg);
        if (f->holder || (info.is_thread && !info.waiting) || !info.state) return;
        auto* h = reinterpret_cast<GState*>(info.state);
        GState::HeldLock held[GState::kMaxHeld];
        uint32_t n = read_held(h, held);
        for (uint32_t i = 0; i < n; i++)
          if (held[i].lock == f->l && held[i].mode == f->mode) f->holder = h;
      },
      &f);
  if (!f.holder) return;
  InternalLock fl(foreign_mu);
  g_foreign->push_back({f.holder, l, mode});
  f.holder->foreign_release.store(true, std::memory_order_release);
}

}  // namespace chansan::hooks
