// Blocking bugs: deadlocks, lock-order inversions and goroutine leaks
// (detector/DESIGN.md, "Blocking bugs"). The glue between the runtime's
// wait-for seam (rt/src/wf.hpp), the analyses (waitfor.hpp, lock_graph.hpp)
// and the reports.
//
//  - Lock bookkeeping runs on the goroutine that locks: its held-lock list,
//    and for a nested acquisition the lock-order edge (held -> new), with a
//    cycle check through the new edge. A cycle is reported at once, as a
//    lock-order inversion, whether or not this run deadlocks.
//  - A watchdog thread looks at the goroutines every few milliseconds:
//      * a cycle of goroutines each blocked on a lock the next one holds,
//        seen twice with nothing in it having run, is a deadlock;
//      * when nothing runs (every goroutine and every thread of the
//        program blocked in csp), the stuck-goroutine search (waitfor.hpp)
//        runs on the frozen memory; goroutines it finds stuck are a
//        deadlock, and if every goroutine is stuck the program ends, as Go
//        ends one whose goroutines are all asleep.
//  - When main returns, goroutines the same search finds stuck are leaks,
//    grouped by where they were created and where they block.
//
// The watchdog only reads: goroutine records under the registry lock, the
// held lists under their own lock, and memory that nothing is writing (the
// snapshot is taken twice, and a verdict stands only if every goroutine
// still waits with the same park count).
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "blocking.hpp"
#include "heap.hpp"
#include "internal.hpp"
#include "internal_mutex.hpp"
#include "lock_graph.hpp"
#include "stack_depot.hpp"
#include "symbolize.hpp"
#include "waitfor.hpp"

