// The entry points that instrumented code calls (chansan_interface.h):
// memory accesses, atomics, fences, mem* functions and the shadow call
// stack. The per-access check is the hot path: no lock, no allocation.
//
// Check of one granule (shadow.hpp for the cell format): the new access is
// compared with each stored cell; a cell races with it iff their bytes
// overlap, one is a write, not both atomic, and the cell's (slot, epoch) is
// neither the accessor's own (same slot, epoch >= own_start) nor covered by
// its clock. The access is then merged into an own cell of this epoch and
// kind, or stored over, in order of preference, an own cell it subsumes, an
// empty cell, a cell ordered before it that it subsumes, any cell ordered
// before it, or a pseudo-random one (forgetting an old access can miss a
// race, never invent one).
#include <cstring>
#include <mutex>

#include "internal_mutex.hpp"
#include <new>
#include <utility>

#include "chansan_interface.h"
#include "internal.hpp"

extern "C" void* __libc_malloc(size_t);

namespace chansan {
namespace {

inline bool subsumes(Shadow cur, Shadow old) {
  return (old.mask() & ~cur.mask()) == 0 && (old.is_read() || !cur.is_read()) &&
         old.is_atomic() == cur.is_atomic();
}

constexpr uint64_t kCellStamp = ((uint64_t{1} << 40) - 1) << 8;  // slot and epoch bits
constexpr uint64_t kCellRead = uint64_t{1} << 48;
constexpr uint64_t kCellAtomic = uint64_t{1} << 49;

// Earlier accesses of this goroutine in this epoch (same slot and epoch)
// that together cover `cur`: all its bytes, each by an access at least as
// strong (a write covers a read), equally atomic. Whatever races with `cur`
// races with one of them and was, or will be, found against it: `cur` needs
// no check, no trace event and no store (TSan's ContainsSameAccess, widened
// to two cells). An empty cell never matches: epochs start at 1.
inline uint64_t covering_bytes(uint64_t cell, uint64_t cur) {
  const bool same = ((cell ^ cur) & (kCellStamp | kCellAtomic)) == 0 &&
                    (!(cell & kCellRead) || (cur & kCellRead));
  return same ? (cell & 0xff) : 0;
}

inline bool covered(const std::atomic<uint64_t>* cells, uint64_t cur) {
  static_assert(kShadowCells == 2, "unrolled for two cells");
  const uint64_t bytes = cur & 0xff;
  const uint64_t have = covering_bytes(cells[0].load(std::memory_order_relaxed), cur) |
                        covering_bytes(cells[1].load(std::memory_order_relaxed), cur);
  return (have & bytes) == bytes;
}

// The full check of one granule against `craw` (which no cell covers), and
// the store of it.
__attribute__((noinline)) void check_and_store(GState* g, std::atomic<uint64_t>* cells, uint64_t craw,
                                               uintptr_t addr, bool is_write, bool is_atomic,
                                               uintptr_t pc, uintptr_t full_addr,
                                               std::size_t full_size, bool is_free) {
  const Shadow cur = Shadow::from_raw(craw);
  int own = -1, empty = -1, dominated = -1, merge = -1, ordered_before = -1;
  for (int i = 0; i < kShadowCells; i++) {
    const uint64_t raw = cells[i].load(std::memory_order_relaxed);
    if (raw == 0) {
      if (empty < 0) empty = i;
      continue;
    }
    const Shadow old = Shadow::from_raw(raw);
    if (old.sid() == g->sid && old.epoch() >= g->own_start) {
      if (own < 0 && subsumes(cur, old)) own = i;
      // The same kind of access in this epoch: one cell can hold both (a
      // race with either byte range is a race with the union).
      if (merge < 0 && ((raw ^ craw) & ~uint64_t{0xff}) == 0) merge = i;
      continue;
    }
    const bool ordered = old.epoch() <= g->clock.get(old.sid());
    if (ordered) {
      if (dominated < 0 && subsumes(cur, old)) dominated = i;
      if (ordered_before < 0) ordered_before = i;
      continue;
    }
    if (!conflicts(old, cur)) continue;
    report_race(g, old, addr & ~(kGranule - 1), full_addr, full_size, is_write, is_atomic, pc,
                is_free);
  }
  if (merge >= 0) {
    cells[merge].store(cells[merge].load(std::memory_order_relaxed) | (craw & 0xff),
                       std::memory_order_relaxed);
    return;
  }
  int idx = own >= 0 ? own
            : empty >= 0 ? empty
            : dominated >= 0 ? dominated
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

// One granule of an access ([addr, addr + size) lies within it). The trace
// event (one per access, for all its granules) is written before the first
// granule that needs the full check.
inline void granule_access(GState* g, uintptr_t addr, std::size_t size, bool is_write,
                           bool is_atomic, uintptr_t pc, uintptr_t full_addr, std::size_t full_size,
                           bool is_free, bool& traced) {
  const uint64_t cur = g->stamp | Shadow::byte_mask(addr, size) | (is_write ? 0 : kCellRead) |
                       (is_atomic ? kCellAtomic : 0);
  std::atomic<uint64_t>* cells = shadow_cells(addr);
  if (!is_free && covered(cells, cur)) return;
  if (!traced) {
    note_stack_depth(g, full_addr);
    trace_put(g, ev_access(pc, full_addr, full_size, is_write, is_atomic, is_free));
    traced = true;
  }
  check_and_store(g, cells, cur, addr, is_write, is_atomic, pc, full_addr, full_size, is_free);
}

inline void access_range(GState* g, uintptr_t addr, std::size_t size, bool is_write,
                         bool is_atomic, uintptr_t pc, bool is_free = false) {
  if (size == 0) return;
  bool traced = false;
  uintptr_t a = addr, end = addr + size;
  while (a < end) {
    uintptr_t granule_end = (a | (kGranule - 1)) + 1;
    uintptr_t stop = end < granule_end ? end : granule_end;
    granule_access(g, a, stop - a, is_write, is_atomic, pc, addr, size, is_free, traced);
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
  trace_put(g, ev_access(pc, addr, size, is_write, false, false));
  check_and_store(g, cells, cur, addr, is_write, false, pc, addr, size, false);
}

__attribute__((noinline)) void slow_access(uintptr_t addr, unsigned size, bool is_write,
                                           uintptr_t pc) {
  access(addr, size, is_write, pc);
}

// The hot path of a plain access of N bytes: the current state, the cells,
// and the common case that an access of this goroutine in this epoch
// already covers it. Everything else is out of line.
template <unsigned N, bool kWrite>
__attribute__((always_inline)) inline void plain_access(uintptr_t addr, uintptr_t pc) {
  GState* g = tls_cur;
  if (__builtin_expect(g != nullptr && g->slot != nullptr, 1)) {
    // Its own closure: not recorded, and its shadow not even read (a read
    // of untouched shadow commits a page).
    if (__builtin_expect(addr - g->private_lo < g->stack_hi - g->private_lo, 0)) return;
    if constexpr (N < 16) {
      if (__builtin_expect((addr & (kGranule - 1)) + N <= kGranule, 1)) {
        const uint64_t cur = g->stamp | (uint64_t{(1u << N) - 1} << (addr & (kGranule - 1))) |
                             (kWrite ? 0 : kCellRead);
        std::atomic<uint64_t>* cells = shadow_cells(addr);
        if (__builtin_expect(covered(cells, cur), 1)) return;
        return slow_granule(g, cells, cur, addr, N, kWrite, pc);
      }
    } else {
      if (__builtin_expect((addr & 15) == 0, 1)) {  // two granules of one region
        const uint64_t cur = g->stamp | 0xff | (kWrite ? 0 : kCellRead);
        std::atomic<uint64_t>* cells = shadow_cells(addr);
        if (__builtin_expect(covered(cells, cur) && covered(cells + kShadowCells, cur), 1)) return;
      }
    }
  }
  return slow_access(addr, N, kWrite, pc);
}

inline bool mo_acquires(int mo) { return mo == 1 || mo == 2 || mo == 4 || mo == 5; }
inline bool mo_releases(int mo) { return mo == 3 || mo == 4 || mo == 5; }

FenceState* fence_state(GState* g) {
  if (!g->fence) {
    void* p = __libc_malloc(sizeof(FenceState));
    g->fence = new (p) FenceState();
  }
  return g->fence;
}

// Performs an atomic operation on `a` with the happens-before effect of its
// memory order. `op` returns the old value and whether it wrote (a failed
// compare-exchange does not). The operation and its clock work are one step
// under the lock of the address's clock, which every acquiring or releasing
// atomic operation on the address takes: an acquirer that reads a value
// learns the clock released with it, and nothing newer.
// Set once at start-up under a seeded schedule (hooks::set_schedule_point).
void (*g_schedule_point)() = nullptr;

template <class T, class Op>
T atomic_op(volatile T* a, int mo, int failure_mo, bool reads, bool writes, uintptr_t pc, Op op) {
  // First, before any detector state is touched: the goroutine may be
  // switched out here and resume later.
  if (void (*point)() = g_schedule_point) [[unlikely]] point();
  GState* g = ready_state();
  if (!g) return op().first;
  auto addr = reinterpret_cast<uintptr_t>(a);
  const bool fences = ctx->fences_used.load(std::memory_order_relaxed);
  std::pair<T, bool> r;
  bool released = false;
  if (!fences && !(reads && (mo_acquires(mo) || mo_acquires(failure_mo))) &&
      !(writes && mo_releases(mo))) {
    r = op();  // relaxed: no edge
  } else {
    ctx->sync.with_shard(addr, [&](SyncClock* existing, auto make) {
      r = op();
      {
        InternalScope in;  // the clock work only: the check below may report
        const bool wrote = r.second;
        const int eff = wrote ? mo : failure_mo;
        if (wrote && mo_releases(eff)) {
          SyncClock& c = make();
          // A plain store starts a new release sequence; a read-modify-write
          // continues the one it reads from.
          if (!reads) c.reset();
          if (reads && mo_acquires(eff)) acquire_from(g->clock, c);
          release_into(g, c);
          released = true;
        } else {
          if (wrote && fences && g->fence && g->fence->have_release)
            make().acquire(g->fence->at_release_fence);  // relaxed store after a release fence
          if (reads && existing) {
            if (mo_acquires(eff)) acquire_from(g->clock, *existing);
            else if (fences) acquire_from(fence_state(g)->pending_acquire, *existing);
          }
        }
      }
      // Recorded under the same lock: whoever acquires from this operation
      // next (and then, say, frees the memory, as shared_ptr's last owner
      // does) finds the access already in the shadow, ordered before it.
      access_range(g, addr, sizeof(T), r.second, true, pc);
    });
    if (released) after_release(g);
    return r.first;
  }
  access_range(g, addr, sizeof(T), r.second, true, pc);
  if (released) after_release(g);
  return r.first;
}

}  // namespace

void range_access(GState* g, uintptr_t addr, std::size_t size, bool is_write, uintptr_t pc) {
  access_range(g, addr, size, is_write, false, pc);
}

void free_access(GState* g, uintptr_t addr, std::size_t size, uintptr_t pc) {
  access_range(g, addr, size, true, false, pc, true);
}

}  // namespace chansan

using namespace chansan;

#define CS_PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))

extern "C" {

#define CHANSAN_ACCESS(N)                                                                        \
  void __chansan_read##N(void* a) { plain_access<N, false>(reinterpret_cast<uintptr_t>(a), CS_PC); } \
  void __chansan_write##N(void* a) { plain_access<N, true>(reinterpret_cast<uintptr_t>(a), CS_PC); }
CHANSAN_ACCESS(1)
CHANSAN_ACCESS(2)
CHANSAN_ACCESS(4)
CHANSAN_ACCESS(8)
CHANSAN_ACCESS(16)
#undef CHANSAN_ACCESS
#define CHANSAN_UNALIGNED(N)                                                                     \
  void __chansan_unaligned_read##N(void* a) {                                                    \
    plain_access<N, false>(reinterpret_cast<uintptr_t>(a), CS_PC);                               \
  }                                                                                              \
  void __chansan_unaligned_write##N(void* a) {                                                   \
    plain_access<N, true>(reinterpret_cast<uintptr_t>(a), CS_PC);                                \
  }
CHANSAN_UNALIGNED(2)
CHANSAN_UNALIGNED(4)
CHANSAN_UNALIGNED(8)
CHANSAN_UNALIGNED(16)
#undef CHANSAN_UNALIGNED

void __chansan_read_range(void* a, unsigned long size) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(a), size, false, false, CS_PC);
}
void __chansan_write_range(void* a, unsigned long size) {
  if (GState* g = ready_state()) access_range(g, reinterpret_cast<uintptr_t>(a), size, true, false, CS_PC);
}

