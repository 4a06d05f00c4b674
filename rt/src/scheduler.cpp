// The M:N scheduler: worker threads run goroutines from per-worker run
// queues with a "run next" slot, steal from each other, and sleep on a futex
// when there is nothing to do. Modelled on Go's proc.go.
//
// Invariants:
//  - A worker is one OS thread bound to one processor slot (Go's M+P). The
//    first max_procs workers are active; workers at or above it drain their
//    queues and sleep until reactivated.
//  - Worker 0 is the thread that runs main; the main function's context is
//    goroutine 1 and may migrate to any worker, like any goroutine. Worker
//    0's scheduler context (g0) runs on a stack of its own.
//  - A G is on at most one of: a worker's runnext, a worker's runq, the
//    global queue, or running on a worker. It is put on one only after its
//    context has been saved (park's unlock and yield's requeue run in the
//    next context, via Worker::post_fn).
//  - Lost wake-ups: a worker going idle publishes nidle (seq_cst) and then
//    re-checks every queue; a producer publishes its G (seq_cst) and then
//    reads nidle/nspinning in wakep. One of the two sees the other.
//  - Runtime state is heap-allocated and never destroyed, so workers that
//    are still running when exit() runs static destructors find it intact.
//  - After exit begins, no goroutine is started (see stop_runtime_at_exit).
#include <pthread.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "bubble.hpp"
#include "check.hpp"
#include "csp/detail/core.hpp"
#include "fiber_hooks.hpp"
#include "hb.hpp"
#include "wf.hpp"
#include "platform/context.hpp"
#include "platform/os.hpp"
#include "registry.hpp"
#include "runq.hpp"
#include "sched.hpp"
#include "schedule.hpp"
#include "signals.hpp"
#include "stack_trace.hpp"
#include "spinlock.hpp"
#include "timer.hpp"