namespace chansan {
namespace {

using K = hooks::WaitKind;

std::atomic<hooks::WalkGoroutinesFn> g_walk_goroutines{nullptr};
std::atomic<hooks::WalkTimersFn> g_walk_timers{nullptr};
std::atomic<hooks::SleepFn> g_sleep{nullptr};

// Waits without holding up the caller's worker: other goroutines must run
// meanwhile (with one worker, a thread sleep would stop them all).
void pause_ns(long ns) {
  if (auto sleep = g_sleep.load(std::memory_order_acquire)) return sleep(ns);
  timespec ts{ns / 1000000000L, ns % 1000000000L};
  nanosleep(&ts, nullptr);
}
// Threads the program created (not the runtime's, not the detector's) that
// are alive: each is running code unless it is blocked in csp.
std::atomic<int> g_user_threads{0};
// This thread was counted in g_user_threads (it started through the
// pthread_create interceptor) and has not been uncounted yet.
__thread bool tls_counted_thread = false;

InternalMutex graph_mu;
LockGraph* g_graph = nullptr;         // guarded by graph_mu
std::atomic<uintptr_t> g_graph_lo{~uintptr_t{0}}, g_graph_hi{0};  // bounds of its locks
std::unordered_set<uint64_t>* g_seen_inversions = nullptr;  // guarded by graph_mu

InternalMutex analysis_mu;                          // one analysis at a time
// main has returned: what is stuck now is the leak check's to report (as
// leaks), not the watchdog's (as deadlocks).
std::atomic<bool> g_main_returned{false};
std::unordered_set<uint64_t>* g_reported = nullptr;  // goroutines reported stuck; analysis_mu

// ---- held locks ----

// The owner's writes to its held list: plain stores between two bumps of
// the sequence count (no atomic read-modify-write on the lock path).
struct HeldWrite {
  explicit HeldWrite(GState* g) : g_(g) {
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
  int mode;
};
InternalMutex foreign_mu;
std::vector<ForeignRelease>* g_foreign = nullptr;  // guarded by foreign_mu

// A consistent copy of g's held list, without what others unlocked.
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
    std::lock_guard<InternalMutex> l(foreign_mu);
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

bool drop_own(GState* g, uintptr_t l, int mode) {
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
  std::lock_guard<InternalMutex> l(foreign_mu);
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
  uintptr_t pcs[64];
  std::size_t n = 0;
  pcs[n++] = pc;
  for (uint32_t i = g->depth; i > 0 && n < 64; i--) pcs[n++] = g->frames[i - 1];
  InternalScope in;
  g->lock_site_pc = pc;
  g->lock_site_caller = caller;
  g->lock_site_depth = g->depth;
  return g->lock_site_stack = depot_put(pcs, n);
}

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull + (a << 6) + (a >> 2));
  return h ^ (h >> 29);
}

std::vector<Frame> frames_of(uint32_t stack, bool creation) {
  std::vector<Frame> f = symbolize_stack(depot_get(stack));
  trim_plumbing(f, !creation);
  return f;
}

std::vector<std::string> names_of(const std::vector<const std::vector<Frame>*>& stacks) {
  std::vector<std::string> names;
  for (const auto* s : stacks)
    for (const Frame& f : *s) {
      names.push_back(f.function);
      if (!f.file.empty()) names.push_back(f.file);
    }
  return names;
}

void report_inversion(const std::vector<LockEdge>& cycle) {
  LockOrderReport r;
  for (const LockEdge& e : cycle) {
    LockOrderEdge out;
    out.from = e.from;
    out.to = e.to;
    out.goroutine = e.goid;
    out.from_stack = frames_of(e.from_stack, false);
    out.to_stack = frames_of(e.to_stack, false);
    std::string name;
    uintptr_t start = 0;
    std::size_t size = 0;
    if (symbolize_global(e.from, name, start, size) && start == e.from) r.names.push_back({e.from, name});
    r.edges.push_back(std::move(out));
    bool known = false;
    for (const GoroutineDesc& d : r.goroutines) known |= d.id == e.goid;
    if (known || e.goid == 0) continue;
    GoroutineDesc d;
    d.id = e.goid;
    d.is_main = e.goid == 1;
    if (!d.is_main) d.created_at = frames_of(e.create_stack, true);
    if (d.is_main || !d.created_at.empty()) r.goroutines.push_back(std::move(d));
  }
  std::vector<const std::vector<Frame>*> stacks;
  for (const LockOrderEdge& e : r.edges) {
    stacks.push_back(&e.from_stack);
    stacks.push_back(&e.to_stack);
  }
  if (ctx->suppressions.size() && ctx->suppressions.matches(SuppressionKind::deadlock, names_of(stacks)))
    return;
  emit_report(ctx->options.report_format == ReportFormat::json ? render_json(r) : render_text(r));
}

// ---- snapshots ----

void collect_goroutine(const hooks::GoroutineInfo& info, void* arg) {
  auto* snap = static_cast<Snapshot*>(arg);
  // A thread's G outlives the thread; only a waiting one is certainly alive.
  if (info.is_thread && !info.waiting) return;
  // Reuse the element (and its vectors' capacity) from the last walk.
  if (snap->used == snap->gs.size()) snap->gs.emplace_back();
  GSnap& s = snap->gs[snap->used++];
  s.objs.clear();
  s.held.clear();
  s.kind = K::none;
  s.reason = "";
  s.wait_pc = 0;
  s.sp = 0;
  s.stack_lo = s.stack_hi = 0;
  s.id = info.id;
  s.waiting = info.waiting;
  s.is_thread = info.is_thread;
  s.park_count = info.park_count;
  s.create_pc = reinterpret_cast<uintptr_t>(info.create_pc);
  auto* g = reinterpret_cast<GState*>(info.state);
  s.state = g;
  if (info.waiting) {
    s.kind = info.kind;
    s.reason = info.reason;
    s.wait_pc = reinterpret_cast<uintptr_t>(info.wait_pc);
    uint32_t n = info.nobjs < 64 ? info.nobjs : 64;
    for (uint32_t i = 0; i < n && info.objs; i++) s.objs.push_back(reinterpret_cast<uintptr_t>(info.objs[i]));
    s.sp = info.sp;
  }
  if (g) {
    s.stack_lo = g->stack_lo;
    s.stack_hi = info.scan_hi ? info.scan_hi : g->stack_hi;
    GState::HeldLock held[GState::kMaxHeld];
    uint32_t n = read_held(g, held);
    for (uint32_t i = 0; i < n; i++) s.held.push_back({held[i].lock, held[i].stack, held[i].mode});
  }
}

bool take_snapshot(Snapshot& snap) {
  auto walk = g_walk_goroutines.load(std::memory_order_acquire);
  if (!walk) return false;
  snap.used = 0;
  snap.timer_args.clear();
  InternalScope in;
  walk(collect_goroutine, &snap);
  snap.gs.resize(snap.used);
  snap.timers_firing = false;
  if (auto timers = g_walk_timers.load(std::memory_order_acquire))
    snap.timers_firing = !timers(
        [](const void* a, void* s) { static_cast<Snapshot*>(s)->timer_args.push_back(reinterpret_cast<uintptr_t>(a)); },
        &snap);
  return true;
}

// Nothing of the program runs: every goroutine waits (but `except`, the
// caller), and every thread the program made is blocked in csp.
bool quiescent(const Snapshot& snap, uint64_t except) {
  if (snap.timers_firing) return false;
  int waiting_threads = 0;
  for (const GSnap& g : snap.gs) {
    if (g.id == except) continue;
    if (!g.waiting) return false;
    if (g.is_thread) waiting_threads++;
  }
  return waiting_threads >= g_user_threads.load(std::memory_order_acquire);
}

// The same goroutines, each still waiting with the same park count.
bool unchanged(const Snapshot& a, const Snapshot& b, uint64_t except) {
  if (b.timers_firing) return false;
  std::unordered_map<uint64_t, uint32_t> counts;
  for (const GSnap& g : a.gs)
    if (g.id != except) counts[g.id] = g.waiting ? g.park_count : ~0u;
  std::size_t seen = 0;
  for (const GSnap& g : b.gs) {
    if (g.id == except) continue;
    auto it = counts.find(g.id);
    if (it == counts.end() || !g.waiting || it->second != g.park_count) return false;
    seen++;
  }
  return seen == counts.size();
}

uint64_t fingerprint(const Snapshot& s) {
  uint64_t h = s.timer_args.size();
  for (const GSnap& g : s.gs) h += mix(g.id, g.park_count | uint64_t{g.waiting} << 32);
  return h;
}

int add_global_range(dl_phdr_info* info, size_t, void* arg) {
  auto* mem = static_cast<MemoryView*>(arg);
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_W)) continue;
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    mem->globals.push_back({lo, lo + ph.p_memsz});
  }
  return 0;
}