void __chansan_func_entry(void* caller_pc) {
  GState* g = ready_state();
  if (!g) return;
  if (__builtin_expect(g->depth == g->cap, 0)) grow_frames(g);
  g->frames[g->depth++] = reinterpret_cast<uintptr_t>(caller_pc);
  trace_put(g, ev_enter(reinterpret_cast<uintptr_t>(caller_pc)));
  // Every escaping local of an instrumented function lies above this
  // frame: the stack's shadow down to here is what reuse must clear.
  auto fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (fp < g->stack_low_water) g->stack_low_water = fp;
}

void __chansan_func_exit(void) {
  GState* g = tls_cur;
  if (!g || !g->slot || g->depth == 0) return;
  g->depth--;
  trace_put(g, ev_exit());
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

void __chansan_fences_present() {
  fences_announced.store(true, std::memory_order_relaxed);
  if (ctx) ctx->fences_used.store(true, std::memory_order_relaxed);
}

void __chansan_atomic_thread_fence(int mo) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  GState* g = ready_state();
  if (!g || mo == 0) return;
  ctx->fences_used.store(true, std::memory_order_relaxed);
  FenceState* f = fence_state(g);
  if (mo_acquires(mo)) g->clock.acquire(f->pending_acquire);
  if (mo_releases(mo)) {
    f->at_release_fence.reset();
    release_into(g, f->at_release_fence);
    f->have_release = true;
    after_release(g);
  }
}

}  // extern "C"

