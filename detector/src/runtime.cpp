// The detector's goroutine bookkeeping, start-up and exit, and the
// runtime's hooks (chansan/runtime_hooks.hpp): goroutines and threads come
// and go, switch, and take edges. Slots: slots.cpp. See state.hpp for the
// invariants and detector/DESIGN.md for the model.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "blocking.hpp"
#include "check.hpp"
#include "internal.hpp"
#include "report_out.hpp"
#include "stack_depot.hpp"
#include "state.hpp"

extern "C" void* __libc_malloc(size_t);
extern "C" void __libc_free(void*);

namespace chansan {

Context* ctx = nullptr;
std::atomic<std::atomic<uint64_t>*>* g_shadow_top = nullptr;
std::atomic<bool> initialized{false};
std::atomic<bool> fences_announced{false};
__thread GState* tls_cur = nullptr;
__thread int tls_internal = 0;
__thread int tls_invisible = 0;

namespace {

InternalMutex threads_mu;
// OS threads alive, for "Location is stack of thread T<n>": a fixed table
// (no allocation while a thread starts); threads beyond it are simply not
// named in that line of a report.
constexpr int kMaxNamedThreads = 1024;
GState* thread_states[kMaxNamedThreads];  // guarded by threads_mu
int nthread_states = 0;

GState* new_state() {
  void* mem = __libc_malloc(sizeof(GState));
  if (!mem) fatal_error("out of memory for goroutine state");
  return new (mem) GState();
}

void delete_state(GState* g) {
  if (g->frames != g->inline_frames) __libc_free(g->frames);
  if (g->fence) {
    g->fence->~FenceState();
    __libc_free(g->fence);
  }
  g->~GState();
  __libc_free(g);
}

void at_exit_handler() {
  if (!ctx) return;
  if (finish_reports() > 0) {
    std::fflush(nullptr);
    _exit(ctx->options.exitcode);
  }
}

void load_suppressions() {
  const std::string& path = ctx->options.suppressions;
  if (path.empty()) return;
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) fatal_error("cannot read suppressions file '" + path + "': " + std::strerror(errno));
  std::string text;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  std::string error;
  if (!ctx->suppressions.parse(text, error)) fatal_error("suppressions file '" + path + "': line " + error);
}

}  // namespace

// Before any C++ dynamic initializer (priority 101), so that the runtime's
// own start-up, which registers its atexit handler later, is seen, and ours
// runs last.
__attribute__((constructor(101))) void init() {
  if (initialized.load()) return;
  InternalScope in;
  // Default-initialized, not value-initialized: every member that needs a
  // value has an initializer, and zeroing the whole object touched ~130
  // fresh pages at every start (bench/RESULTS.md, "Deterministic testing").
  ctx = new Context;
  {
    // The slots' journals (~256 KB) in reserved zero pages, touched only
    // by the slots that are used.
    void* j = mmap(nullptr, sizeof(Slot::Owner) * Slot::kJournal * kSlots, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (j == MAP_FAILED) fatal_error("cannot reserve the slots' journals");
    for (int i = 0; i < kSlots; i++) ctx->slots[i].journal = static_cast<Slot::Owner*>(j) + i * Slot::kJournal;
  }
  g_shadow_top = ctx->shadow.top();
  if (fences_announced.load(std::memory_order_relaxed)) ctx->fences_used.store(true, std::memory_order_relaxed);
  const char* spec = std::getenv("CHANSAN_OPTIONS");
  std::string error;
  if (spec && !parse_options(spec, ctx->options, error)) fatal_error(error);
  open_reports();
  load_suppressions();
  std::atexit(at_exit_handler);
  initialized.store(true, std::memory_order_release);
  // Constructors run on the main thread: it is the first thread (the csp
  // runtime renames it goroutine 1 when it starts).
  tls_cur = make_thread_state(kFirstThreadId);
  blocking_init();
}

void register_thread_state(GState* g) {
  InternalLock l(threads_mu);
  if (nthread_states < kMaxNamedThreads) thread_states[nthread_states++] = g;
}

void unregister_thread_state(GState* g) {
  InternalLock l(threads_mu);
  for (int i = 0; i < nthread_states; i++)
    if (thread_states[i] == g) {
      thread_states[i] = thread_states[--nthread_states];
      break;
    }
}

uint64_t thread_stack_owner(uintptr_t addr) {
  InternalLock l(threads_mu);
  for (int i = 0; i < nthread_states; i++) {
    GState* g = thread_states[i];
    if (addr >= g->stack_lo && addr < g->stack_hi) return g->goid;
  }
  return 0;
}

GState* make_thread_state(uint64_t goid) {
  InternalScope in;
  GState* g = new_state();
  g->is_thread = true;
  g->goid = goid;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* lo = nullptr;
    std::size_t size = 0;
    pthread_attr_getstack(&attr, &lo, &size);
    pthread_attr_destroy(&attr);
    g->stack_lo = reinterpret_cast<uintptr_t>(lo);
    g->stack_hi = g->stack_lo + size;
  }
  g->private_lo = g->stack_hi;  // a thread has no closure area
  register_thread_state(g);
  return g;
}