void memory_view(MemoryView& mem) {
  InternalScope in;
  mem.globals.clear();
  dl_iterate_phdr(add_global_range, &mem);
  heap_snapshot(mem.heap);
  std::sort(mem.heap.begin(), mem.heap.end());
}

// ---- reports of blocked goroutines ----

const char* object_kind(K k) {
  switch (k) {
    case K::chan_send:
    case K::chan_recv:
    case K::select: return "channel";
    case K::mutex: return "mutex";
    case K::rw_writer:
    case K::rw_writer_readers:
    case K::rw_reader: return "rwmutex";
    case K::wait_group: return "wait group";
    case K::cond: return "cond";
    case K::once: return "once";
    default: return "";
  }
}

BlockedGoroutine describe(const Snapshot& snap, std::size_t i) {
  const GSnap& s = snap.gs[i];
  BlockedGoroutine b;
  b.id = s.id;
  b.is_main = s.id == 1;
  b.is_thread = s.is_thread;
  b.waiting = s.waiting ? s.reason : "running";
  if (s.waiting) {
    b.object_kind = object_kind(s.kind);
    b.objects = s.objs;
    if (waits_for_lock(s.kind))
      for (std::size_t h : lock_holders(snap, i)) {
        b.holders.push_back(snap.gs[h].id);
        if (b.holders.size() > 1 || s.objs.empty()) continue;
        for (const HeldLockSnap& hl : snap.gs[h].held)
          if (hl.lock == s.objs[0]) {
            b.held_since = frames_of(hl.stack, false);
            break;
          }
      }
  }
  auto* g = static_cast<GState*>(s.state);
  if (s.waiting && g) {
    std::vector<uintptr_t> pcs;
    if (s.wait_pc) pcs.push_back(s.wait_pc);
    for (uint32_t k = g->depth; k > 0 && pcs.size() < 64; k--) pcs.push_back(g->frames[k - 1]);
    b.stack = symbolize_stack(pcs);
    trim_plumbing(b.stack);
  }
  if (g && !b.is_main && !s.is_thread) b.created_at = frames_of(g->create_stack, true);
  return b;
}

