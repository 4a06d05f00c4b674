// The program's atomic operations and fences (chansan_interface.h), with
// the happens-before effect of their memory orders (detector/DESIGN.md,
// "Edges"): an acquiring load joins the address's clock, a releasing store
// replaces it (a new release sequence), a releasing read-modify-write joins
// into it; relaxed operations make no edge unless a fence pairs with them.
//
// Invariants:
//  - An operation and its clock work are one step under the lock of the
//    address's clock shard: an acquirer that reads a value learns the clock
//    released with it, and nothing newer.
//  - The operation's access is recorded in the shadow under the same lock,
//    so whoever acquires from it next finds it there.
//  - Memory orders arrive as the C ABI's ints (__ATOMIC_*: 0 relaxed,
//    1 consume, 2 acquire, 3 release, 4 acq_rel, 5 seq_cst).
#include <new>
#include <utility>

#include "chansan_interface.h"
#include "internal.hpp"

extern "C" void* __libc_malloc(size_t);

namespace chansan {
namespace {

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

// A load done optimistically (SyncMap::load_acquire): a polled flag or
// counter read by several threads at once would otherwise take the
// address's lock, and move its line between cores, on every read. Twice
// at most; then the locked way. `into` is the goroutine's clock (an
// acquiring load) or, once the program uses fences, what its next acquire
// fence will learn (a relaxed load).
template <class T, class Op>
bool try_load_unlocked(uintptr_t addr, std::pair<T, bool>& r, Op& op, VectorClock& into,
                       uint64_t* version = nullptr) {
  Epoch copy[kSlots];
  for (int attempt = 0; attempt < 2; attempt++) {
    int n = 0;
    if (ctx->sync.load_acquire(addr, [&] { r = op(); }, copy, &n, version)) {
      if (n > 0) into.acquire(copy, n);
      return true;
    }
  }
  return false;
}

// A relaxed load once fences are in use: its clock goes to what the next
// acquire fence learns. Polling loops (a semaphore's spin, a queue's
// indices) do this tens of times per item; if the address's clock is
// the one last put there, only the load is done.
template <class T, class Op>
bool try_relaxed_load_unlocked(GState* g, uintptr_t addr, std::pair<T, bool>& r, Op& op) {
  FenceState* f = fence_state(g);
  FenceState::Seen& seen = f->seen_for(addr);
  if (seen.addr == addr && ctx->sync.load_if_unchanged(addr, seen.version, [&] { r = op(); })) return true;
  uint64_t version = 0;
  if (!try_load_unlocked(addr, r, op, f->pending_acquire, &version)) return false;
  seen = {addr, version};
  return true;
}

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
  // A relaxed store makes no edge unless a release fence came before it.
  const bool plain_store = !reads && !(g->fence && g->fence->have_release);
  if ((!fences || plain_store) && !(reads && (mo_acquires(mo) || mo_acquires(failure_mo))) &&
      !(writes && mo_releases(mo))) {
    r = op();  // relaxed: no edge
  } else if (!writes && (mo_acquires(mo) ? try_load_unlocked(addr, r, op, g->clock)
                                         : try_relaxed_load_unlocked(g, addr, r, op))) {
    // a load, done without the lock: nothing to record under it
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
          // The clock is now this goroutine's own, which its relaxed loads
          // have nothing to learn from: a producer's next relaxed load of
          // its own index need not copy it.
          if (!reads && g->fence) g->fence->seen_for(addr) = {addr, ctx->sync.version_at_unlock(addr)};
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
      atomic_access(g, addr, sizeof(T), r.second, pc);
    });
    if (released) after_release(g);
    return r.first;
  }
  atomic_access(g, addr, sizeof(T), r.second, pc);
  if (released) after_release(g);
  return r.first;
}

}  // namespace
}  // namespace chansan

using namespace chansan;

