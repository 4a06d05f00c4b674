// The slow path of a detected race: deduplication, restoring the earlier
// access's stack from its slot's trace, describing the memory,
// symbolization, suppressions, and writing the report (report.hpp).
//
// Deduplication: a race is reported once per pair of code locations (api.md
// §3). Before the (costly) trace replay, two cheap keys drop repeats: the
// current PC with the granule, and the current PC with the earlier cell's
// (slot, epoch) — a loop racing over an array hits the same pair for every
// element.
#include <unistd.h>

#include <functional>
#include <mutex>
#include <string>

#include "internal_mutex.hpp"
#include <unordered_set>

#include "blocking.hpp"
#include "heap.hpp"
#include "internal.hpp"
#include "stack_depot.hpp"
#include "symbolize.hpp"

namespace chansan {
namespace {

InternalMutex report_mu;
std::unordered_set<uint64_t>* seen_fast;   // guarded by report_mu
std::unordered_set<uint64_t>* seen_pairs;  // guarded by report_mu

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull + (a << 6) + (a >> 2));
  return h ^ (h >> 29);
}

bool first_time(std::unordered_set<uint64_t>*& set, uint64_t key) {
  if (!set) set = new std::unordered_set<uint64_t>();
  return set->insert(key).second;
}

std::vector<std::string> names_of(const RaceReport& r) {
  std::vector<std::string> names;
  for (const Access* a : {&r.current, &r.previous})
    for (const Frame& f : a->stack) {
      names.push_back(f.function);
      if (!f.file.empty()) names.push_back(f.file);
    }
  if (!r.location.name.empty()) names.push_back(r.location.name);
  return names;
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
  if (goid == 0) return;
  for (const GoroutineDesc& g : r.goroutines)
    if (g.id == goid) return;
  GoroutineDesc d;
  d.id = goid;
  d.is_main = goid == 1;
  if (!d.is_main) {
    d.created_at = symbolize_stack(depot_get(create_stack));
    trim_plumbing(d.created_at, false);
  }
  if (!d.is_main && d.created_at.empty()) return;  // an OS thread: no creation site
  r.goroutines.push_back(std::move(d));
}

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

// At exit: waits for a report another thread is still writing (it must not
// be lost), then keeps any new one from starting. Returns the count.
int finish_reports() {
  report_mu.lock();  // never unlocked: the process is ending
  return ctx->reports.load();
}

void emit_report(const std::string& text) {
  InternalScope in;
  std::lock_guard<InternalMutex> l(report_mu);
  write_all(ctx->log_fd, text);
  ctx->reports.fetch_add(1);
  if (ctx->options.halt_on_error) {
    std::fflush(nullptr);
    _exit(ctx->options.exitcode);
  }
}

void report_race(GState* g, Shadow old, uintptr_t granule, uintptr_t addr, std::size_t size,
                 bool is_write, bool is_atomic, uintptr_t pc, bool is_free) {
  // The detector's own work never reports (nor waits for the report lock it
  // may hold): instrumented code it could reach is renamed by the pass, and
  // this is the guard if some still were.
  if (tls_internal) return;
  InternalScope in;
  std::lock_guard<InternalMutex> l(report_mu);
  if (!first_time(seen_fast, mix(pc, granule))) return;
  if (!first_time(seen_fast, mix(mix(pc, old.sid()), old.epoch() | uint64_t{1} << 40))) return;

  RestoredAccess prev = restore_access(ctx->slots[old.sid()].trace, old.epoch(), granule,
                                       old.mask(), !old.is_read(), old.is_atomic());
  uintptr_t prev_pc = prev.found ? prev.pcs[0] : 0;
  uintptr_t lo = pc < prev_pc ? pc : prev_pc, hi = pc < prev_pc ? prev_pc : pc;
  if (!first_time(seen_pairs, mix(lo, hi))) return;

  RaceReport r;
  r.current.is_write = is_write;
  r.current.is_atomic = is_atomic;
  r.current.size = static_cast<unsigned>(size);
  r.current.address = addr;
  r.current.goroutine = g->goid;
  std::vector<uintptr_t> pcs{pc};
  for (uint32_t i = g->depth; i > 0; i--) pcs.push_back(g->frames[i - 1]);
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
    if (prev.size && prev.size != kEvMaxSize) {
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
  // One report per pair of source locations (two PCs of one line, as the
  // read and the write of `x++`, are one location).
  auto where = [](const Access& a) {
    const Frame* f = a.stack.empty() ? nullptr : &a.stack.front();
    return f ? f->file + ":" + std::to_string(f->line) + ":" + std::to_string(f->column) + f->function
             : std::string("?");
  };
  std::string w1 = where(r.current), w2 = where(r.previous);
  if (w2 < w1) std::swap(w1, w2);
  uint64_t hash = std::hash<std::string>()(w1 + "|" + w2);
  if (!r.previous.stack_lost && !first_time(seen_pairs, hash)) return;
  if (ctx->suppressions.size() && ctx->suppressions.matches(SuppressionKind::race, names_of(r)))
    return;
  std::string text = ctx->options.report_format == ReportFormat::json ? render_json(r) : render_text(r);
  write_all(ctx->log_fd, text);
  ctx->reports.fetch_add(1);
  if (ctx->options.halt_on_error) {
    std::fflush(nullptr);
    _exit(ctx->options.exitcode);
  }
}

}  // namespace chansan
