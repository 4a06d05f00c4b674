// Interceptors: the C library functions whose effect the detector must see
// even though they are not instrumented.
//  - malloc/free and friends, operator new/delete: a block's shadow is
//    cleared when it is allocated (memory reused never races with its past),
//    a free is checked as a write of the block (a free racing with an access
//    is reported) and leaves a freed mark in its first granules: an access
//    after the free is reported, as a race with the free if unordered, as
//    a heap-use-after-free if ordered after it (as TSan does). Blocks glibc
//    serves by mmap are unmapped by free and their addresses may come back
//    as memory malloc never sees (a thread's stack): those keep only the
//    free as a plain write, which reports unordered accesses alone.
//    Allocation stacks are kept for reports (heap.hpp).
//  - pthread_create/join: the creation and join edges of OS threads.
//  - pthread mutexes, rwlocks and condition variables (std::mutex,
//    std::shared_mutex, std::condition_variable): lock/unlock edges, so C++
//    code that synchronizes with them is not reported.
// The detector's own allocations and locks pass straight through
// (tls_internal): they create no edge and record nothing.
#include <dlfcn.h>
#include <x86intrin.h>
#include <unwind.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "internal_mutex.hpp"
#include <new>

#include "blocking.hpp"
#include "heap.hpp"
#include "internal.hpp"
#include "internal_alloc.hpp"
#include "stack_depot.hpp"

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}


