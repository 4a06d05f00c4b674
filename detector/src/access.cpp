// The entry points that instrumented code calls (chansan_interface.h) for
// memory accesses, mem* functions and the shadow call stack (atomics and
// fences: atomics.cpp). The per-access check is the hot path: no lock, no
// allocation.
//
// Check of one granule (shadow.hpp for the cell format): the new access is
// compared with each stored cell; a cell races with it iff their bytes
// overlap, one is a write, not both atomic, and the cell's (slot, epoch) is
// neither the accessor's own (same slot, epoch >= own_start) nor covered by
// its clock. The access is then merged into an own cell of this epoch and
// kind, or stored over, in order of preference, an own cell it subsumes, a
// cell ordered before it that it subsumes, an empty cell, any cell ordered
// before it, or a pseudo-random one (forgetting an old access can miss a
// race, never invent one). A subsumed ordered cell adds nothing: an access
// unordered with it but ordered before the new one ran, and was checked
// against it, before the new one; any later one that races with it races
// with the new one. Replacing it keeps the granule to one cell, which the
// range check's fast path (whole_granules) takes.
#include <immintrin.h>

#include <cstring>

#include "chansan_interface.h"
#include "check.hpp"
#include "internal.hpp"

namespace chansan {
namespace {

inline bool subsumes(Shadow cur, Shadow old) {
  return (old.mask() & ~cur.mask()) == 0 && (old.is_read() || !cur.is_read()) &&
         old.is_atomic() == cur.is_atomic();
}

// Earlier accesses of this goroutine in this epoch (same slot and epoch)
// that together cover `cur`: all its bytes, each by an access at least as
// strong (a write covers a read), equally atomic. Whatever races with `cur`
// races with one of them and was, or will be, found against it: `cur` needs
// no check, no trace event and no store (TSan's ContainsSameAccess, widened
// to two cells).
inline bool covered(const std::atomic<uint64_t>* cells, uint64_t cur) {
  static_assert(kShadowCells == 2, "unrolled for two cells");
  const uint64_t c0 = cells[0].load(std::memory_order_relaxed), c1 = cells[1].load(std::memory_order_relaxed);
  const uint64_t bytes = cur & Shadow::kMaskBits;
  const uint64_t have = Shadow::covering_bytes(c0, cur) | Shadow::covering_bytes(c1, cur);
  CHANSAN_DCHECK(have == (Shadow::covering_bytes_readable(Shadow::from_raw(c0), Shadow::from_raw(cur)) |
                          Shadow::covering_bytes_readable(Shadow::from_raw(c1), Shadow::from_raw(cur))));
  return (have & bytes) == bytes;
}

// The access a report names: the whole access, or, for a loop's range
// (`each` > 0: every iteration accessed `each` bytes), the iteration's
// access that touched the first byte in conflict with `old`.
inline void reported_access(uintptr_t granule, Shadow old, uint64_t craw, uintptr_t& full_addr,
                            std::size_t& full_size, std::size_t each) {
  if (each == 0) return;
  const uint64_t common = old.mask() & craw & Shadow::kMaskBits;
  const uintptr_t byte = granule + (common ? __builtin_ctzll(common) : 0);
  const uintptr_t first = byte < full_addr ? full_addr : byte;
  full_addr += (first - full_addr) / each * each;
  full_size = each;
}

// The full check of one granule against `craw` (which no cell covers), and
// the store of it.
__attribute__((noinline)) void check_and_store(GState* g, std::atomic<uint64_t>* cells, uint64_t craw,
                                               uintptr_t addr, bool is_write, bool is_atomic,
                                               uintptr_t pc, uintptr_t full_addr,
                                               std::size_t full_size, bool is_free,
                                               std::size_t each = 0) {
  const Shadow cur = Shadow::from_raw(craw);
  const uintptr_t granule = addr & ~(kGranule - 1);
  auto report = [&](Shadow old, bool free_side, bool use_after_free) {
    uintptr_t ra = full_addr;
    std::size_t rs = full_size;
    reported_access(granule, old, craw, ra, rs, each);
    report_race(g, old, granule, ra, rs, is_write, is_atomic, pc, free_side, use_after_free);
  };
  // A plain store: two accesses checked at the same instant can each miss
  // the other (ThreadSanitizer and Go's -race keep the same window). A
  // compare-exchange here was measured and not kept: DESIGN.md.
  int own = -1, empty = -1, dominated = -1, merge = -1, ordered_before = -1;
  for (int i = 0; i < kShadowCells; i++) {
    const uint64_t raw = cells[i].load(std::memory_order_relaxed);
    if (raw == 0) {
      if (empty < 0) empty = i;
      continue;
    }
    const Shadow old = Shadow::from_raw(raw);
    if (old.is_freed()) {
      // The block was freed: an access not ordered after the free races
      // with it (a data race, #0 free); one ordered after it, the same
      // goroutine's included, uses freed memory (heap-use-after-free, as
      // ThreadSanitizer reports it). The mark stays for later accesses.
      if (!is_free) {
        const bool ordered = old.sid() == g->sid || old.epoch() <= g->clock.get(old.sid());
        report(old, false, ordered);
      }
      continue;
    }
    if (old.sid() == g->sid && old.epoch() >= g->own_start) {
      if (own < 0 && subsumes(cur, old)) own = i;
      // The same kind of access in this epoch: one cell can hold both (a
      // race with either byte range is a race with the union).
      if (merge < 0 && ((raw ^ craw) & ~Shadow::kMaskBits) == 0) merge = i;
      continue;
    }
    const bool ordered = old.epoch() <= g->clock.get(old.sid());
    if (ordered) {
      if (dominated < 0 && subsumes(cur, old)) dominated = i;
      if (ordered_before < 0) ordered_before = i;
      continue;
    }
    if (!conflicts(old, cur)) continue;
    report(old, is_free, false);
  }
  if (merge >= 0) {
    cells[merge].store(cells[merge].load(std::memory_order_relaxed) | (craw & Shadow::kMaskBits),
                       std::memory_order_relaxed);
    return;
  }
  int idx = own >= 0 ? own
            : dominated >= 0 ? dominated
            : empty >= 0 ? empty
            : ordered_before >= 0 ? ordered_before
            : static_cast<int>((addr >> 3 ^ g->epoch) & (kShadowCells - 1));
  cells[idx].store(craw, std::memory_order_relaxed);
}

// An access to the goroutine's own stack lowers the mark down to which its
// shadow is cleared when the stack is reused.
inline void note_stack_depth(GState* g, uintptr_t addr) {
  if (addr - g->stack_lo < g->stack_hi - g->stack_lo && addr < g->stack_low_water)
    g->stack_low_water = addr;
}

// The access's trace event, once for all its granules, before the first
// that needs more than the covering test.
inline void trace_once(GState* g, bool& traced, uintptr_t pc, uintptr_t full_addr, std::size_t full_size,
                       bool is_write, bool is_atomic, bool is_free, std::size_t each) {
  if (traced) return;
  note_stack_depth(g, full_addr);
  trace_put(g, Event::access(pc, full_addr, full_size, is_write, is_atomic, is_free, each));
  traced = true;
}

// One granule of an access ([addr, addr + size) lies within it). The trace
// event (one per access, for all its granules) is written before the first
// granule that needs the full check.
inline void granule_access(GState* g, uintptr_t addr, std::size_t size, bool is_write,
                           bool is_atomic, uintptr_t pc, uintptr_t full_addr, std::size_t full_size,
                           bool is_free, bool& traced, std::size_t each = 0) {
  const uint64_t cur = g->stamp | Shadow::byte_mask(addr, size) | Shadow::kind_bits(!is_write, is_atomic);
  std::atomic<uint64_t>* cells = shadow_cells(addr);
  if (!is_free && covered(cells, cur)) return;
  trace_once(g, traced, pc, full_addr, full_size, is_write, is_atomic, is_free, each);
  check_and_store(g, cells, cur, addr, is_write, is_atomic, pc, full_addr, full_size, is_free, each);
}

// Whole granules [a, end) of a plain range access (both 8-aligned): the
// granules a cell of this goroutine's epoch already covers in full -- a
// write of all 8 bytes, or a read of them for a read -- cost two loads and
// compares each (four granules per step with AVX2); the others take
// granule_access's way.
__attribute__((target("avx2"))) uintptr_t covered_granules_avx2(const std::atomic<uint64_t>* cells,
                                                               uintptr_t a, uintptr_t stop, uint64_t cur,
                                                               uint64_t as_cur) {
  static_assert(kShadowCells == 2, "two cells: a 32-byte vector is two granules");
  const __m256i want = _mm256_set1_epi64x(static_cast<long long>(cur));
  const __m256i widen = _mm256_set1_epi64x(static_cast<long long>(as_cur));
  for (; a + 4 * kGranule <= stop; a += 4 * kGranule, cells += 4 * kShadowCells) {
    const auto* p = reinterpret_cast<const __m256i*>(cells);
    const int m0 = _mm256_movemask_pd(_mm256_castsi256_pd(
        _mm256_cmpeq_epi64(_mm256_or_si256(_mm256_loadu_si256(p), widen), want)));
    const int m1 = _mm256_movemask_pd(_mm256_castsi256_pd(
        _mm256_cmpeq_epi64(_mm256_or_si256(_mm256_loadu_si256(p + 1), widen), want)));
    // Each granule (a pair of bits) needs one covering cell.
    if (!(m0 & 3) || !(m0 & 12) || !(m1 & 3) || !(m1 & 12)) break;
  }
  return a;
}

// `raw`, a cell, is empty or records an earlier plain access of g's own
// (this ownership of its slot, so ordered before g's next access) that a
// whole-granule access of g subsumes: any bytes, a read unless g now
// writes. The access can take its place.
inline bool replaceable(const GState* g, uint64_t raw, bool is_write) {
  if (raw == 0) return true;
  const Shadow old = Shadow::from_raw(raw);
  return old.sid() == g->sid && old.epoch() >= g->own_start &&
         (raw & (Shadow::kAtomicBit | Shadow::kFreedBit)) == 0 && (is_write || old.is_read());
}
// `raw` is empty, g's own, or ordered before g's clock: no access of g
// races with it (a freed mark is always reported: not this).
inline bool cannot_race(const GState* g, uint64_t raw) {
  if (raw == 0) return true;
  const Shadow old = Shadow::from_raw(raw);
  if (old.is_freed()) return false;
  return (old.sid() == g->sid && old.epoch() >= g->own_start) || old.epoch() <= g->clock.get(old.sid());
}

bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

inline void whole_granules(GState* g, uintptr_t a, uintptr_t end, bool is_write, uintptr_t pc,
                           uintptr_t full_addr, std::size_t full_size, bool& traced,
                           std::size_t each) {
  const uint64_t cur = g->stamp | Shadow::kMaskBits | (is_write ? 0 : Shadow::kReadBit);
  const uint64_t as_cur = is_write ? 0 : Shadow::kReadBit;  // a write cell covers a read
  const bool avx2 = end - a >= 8 * kGranule && have_avx2();
  while (a < end) {
    const uintptr_t region_end = (a | (ShadowMap::kRegionBytes - 1)) + 1;
    const uintptr_t stop = end < region_end ? end : region_end;
    std::atomic<uint64_t>* cells = shadow_cells(a);
    while (a < stop) {
      if (avx2) {
        const uintptr_t next = covered_granules_avx2(cells, a, stop, cur, as_cur);
        cells += (next - a) / kGranule * kShadowCells;
        a = next;
      }
      // Up to 4 granules one by one (the rest, or one not covered).
      for (const uintptr_t until = a + 4 * kGranule < stop ? a + 4 * kGranule : stop; a < until;
           a += kGranule, cells += kShadowCells) {
        const uint64_t c0 = cells[0].load(std::memory_order_relaxed), c1 = cells[1].load(std::memory_order_relaxed);
        if ((c0 | as_cur) == cur || (c1 | as_cur) == cur) continue;
        // Nothing to check against: fresh memory, or only this goroutine's
        // own earlier access that the new one subsumes (memory it re-reads
        // or re-writes after a sync). check_and_store's choice, cheaper.
        const int slot = replaceable(g, c0, is_write) && cannot_race(g, c1)   ? 0
                         : replaceable(g, c1, is_write) && cannot_race(g, c0) ? 1
                                                                              : -1;
        if (slot >= 0) {
          trace_once(g, traced, pc, full_addr, full_size, is_write, false, false, each);
          cells[slot].store(cur, std::memory_order_relaxed);
          continue;
        }
        granule_access(g, a, kGranule, is_write, false, pc, full_addr, full_size, false, traced, each);
      }
    }
  }
}

inline void access_range(GState* g, uintptr_t addr, std::size_t size, bool is_write,
                         bool is_atomic, uintptr_t pc, bool is_free = false, std::size_t each = 0) {
  if (size == 0) return;
  bool traced = false;
  uintptr_t a = addr, end = addr + size;
  while (a < end) {
    if (!is_atomic && !is_free && (a & (kGranule - 1)) == 0 && end - a >= kGranule) {
      const uintptr_t whole_end = end & ~(kGranule - 1);
      whole_granules(g, a, whole_end, is_write, pc, addr, size, traced, each);
      a = whole_end;
      continue;
    }
    uintptr_t granule_end = (a | (kGranule - 1)) + 1;
    uintptr_t stop = end < granule_end ? end : granule_end;
    granule_access(g, a, stop - a, is_write, is_atomic, pc, addr, size, is_free, traced, each);
    a = stop;
  }
}

__attribute__((always_inline)) inline void access(uintptr_t addr, std::size_t size, bool is_write,
                                                  uintptr_t pc) {
  GState* g = ready_state();
  if (!g) return;
  if (addr - g->private_lo < g->stack_hi - g->private_lo) return;  // its own closure
  bool traced = false;
  if ((addr & (kGranule - 1)) + size <= kGranule) {
    granule_access(g, addr, size, is_write, false, pc, addr, size, false, traced);
  } else if (size == 16 && (addr & (kGranule - 1)) == 0) {  // a vector: two whole granules
    granule_access(g, addr, 8, is_write, false, pc, addr, 16, false, traced);
    granule_access(g, addr + 8, 8, is_write, false, pc, addr, 16, false, traced);
  } else {
    access_range(g, addr, size, is_write, false, pc);
  }
}

// Off the hot path: the trace event and the full check of one granule.
__attribute__((noinline)) void slow_granule(GState* g, std::atomic<uint64_t>* cells, uint64_t cur,
                                            uintptr_t addr, unsigned size, bool is_write,
                                            uintptr_t pc) {
  note_stack_depth(g, addr);
  trace_put(g, Event::access(pc, addr, size, is_write, false, false));
  check_and_store(g, cells, cur, addr, is_write, false, pc, addr, size, false);
}

__attribute__((noinline)) void slow_access(uintptr_t addr, unsigned size, bool is_write,
                                           uintptr_t pc) {
  access(addr, size, is_write, pc);
}

// The hot path of a plain access of N bytes: the current state, the cells,
// and the common case that an access of this goroutine in this epoch
// already covers it (or that it is the goroutine's own closure). True when
// that settled it. A leaf with no call: the entry points reach everything
// else by a tail call (below), so this path saves no register and reads no
// return address.
// The cell of g's plain access of N bytes at addr, within one granule.
template <unsigned N, bool kWrite>
__attribute__((always_inline)) inline uint64_t plain_cell(const GState* g, uintptr_t addr) {
  const uint64_t cur = g->stamp | (uint64_t{(1u << N) - 1} << (addr & (kGranule - 1))) |
                       (kWrite ? 0 : Shadow::kReadBit);
  CHANSAN_DCHECK(Shadow::from_raw(cur).raw() == Shadow::access(g->sid, g->epoch, addr, N, !kWrite, false).raw());
  return cur;
}

template <unsigned N, bool kWrite>
__attribute__((always_inline)) inline bool plain_access_done(uintptr_t addr) {
  GState* g = tls_cur;
  if (__builtin_expect(g == nullptr || g->slot == nullptr, 0)) return false;
  // Its own closure: not recorded, and its shadow not even read (a read
  // of untouched shadow commits a page).
  if (__builtin_expect(addr - g->private_lo < g->stack_hi - g->private_lo, 0)) return true;
  std::atomic<uint64_t>* region =
      g_shadow_top[addr >> ShadowMap::kRegionShift].load(std::memory_order_acquire);
  if (__builtin_expect(region == nullptr, 0)) return false;  // mapped on the slow path
  std::atomic<uint64_t>* cells = ShadowMap::in_region(region, addr);
  if constexpr (N < 16) {
    if (__builtin_expect((addr & (kGranule - 1)) + N > kGranule, 0)) return false;
    return covered(cells, plain_cell<N, kWrite>(g, addr));
  } else {
    if (__builtin_expect((addr & 15) != 0, 0)) return false;  // two granules of one region
    const uint64_t cur = g->stamp | Shadow::kMaskBits | (kWrite ? 0 : Shadow::kReadBit);
    return covered(cells, cur) && covered(cells + kShadowCells, cur);
  }
}

// Everything else about a plain access: the trace event and full check of
// a granule, or the general path. Reached from an entry point by a tail
// call, so its return address is the instrumented code's: the access's PC.
template <unsigned N, bool kWrite>
__attribute__((noinline)) void plain_access_slow(void* a) {
  const uintptr_t addr = reinterpret_cast<uintptr_t>(a), pc = CS_PC;
  GState* g = tls_cur;
  if (N < 16 && g != nullptr && g->slot != nullptr && (addr & (kGranule - 1)) + N <= kGranule &&
      !(addr - g->private_lo < g->stack_hi - g->private_lo)) {
    const uint64_t cur = plain_cell<N, kWrite>(g, addr);
    std::atomic<uint64_t>* cells = shadow_cells(addr);
    if (covered(cells, cur)) return;
    return slow_granule(g, cells, cur, addr, N, kWrite, pc);
  }
  return slow_access(addr, N, kWrite, pc);
}

}  // namespace

void range_access(GState* g, uintptr_t addr, std::size_t size, bool is_write, uintptr_t pc) {
  access_range(g, addr, size, is_write, false, pc);
}

// A free is a write of the block, checked but not stored: on_free puts the
// freed mark in each granule right after. A granule whose cells cannot race
// with this goroutine (empty, its own, ordered before it) needs nothing
// more than the two loads; the others take the full check, which reports.
void free_access(GState* g, uintptr_t addr, std::size_t size, uintptr_t pc) {
  if (size == 0) return;
  bool traced = false;
  trace_once(g, traced, pc, addr, size, true, false, true, 0);
  const uintptr_t end = addr + size;
  for (uintptr_t a = addr; a < end;) {
    const uintptr_t granule_end = (a | (kGranule - 1)) + 1;
    const uintptr_t stop = end < granule_end ? end : granule_end;
    const std::atomic<uint64_t>* cells = shadow_cells(a);
    if (!cannot_race(g, cells[0].load(std::memory_order_relaxed)) ||
        !cannot_race(g, cells[1].load(std::memory_order_relaxed)))
      granule_access(g, a, stop - a, true, false, pc, addr, size, true, traced);
    a = stop;
  }
}

void atomic_access(GState* g, uintptr_t addr, std::size_t size, bool is_write, uintptr_t pc) {
  access_range(g, addr, size, is_write, true, pc);
}

}  // namespace chansan

