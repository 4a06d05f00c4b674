// Reports of blocked goroutines (detector/DESIGN.md, "Blocking bugs"):
// deadlocks and goroutine leaks, built from a snapshot (snapshot.cpp). A
// goroutine appears in one such report at most (g_reported), whichever
// check finds it first.
#include <algorithm>

#include "blocking_internal.hpp"
#include "report_out.hpp"
#include "symbolize.hpp"

namespace chansan {

InternalMutex analysis_mu;
std::unordered_set<uint64_t>* g_reported = nullptr;

namespace {

using K = hooks::WaitKind;

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
            b.held_since = depot_frames(hl.stack, false);
            break;
          }
      }
  }
  auto* g = static_cast<GState*>(s.state);
  if (s.waiting && g) {
    uintptr_t pcs[kDepotFrames];
    b.stack = symbolize_stack(std::vector<uintptr_t>(pcs, pcs + shadow_stack(g, s.wait_pc, pcs, kDepotFrames)));
    trim_plumbing(b.stack);
  }
  if (g && !b.is_main && !s.is_thread) b.created_at = depot_frames(g->create_stack, true);
  return b;
}

void emit(const BlockingReport& r, SuppressionKind kind) {
  std::vector<const std::vector<Frame>*> stacks;
  for (const BlockedGoroutine& g : r.goroutines) {
    stacks.push_back(&g.stack);
    stacks.push_back(&g.created_at);
  }
  if (suppressed(kind, stacks)) return;
  emit_report(r);
}

}  // namespace

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

}  // namespace chansan