namespace csp::rt {

void install_panic_handler();  // panic.cpp

namespace {

// Random bits that differ from one process to the next: the 16 bytes the
// kernel gives every exec (AT_RANDOM), no system call.
uint64_t process_seed() {
  static const uint64_t seed = [] {
    uint64_t v = 0x6A09E667F3BCC909ull;
    if (const auto* bytes = reinterpret_cast<const unsigned char*>(getauxval(AT_RANDOM)))
      for (int i = 0; i < 16; i++) v = (v ^ bytes[i]) * 0x100000001B3ull;
    return v;
  }();
  return seed;
}

constexpr int kMaxProcs = 256;
// How long an idle worker looks for work before sleeping. Long enough that a
// ping-pong keeps one worker awake instead of paying a futex wake per message.
constexpr int64_t kSpinNs = 50'000;
// Work left this long on a worker that has not scheduled since may be
// stolen (Go waits ~3 us before stealing runnext). Measured (bench/run.sh):
// 5 us moved mutex waiters across cores needlessly (mutex 0.9x Go), 20 us
// delayed select's senders (0.64x); 10 us gives 0.7x and 0.56x.
constexpr int64_t kStaleNs = 10'000;
// A run queue at least this long is stolen from at once: there is more work
// than its owner can start soon.
constexpr uint32_t kBacklog = 64;
// Every this many schedules, check the global queue first (fairness).
constexpr uint64_t kGlobalCheckPeriod = 61;

// Where a worker is, for whoever may wake it. Guarded by Sched::lock: a
// worker is woken only by the one party that moves it out of idle or
// inactive, so no wake is ever stale.
enum class Park : uint8_t { running, idle, inactive };

// Wake tokens (Worker::wake): why a sleeping worker was woken.
constexpr uint32_t kWakePlain = 1;    // reactivated by set_max_procs
constexpr uint32_t kWakeSpinner = 2;  // by wakep: it now owns one nspinning count

struct Worker {
  int id = 0;
  G g0;                       // this worker's scheduler context
  G* current = nullptr;       // running G (g0 when idle)
  RunQueue runq;
  std::atomic<G*> runnext{nullptr};
  std::atomic<uint64_t> tick{0};   // schedules so far; read by thieves
  G* switch_from = nullptr;        // the G a switch is leaving
  void (*post_fn)(void*) = nullptr;  // runs in the next context after a switch
  void* post_arg = nullptr;
  StackCache stacks;
  std::atomic<uint32_t> wake{0};   // futex word an idle worker sleeps on
  bool spinning = false;
  Worker* idle_next = nullptr;     // guarded by Sched::lock
  Park park = Park::running;       // guarded by Sched::lock
  uint64_t rng = 0;
  pthread_t thread{};
  uint64_t seen_tick[kMaxProcs] = {};  // runnext staleness, per victim
  int64_t seen_ns[kMaxProcs] = {};
};

// Fields are grouped by who writes them, one cache line per group: the
// read-mostly ones are read by every schedule, and must not share a line
// with counters that idle and spinning workers write all the time.
struct Sched {
  // Read-mostly.
  Worker* workers[kMaxProcs] = {};
  std::atomic<int> nstarted{0};     // workers created (threads running)
  std::atomic<int> nprocs{1};       // active workers
  std::atomic<bool> exiting{false};
  // The global queue and the idle list.
  alignas(64) SpinLock lock;        // guards global queue and idle list
  G* global_head CSP_GUARDED_BY(lock) = nullptr;
  G* global_tail CSP_GUARDED_BY(lock) = nullptr;
  std::atomic<int> global_size{0};
  Worker* idle_head CSP_GUARDED_BY(lock) = nullptr;
  // Written by workers going idle or spinning.
  alignas(64) std::atomic<int> nidle{0};
  alignas(64) std::atomic<int> nspinning{0};
};

Sched* g_sched = nullptr;
thread_local Worker* tls_worker = nullptr;
thread_local G* tls_thread_g = nullptr;

// TLS is read through out-of-line functions: a goroutine may resume on
// another thread, and the compiler may otherwise reuse a TLS address computed
// before the switch.
__attribute__((noinline)) Worker* current_worker() {
  Worker* w = tls_worker;
  asm volatile("" ::: "memory");
  return w;
}

void global_push(G* g) {
  g->sched_link = nullptr;
  {
    SpinGuard l(g_sched->lock);
    if (g_sched->global_tail) {
      g_sched->global_tail->sched_link = g;
    } else {
      g_sched->global_head = g;
    }
    g_sched->global_tail = g;
  }
  g_sched->global_size.fetch_add(1, std::memory_order_seq_cst);
}

G* global_pop() {
  if (g_sched->global_size.load(std::memory_order_seq_cst) == 0) return nullptr;
  SpinGuard l(g_sched->lock);
  G* g = g_sched->global_head;
  if (!g) return nullptr;
  g_sched->global_head = g->sched_link;
  if (!g_sched->global_head) g_sched->global_tail = nullptr;
  g_sched->global_size.fetch_sub(1, std::memory_order_relaxed);
  return g;
}

void wake_worker(Worker* w, uint32_t token) {
  w->wake.store(token, std::memory_order_release);
  os::futex_wake(&w->wake, 1);
}

// Takes w off the idle list; w->park == Park::idle.
void unlist_locked(Sched& s, Worker* w) CSP_REQUIRES(s.lock) {
  for (Worker** p = &s.idle_head; *p; p = &(*p)->idle_next) {
    if (*p == w) {
      *p = w->idle_next;
      break;
    }
  }
  w->park = Park::running;
  s.nidle.fetch_sub(1, std::memory_order_seq_cst);
}

// Go's wakep: if some worker is idle and none is looking for work, wake one
// to look (it starts out spinning).
void wakep() {
  Sched& s = *g_sched;
  if (s.nidle.load(std::memory_order_seq_cst) == 0) return;
  if (s.nspinning.load(std::memory_order_seq_cst) != 0) return;
  int zero = 0;
  if (!s.nspinning.compare_exchange_strong(zero, 1, std::memory_order_seq_cst)) return;
  Worker* w;
  {
    SpinGuard l(s.lock);
    w = s.idle_head;
    if (w) unlist_locked(s, w);
  }
  if (!w) {
    s.nspinning.fetch_sub(1, std::memory_order_seq_cst);
    return;
  }
  wake_worker(w, kWakeSpinner);  // the count taken above passes to w
}

bool active(const Worker* w) { return w->id < g_sched->nprocs.load(std::memory_order_relaxed); }

// Owner's enqueue of a runnable G on its local queue.
void runq_put(Worker* w, G* g) {
  if (!w->runq.push(g)) global_push(g);
}

G* find_local(Worker* w) {
  if (!active(w) || g_sched->exiting.load(std::memory_order_relaxed)) return nullptr;
  if (schedule::enabled()) {  // the schedule decides, among every runnable G
    G* cur = w->current == &w->g0 ? nullptr : w->current;
    return schedule::pick(cur, false);
  }
  if (w->tick.load(std::memory_order_relaxed) % kGlobalCheckPeriod == 0) {
    if (G* g = global_pop()) return g;
  }
  if (w->runnext.load(std::memory_order_relaxed)) {
    if (G* g = w->runnext.exchange(nullptr, std::memory_order_acq_rel)) return g;
  }
  if (G* g = w->runq.pop()) return g;
  return global_pop();
}

void after_switch();

void check_stack(const G* g);

void switch_to(Worker* w, G* from, G* to) {
  check_stack(from);
  w->current = to;
  w->tick.store(w->tick.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  w->switch_from = from;
  to->status.store(GStatus::running, std::memory_order_relaxed);
  fiber_hooks::before_switch(from, to, from->status.load(std::memory_order_relaxed) == GStatus::dead);
  csp_ctx_switch(&from->sp, to->sp);
  after_switch();
}

// The overflow check for stacks without a guard page (stack.hpp): the
// context about to be saved must lie above the stack's lowest page.
void check_stack(const G* g) {
  if (g->stack.lo && !g->stack.guarded && stack_overflowed(g->stack, __builtin_frame_address(0)))
    [[unlikely]] {
      void* pcs[64];
      int n = capture_stack(pcs, 64);
      die_of_stack_overflow(pcs, n);
    }
}

// Runs first in every context that a switch resumes (or starts).
void after_switch() {
  Worker* w = current_worker();
  fiber_hooks::after_switch(w->switch_from, w->current);
  if (void (*fn)(void*) = w->post_fn) {
    w->post_fn = nullptr;
    fn(w->post_arg);
  }
}

void set_post(Worker* w, void (*fn)(void*), void* arg) {
  CSP_CHECK(w->post_fn == nullptr);
  w->post_fn = fn;
  w->post_arg = arg;
}

void stop_spinning(Worker* w) {
  if (!w->spinning) return;
  w->spinning = false;
  // The last spinner to find work wakes another: there may be more.
  if (g_sched->nspinning.fetch_sub(1, std::memory_order_seq_cst) == 1) wakep();
}

G* steal(Worker* w, int64_t now) {
  Sched& s = *g_sched;
  int n = s.nprocs.load(std::memory_order_relaxed);
  if (n > s.nstarted.load(std::memory_order_acquire)) n = s.nstarted.load(std::memory_order_acquire);
  if (n <= 1) return nullptr;
  int start = static_cast<int>(fastrand() % static_cast<uint32_t>(n));
  for (int i = 0; i < n; i++) {
    Worker* v = s.workers[(start + i) % n];
    if (v == w || !v) continue;
    uint32_t queued = v->runq.size();
    G* rn = v->runnext.load(std::memory_order_acquire);
    if (queued == 0 && !rn) continue;
    // Take only work its owner is not getting to: a backlog, or a queue
    // whose owner has not scheduled for a while. Stealing the one G a busy
    // worker is about to run moves it, its stack and its channel's lock to
    // another core for nothing.
    uint64_t t = v->tick.load(std::memory_order_relaxed);
    if (w->seen_tick[v->id] != t) {
      w->seen_tick[v->id] = t;
      w->seen_ns[v->id] = now;
    }
    bool stale = now - w->seen_ns[v->id] >= kStaleNs;
    if (queued >= kBacklog || (queued > 0 && stale)) {
      if (G* g = v->runq.steal_into(w->runq)) return g;
    }
    if (rn && stale && v->runnext.compare_exchange_strong(rn, nullptr, std::memory_order_acq_rel))
      return rn;
  }
  return nullptr;
}

// Is there a G this worker could run or steal? Includes other workers'
// runnext: a busy worker's runnext is reachable only by stealing it once
// stale, so an idle worker that slept past it would leave it to a goroutine
// that may never block (no preemption). (Regression: a worker descheduled
// mid-spin went to sleep with main in a spinning goroutine's runnext, and
// main never ran again.)
bool work_visible() {
  Sched& s = *g_sched;
  if (s.global_size.load(std::memory_order_seq_cst) > 0) return true;
  int n = s.nstarted.load(std::memory_order_acquire);
  for (int i = 0; i < n; i++) {
    Worker* v = s.workers[i];
    if (!v || !active(v)) continue;
    if (!v->runq.empty() || v->runnext.load(std::memory_order_seq_cst)) return true;
  }
  return false;
}

// After exit began, a worker that reaches the scheduler stops for good.
[[noreturn]] void stop_at_exit() {
  for (;;) pause();
}

// Sleeps until the party that moved w out of idle/inactive wakes it.
void sleep_until_woken(Worker* w) {
  uint32_t token;
  while ((token = w->wake.exchange(0, std::memory_order_acquire)) == 0) {
    if (g_sched->exiting.load()) stop_at_exit();
    os::futex_wait(&w->wake, 0);
  }
  if (token == kWakeSpinner) {
    CSP_CHECK(!w->spinning);
    w->spinning = true;
  }
}

// Moves a deactivated worker's queued goroutines to the global queue.
void drain_to_global(Worker* w) {
  if (G* g = w->runnext.exchange(nullptr)) global_push(g);
  while (G* g = w->runq.pop()) global_push(g);
}

// Takes w off the idle list unless a waker already did; true if it did.
bool unlist_idle(Worker* w) {
  Sched& s = *g_sched;
  SpinGuard l(s.lock);
  if (w->park != Park::idle) return false;
  unlist_locked(s, w);
  return true;
}

// find_runnable under a seeded schedule: one worker, so nothing to steal;
// with nothing runnable, virtual time moves to the next timer (fired here,
// on g0, as the timer thread would); with no timer either, only an OS
// thread of the program can still ready a G.
G* find_runnable_scheduled(Worker* w) {
  for (;;) {
    if (g_sched->exiting.load(std::memory_order_relaxed)) stop_at_exit();
    if (G* g = find_local(w)) return g;
    wf::schedule_idle();  // the detector's deadlock checks, at the same points each replay
    if (virtual_clock_advance(schedule::clock())) continue;
    sleep_until_woken(w);
  }
}

// Blocks until there is a G to run on this worker. Runs on g0.
G* find_runnable(Worker* w) {
  Sched& s = *g_sched;
  if (schedule::enabled()) return find_runnable_scheduled(w);
  for (;;) {
    if (s.exiting.load(std::memory_order_relaxed)) stop_at_exit();
    if (!active(w)) {
      stop_spinning(w);
      drain_to_global(w);
      wakep();
      bool sleep;
      {
        // nprocs changes under the same lock (set_max_procs), so a
        // reactivation either is seen here or finds us inactive and wakes us.
        SpinGuard l(s.lock);
        sleep = !active(w);
        if (sleep) w->park = Park::inactive;
      }
      if (sleep) sleep_until_woken(w);
      continue;
    }
    if (G* g = find_local(w)) {
      stop_spinning(w);
      return g;
    }
    if (!w->spinning) {
      w->spinning = true;
      s.nspinning.fetch_add(1, std::memory_order_seq_cst);
    }
    int64_t start = os::monotonic_ns();
    for (int64_t now = start; now - start < kSpinNs; now = os::monotonic_ns()) {
      G* g = steal(w, now);
      if (!g) g = global_pop();
      if (g) {
        stop_spinning(w);
        return g;
      }
      for (int i = 0; i < 64; i++) os::cpu_relax();
    }
    // Go idle: publish, then re-check (see the lost wake-up invariant).
    w->spinning = false;
    s.nspinning.fetch_sub(1, std::memory_order_seq_cst);
    {
      SpinGuard l(s.lock);
      w->idle_next = s.idle_head;
      s.idle_head = w;
      w->park = Park::idle;
      s.nidle.fetch_add(1, std::memory_order_seq_cst);
    }
    if (work_visible() && unlist_idle(w)) continue;
    sleep_until_woken(w);  // whoever unlisted us wakes us
  }
}

[[noreturn]] void schedule_loop(Worker* w) {
  for (;;) {
    G* g = find_runnable(w);
    switch_to(w, &w->g0, g);
  }
}

void g0_entry(void* arg) {
  after_switch();
  schedule_loop(static_cast<Worker*>(arg));
}

[[noreturn]] void goroutine_exit(G* g);

void goroutine_entry(void* arg) {
  after_switch();
  G* g = static_cast<G*>(arg);
  g->run(g->closure);
  goroutine_exit(g);
}

void free_dead_g(void* arg) {
  G* g = static_cast<G*>(arg);
  fiber_hooks::on_destroy(g);
  Stack s = g->stack;  // copy: the G lives on this stack
  current_worker()->stacks.put(s);
}

void goroutine_exit(G* g) {
  if (g->bubble) bubble_on_exit(g);
  registry_remove(g);
  g->status.store(GStatus::dead, std::memory_order_relaxed);
  Worker* w = current_worker();
  G* next = find_local(w);
  set_post(w, free_dead_g, g);
  switch_to(w, g, next ? next : &w->g0);
  __builtin_unreachable();
}

void* worker_thread_main(void* arg) {
  wf::runtime_thread();
  auto* w = static_cast<Worker*>(arg);
  tls_worker = w;
  w->current = &w->g0;
  fiber_hooks::adopt_thread(&w->g0);
  enable_crash_stack();
  schedule_loop(w);
}

Worker* new_worker(int id) {
  Worker* w;
  {
    wf::RuntimeOwned own;  // holds G pointers: never a path to user objects
    w = new Worker;
  }
  w->id = id;
  // Each process picks differently (select's choice among ready cases is
  // random across runs too, as Go's): the kernel's per-exec random bytes.
  // A seeded schedule's select shuffles follow its seed instead.
  w->rng = schedule::enabled() ? schedule::next_random()
                               : process_seed() ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(id + 1));
  if (w->rng == 0) w->rng = 1;  // xorshift's one fixed point
  w->g0.id = 0;
  w->g0.status.store(GStatus::running);
  return w;
}

void start_worker_thread(Worker* w) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  int rc;
  {
    wf::RuntimeOwned own;  // not one of the program's threads
    rc = pthread_create(&w->thread, &attr, worker_thread_main, w);
  }
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    char what[128];
    std::snprintf(what, sizeof what, "cannot start worker thread: %s", std::strerror(rc));
    fatal(what, __FILE__, __LINE__);
  }
}

