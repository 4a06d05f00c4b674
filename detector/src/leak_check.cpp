// Leaks (detector/DESIGN.md, "Blocking bugs"; goleak's check): when main
// returns, goroutines the stuck-goroutine search finds stuck are leaks,
// grouped by where they were created and where they block; and the
// test-time check (chansan/testing.hpp), which reports goroutines a test
// started and left running.
//
// Invariants:
//  - No InternalScope (a per-thread count) and no lock across a pause:
//    the caller is a goroutine and may resume on another thread.
//  - Each goroutine is reported once, as a deadlock or as a leak
//    (g_reported).
#include <algorithm>

#include "blocking_internal.hpp"
#include "report_out.hpp"

namespace chansan::hooks {

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
    InternalLock l(analysis_mu);
    if (!take_snapshot(snap)) return;
    ok = stuck_goroutines(snap, 1, true, stuck, /*held_still=*/true);
  }
  for (long step_us = 0; !ok && waited_us < 1000 * 1000; step_us = std::min(std::max(step_us * 2, 1000L), 10000L)) {
    if (step_us) pause_ns(step_us * 1000);  // up to 1 s in all, as goleak waits
    waited_us += step_us;
    InternalScope in;
    InternalLock l(analysis_mu);
    if (!take_snapshot(snap)) return;
    if (!quiescent(snap, 1)) continue;
    ok = stuck_goroutines(snap, 1, true, stuck);
  }
  if (!ok) return;
  InternalScope in;
  InternalLock l(analysis_mu);
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
      InternalLock l(analysis_mu);
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
