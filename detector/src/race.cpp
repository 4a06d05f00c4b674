// The slow path of a detected race: deduplication, restoring the earlier
// access's stack from its slot's trace, describing the memory,
// symbolization, suppressions, and writing the report (report.hpp).
//
// Deduplication: a race is reported once per pair of code locations (api.md
// §3). Before the (costly) trace replay, two cheap keys drop repeats: the
// current PC with the granule, and the current PC with the earlier cell's
// (slot, epoch) — a loop racing over an array hits the same pair for every
// element.
#include <functional>
#include <string>
#include <unordered_set>

#include "hash.hpp"
#include "heap.hpp"
#include "internal.hpp"
#include "report_out.hpp"
#include "stack_depot.hpp"
#include "symbolize.hpp"

namespace chansan {
namespace {

// Guarded by report_mu (report_out.hpp): a race is decided and written
// under it.
std::unordered_set<uint64_t>* seen_fast CSP_GUARDED_BY(report_mu);
std::unordered_set<uint64_t>* seen_pairs CSP_GUARDED_BY(report_mu);

bool first_time(std::unordered_set<uint64_t>*& set, uint64_t key) CSP_REQUIRES(report_mu) {
  if (!set) set = new std::unordered_set<uint64_t>();
  return set->insert(key).second;
}

void describe_location(uintptr_t addr, Location& loc) {
  std::string name;
  uintptr_t start = 0;
  std::size_t size = 0;
  HeapBlock block;
  if (heap_find(addr, start, block)) {
    loc.kind = LocationKind::heap;
    loc.address = start;
    loc.size = block.size;
    loc.goroutine = block.goid;
    loc.allocated_at = symbolize_stack(depot_get(block.stack));
    return;
  }
  uint64_t owner = thread_stack_owner(addr);
  if (!owner && ctx->stack_owner) owner = ctx->stack_owner(addr);
  if (owner) {
    loc.kind = LocationKind::stack;
    loc.goroutine = owner;
    return;
  }
  if (symbolize_global(addr, name, start, size)) {
    loc.kind = LocationKind::global;
    loc.name = name;
    loc.address = start;
    loc.size = size;
  }
}

void add_goroutine(RaceReport& r, uint64_t goid, uint32_t create_stack) {
  for (const GoroutineDesc& g : r.goroutines)
    if (g.id == goid) return;
  GoroutineDesc d;
  if (describe_goroutine(goid, create_stack, d)) r.goroutines.push_back(std::move(d));
}

}  // namespace

void report_race(GState* g, Shadow old, uintptr_t granule, uintptr_t addr, std::size_t size,
                 bool is_write, bool is_atomic, uintptr_t pc, bool is_free, bool use_after_free) {
  // The detector's own work never reports (nor waits for the report lock it
  // may hold): instrumented code it could reach is renamed by the pass, and
  // this is the guard if some still were.
  if (tls_internal) return;
  InternalScope in;
  InternalLock l(report_mu);
  if (!first_time(seen_fast, hash_mix(pc, granule))) return;
  if (!first_time(seen_fast, hash_mix(hash_mix(pc, old.sid()), old.epoch() | uint64_t{1} << 40))) return;

  RestoredAccess prev = restore_access(ctx->slots[old.sid()].trace, old.epoch(), granule,
                                       old.mask(), !old.is_read(), old.is_atomic(), old.is_freed());
  uintptr_t prev_pc = prev.found ? prev.pcs[0] : 0;
  uintptr_t lo = pc < prev_pc ? pc : prev_pc, hi = pc < prev_pc ? prev_pc : pc;
  if (!first_time(seen_pairs, hash_mix(lo, hi))) return;

  RaceReport r;
  if (use_after_free) r.kind = "heap-use-after-free";
  r.current.is_write = is_write;
  r.current.is_atomic = is_atomic;
  r.current.size = static_cast<unsigned>(size);
  r.current.address = addr;
  r.current.goroutine = g->goid;
  std::vector<uintptr_t> pcs(g->depth + 1);
  pcs.resize(shadow_stack(g, pc, pcs.data(), pcs.size()));
  r.current.stack = symbolize_stack(pcs);
  if (is_free) r.current.stack.insert(r.current.stack.begin(), Frame{"free", "", 0, 0});

  r.previous.is_write = !old.is_read();
  r.previous.is_atomic = old.is_atomic();
  r.previous.size = old.size();
  r.previous.address = granule + old.offset();
  uint32_t prev_create = 0;
  if (prev.found) {
    r.previous.goroutine = prev.goid;
    prev_create = prev.create_stack;
    if (prev.size && prev.size != Event::kMaxSize) {
      r.previous.size = static_cast<unsigned>(prev.size);
      r.previous.address = prev.addr;
    }
    r.previous.stack = symbolize_stack(prev.pcs);
    if (prev.is_free) r.previous.stack.insert(r.previous.stack.begin(), Frame{"free", "", 0, 0});
  } else {
    r.previous.stack_lost = true;
    uint64_t goid = 0;
    if (ctx->slots[old.sid()].owner_at(old.epoch(), goid, prev_create) ||
        restore_owner(ctx->slots[old.sid()].trace, old.epoch(), goid, prev_create))
      r.previous.goroutine = goid;
  }
  add_goroutine(r, g->goid, g->create_stack);
  add_goroutine(r, r.previous.goroutine, prev_create);
  describe_location(addr, r.location);

  trim_plumbing(r.current.stack);
  trim_plumbing(r.previous.stack);
  trim_plumbing(r.location.allocated_at);
  // One report per pair of user source locations: the first frame of each
  // stack outside the standard library and the csp runtime (two PCs of one
  // line, as the read and the write of `x++`, are one location; a std::map
  // raced on from one line of user code is one report, whichever of its
  // internals the two accesses met).
  auto where = [](const Access& a) {
    const Frame* f = first_user_frame(a.stack);
    return f ? f->file + ":" + std::to_string(f->line) + " " + f->function : std::string("?");
  };
  std::string w1 = where(r.current), w2 = where(r.previous);
  if (w2 < w1) std::swap(w1, w2);
  uint64_t hash = std::hash<std::string>()(w1 + "|" + w2);
  if (!r.previous.stack_lost && !first_time(seen_pairs, hash)) return;
  if (suppressed(SuppressionKind::race, {&r.current.stack, &r.previous.stack}, r.location.name)) return;
  emit_report_locked(r);
}

}  // namespace chansan