void ensure_workers(int n) {
  Sched& s = *g_sched;
  static SpinLock start_lock;
  SpinGuard l(start_lock);
  for (int i = s.nstarted.load(); i < n; i++) {
    Worker* w = new_worker(i);
    s.workers[i] = w;
    start_worker_thread(w);
    s.nstarted.store(i + 1, std::memory_order_release);
  }
}

int parse_maxprocs() {
  const char* env = std::getenv("CSP_MAXPROCS");
  int n = os::num_cpus();
  if (env) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(env, &end, 10);
    if (*env == '\0' || *end != '\0' || errno != 0 || v < 1 || v > kMaxProcs) {
      std::fprintf(stderr, "csp: bad CSP_MAXPROCS=\"%s\": want an integer from 1 to %d\n", env,
                   kMaxProcs);
      std::exit(2);
    }
    n = static_cast<int>(v);
  }
  return n < kMaxProcs ? n : kMaxProcs;
}

// Runs in exit() before static destructors (registered after the program's
// earlier ones). Go stops every goroutine at exit; a C++ runtime cannot stop
// a thread at an arbitrary point (it may hold the allocator's lock), so the
// stop is cooperative: from here on no worker starts a goroutine, the timer
// thread fires nothing, and each worker stops when it next reaches the
// scheduler. Blocked goroutines never run again; one in the middle of user
// code finishes that stretch, as a std::thread still running at exit would.
void stop_runtime_at_exit() {
  wf::main_returned();  // the leak check sees goroutines as main left them
  g_sched->exiting.store(true);
  fiber_hooks::at_exit();
}

}  // namespace

