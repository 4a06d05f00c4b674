// Interceptors of the C and C++ libraries' other synchronization, beyond
// the mutexes, rwlocks and condition variables of interceptors.cpp: what a
// correct C++ program relies on without writing an atomic itself.
//  - Function-local statics: __cxa_guard_release releases the guard; the
//    compiler's inline check of the guard byte is an acquire load, which the
//    pass instruments as one, and __cxa_guard_acquire returning 0 (another
//    thread finished the initialization meanwhile) acquires it.
//  - pthread_once (std::call_once): the routine's end released, every
//    return acquires.
//  - Condition-variable waits with a clock (pthread_cond_clockwait: what
//    std::condition_variable::wait_for/wait_until use since glibc 2.34),
//    timed and clock mutex and rwlock locks, spin locks.
//  - POSIX semaphores (post before the wait it satisfies) and barriers
//    (every arrival before every departure), as TSan models them.
//  - flockfile/funlockfile: a FILE's lock.
//  - Every call that may block lets the calling thread's slot go while it
//    waits (ThreadBlocked, internal.hpp); sleeps do only that.
// Each edge is keyed on the object's address, like a mutex's.
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "internal.hpp"

// ThreadSanitizer's debugging hooks, defined by the program if at all.
namespace __tsan {
__attribute__((weak)) void OnPotentiallyBlockingRegionBegin();
__attribute__((weak)) void OnPotentiallyBlockingRegionEnd();
}  // namespace __tsan

namespace chansan {
namespace {

// The real functions, resolved at start-up, before any thread but main
// exists: never lazily in an interceptor (a function-local static's guard
// calls back into the interceptors, and dlsym in a forked child, as the
// symbolizer's dup2, can deadlock on a lock held at the fork).
void* real___cxa_guard_acquire = nullptr;
void* real___cxa_guard_release = nullptr;
void* real___cxa_guard_abort = nullptr;
void* real_pthread_once = nullptr;
void* real_nanosleep = nullptr;
void* real_clock_nanosleep = nullptr;
void* real_usleep = nullptr;
void* real_sleep = nullptr;
void* real_sched_yield = nullptr;
void* real_pthread_cond_clockwait = nullptr;
void* real_pthread_barrier_wait = nullptr;
void* real_flockfile = nullptr;
void* real_ftrylockfile = nullptr;
void* real_funlockfile = nullptr;
void* real_pthread_mutex_timedlock = nullptr;
void* real_pthread_mutex_clocklock = nullptr;
void* real_pthread_rwlock_timedrdlock = nullptr;
void* real_pthread_rwlock_timedwrlock = nullptr;
void* real_pthread_rwlock_clockrdlock = nullptr;
void* real_pthread_rwlock_clockwrlock = nullptr;
void* real_pthread_spin_lock = nullptr;
void* real_pthread_spin_trylock = nullptr;
void* real_pthread_spin_unlock = nullptr;
void* real_sem_wait = nullptr;
void* real_sem_trywait = nullptr;
void* real_sem_timedwait = nullptr;
void* real_sem_clockwait = nullptr;
void* real_sem_post = nullptr;


__attribute__((constructor(100))) void resolve_all() {
  struct {
    void** slot;
    const char* name;
  } const all[] = {
      {&real___cxa_guard_acquire, "__cxa_guard_acquire"},
      {&real___cxa_guard_release, "__cxa_guard_release"},
      {&real___cxa_guard_abort, "__cxa_guard_abort"},
      {&real_pthread_once, "pthread_once"},
      {&real_nanosleep, "nanosleep"},
      {&real_clock_nanosleep, "clock_nanosleep"},
      {&real_usleep, "usleep"},
      {&real_sleep, "sleep"},
      {&real_sched_yield, "sched_yield"},
      {&real_pthread_cond_clockwait, "pthread_cond_clockwait"},
      {&real_pthread_barrier_wait, "pthread_barrier_wait"},
      {&real_flockfile, "flockfile"},
      {&real_ftrylockfile, "ftrylockfile"},
      {&real_funlockfile, "funlockfile"},
      {&real_pthread_mutex_timedlock, "pthread_mutex_timedlock"},
      {&real_pthread_mutex_clocklock, "pthread_mutex_clocklock"},
      {&real_pthread_rwlock_timedrdlock, "pthread_rwlock_timedrdlock"},
      {&real_pthread_rwlock_timedwrlock, "pthread_rwlock_timedwrlock"},
      {&real_pthread_rwlock_clockrdlock, "pthread_rwlock_clockrdlock"},
      {&real_pthread_rwlock_clockwrlock, "pthread_rwlock_clockwrlock"},
      {&real_pthread_spin_lock, "pthread_spin_lock"},
      {&real_pthread_spin_trylock, "pthread_spin_trylock"},
      {&real_pthread_spin_unlock, "pthread_spin_unlock"},
      {&real_sem_wait, "sem_wait"},
      {&real_sem_trywait, "sem_trywait"},
      {&real_sem_timedwait, "sem_timedwait"},
      {&real_sem_clockwait, "sem_clockwait"},
      {&real_sem_post, "sem_post"},
  };
  for (const auto& r : all) *r.slot = dlsym(RTLD_NEXT, r.name);
}


// pthread_once's routine takes no argument: the routine to run reaches the
// wrapper through the thread (a routine may itself call pthread_once).
__thread void (*tls_once_routine)() = nullptr;
__thread pthread_once_t* tls_once_object = nullptr;

void once_wrapper() {
  void (*routine)() = tls_once_routine;
  pthread_once_t* o = tls_once_object;
  routine();
  release_obj(o);
}

}  // namespace
}  // namespace chansan

