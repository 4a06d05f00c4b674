// Snapshots (detector/DESIGN.md, "Blocking bugs"): a frozen view of the
// program for the wait-for analyses (waitfor.hpp). The runtime's walkers
// list goroutines, OS threads blocked in csp and armed timers; the ELF
// program headers give the writable globals and the heap map the live
// blocks, the memory from which the stuck-goroutine search looks for who
// could still reach a channel or a lock.
//
// Invariants:
//  - Only reads: goroutine records under the registry lock (the walker's),
//    held lists through read_held, memory that nothing is writing.
//  - A verdict from a snapshot stands only if a second snapshot finds the
//    same goroutines, each still waiting with the same park count
//    (stuck_goroutines), or the caller knows nothing ran (held_still).
//  - The program's threads are counted (g_user_threads): a snapshot in
//    which fewer of them wait in csp than exist is not quiescent, whatever
//    the goroutines do.
#include <link.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "blocking_internal.hpp"
#include "hash.hpp"
#include "heap.hpp"

namespace chansan {

std::atomic<hooks::WalkGoroutinesFn> g_walk_goroutines{nullptr};
std::atomic<hooks::WalkTimersFn> g_walk_timers{nullptr};

namespace {

using K = hooks::WaitKind;

std::atomic<hooks::SleepFn> g_sleep{nullptr};
// Threads the program created (not the runtime's, not the detector's) that
// are alive: each is running code unless it is blocked in csp.
std::atomic<int> g_user_threads{0};
// This thread was counted in g_user_threads (it started through the
// pthread_create interceptor) and has not been uncounted yet.
__thread bool tls_counted_thread = false;

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

// The C library's and the dynamic loader's own data are not the program's
// globals: malloc's free lists there point at chunk headers, which fall
// inside the block before when that block fills its chunk exactly, and
// would keep it (a channel, say) reachable for the search.
bool is_system_runtime(const char* name) {
  if (!name) return false;
  const char* base = std::strrchr(name, '/');
  base = base ? base + 1 : name;
  return std::strncmp(base, "libc.so", 7) == 0 || std::strncmp(base, "ld-linux", 8) == 0;
}

int add_global_range(dl_phdr_info* info, size_t, void* arg) {
  auto* mem = static_cast<MemoryView*>(arg);
  if (is_system_runtime(info->dlpi_name)) return 0;
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

}  // namespace

void pause_ns(long ns) {
  if (auto sleep = g_sleep.load(std::memory_order_acquire)) return sleep(ns);
  timespec ts{ns / 1000000000L, ns % 1000000000L};
  nanosleep(&ts, nullptr);
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

uint64_t fingerprint(const Snapshot& s) {
  uint64_t h = s.timer_args.size();
  for (const GSnap& g : s.gs) h += hash_mix(g.id, g.park_count | uint64_t{g.waiting} << 32);
  return h;
}

bool stuck_goroutines(Snapshot& snap, uint64_t except, bool main_returned, std::vector<std::size_t>& stuck,
                      bool held_still) {
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
  static Snapshot& again = *new Snapshot;  // under analysis_mu; reused: no allocation per goroutine
  if (!take_snapshot(again)) return false;
  return unchanged(snap, again, except);
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

}  // namespace chansan

namespace chansan::hooks {

void set_runtime_walkers(WalkGoroutinesFn goroutines, WalkTimersFn timers, SleepFn sleep) {
  g_sleep.store(sleep, std::memory_order_release);
  g_walk_timers.store(timers, std::memory_order_release);
  g_walk_goroutines.store(goroutines, std::memory_order_release);
}

void runtime_thread() {
  user_thread_exited();  // not one of the program's threads after all
}

}  // namespace chansan::hooks