G* current_g() {
  if (Worker* w = current_worker()) return w->current;
  G* g = tls_thread_g;
  asm volatile("" ::: "memory");
  if (!g) g = make_thread_g(&tls_thread_g);
  return g;
}

uint32_t fastrand() {
  Worker* w = current_worker();
  static thread_local uint64_t thread_rng =
      (process_seed() ^ (0x2545F4914F6CDD1Dull * static_cast<uint64_t>(os::thread_id()))) | 1;
  uint64_t& x = w ? w->rng : thread_rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return static_cast<uint32_t>(x >> 32);
}

bool exiting() { return g_sched && g_sched->exiting.load(std::memory_order_relaxed); }

void park_on(WaitReason reason, const void* pc, const void* const* objs, uint32_t nobjs,
             void (*unlock)(void*), void* arg) {
  Worker* w = current_worker();
  G* g = w ? w->current : current_g();
  CSP_CHECK(!w || g != &w->g0);
  g->wait_reason = reason;
  g->wait_pc = pc;
  g->wait_objs = objs;
  g->wait_nobjs = nobjs;
  g->park_count.store(g->park_count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  // Release: a detector that sees `waiting` sees what the G waits on.
  g->status.store(GStatus::waiting, std::memory_order_release);
  if (g->bubble) bubble_on_park(g, reason);  // before unlock: see bubble.hpp
  if (!w) {
    if (unlock) unlock(arg);
    thread_g_park(g);
    g->status.store(GStatus::running, std::memory_order_relaxed);
  } else {
    G* next = find_local(w);
    if (unlock) set_post(w, unlock, arg);
    switch_to(w, g, next ? next : &w->g0);
  }
  g->wait_reason = WaitReason::none;
  g->wait_nobjs = 0;
  g->wait_objs = nullptr;
}

void park(WaitReason reason, const void* pc, const void* obj, void (*unlock)(void*), void* arg) {
  G* g = current_g();
  g->wait_obj = obj;
  park_on(reason, pc, &g->wait_obj, obj ? 1 : 0, unlock, arg);
}

void park_forever(WaitReason reason, const void* pc) {
  for (;;) park(reason, pc, nullptr, nullptr, nullptr);
}

void ready(G* g) {
  if (g->bubble) bubble_on_ready(g);
  if (g->parker) {
    thread_g_unpark(g);
    return;
  }
  g->status.store(GStatus::runnable, std::memory_order_relaxed);
  Worker* w = current_worker();
  if (schedule::enabled()) {
    schedule::push(g);
    if (!w) wake_worker(g_sched->workers[0], kWakePlain);  // an OS thread of the program
    return;
  }
  if (w && active(w)) {
    if (G* old = w->runnext.exchange(g, std::memory_order_seq_cst)) runq_put(w, old);
  } else {
    global_push(g);
  }
  wakep();
}

namespace schedule {

void point_slow() {
  Worker* w = current_worker();
  if (!w) return;  // an OS thread of the program: outside the schedule
  G* g = w->current;
  if (g == &w->g0 || g_sched->exiting.load(std::memory_order_relaxed)) return;
  check_stack(g);
  G* next = pick(g, true);
  if (!next || next == g) return;
  g->status.store(GStatus::runnable, std::memory_order_relaxed);
  set_post(w, [](void* p) { push(static_cast<G*>(p)); }, g);
  switch_to(w, g, next);
}

}  // namespace schedule

namespace {

void ready_parent(void* g) { ready(static_cast<G*>(g)); }
void requeue_global(void* g) {
  global_push(static_cast<G*>(g));
  wakep();
}

}  // namespace

void runtime_init() {
  static std::atomic<int> state{0};  // 0 new, 1 initializing, 2 ready
  if (state.load(std::memory_order_acquire) == 2) return;
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) {
    while (state.load(std::memory_order_acquire) != 2) os::thread_yield();
    return;
  }
  {
    wf::RuntimeOwned own;
    g_sched = new Sched;
  }
  schedule::init();
  int n = parse_maxprocs();
  if (schedule::enabled()) n = 1;  // one worker: every decision is the schedule's
  g_sched->nprocs.store(n);
  install_panic_handler();
  install_crash_handlers();

  // Worker 0 is this thread if it is the main thread; main() is goroutine 1.
  Worker* w0 = new_worker(0);
  g_sched->workers[0] = w0;
  if (os::on_main_thread()) {
    G* main_g = make_main_g();
    if (schedule::enabled()) schedule::on_new_g(main_g);
    tls_worker = w0;
    w0->current = main_g;
    fiber_hooks::adopt_thread(main_g);
    enable_crash_stack();
    Stack s = stack_alloc();
    w0->g0.stack = s;
    fiber_hooks::on_create(&w0->g0);
    w0->g0.sp = ctx_make(s.lo, s.hi, g0_entry, w0);
    g_sched->nstarted.store(1, std::memory_order_release);
  } else {
    start_worker_thread(w0);
    g_sched->nstarted.store(1, std::memory_order_release);
  }
  ensure_workers(n);
  std::atexit(stop_runtime_at_exit);
  state.store(2, std::memory_order_release);
}