using namespace chansan;

extern "C" {

// Each entry point is the fast path and, when that does not settle the
// access, a tail call (musttail: same signature) to the rest.
#define CHANSAN_ENTRY(name, N, kWrite)                                              \
  void name(void* a) {                                                             \
    if (__builtin_expect(plain_access_done<N, kWrite>(reinterpret_cast<uintptr_t>(a)), 1)) return; \
    [[clang::musttail]] return plain_access_slow<N, kWrite>(a);                    \
  }
CHANSAN_ENTRY(__chansan_read1, 1, false)
CHANSAN_ENTRY(__chansan_write1, 1, true)
CHANSAN_ENTRY(__chansan_read2, 2, false)
CHANSAN_ENTRY(__chansan_write2, 2, true)
CHANSAN_ENTRY(__chansan_read4, 4, false)
CHANSAN_ENTRY(__chansan_write4, 4, true)
CHANSAN_ENTRY(__chansan_read8, 8, false)
CHANSAN_ENTRY(__chansan_write8, 8, true)
CHANSAN_ENTRY(__chansan_read16, 16, false)
CHANSAN_ENTRY(__chansan_write16, 16, true)
CHANSAN_ENTRY(__chansan_unaligned_read2, 2, false)
CHANSAN_ENTRY(__chansan_unaligned_write2, 2, true)
CHANSAN_ENTRY(__chansan_unaligned_read4, 4, false)
CHANSAN_ENTRY(__chansan_unaligned_write4, 4, true)
CHANSAN_ENTRY(__chansan_unaligned_read8, 8, false)
CHANSAN_ENTRY(__chansan_unaligned_write8, 8, true)
CHANSAN_ENTRY(__chansan_unaligned_read16, 16, false)
CHANSAN_ENTRY(__chansan_unaligned_write16, 16, true)
#undef CHANSAN_ENTRY

void __chansan_read_range(void* a, unsigned long size) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(a), size, false, false, CS_PC);
}
void __chansan_write_range(void* a, unsigned long size) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(a), size, true, false, CS_PC);
}