namespace chansan {
namespace {

constexpr std::size_t kFreeCheckBytes = 4096;  // as TSan: check and mark the first part of a block



void on_alloc(void* p, std::size_t n, uintptr_t pc) {
  if (!p || !tracking()) return;
  GState* g = cur();
  InternalScope in;
  auto a = reinterpret_cast<uintptr_t>(p);
  ctx->shadow.clear(a, n ? n : 1);
  HeapBlock b;
  b.size = n;
  b.stack = capture_stack(g, pc);
  b.goid = g ? g->goid : 0;
  heap_add(a, b);
}

// glibc keeps a chunk's size word just before the block; its bit 1
// (IS_MMAPPED) marks a block served by its own mmap, which free unmaps.
bool chunk_is_mmapped(const void* p) { return (static_cast<const std::size_t*>(p)[-1] & 2) != 0; }

void on_free(void* p, uintptr_t pc) {
  if (!p || !tracking()) return;
  auto a = reinterpret_cast<uintptr_t>(p);
  HeapBlock b;
  bool known;
  {
    InternalScope in;
    known = heap_remove(a, b);
  }
  if (!known) return;  // allocated before start-up or by the detector
  std::size_t n = b.size ? b.size : 1;
  if (tls_invisible) {  // the runtime's work on user values: forget, do not check
    forget_memory(a, n);
    return;
  }
  locks_forget(a, n);
  std::size_t checked = n < kFreeCheckBytes ? n : kFreeCheckBytes;
  if (GState* g = ready_state()) {
    free_access(g, a, checked, pc);
    InternalScope in;
    // The free stays visible as a write of the first granules: cell 0
    // takes it before the other cells are forgotten, so from the check on
    // the free's write is in some cell at every instant. (Clearing first
    // and storing after left a window where an unordered read found the
    // granule empty, and the store then overwrote the read: a miss, 1 run
    // in ~10 of race/shape_free_reuse -DRACY.)
    const uintptr_t first = a & ~(kGranule - 1);
    const uintptr_t end = a + checked;
    const uint64_t mark = chunk_is_mmapped(p) ? Shadow::access(g->sid, g->epoch, first, kGranule, false, false).raw()
                                              : Shadow::freed(g->sid, g->epoch).raw();
    uintptr_t x = first;
    for (; x < end; x += kGranule) {
      std::atomic<uint64_t>* c = ctx->shadow.cells(x);
      c[0].store(mark, std::memory_order_relaxed);
      for (int k = 1; k < kShadowCells; k++) c[k].store(0, std::memory_order_relaxed);
    }
    if (a + n > x) ctx->shadow.clear(x, a + n - x);
    ctx->sync.erase_range(a, n);
  }
}

// Where pthread_create was called. The shadow call stack lacks the frames
// between the instrumented caller and here (std::thread's constructor calls
// pthread_create from libstdc++), so the stack is unwound from the call up
// to the shadow stack's innermost return address, then the shadow stack
// goes on from there. Thread creation is rare: the unwind is affordable.
struct Unwound {
  uintptr_t pcs[kDepotFrames];
  std::size_t n = 0;
  uintptr_t from = 0;  // skip frames up to this return address (the detector's own)
  bool started = false;
};

_Unwind_Reason_Code unwind_frame(_Unwind_Context* c, void* arg) {
  auto* u = static_cast<Unwound*>(arg);
  auto ip = static_cast<uintptr_t>(_Unwind_GetIP(c));
  if (ip == 0) return _URC_END_OF_STACK;
  if (!u->started) {
    u->started = ip == u->from;
    if (!u->started) return _URC_NO_REASON;
  }
  u->pcs[u->n++] = ip;
  return u->n < 16 ? _URC_NO_REASON : _URC_END_OF_STACK;
}

uint32_t creation_stack(GState* g, uintptr_t pc) {
  InternalScope in;
  Unwound u;
  u.from = pc;
  _Unwind_Backtrace(unwind_frame, &u);
  if (u.n == 0) return capture_stack(g, pc);
  const uintptr_t shadow_top = g->depth ? g->frames[g->depth - 1] : 0;
  std::size_t k = 0;
  while (k < u.n && u.pcs[k] != shadow_top) k++;
  if (k == u.n) return depot_put(u.pcs, u.n);  // never met the shadow stack: the unwound frames
  k += shadow_stack(g, 0, u.pcs + k, kDepotFrames - k);
  return depot_put(u.pcs, k);
}

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

struct ThreadStart {
  void* (*fn)(void*);
  void* arg;
  uint32_t create_stack;  // where pthread_create was called, for reports
  uint64_t goid;          // its id: thread T<n> in creation order
};

// The thread's end: released under thread_sync_key(pthread_self()) for
// pthread_join, then the thread's state goes. Runs when the start routine
// returns and when the thread ends by pthread_exit (unwinding).
struct ThreadEnd {
  ~ThreadEnd() {
    if (initialized.load()) {
      if (GState* g = ready_state()) {
        sync_release(g, thread_sync_key(reinterpret_cast<uintptr_t>(pthread_self())));
        hooks::goroutine_free(reinterpret_cast<hooks::GoroutineState*>(g));
      }
    }
    heap_thread_exit();
    user_thread_exited();
  }
};

void* thread_trampoline(void* p) {
  ThreadStart ts = *static_cast<ThreadStart*>(p);
  user_thread_running();
  ThreadEnd on_end;
  if (initialized.load()) {
    GState* g = tls_cur = make_thread_state(ts.goid);
    g->create_stack = ts.create_stack;
    sync_acquire(g, reinterpret_cast<uintptr_t>(p));  // edge: pthread_create before the thread
    InternalScope in;
    ctx->sync.erase(reinterpret_cast<uintptr_t>(p));
    // An earlier thread with the same id that was detached, never joined.
    ctx->sync.erase(thread_sync_key(reinterpret_cast<uintptr_t>(pthread_self())));
  }
  __libc_free(p);
  return ts.fn(ts.arg);
}

}  // namespace

void forget_memory(uintptr_t a, std::size_t n) {
  InternalScope in;
  locks_forget(a, n);
  ctx->shadow.clear(a, n);
  ctx->sync.erase_range(a, n);
}

}  // namespace chansan

using namespace chansan;