bool suppressed(SuppressionKind kind, const BlockingReport& r) {
  if (!ctx->suppressions.size()) return false;
  std::vector<const std::vector<Frame>*> stacks;
  for (const BlockedGoroutine& g : r.goroutines) {
    stacks.push_back(&g.stack);
    stacks.push_back(&g.created_at);
  }
  return ctx->suppressions.matches(kind, names_of(stacks));
}

void emit(const BlockingReport& r, SuppressionKind kind) {
  if (suppressed(kind, r)) return;
  emit_report(ctx->options.report_format == ReportFormat::json ? render_json(r) : render_text(r));
}

// Reports goroutines `idx` as one deadlock; true if any was new.
bool report_deadlock(const Snapshot& snap, const std::vector<std::size_t>& idx, const std::string& title,
                     const std::vector<uint64_t>& cycle) {
  BlockingReport r;
  r.kind = "deadlock";
  r.title = title;
  r.cycle = cycle;
  for (std::size_t i : idx) {
    if (!g_reported->insert(snap.gs[i].id).second && cycle.empty()) continue;
    r.goroutines.push_back(describe(snap, i));
  }
  if (r.goroutines.empty()) return false;
  // Main first (what a reader of a whole-program deadlock looks for), then
  // in the order the goroutines were created.
  std::sort(r.goroutines.begin(), r.goroutines.end(), [](const BlockedGoroutine& a, const BlockedGoroutine& b) {
    return a.is_main != b.is_main ? a.is_main : a.id < b.id;
  });
  emit(r, SuppressionKind::deadlock);
  return true;
}

// One `goroutine leak` per group (same creation and blocking site), its
// goroutines in creation order.
using LeakGroups = std::map<std::pair<uintptr_t, uintptr_t>, std::vector<std::size_t>>;
void report_leaks(const Snapshot& snap, LeakGroups& groups, const std::string& title) {
  for (auto& [key, members] : groups) {
    std::sort(members.begin(), members.end(),
              [&](std::size_t a, std::size_t b) { return snap.gs[a].id < snap.gs[b].id; });
    BlockingReport r;
    r.kind = "goroutine leak";
    r.title = title;
    BlockedGoroutine b = describe(snap, members[0]);
    b.count = members.size();
    for (std::size_t k = 1; k < members.size() && k <= 16; k++) b.others.push_back(snap.gs[members[k]].id);
    r.goroutines.push_back(std::move(b));
    emit(r, SuppressionKind::leak);
  }
}

// ---- the watchdog ----

std::map<uint64_t, int>* g_cycle_candidates = nullptr;  // analysis_mu: cycle key -> ticks seen
uint64_t g_last_analyzed = 0;

void check_lock_cycles(const Snapshot& snap) {
  std::map<uint64_t, int> next;
  for (const auto& cycle : find_lock_cycles(snap)) {
    bool all_reported = true;
    uint64_t key = 0;
    for (std::size_t i : cycle) {
      key += mix(snap.gs[i].id, snap.gs[i].park_count);
      all_reported &= g_reported->count(snap.gs[i].id) != 0;
    }
    if (all_reported) continue;
    auto it = g_cycle_candidates->find(key);
    int seen = it == g_cycle_candidates->end() ? 1 : it->second + 1;
    // Seen in two snapshots with no member having run in between.
    if (seen >= 2) {
      std::vector<uint64_t> ids;
      for (std::size_t i : cycle) ids.push_back(snap.gs[i].id);
      report_deadlock(snap, cycle, "A cycle of goroutines, each waiting for a lock the next one holds.", ids);
      continue;
    }
    next[key] = seen;
  }
  g_cycle_candidates->swap(next);
}

