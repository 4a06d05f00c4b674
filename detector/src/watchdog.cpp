// The watchdog (detector/DESIGN.md, "Blocking bugs"): a detector thread
// that looks at the goroutines every few milliseconds (at idle points
// instead, in a seeded run):
//  - a cycle of goroutines each blocked on a lock the next one holds, seen
//    twice with nothing in it having run, is a deadlock;
//  - when nothing runs (every goroutine and every thread of the program
//    blocked in csp), the stuck-goroutine search runs on the frozen
//    memory; goroutines it finds stuck are a deadlock, and if every
//    goroutine is stuck the program ends, as Go ends one whose goroutines
//    are all asleep.
//
// Invariants:
//  - Reads only (snapshot.cpp); its period adapts to keep it under ~2% of
//    a core however large the program.
//  - Nothing after main returned: what is stuck then is the leak check's.
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "blocking_internal.hpp"
#include "hash.hpp"
#include "report_out.hpp"

namespace chansan {

std::atomic<bool> g_main_returned{false};

namespace {

// Lock cycles seen in the last tick: cycle key -> ticks seen in a row.
std::map<uint64_t, int>* g_cycle_candidates CSP_GUARDED_BY(analysis_mu) = nullptr;
// The fingerprint of the last quiescent snapshot analysed.
uint64_t g_last_analyzed CSP_GUARDED_BY(analysis_mu) = 0;

void check_lock_cycles(const Snapshot& snap) CSP_REQUIRES(analysis_mu) {
  std::map<uint64_t, int> next;
  for (const auto& cycle : find_lock_cycles(snap)) {
    bool all_reported = true;
    uint64_t key = 0;
    for (std::size_t i : cycle) {
      key += hash_mix(snap.gs[i].id, snap.gs[i].park_count);
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

void tick() {
  InternalLock l(analysis_mu);
  if (g_main_returned.load(std::memory_order_acquire)) return;
  static Snapshot& snap = *new Snapshot;  // under analysis_mu; reused across ticks
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

void blocking_init() {
  InternalScope in;
  held_locks_init();
  {
    InternalLock l(analysis_mu);
    g_reported = new std::unordered_set<uint64_t>;
    g_cycle_candidates = new std::map<uint64_t, int>;
  }
  if (!ctx->options.detect_deadlocks) return;
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_create(&t, &attr, watchdog_main, nullptr);
  pthread_attr_destroy(&attr);
}


}  // namespace chansan

namespace chansan::hooks {

void runtime_owned_begin() { tls_internal++; }
void runtime_owned_end() { tls_internal--; }

void schedule_idle() {
  if (!initialized.load(std::memory_order_acquire) || !ctx->options.detect_deadlocks) return;
  InternalScope in;
  tick();
}

void bubble_deadlocked(const uint64_t* ids, std::size_t n) {
  if (!initialized.load(std::memory_order_acquire) || !ctx->options.detect_deadlocks) return;
  InternalScope in;
  InternalLock l(analysis_mu);
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

}  // namespace chansan::hooks