extern "C" {

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
      InternalLock l(wide_lock(a));
      return *a;
    } else {
      return __atomic_load_n(a, __ATOMIC_SEQ_CST);
    }
  }
  // A seq_cst store as one (an xchg on x86); any other as a release store,
  // at least as strong as asked and a plain move on x86.
  static void store(volatile T* a, T v, int mo) {
    if constexpr (sizeof(T) == 16) {
      InternalLock l(wide_lock(a));
      *a = v;
    } else if (mo == __ATOMIC_SEQ_CST) {
      __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
    } else {
      __atomic_store_n(a, v, __ATOMIC_RELEASE);
    }
  }
  // The read-modify-writes the hardware does in one instruction (lock xadd,
  // xchg, ...): a compare-exchange loop retries under contention, and the
  // program's counters are contended.
  static T fetch_add(volatile T* a, T v) { return native(a, v, [](volatile T* p, T x) { return __atomic_fetch_add(p, x, __ATOMIC_SEQ_CST); }, [](T o, T x) { return static_cast<T>(o + x); }); }
  static T fetch_sub(volatile T* a, T v) { return native(a, v, [](volatile T* p, T x) { return __atomic_fetch_sub(p, x, __ATOMIC_SEQ_CST); }, [](T o, T x) { return static_cast<T>(o - x); }); }
  static T fetch_and(volatile T* a, T v) { return native(a, v, [](volatile T* p, T x) { return __atomic_fetch_and(p, x, __ATOMIC_SEQ_CST); }, [](T o, T x) { return static_cast<T>(o & x); }); }
  static T fetch_or(volatile T* a, T v) { return native(a, v, [](volatile T* p, T x) { return __atomic_fetch_or(p, x, __ATOMIC_SEQ_CST); }, [](T o, T x) { return static_cast<T>(o | x); }); }
  static T fetch_xor(volatile T* a, T v) { return native(a, v, [](volatile T* p, T x) { return __atomic_fetch_xor(p, x, __ATOMIC_SEQ_CST); }, [](T o, T x) { return static_cast<T>(o ^ x); }); }
  static T exchange(volatile T* a, T v) { return native(a, v, [](volatile T* p, T x) { return __atomic_exchange_n(p, x, __ATOMIC_SEQ_CST); }, [](T, T x) { return x; }); }
  static T fetch_nand(volatile T* a, T v) { return rmw(a, [&](T o) { return static_cast<T>(~(o & v)); }); }

  template <class Native, class F>
  static T native(volatile T* a, T v, Native op, F f) {
    if constexpr (sizeof(T) == 16) return rmw(a, [&](T o) { return f(o, v); });
    else return op(a, v);
  }
  template <class F>
  static T rmw(volatile T* a, F f) {  // returns the old value
    if constexpr (sizeof(T) == 16) {
      InternalLock l(wide_lock(a));
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
      InternalLock l(wide_lock(a));
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

#define CHANSAN_RMW(N, T, NAME)                                                                 \
  T __chansan_atomic##N##_##NAME(volatile T* a, T v, int mo) {                                   \
    return atomic_op<T>(a, mo, mo, true, true, CS_PC,                                            \
                        [&] { return std::pair<T, bool>(Ops<T>::NAME(a, v), true); });           \
  }
#define CHANSAN_ATOMICS(N, T)                                                                    \
  T __chansan_atomic##N##_load(const volatile T* a, int mo) {                                    \
    return atomic_op<T>(const_cast<volatile T*>(a), mo, mo, true, false, CS_PC,                  \
                        [&] { return std::pair<T, bool>(Ops<T>::load(a), false); });             \
  }                                                                                              \
  void __chansan_atomic##N##_store(volatile T* a, T v, int mo) {                                 \
    atomic_op<T>(a, mo, mo, false, true, CS_PC, [&] {                                            \
      Ops<T>::store(a, v, mo);                                                                   \
      return std::pair<T, bool>(T{}, true);                                                      \
    });                                                                                          \
  }                                                                                              \
  CHANSAN_RMW(N, T, exchange)                                                                    \
  CHANSAN_RMW(N, T, fetch_add)                                                                   \
  CHANSAN_RMW(N, T, fetch_sub)                                                                   \
  CHANSAN_RMW(N, T, fetch_and)                                                                   \
  CHANSAN_RMW(N, T, fetch_or)                                                                    \
  CHANSAN_RMW(N, T, fetch_xor)                                                                   \
  CHANSAN_RMW(N, T, fetch_nand)                                                                  \
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