// The stuck-goroutine search on a quiescent snapshot; `except` is the
// calling goroutine (0: none), `main_returned` makes main an agent without
// a stack. Returns false if the snapshot did not hold still.
bool stuck_goroutines(Snapshot& snap, uint64_t except, bool main_returned, std::vector<std::size_t>& stuck,
                      bool held_still = false) {
  for (GSnap& g : snap.gs) {
    if (main_returned && g.id == 1) {
      g.waiting = false;  // runs static destructors: may touch globals
      g.stack_lo = g.stack_hi = 0;
    }
  }
  MemoryView mem;
  memory_view(mem);
  {
    InternalScope in;
    stuck = find_stuck(snap, mem);
  }
  if (held_still) return true;
  static Snapshot& again = *new Snapshot;  // analysis_mu; reused: no allocation per goroutine
  if (!take_snapshot(again)) return false;
  return unchanged(snap, again, except);
}

void tick() {
  std::lock_guard<InternalMutex> l(analysis_mu);
  if (g_main_returned.load(std::memory_order_acquire)) return;
  static Snapshot& snap = *new Snapshot;  // analysis_mu; reused across ticks
  if (!take_snapshot(snap)) return;
  check_lock_cycles(snap);
  if (!quiescent(snap, 0)) return;
  uint64_t fp = fingerprint(snap);
  if (fp == g_last_analyzed) return;  // nothing changed since: same verdict
  std::vector<std::size_t> stuck;
  if (!stuck_goroutines(snap, 0, false, stuck)) return;
  g_last_analyzed = fp;
  if (stuck.empty()) return;
  bool everyone = stuck.size() == snap.gs.size();
  report_deadlock(snap, stuck,
                  everyone ? "All goroutines are asleep: none can ever proceed."
                           : "These goroutines can never proceed; the rest of the program runs on.",
                  {});
  if (everyone) {
    // Go ends such a program; so do we, with the report written.
    finish_reports();
    _exit(ctx->options.exitcode);
  }
}

void* watchdog_main(void*) {
  tls_internal++;  // the detector's own thread: nothing it does is the program's
  long period_ns = 10 * 1000 * 1000;
  for (;;) {
    timespec ts{0, period_ns};
    nanosleep(&ts, nullptr);
    timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    // A seeded run checks at its idle points instead (schedule_idle): at
    // the same points of every replay, so the same reports.
    if (!seeded_schedule()) tick();
    clock_gettime(CLOCK_MONOTONIC, &b);
    // Keep the watchdog under ~2% of a core however large the program.
    long took = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
    period_ns = std::max(10L * 1000 * 1000, std::min(50 * took, 1000L * 1000 * 1000));
  }
  return nullptr;
}

}  // namespace

void blocking_init() {
  InternalScope in;
  g_graph = new LockGraph;
  g_seen_inversions = new std::unordered_set<uint64_t>;
  g_reported = new std::unordered_set<uint64_t>;
  g_cycle_candidates = new std::map<uint64_t, int>;
  g_foreign = new std::vector<ForeignRelease>;
  if (!ctx->options.detect_deadlocks) return;
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_create(&t, &attr, watchdog_main, nullptr);
  pthread_attr_destroy(&attr);
}

void user_thread_running() { tls_counted_thread = true; }

void user_thread_not_started() { g_user_threads.fetch_sub(1, std::memory_order_acq_rel); }

void user_thread_started() {
  g_user_threads.fetch_add(1, std::memory_order_acq_rel);
}

void user_thread_exited() {
  if (!tls_counted_thread) return;
  tls_counted_thread = false;
  g_user_threads.fetch_sub(1, std::memory_order_acq_rel);
}

void goroutine_gone(GState* g) {
  if (g->foreign_release.load(std::memory_order_acquire)) apply_foreign_releases(g);
}

void locks_forget(uintptr_t addr, std::size_t n) {
  if (addr + n <= g_graph_lo.load(std::memory_order_relaxed) || addr >= g_graph_hi.load(std::memory_order_relaxed))
    return;
  InternalScope in;
  std::lock_guard<InternalMutex> l(graph_mu);
  g_graph->forget(addr, n);
}

void pthread_lock_acquired(GState* g, uintptr_t lock, int mode, uintptr_t pc) {
  hooks::lock_acquired(reinterpret_cast<hooks::GoroutineState*>(g), reinterpret_cast<const void*>(lock), mode,
                       reinterpret_cast<const void*>(pc));
}