extern "C" {

// The detector's own allocations (tls_internal) come from its own heap
// (internal_alloc.hpp); a block goes back to the heap it came from.
void* malloc(size_t n) {
  if (tls_internal) return internal_alloc(n);
  void* p = __libc_malloc(n);
  on_alloc(p, n, CS_PC);
  return p;
}

void free(void* p) {
  if (internal_owns(p)) return internal_free(p);
  on_free(p, CS_PC);
  __libc_free(p);
}

void* calloc(size_t n, size_t size) {
  if (tls_internal) {
    if (size && n > static_cast<size_t>(-1) / size) return nullptr;
    void* p = internal_alloc(n * size);
    std::memset(p, 0, n * size);  // a reused block is not zero
    return p;
  }
  void* p = __libc_calloc(n, size);
  on_alloc(p, n * size, CS_PC);
  return p;
}

void* realloc(void* p, size_t n) {
  if (internal_owns(p)) return internal_realloc(p, n);
  if (!p) {
    if (tls_internal) return internal_alloc(n);
    void* q = __libc_malloc(n);
    on_alloc(q, n, CS_PC);
    return q;
  }
  if (!tracking()) return __libc_realloc(p, n);
  on_free(p, CS_PC);  // realloc may move the block: its old contents are gone either way
  void* q = __libc_realloc(p, n);
  on_alloc(q, n, CS_PC);
  return q;
}

int posix_memalign(void** out, size_t align, size_t n) {
  void* p = tls_internal ? internal_alloc(n, align) : __libc_memalign(align, n);
  if (!p) return ENOMEM;
  if (!tls_internal) on_alloc(p, n, CS_PC);
  *out = p;
  return 0;
}

void* aligned_alloc(size_t align, size_t n) {
  if (tls_internal) return internal_alloc(n, align);
  void* p = __libc_memalign(align, n);
  on_alloc(p, n, CS_PC);
  return p;
}

void* memalign(size_t align, size_t n) {
  if (tls_internal) return internal_alloc(n, align);
  void* p = __libc_memalign(align, n);
  on_alloc(p, n, CS_PC);
  return p;
}

// Unmapped memory is forgotten, as freed memory is but with no mark: the
// same addresses may come back from a later mmap as new memory, and what
// was done to the old mapping is no race with what is done to the new.
int munmap(void* addr, size_t len) {
  int rc = static_cast<int>(syscall(SYS_munmap, addr, len));
  if (rc == 0 && len > 0 && tracking()) {
    const std::size_t page = 4096;
    forget_memory(reinterpret_cast<uintptr_t>(addr), (len + page - 1) & ~(page - 1));
  }
  return rc;
}

int pthread_create(pthread_t* th, const pthread_attr_t* attr, void* (*fn)(void*), void* arg) {
  static auto real_create =
      real<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)>("pthread_create");
  if (!tracking()) return real_create(th, attr, fn, arg);
  auto* ts = static_cast<ThreadStart*>(__libc_malloc(sizeof(ThreadStart)));
  ts->fn = fn;
  ts->arg = arg;
  ts->create_stack = 0;
  ts->goid = next_user_thread_goid();
  if (GState* g = ready_state()) {
    ts->create_stack = creation_stack(g, CS_PC);
    sync_release(g, reinterpret_cast<uintptr_t>(ts));
  }
  user_thread_started();
  int rc = real_create(th, attr, thread_trampoline, ts);
  if (rc != 0) {
    user_thread_not_started();
    __libc_free(ts);
  }
  return rc;
}

int pthread_join(pthread_t th, void** ret) {
  static auto real_join = real<int (*)(pthread_t, void**)>("pthread_join");
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_join(th, ret);
  }
  if (rc == 0 && tracking()) {
    if (GState* g = ready_state()) {
      const uintptr_t key = thread_sync_key(static_cast<uintptr_t>(th));
      sync_acquire(g, key);
      InternalScope in;
      ctx->sync.erase(key);
    }
  }
  return rc;
}