// Threads that are not goroutines get ids far from the runtime's: the main
// thread kFirstThreadId, those created through pthread_create the next
// ones in creation order (as TSan's T1, T2, ...), and threads the detector
// meets without having seen them start (the runtime's own, those started
// before it) ids of a range of their own.
std::atomic<uint64_t> next_user_thread{kFirstThreadId + 1};

uint64_t next_user_thread_goid() { return next_user_thread.fetch_add(1, std::memory_order_relaxed); }

uint64_t next_thread_goid() {
  static std::atomic<uint64_t> next{kFirstThreadId + (uint64_t{1} << 31)};
  return next.fetch_add(1, std::memory_order_relaxed);
}

GState* cur() {
  if (GState* g = tls_cur) return g;
  if (!initialized.load(std::memory_order_acquire)) return nullptr;
  tls_cur = make_thread_state(next_thread_goid());
  return tls_cur;
}

void grow_frames(GState* g) {
  InternalScope in;
  uint32_t cap = g->cap * 2;
  auto* f = static_cast<uintptr_t*>(__libc_malloc(cap * sizeof(uintptr_t)));
  if (!f) fatal_error("out of memory for a shadow call stack");
  std::memcpy(f, g->frames, g->depth * sizeof(uintptr_t));
  if (g->frames != g->inline_frames) __libc_free(g->frames);
  g->frames = f;
  g->cap = cap;
}

uint32_t capture_stack(GState* g, uintptr_t pc) {
  InternalScope in;
  uintptr_t pcs[kDepotFrames];
  return depot_put(pcs, shadow_stack(g, pc, pcs, kDepotFrames));
}

// g's clock absorbs sync's.
void sync_acquire(GState* g, uintptr_t sync) {
  InternalScope in;
  ctx->sync.with_existing(sync, [&](SyncClock& c) { acquire_from(g->clock, c); });
}

// Ends the releasing goroutine's epoch: its next events are not covered by
// what it just released.
void after_release(GState* g) {
  if (g == tls_cur) bump_epoch(g);
  else g->bump_pending = true;  // parked: it bumps when it next runs
}

void sync_release(GState* g, uintptr_t sync) {
  {
    InternalScope in;
    ctx->sync.with_clock(sync, [&](SyncClock& c) { release_into(g, c); });
  }
  after_release(g);
}

}  // namespace chansan

