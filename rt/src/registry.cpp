// Goroutine registry and thread Gs; see registry.hpp for the invariants.
#include "registry.hpp"

#include "fiber_hooks.hpp"

#include <atomic>

#include "platform/os.hpp"
#include "spinlock.hpp"
#include "wf.hpp"

namespace csp::rt {

struct ThreadParker {
  std::atomic<uint32_t> token{0};  // 1: an unpark is pending
};

namespace {

struct Registry {
  SpinLock lock;
  G* head CSP_GUARDED_BY(lock) = nullptr;
  G* thread_gs CSP_GUARDED_BY(lock) = nullptr;  // linked through all_next
  std::atomic<int> live{0};
  std::atomic<uint64_t> next_id{2};  // 1 is main
};
Registry& reg() {
  static Registry* r = [] {
    wf::RuntimeOwned own;  // links every G: never a path to user objects
    return new Registry;   // never destroyed
  }();
  return *r;
}

}  // namespace

void registry_add(G* g) {
  Registry& r = reg();
  if (g->system) {  // the runtime's own: not a goroutine of the program
    static std::atomic<uint64_t> next_system_id{uint64_t{1} << 48};
    g->id = next_system_id.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (g->id == 0) g->id = r.next_id.fetch_add(1, std::memory_order_relaxed);
  r.live.fetch_add(1, std::memory_order_relaxed);
  SpinGuard l(r.lock);
  g->all_prev = nullptr;
  g->all_next = r.head;
  if (r.head) r.head->all_prev = g;
  r.head = g;
}

void registry_remove(G* g) {
  Registry& r = reg();
  if (g->system) return;
  {
    SpinGuard l(r.lock);
    if (g->all_prev) {
      g->all_prev->all_next = g->all_next;
    } else {
      r.head = g->all_next;
    }
    if (g->all_next) g->all_next->all_prev = g->all_prev;
  }
  r.live.fetch_sub(1, std::memory_order_relaxed);
}

int registry_live() { return reg().live.load(std::memory_order_relaxed); }

void registry_for_each(void (*f)(G*, void*), void* arg) {
  Registry& r = reg();
  SpinGuard l(r.lock);
  for (G* g = r.head; g; g = g->all_next) f(g, arg);
}

void registry_for_each_thread_g(void (*f)(G*, void*), void* arg) {
  Registry& r = reg();
  SpinGuard l(r.lock);
  for (G* g = r.thread_gs; g; g = g->all_next) f(g, arg);
}

G* make_main_g() {
  G* g;
  {
    wf::RuntimeOwned own;  // holds what main waits on: not a user reference
    g = new G;
  }
  g->id = 1;
  g->status.store(GStatus::running);
  registry_add(g);
  return g;
}

G* make_thread_g(G** tls_slot) {
  Registry& r = reg();
  G* g;
  {
    wf::RuntimeOwned own;
    g = new G;
    g->parker = new ThreadParker;
  }
  g->id = r.next_id.fetch_add(1, std::memory_order_relaxed);
  g->status.store(GStatus::running);
  {
    SpinGuard l(r.lock);
    g->all_next = r.thread_gs;
    r.thread_gs = g;
  }
  *tls_slot = g;
#if defined(CSP_HB_CHANSAN)
  // The detector acts for this G when another thread wakes it: the state
  // must be this thread's own. (TSan keeps the lazy default: switching TSan
  // to the fiber of a thread that runs elsewhere is not allowed.)
  fiber_hooks::adopt_thread(g);
#endif
  return g;
}

void thread_g_park(G* g) {
  // Spill every callee-saved register into this frame: the deadlock
  // detector scans a blocked thread's stack, and a pointer the caller keeps
  // only in a register must be seen there.
  __builtin_unwind_init();
  ThreadParker* p = g->parker;
  while (p->token.exchange(0, std::memory_order_acquire) == 0) os::futex_wait(&p->token, 0);
}

void thread_g_unpark(G* g) {
  ThreadParker* p = g->parker;
  p->token.store(1, std::memory_order_release);
  os::futex_wake(&p->token, 1);
}

const char* wait_reason_string(WaitReason r) {
  switch (r) {
    case WaitReason::none: return "running";
    case WaitReason::chan_send: return "chan send";
    case WaitReason::chan_recv: return "chan receive";
    case WaitReason::chan_send_nil: return "chan send (nil chan)";
    case WaitReason::chan_recv_nil: return "chan receive (nil chan)";
    case WaitReason::select: return "select";
    case WaitReason::select_no_cases: return "select (no cases)";
    case WaitReason::mutex_lock: return "sync.Mutex.Lock";
    case WaitReason::rwmutex_lock: return "sync.RWMutex.Lock";
    case WaitReason::rwmutex_lock_readers: return "sync.RWMutex.Lock";
    case WaitReason::rwmutex_rlock: return "sync.RWMutex.RLock";
    case WaitReason::wait_group: return "sync.WaitGroup.Wait";
    case WaitReason::cond_wait: return "sync.Cond.Wait";
    case WaitReason::once: return "sync.Once.Do";
    case WaitReason::sleep: return "sleep";
    case WaitReason::synctest_run: return "synctest.Run";
    case WaitReason::synctest_wait: return "synctest.Wait";
  }
  return "unknown";
}

}  // namespace csp::rt