using namespace chansan;

extern "C" {

// The real functions run as the detector's own work: the locks libstdc++ may take
// inside are its own, not edges of the program.
// A thread that finds the static being initialized by another waits in the
// call: it lets its slot go, and calls ThreadSanitizer's hooks of a
// potentially blocking region if the program defines them (tests written
// for TSan order their threads by them). libstdc++'s guard word says
// "initialization in progress" with bit 8.
int __cxa_guard_acquire(uint64_t* guard) {
  auto fn = resolved<int (*)(uint64_t*)>(real___cxa_guard_acquire, "__cxa_guard_acquire");
  constexpr uint32_t kPendingBit = 1u << 8;
  const bool contended = (__atomic_load_n(reinterpret_cast<uint32_t*>(guard), __ATOMIC_RELAXED) & kPendingBit) != 0;
  int rc;
  if (contended) {
    if (__tsan::OnPotentiallyBlockingRegionBegin) __tsan::OnPotentiallyBlockingRegionBegin();
    {
      ThreadBlocked blocked;
      InternalScope in;
      rc = fn(guard);
    }
    if (__tsan::OnPotentiallyBlockingRegionEnd) __tsan::OnPotentiallyBlockingRegionEnd();
  } else {
    InternalScope in;
    rc = fn(guard);
  }
  if (rc == 0) acquire_obj(guard);  // initialized by another thread meanwhile
  return rc;
}

void __cxa_guard_release(uint64_t* guard) {
  auto fn = resolved<void (*)(uint64_t*)>(real___cxa_guard_release, "__cxa_guard_release");
  release_obj(guard);
  InternalScope in;
  fn(guard);
}

void __cxa_guard_abort(uint64_t* guard) {
  auto fn = resolved<void (*)(uint64_t*)>(real___cxa_guard_abort, "__cxa_guard_abort");
  InternalScope in;
  fn(guard);
}

int pthread_once(pthread_once_t* o, void (*routine)()) {
  auto real_fn = resolved<int (*)(pthread_once_t*, void (*)())>(real_pthread_once, "pthread_once");
  if (!tracking()) return real_fn(o, routine);
  void (*saved_routine)() = tls_once_routine;
  pthread_once_t* saved_object = tls_once_object;
  tls_once_routine = routine;
  tls_once_object = o;
  int rc = real_fn(o, once_wrapper);
  tls_once_routine = saved_routine;
  tls_once_object = saved_object;
  acquire_obj(o);
  return rc;
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                           const struct timespec* t) {
  auto real_fn = resolved<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const struct timespec*)>(
      real_pthread_cond_clockwait, "pthread_cond_clockwait");
  release_obj(m);
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(c, m, clock, t);
  }
  acquire_obj(m);  // the mutex is held again, whether woken or timed out
  return rc;
}