namespace {

// 16-byte atomics: performed under a striped lock (the pass routes every
// access of such an atomic here, so they stay atomic with each other).
InternalMutex wide_locks[64];
InternalMutex& wide_lock(const volatile void* a) {
  return wide_locks[(reinterpret_cast<uintptr_t>(a) >> 4) % 64];
}

template <class T>
struct Ops {
  static T load(const volatile T* a) {
    if constexpr (sizeof(T) == 16) {
      std::lock_guard<InternalMutex> l(wide_lock(a));
      return *a;
    } else {
      return __atomic_load_n(a, __ATOMIC_SEQ_CST);
    }
  }
  static void store(volatile T* a, T v) {
    if constexpr (sizeof(T) == 16) {
      std::lock_guard<InternalMutex> l(wide_lock(a));
      *a = v;
    } else {
      __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
    }
  }
  template <class F>
  static T rmw(volatile T* a, F f) {  // returns the old value
    if constexpr (sizeof(T) == 16) {
      std::lock_guard<InternalMutex> l(wide_lock(a));
      T old = *a;
      *a = f(old);
      return old;
    } else {
      T old = __atomic_load_n(a, __ATOMIC_RELAXED);
      while (!__atomic_compare_exchange_n(a, &old, f(old), false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
      }
      return old;
    }
  }
  static T cas(volatile T* a, T expected, T desired) {  // returns the old value
    if constexpr (sizeof(T) == 16) {
      std::lock_guard<InternalMutex> l(wide_lock(a));
      T old = *a;
      if (old == expected) *a = desired;
      return old;
    } else {
      __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
      return expected;
    }
  }
};

}  // namespace

// One-word names for the macro below (the types of chansan_interface.h).
using u8 = unsigned char;
using u16 = unsigned short;
using u32 = unsigned int;
using u64 = unsigned long long;
using u128 = unsigned __int128;

extern "C" {

#define CHANSAN_RMW(N, T, NAME, EXPR)                                                           \
  T __chansan_atomic##N##_##NAME(volatile T* a, T v, int mo) {                                   \
    return atomic_op<T>(a, mo, mo, true, true, CS_PC, [&] {                                      \
      return std::pair<T, bool>(Ops<T>::rmw(a, [&](T o) { return static_cast<T>(EXPR); }), true); \
    });                                                                                          \
  }
#define CHANSAN_ATOMICS(N, T)                                                                    \
  T __chansan_atomic##N##_load(const volatile T* a, int mo) {                                    \
    return atomic_op<T>(const_cast<volatile T*>(a), mo, mo, true, false, CS_PC,                  \
                        [&] { return std::pair<T, bool>(Ops<T>::load(a), false); });             \
  }                                                                                              \
  void __chansan_atomic##N##_store(volatile T* a, T v, int mo) {                                 \
    atomic_op<T>(a, mo, mo, false, true, CS_PC, [&] {                                            \
      Ops<T>::store(a, v);                                                                       \
      return std::pair<T, bool>(T{}, true);                                                      \
    });                                                                                          \
  }                                                                                              \
  CHANSAN_RMW(N, T, exchange, v)                                                                 \
  CHANSAN_RMW(N, T, fetch_add, o + v)                                                            \
  CHANSAN_RMW(N, T, fetch_sub, o - v)                                                            \
  CHANSAN_RMW(N, T, fetch_and, o & v)                                                            \
  CHANSAN_RMW(N, T, fetch_or, o | v)                                                             \
  CHANSAN_RMW(N, T, fetch_xor, o ^ v)                                                            \
  CHANSAN_RMW(N, T, fetch_nand, ~(o & v))                                                        \
  T __chansan_atomic##N##_compare_exchange_val(volatile T* a, T expected, T desired, int smo,   \
                                               int fmo) {                                        \
    return atomic_op<T>(a, smo, fmo, true, true, CS_PC, [&] {                                    \
      T old = Ops<T>::cas(a, expected, desired);                                                 \
      return std::pair<T, bool>(old, old == expected);                                           \
    });                                                                                          \
  }
CHANSAN_ATOMICS(1, u8)
CHANSAN_ATOMICS(2, u16)
CHANSAN_ATOMICS(4, u32)
CHANSAN_ATOMICS(8, u64)
CHANSAN_ATOMICS(16, u128)
#undef CHANSAN_ATOMICS
#undef CHANSAN_RMW

}  // extern "C"

namespace chansan::hooks {
void set_schedule_point(void (*point)()) { g_schedule_point = point; }
}  // namespace chansan::hooks