// A loop's accesses, checked once per run of the loop, before or after it
// (the pass's loop ranges): [a, a + size) is every byte its iterations
// touch, each iteration `each` bytes of it.
void __chansan_loop_read(void* a, unsigned long size, unsigned long each) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(a), size, false, false, CS_PC, false, each);
}
void __chansan_loop_write(void* a, unsigned long size, unsigned long each) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(a), size, true, false, CS_PC, false, each);
}

// Handle bytes: csp's inline code runs them on behalf of the user, except
// inside the runtime's transfer of a value (chan_internal.hpp's move, under
// hb::Invisible): there the sender runs the receiver's handle move-assign
// into the receiver's variable, before the hand-off edge is published, and
// Go's runtime -- not instrumented -- makes no access there at all.
void __chansan_handle_read(void* a, unsigned long size) {
  if (!tls_invisible) access(reinterpret_cast<uintptr_t>(a), size, false, CS_PC);
}
void __chansan_handle_write(void* a, unsigned long size) {
  if (!tls_invisible) access(reinterpret_cast<uintptr_t>(a), size, true, CS_PC);
}

void __chansan_func_entry(void* caller_pc) {
  GState* g = ready_state();
  if (!g) return;
  if (__builtin_expect(g->depth == g->cap, 0)) grow_frames(g);
  g->frames[g->depth++] = reinterpret_cast<uintptr_t>(caller_pc);
  trace_put(g, Event::enter(reinterpret_cast<uintptr_t>(caller_pc)));
  // Every escaping local of an instrumented function lies above this
  // frame: the stack's shadow down to here is what reuse must clear.
  auto fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (fp < g->stack_low_water) g->stack_low_water = fp;
}

void __chansan_func_exit(void) {
  GState* g = tls_cur;
  if (!g || !g->slot || g->depth == 0) return;
  g->depth--;
  trace_put(g, Event::exit());
}

void* __chansan_memcpy(void* dst, const void* src, unsigned long n) {
  if (GState* g = ready_state()) {
    access_range(g, reinterpret_cast<uintptr_t>(src), n, false, false, CS_PC);
    access_range(g, reinterpret_cast<uintptr_t>(dst), n, true, false, CS_PC);
  }
  return std::memcpy(dst, src, n);
}
void* __chansan_memmove(void* dst, const void* src, unsigned long n) {
  if (GState* g = ready_state()) {
    access_range(g, reinterpret_cast<uintptr_t>(src), n, false, false, CS_PC);
    access_range(g, reinterpret_cast<uintptr_t>(dst), n, true, false, CS_PC);
  }
  return std::memmove(dst, src, n);
}
void* __chansan_memset(void* dst, int c, unsigned long n) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(dst), n, true, false, CS_PC);
  return std::memset(dst, c, n);
}

}  // extern "C"