#define CS_ACQUIRE_AFTER(NAME, SIG, CALL, OBJ)                        \
  int NAME SIG {                                                      \
    auto real_fn = resolved<decltype(&NAME)>(real_##NAME, #NAME);     \
    int rc;                                                           \
    {                                                                 \
      ThreadBlocked blocked;                                          \
      rc = real_fn CALL;                                              \
    }                                                                 \
    if (rc == 0) acquire_obj(OBJ);                                    \
    return rc;                                                        \
  }
#define CS_RELEASE_BEFORE(NAME, SIG, CALL, OBJ)                       \
  int NAME SIG {                                                      \
    auto real_fn = resolved<decltype(&NAME)>(real_##NAME, #NAME);               \
    release_obj(OBJ);                                                 \
    return real_fn CALL;                                              \
  }

CS_ACQUIRE_AFTER(pthread_mutex_timedlock, (pthread_mutex_t * m, const struct timespec* t), (m, t), m)
CS_ACQUIRE_AFTER(pthread_mutex_clocklock, (pthread_mutex_t * m, clockid_t c, const struct timespec* t),
                 (m, c, t), m)
CS_ACQUIRE_AFTER(pthread_rwlock_timedrdlock, (pthread_rwlock_t * l, const struct timespec* t), (l, t), l)
CS_ACQUIRE_AFTER(pthread_rwlock_timedwrlock, (pthread_rwlock_t * l, const struct timespec* t), (l, t), l)
CS_ACQUIRE_AFTER(pthread_rwlock_clockrdlock, (pthread_rwlock_t * l, clockid_t c, const struct timespec* t),
                 (l, c, t), l)
CS_ACQUIRE_AFTER(pthread_rwlock_clockwrlock, (pthread_rwlock_t * l, clockid_t c, const struct timespec* t),
                 (l, c, t), l)
CS_ACQUIRE_AFTER(pthread_spin_lock, (pthread_spinlock_t * l), (l), const_cast<int*>(l))
CS_ACQUIRE_AFTER(pthread_spin_trylock, (pthread_spinlock_t * l), (l), const_cast<int*>(l))
CS_RELEASE_BEFORE(pthread_spin_unlock, (pthread_spinlock_t * l), (l), const_cast<int*>(l))
CS_ACQUIRE_AFTER(sem_wait, (sem_t * s), (s), s)
CS_ACQUIRE_AFTER(sem_trywait, (sem_t * s), (s), s)
CS_ACQUIRE_AFTER(sem_timedwait, (sem_t * s, const struct timespec* t), (s, t), s)
CS_ACQUIRE_AFTER(sem_clockwait, (sem_t * s, clockid_t c, const struct timespec* t), (s, c, t), s)
CS_RELEASE_BEFORE(sem_post, (sem_t * s), (s), s)
#undef CS_ACQUIRE_AFTER
#undef CS_RELEASE_BEFORE

int pthread_barrier_wait(pthread_barrier_t* b) {
  auto real_fn = resolved<int (*)(pthread_barrier_t*)>(real_pthread_barrier_wait, "pthread_barrier_wait");
  release_obj(b);
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(b);
  }
  acquire_obj(b);
  return rc;
}

// Sleeps make no edge; a sleeping thread lets its slot go.
int nanosleep(const struct timespec* req, struct timespec* rem) {
  auto real_fn = resolved<int (*)(const struct timespec*, struct timespec*)>(real_nanosleep, "nanosleep");
  ThreadBlocked blocked;
  return real_fn(req, rem);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req, struct timespec* rem) {
  auto real_fn = resolved<int (*)(clockid_t, int, const struct timespec*, struct timespec*)>(
      real_clock_nanosleep, "clock_nanosleep");
  ThreadBlocked blocked;
  return real_fn(clock, flags, req, rem);
}

// glibc's usleep and sleep call its nanosleep directly, past the
// interceptor above.
int usleep(useconds_t us) {
  auto real_fn = resolved<int (*)(useconds_t)>(real_usleep, "usleep");
  ThreadBlocked blocked;
  return real_fn(us);
}

unsigned int sleep(unsigned int s) {
  auto real_fn = resolved<unsigned int (*)(unsigned int)>(real_sleep, "sleep");
  ThreadBlocked blocked;
  return real_fn(s);
}

// A thread spinning on a flag it yields over (a hand-made barrier or spin
// lock) lets its slot go too: with more such threads than slots, those
// without one would otherwise wait for a slot for ever, and the spinners
// for them.
int sched_yield() {
  auto real_fn = resolved<int (*)()>(real_sched_yield, "sched_yield");
  ThreadBlocked blocked;
  return real_fn();
}

void flockfile(FILE* f) {
  auto real_fn = resolved<void (*)(FILE*)>(real_flockfile, "flockfile");
  real_fn(f);
  acquire_obj(f);
}

int ftrylockfile(FILE* f) {
  auto real_fn = resolved<int (*)(FILE*)>(real_ftrylockfile, "ftrylockfile");
  int rc = real_fn(f);
  if (rc == 0) acquire_obj(f);
  return rc;
}

void funlockfile(FILE* f) {
  auto real_fn = resolved<void (*)(FILE*)>(real_funlockfile, "funlockfile");
  release_obj(f);
  real_fn(f);
}

}  // extern "C"