void pthread_lock_released(GState* g, uintptr_t lock) {
  if (!ctx->options.detect_deadlocks) return;
  if (!drop_own(g, lock, 0)) drop_own(g, lock, 1);
}

}  // namespace chansan

namespace chansan::hooks {

void set_runtime_walkers(WalkGoroutinesFn goroutines, WalkTimersFn timers, SleepFn sleep) {
  g_sleep.store(sleep, std::memory_order_release);
  g_walk_timers.store(timers, std::memory_order_release);
  g_walk_goroutines.store(goroutines, std::memory_order_release);
}

void lock_acquired(GoroutineState* gst, const void* lock, int mode, const void* pc) {
  auto* g = reinterpret_cast<GState*>(gst);
  if (!g || !ctx->options.detect_deadlocks) return;
  auto l = reinterpret_cast<uintptr_t>(lock);
  uint32_t stack = current_stack(g, reinterpret_cast<uintptr_t>(pc));
  if (__builtin_expect(g->foreign_release.load(std::memory_order_relaxed), 0)) apply_foreign_releases(g);
  GState::HeldLock others[GState::kMaxHeld];
  uint32_t nothers = 0;
  if (mode != 2)
    for (uint32_t i = 0; i < g->nheld; i++)
      if (g->held[i].mode != 2 && g->held[i].lock != l) others[nothers++] = g->held[i];
  if (g->nheld < GState::kMaxHeld) {
    HeldWrite w(g);
    g->held[g->nheld] = {l, stack, static_cast<uint8_t>(mode)};
    g->nheld++;
  }
  if (nothers == 0) return;
  InternalScope in;
  std::vector<std::vector<LockEdge>> cycles;
  {
    std::lock_guard<InternalMutex> gl(graph_mu);
    for (uint32_t i = 0; i < nothers; i++) {
      LockEdge e{others[i].lock, l, g->goid, g->create_stack, others[i].stack, stack};
      std::vector<LockEdge> cycle;
      if (!g_graph->add(e, cycle)) continue;
      // One report per set of acquisition sites.
      std::vector<uint64_t> sites;
      for (const LockEdge& c : cycle) sites.push_back(mix(c.from_stack, c.to_stack));
      std::sort(sites.begin(), sites.end());
      uint64_t key = 0;
      for (uint64_t s : sites) key = mix(key, s);
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

void lock_released(GoroutineState* gst, const void* lock, int mode) {
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
    int mode;
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
  std::lock_guard<InternalMutex> fl(foreign_mu);
  g_foreign->push_back({f.holder, l, mode});
  f.holder->foreign_release.store(true, std::memory_order_release);
}

void runtime_owned_begin() { tls_internal++; }
void runtime_owned_end() { tls_internal--; }

void runtime_thread() {
  user_thread_exited();  // not one of the program's threads after all
}

void schedule_idle() {
  if (!initialized.load(std::memory_order_acquire) || !ctx->options.detect_deadlocks) return;
  InternalScope in;
  tick();
}

void bubble_deadlocked(const uint64_t* ids, std::size_t n) {
  if (!initialized.load(std::memory_order_acquire) || !ctx->options.detect_deadlocks) return;
  InternalScope in;
  std::lock_guard<InternalMutex> l(analysis_mu);
  Snapshot snap;
  if (!take_snapshot(snap)) return;
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < snap.gs.size(); i++)
    if (std::find(ids, ids + n, snap.gs[i].id) != ids + n) idx.push_back(i);
  report_deadlock(snap, idx,
                  "All goroutines of a synctest bubble are durably blocked and no timer of the bubble is "
                  "pending: none can ever proceed.",
                  {});
}

void main_returned() {
  if (!initialized.load(std::memory_order_acquire)) return;
  g_main_returned.store(true, std::memory_order_release);
  if (!ctx->options.detect_leaks) return;
  // Goroutines still running get a moment to finish or block (goleak
  // retries too); a search needs everything else to hold still. Main may
  // move to another thread while it pauses: no InternalScope (a per-thread
  // count) and no lock is held across the pause.
  Snapshot snap;
  std::vector<std::size_t> stuck;
  bool ok = false;
  long waited_us = 0;
  if (seeded_schedule()) {
    // One worker, and main is on it: nothing else runs while main is
    // here, so this snapshot holds still. Goroutines that could still run
    // are not run (Go ends the program when main returns; they may use
    // main's dead locals) and count as agents that could wake others.
    InternalScope in;
    std::lock_guard<InternalMutex> l(analysis_mu);
    if (!take_snapshot(snap)) return;
    ok = stuck_goroutines(snap, 1, true, stuck, /*held_still=*/true);
  }
  for (long step_us = 0; !ok && waited_us < 1000 * 1000; step_us = std::min(std::max(step_us * 2, 1000L), 10000L)) {
    if (step_us) pause_ns(step_us * 1000);  // up to 1 s in all, as goleak waits
    waited_us += step_us;
    InternalScope in;
    std::lock_guard<InternalMutex> l(analysis_mu);
    if (!take_snapshot(snap)) return;
    if (!quiescent(snap, 1)) continue;
    ok = stuck_goroutines(snap, 1, true, stuck);
  }
  if (!ok) return;
  InternalScope in;
  std::lock_guard<InternalMutex> l(analysis_mu);
  // Group by (where created, where blocked).
  LeakGroups groups;
  for (std::size_t i : stuck) {
    const GSnap& s = snap.gs[i];
    if (s.is_thread || s.id == 1 || g_reported->count(s.id)) continue;
    groups[{s.create_pc, s.wait_pc}].push_back(i);
  }
  report_leaks(snap, groups, "Goroutines still blocked, forever, when main returned.");
}

}  // namespace chansan::hooks

// ---- test-time checks (chansan/testing.hpp) ----

extern "C" void __chansan_checkpoint(uint64_t* goroutine_mark, uint64_t* finding_mark) {
  using namespace chansan;
  // Ids only grow: every goroutine started after this has a larger id
  // than any alive now (and the caller's own).
  uint64_t mark = 1;
  if (auto walk = g_walk_goroutines.load(std::memory_order_acquire)) {
    InternalScope in;
    walk([](const hooks::GoroutineInfo& g, void* m) {
      auto* mark = static_cast<uint64_t*>(m);
      if (!g.is_thread && g.id > *mark) *mark = g.id;
    }, &mark);
  }
  *goroutine_mark = mark;
  *finding_mark = initialized.load(std::memory_order_acquire) ? static_cast<uint64_t>(ctx->reports.load()) : 0;
}

extern "C" int __chansan_verify_none(uint64_t goroutine_mark, uint64_t finding_mark, int timeout_ms,
                                     const char* what) {
  using namespace chansan;
  if (!initialized.load(std::memory_order_acquire)) return 0;
  if (ctx->options.detect_leaks) {
    // Wait for the goroutines started since the mark to finish, backing
    // off from 1 ms to 10 ms (goleak retries the same way).
    Snapshot snap;
    std::vector<std::size_t> left;
    long waited_us = 0;
    // No InternalScope across a pause: the caller may resume on another thread.
    for (long step_us = 1000;; step_us = std::min(step_us * 2, 10000L)) {
      {
        InternalScope in;
        if (!take_snapshot(snap)) break;
        left.clear();
        for (std::size_t i = 0; i < snap.gs.size(); i++)
          if (!snap.gs[i].is_thread && snap.gs[i].id > goroutine_mark) left.push_back(i);
      }
      if (left.empty() || waited_us >= static_cast<long>(timeout_ms) * 1000) break;
      pause_ns(step_us * 1000);
      waited_us += step_us;
    }
    InternalScope in;
    LeakGroups groups;
    {
      std::lock_guard<InternalMutex> l(analysis_mu);
      for (std::size_t i : left)
        if (g_reported->insert(snap.gs[i].id).second)
          groups[{snap.gs[i].create_pc, snap.gs[i].waiting ? snap.gs[i].wait_pc : 0}].push_back(i);
    }
    std::string title = std::string("Goroutines started during ") + (what ? what : "the test") +
                        " still alive when it ended.";
    report_leaks(snap, groups, title);
  }
  return static_cast<int>(static_cast<uint64_t>(ctx->reports.load()) - finding_mark);
}