// For tests (declared by them, not in a header): workers counted as looking
// for work. Once the program is idle this falls to 0; a leaked count (a
// spinner counted twice) stays, and with it a runnable goroutine may wait
// with every worker asleep.
int spinning_workers_for_test() { return g_sched ? g_sched->nspinning.load(std::memory_order_seq_cst) : 0; }

namespace {
// Adopt main as goroutine 1 before main() starts.
[[maybe_unused]] const bool init_at_startup = (runtime_init(), true);
}  // namespace

}  // namespace csp::rt

namespace csp::detail {
using namespace csp::rt;

void* spawn_prepare(std::size_t size, std::size_t align, spawn_slot** slot) {
  runtime_init();
  Worker* w = current_worker();
  Stack s = w ? w->stacks.get() : stack_alloc();
  fiber_hooks::on_stack_reuse(s);
  auto top = reinterpret_cast<uintptr_t>(s.hi) - sizeof(G);
  top &= ~uintptr_t{63};
  G* g = new (reinterpret_cast<void*>(top)) G;
  g->stack = s;
  if (align < 16) align = 16;
  auto closure = (top - size) & ~(uintptr_t{align} - 1);
  CSP_CHECK(closure > reinterpret_cast<uintptr_t>(s.lo) + s.size() / 2);
  g->closure = reinterpret_cast<void*>(closure);
  *slot = reinterpret_cast<spawn_slot*>(g);
  return g->closure;
}

__attribute__((noinline)) void spawn_commit(spawn_slot* slot, void (*run)(void*)) {
  G* g = reinterpret_cast<G*>(slot);
  G* parent = current_g();
  g->run = run;
  g->parent_id = parent->id;
  g->create_pc = __builtin_return_address(0);
  g->sp = ctx_make(g->stack.lo, g->closure, goroutine_entry, g);
  registry_add(g);
  fiber_hooks::on_create(g);
  hb::go_start(parent, g);  // edge: `go` before the goroutine's first step
  bubble_on_spawn(parent, g);
  Worker* w = current_worker();
  if (schedule::enabled()) {
    // `go` is a scheduling point: the child or anyone else may run first.
    schedule::on_new_g(g);
    ready(g);
    schedule::point_slow();  // nothing on an OS thread or g0
    return;
  }
  if (w && active(w) && parent != &w->g0) {
    // Run the child first, like a call: it often finishes or blocks at once,
    // its stack goes straight back to the cache, and the parent resumes from
    // runnext (stealable by an idle worker if the child runs long).
    parent->status.store(GStatus::runnable, std::memory_order_relaxed);
    set_post(w, ready_parent, parent);
    switch_to(w, parent, g);
  } else {
    g->status.store(GStatus::runnable, std::memory_order_relaxed);
    global_push(g);
    wakep();
  }
}

void yield_now() {
  runtime_init();
  if (schedule::enabled()) {
    schedule::point_slow();
    return;
  }
  Worker* w = current_worker();
  if (!w) {
    os::thread_yield();
    return;
  }
  G* g = w->current;
  check_stack(g);  // also when there is nothing to switch to
  G* next = find_local(w);
  if (!next) return;  // nothing else is runnable here
  g->status.store(GStatus::runnable, std::memory_order_relaxed);
  set_post(w, requeue_global, g);
  switch_to(w, g, next);
}

int live_goroutines() { return registry_live(); }

int max_procs(int n) {
  runtime_init();
  Sched& s = *g_sched;
  int prev = s.nprocs.load();
  if (n < 1 || schedule::enabled()) return prev;  // a seeded schedule keeps one worker
  if (n > kMaxProcs) n = kMaxProcs;
  ensure_workers(n);
  Worker* to_wake[kMaxProcs];
  int nwake = 0;
  {
    SpinGuard l(s.lock);
    s.nprocs.store(n, std::memory_order_seq_cst);
    // Reactivated workers sleep deactivated, or idle on the idle list.
    for (int i = prev; i < n; i++) {
      Worker* w = s.workers[i];
      if (w->park == Park::running) continue;
      if (w->park == Park::idle) unlist_locked(s, w);
      w->park = Park::running;
      to_wake[nwake++] = w;
    }
  }
  for (int i = 0; i < nwake; i++) wake_worker(to_wake[i], kWakePlain);
  return prev;
}

}  // namespace csp::detail