namespace chansan::hooks {

static GState* gs(GoroutineState* g) { return reinterpret_cast<GState*>(g); }
static GoroutineState* opaque(GState* g) { return reinterpret_cast<GoroutineState*>(g); }

GoroutineState* thread_state(uint64_t goid) {
  if (!initialized.load(std::memory_order_acquire)) return nullptr;
  GState* g = tls_cur;
  if (!g) g = tls_cur = make_thread_state(goid);
  g->goid = goid;
  return opaque(g);
}

GoroutineState* goroutine_new(uint64_t goid, const void* stack_lo, const void* stack_hi,
                              const void* closure) {
  if (!initialized.load(std::memory_order_acquire)) return nullptr;
  InternalScope in;
  GState* g = new_state();
  g->goid = goid;
  g->stack_lo = reinterpret_cast<uintptr_t>(stack_lo);
  g->stack_hi = reinterpret_cast<uintptr_t>(stack_hi);
  g->private_lo = closure ? reinterpret_cast<uintptr_t>(closure) : g->stack_hi;
  return opaque(g);
}

void go(GoroutineState* parent, GoroutineState* child, const void* create_pc) {
  if (!parent || !child) return;
  GState* p = gs(parent);
  GState* c = gs(child);
  release_into(p, c->clock);  // the child's clock starts empty: it becomes the parent's
  c->create_stack = capture_stack(p, reinterpret_cast<uintptr_t>(create_pc));
  after_release(p);
}

void switched_out(GoroutineState* gst) {
  GState* g = gs(gst);
  // Every frame of g lies above this one: a bound for the stack's shadow
  // to clear at reuse, covering frames another goroutine may access.
  auto fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (g && fp - g->stack_lo < g->stack_hi - g->stack_lo && fp < g->stack_low_water)
    g->stack_low_water = fp;
  if (g) slot_park(g);
}

void switched_in(GoroutineState* gst) {
  GState* g = gs(gst);
  if (!g) return;
  tls_cur = g;
  slot_resume(g);
}

void goroutine_free(GoroutineState* gst) {
  GState* g = gs(gst);
  if (!g) return;
  InternalScope in;
  goroutine_gone(g);
  if (g->is_thread) unregister_thread_state(g);
  // The stack goes back to the runtime's cache: forget the accesses made
  // on it, down to the deepest instrumented frame (and a margin below).
  if (g->stack_hi > g->stack_lo) {
    // The margin: uninstrumented callees (libc, the runtime) write below
    // the deepest instrumented frame, and a memcpy they make is checked
    // there. One page covers their frames.
    constexpr uintptr_t kBelowLowWater = 4096;
    uintptr_t lo = g->stack_low_water;
    lo = lo > g->stack_lo + kBelowLowWater ? lo - kBelowLowWater : g->stack_lo;
    if (lo < g->stack_hi) ctx->shadow.clear(lo, g->stack_hi - lo);
    // Sync objects that lived on the stack (a cond's waiter) die with it.
    ctx->sync.erase_range(g->stack_lo, g->stack_hi - g->stack_lo);
    locks_forget(g->stack_lo, g->stack_hi - g->stack_lo);
  }
  slot_release(g);
  if (tls_cur == g) tls_cur = nullptr;
  delete_state(g);
}

void acquire(GoroutineState* g, const void* sync) {
  if (g) sync_acquire(gs(g), reinterpret_cast<uintptr_t>(sync));
}

void acquire_alone(GoroutineState* g, const void* sync) {
  if (!g) return;
  GState* s = gs(g);
  s->clock.reset();  // its own slot's entry is kept apart (epoch, own_start)
  sync_acquire(s, reinterpret_cast<uintptr_t>(sync));
}

void release(GoroutineState* g, const void* sync) {
  if (g) sync_release(gs(g), reinterpret_cast<uintptr_t>(sync));
}

void transfer(GoroutineState* from, GoroutineState* to) {
  if (!from || !to) return;
  GState* f = gs(from);
  GState* t = gs(to);
  release_into(f, t->clock);
  after_release(f);
}

void invisible_begin() { tls_invisible++; }
void invisible_end() { tls_invisible--; }

void set_stack_owner_fn(StackOwnerFn fn) {
  if (ctx) ctx->stack_owner = fn;
}

}  // namespace chansan::hooks