// A lock (taken: acquire after), an unlock (release before), and a wait on
// a condition variable (its mutex is unlocked, then locked again). A lock
// that is not free at once is waited for with the slot let go
// (ThreadBlocked).
// Tries before a busy lock is slept on. The checks make critical sections
// several times longer, so two threads meet on a program's lock far more
// often than uninstrumented; sleeping on each meeting costs a futex wait and
// wake (two syscalls, two context switches) per item passed. A short spin
// keeps the holder's unlock a plain store, as glibc's adaptive mutexes do.
constexpr int kLockSpinTries = 100;
#define CS_LOCK_INTERCEPTOR(NAME, TRY, T, MODE)                                          \
  int NAME(T* m) {                                                                       \
    static auto real_fn = real<int (*)(T*)>(#NAME);                                      \
    static auto real_try = real<int (*)(T*)>(#TRY);                                      \
    int rc = real_try(m);                                                                \
    for (int spin = 0; rc == EBUSY && spin < kLockSpinTries; spin++) {                   \
      __builtin_ia32_pause();                                                            \
      rc = real_try(m);                                                                  \
    }                                                                                    \
    if (rc == EBUSY) {                                                                   \
      program_lock_wanted(m, MODE, CS_PC);                                               \
      ThreadBlocked blocked;                                                             \
      rc = real_fn(m);                                                                   \
    }                                                                                    \
    if (rc == 0) program_lock_acquired(m, MODE, CS_PC);                                  \
    return rc;                                                                           \
  }
#define CS_TRYLOCK_INTERCEPTOR(NAME, T, MODE)                                            \
  int NAME(T* m) {                                                                       \
    static auto real_fn = real<int (*)(T*)>(#NAME);                                      \
    int rc = real_fn(m);                                                                 \
    if (rc == 0) program_lock_acquired(m, MODE, CS_PC);                                  \
    return rc;                                                                           \
  }
#define CS_UNLOCK_INTERCEPTOR(NAME, T)                                                   \
  int NAME(T* m) {                                                                       \
    static auto real_fn = real<int (*)(T*)>(#NAME);                                      \
    program_lock_released(m);                                                            \
    return real_fn(m);                                                                   \
  }
CS_LOCK_INTERCEPTOR(pthread_mutex_lock, pthread_mutex_trylock, pthread_mutex_t, hooks::LockMode::exclusive)
CS_TRYLOCK_INTERCEPTOR(pthread_mutex_trylock, pthread_mutex_t, hooks::LockMode::exclusive)
CS_LOCK_INTERCEPTOR(pthread_rwlock_rdlock, pthread_rwlock_tryrdlock, pthread_rwlock_t, hooks::LockMode::shared)
CS_TRYLOCK_INTERCEPTOR(pthread_rwlock_tryrdlock, pthread_rwlock_t, hooks::LockMode::shared)
CS_LOCK_INTERCEPTOR(pthread_rwlock_wrlock, pthread_rwlock_trywrlock, pthread_rwlock_t, hooks::LockMode::exclusive)
CS_TRYLOCK_INTERCEPTOR(pthread_rwlock_trywrlock, pthread_rwlock_t, hooks::LockMode::exclusive)
CS_UNLOCK_INTERCEPTOR(pthread_mutex_unlock, pthread_mutex_t)
CS_UNLOCK_INTERCEPTOR(pthread_rwlock_unlock, pthread_rwlock_t)
#undef CS_TRYLOCK_INTERCEPTOR
#undef CS_LOCK_INTERCEPTOR
#undef CS_UNLOCK_INTERCEPTOR

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  static auto real_fn = real<int (*)(pthread_cond_t*, pthread_mutex_t*)>("pthread_cond_wait");
  release_obj(m);  // the wait gives the mutex up inside: an edge, no change of holder
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(c, m);
  }
  acquire_obj(m);
  return rc;
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t) {
  static auto real_fn = real<int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*)>(
      "pthread_cond_timedwait");
  release_obj(m);  // the wait gives the mutex up inside: an edge, no change of holder
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(c, m, t);
  }
  acquire_obj(m);
  return rc;
}

}  // extern "C"

// C++ allocation functions: the same bookkeeping as malloc/free.
namespace {
void* cs_new(std::size_t n, uintptr_t pc, bool nothrow, std::size_t align = 0) {
  if (tls_internal) return internal_alloc(n ? n : 1, align);
  void* p = align > alignof(std::max_align_t) ? __libc_memalign(align, n ? n : 1)
                                               : __libc_malloc(n ? n : 1);
  if (!p) {
    if (nothrow) return nullptr;
    throw std::bad_alloc();
  }
  on_alloc(p, n, pc);
  return p;
}
void cs_delete(void* p, uintptr_t pc) {
  if (internal_owns(p)) return internal_free(p);
  on_free(p, pc);
  __libc_free(p);
}
}  // namespace

void* operator new(std::size_t n) { return cs_new(n, CS_PC, false); }
void* operator new[](std::size_t n) { return cs_new(n, CS_PC, false); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return cs_new(n, CS_PC, true); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return cs_new(n, CS_PC, true); }
void* operator new(std::size_t n, std::align_val_t a) {
  return cs_new(n, CS_PC, false, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return cs_new(n, CS_PC, false, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { cs_delete(p, CS_PC); }
void operator delete[](void* p) noexcept { cs_delete(p, CS_PC); }
void operator delete(void* p, std::size_t) noexcept { cs_delete(p, CS_PC); }
void operator delete[](void* p, std::size_t) noexcept { cs_delete(p, CS_PC); }
void operator delete(void* p, std::align_val_t) noexcept { cs_delete(p, CS_PC); }
void operator delete[](void* p, std::align_val_t) noexcept { cs_delete(p, CS_PC); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { cs_delete(p, CS_PC); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { cs_delete(p, CS_PC); }
