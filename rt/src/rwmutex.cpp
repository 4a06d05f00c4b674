// csp::rwmutex: Go's sync.RWMutex algorithm. A writer announces itself by
// making reader_count negative, which blocks new readers, then waits for the
// readers already inside (reader_wait) to leave.
//
// Invariants:
//  - reader_count = readers inside or waiting, minus kMaxReaders while a
//    writer holds or awaits the lock.
//  - Unlock releases the writers' mutex first and re-admits readers last:
//    a reader arriving after the re-admission passes without waiting and
//    may free the rwmutex at once, so nothing may follow that add except a
//    semaphore release for readers still blocked (who cannot return before
//    it). Go's order (admit, then unlock w) relies on its GC. A writer that
//    takes w in between waits for the add to land.
#include "csp/detail/core.hpp"
#include "csp/panic.hpp"
#include "hb.hpp"
#include "parking_lot.hpp"
#include "platform/os.hpp"
#include "sched.hpp"
#include "wf.hpp"
#include "schedule.hpp"

namespace csp::detail {

// mutex.cpp: the lock without the deadlock detector's bookkeeping.
bool mutex_try_lock_impl(std::atomic<uint32_t>* state) noexcept;
void mutex_lock_impl(std::atomic<uint32_t>* state, const void* pc, rt::WaitReason reason,
                     const void* obj);
void mutex_unlock_impl(std::atomic<uint32_t>* state);

namespace {

constexpr int32_t kMaxReaders = 1 << 30;

// Sync keys: readers do not order each other, so lock_shared acquires only
// what writers released (the state itself), and unlock_shared releases into
// a separate key that only lock acquires.
const void* writer_key(rwmutex_state* s) { return &s->w; }
const void* readers_key(rwmutex_state* s) { return &s->reader_wait; }

// A writer that got the lock: every unlock and unlock_shared before it
// happens before.
void writer_acquired(rwmutex_state* s) {
  rt::G* self = rt::current_g();
  rt::hb::acquire(self, writer_key(s));   // edge: unlock before lock
  rt::hb::acquire(self, readers_key(s));  // edge: unlock_shared before lock
}

}  // namespace

__attribute__((noinline)) void rw_lock_shared(rwmutex_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  if (s->reader_count.fetch_add(1, std::memory_order_acq_rel) < 0)
    rt::sema_acquire(&s->reader_sem, rt::WaitReason::rwmutex_rlock, pc, s);
  rt::hb::acquire(rt::current_g(), writer_key(s));  // edge: unlock before lock_shared
  rt::wf::lock_acquired(rt::current_g(), s, rt::wf::LockMode::shared, pc);
}

bool rw_try_lock_shared(rwmutex_state* s) noexcept {
  int32_t c = s->reader_count.load(std::memory_order_relaxed);
  for (;;) {
    if (c < 0) return false;
    if (s->reader_count.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) {
      rt::hb::acquire(rt::current_g(), writer_key(s));  // edge: unlock before lock_shared
      rt::wf::lock_acquired(rt::current_g(), s, rt::wf::LockMode::shared, __builtin_return_address(0));
      return true;
    }
  }
}

void rw_unlock_shared(rwmutex_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  rt::wf::lock_released(rt::current_g(), s, rt::wf::LockMode::shared);
  rt::hb::release(rt::current_g(), readers_key(s));  // edge: unlock_shared before the next lock
  int32_t r = s->reader_count.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (r >= 0) return;
  if (r + 1 == 0 || r + 1 == -kMaxReaders) {
    s->reader_count.fetch_add(1);
    throw csp::panic("sync: unlock of unlocked mutex");
  }
  // A writer is pending; the last reader out lets it in.
  if (s->reader_wait.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) rt::sema_release(&s->writer_sem, 1);
}

__attribute__((noinline)) void rw_lock(rwmutex_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  const void* pc = __builtin_return_address(0);
  mutex_lock_impl(&s->w, pc, rt::WaitReason::rwmutex_lock, s);
  // Owning w is holding the lock, for the deadlock detector: later writers
  // and new readers wait for this goroutine from here on.
  rt::wf::lock_acquired(rt::current_g(), s, rt::wf::LockMode::exclusive, pc);
  // The previous writer may have released w but not yet re-admitted
  // readers (rw_unlock); only its pending add keeps the count negative.
  for (unsigned spins = 0; s->reader_count.load(std::memory_order_acquire) < 0; spins++) {
    if (spins < 64) {
      rt::os::cpu_relax();
    } else {
      rt::os::thread_yield();
    }
  }
  int32_t r = s->reader_count.fetch_sub(kMaxReaders, std::memory_order_acq_rel);
  if (r != 0 && s->reader_wait.fetch_add(r, std::memory_order_acq_rel) + r != 0)
    rt::sema_acquire(&s->writer_sem, rt::WaitReason::rwmutex_lock_readers, pc, s);
  writer_acquired(s);
}

bool rw_try_lock(rwmutex_state* s) noexcept {
  if (!mutex_try_lock_impl(&s->w)) return false;
  int32_t zero = 0;
  if (!s->reader_count.compare_exchange_strong(zero, -kMaxReaders, std::memory_order_acq_rel)) {
    mutex_unlock_impl(&s->w);
    return false;
  }
  writer_acquired(s);
  rt::wf::lock_acquired(rt::current_g(), s, rt::wf::LockMode::exclusive, __builtin_return_address(0));
  return true;
}

void rw_unlock(rwmutex_state* s) {
  rt::schedule::point();  // api.md §4.2: a scheduling point
  if (s->reader_count.load(std::memory_order_relaxed) >= 0)
    throw csp::panic("sync: unlock of unlocked mutex");
  rt::wf::lock_released(rt::current_g(), s, rt::wf::LockMode::exclusive);
  rt::hb::release(rt::current_g(), writer_key(s));  // edge: unlock before the next lock(_shared)
  mutex_unlock_impl(&s->w);
  int32_t r = s->reader_count.fetch_add(kMaxReaders, std::memory_order_acq_rel) + kMaxReaders;
  if (r > 0) rt::sema_release(&s->reader_sem, static_cast<uint32_t>(r));
}

}  // namespace csp::detail
