// The detector's goroutine and slot bookkeeping, start-up and exit, and the
// runtime's hooks (chansan/runtime_hooks.hpp). See state.hpp for the
// invariants and detector/DESIGN.md for the model.
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "internal_mutex.hpp"
#include <new>
#include <string>

#include "blocking.hpp"
#include "internal.hpp"
#include "report.hpp"
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

InternalMutex slot_mu;
int next_fresh_slot = 0;       // guarded by slot_mu: slots never owned yet
int free_slots[kSlots];        // guarded by slot_mu: FIFO of slots whose owner exited
int free_head = 0, free_count = 0;
int reclaim_cursor = 0;        // guarded by slot_mu

InternalMutex threads_mu;
GState* thread_states[1024];   // guarded by threads_mu: for "Location is stack of"
int nthread_states = 0;

[[noreturn]] void die(const std::string& msg) {
  std::string m = "chansan: " + msg + "\n";
  (void)!write(2, m.data(), m.size());
  _exit(1);
}

GState* new_state() {
  void* mem = __libc_malloc(sizeof(GState));
  if (!mem) die("out of memory for goroutine state");
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

void ensure_trace(Slot& s) {
  if (s.trace.events) return;
  std::size_t n = std::size_t{1} << (12 + ctx->options.history_size);
  void* p = mmap(nullptr, n * sizeof(Event), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) die("cannot map the trace of a slot");
  s.trace.mask = n - 1;
  s.trace.events = static_cast<Event*>(p);
}

void at_exit_handler() {
  if (!ctx) return;
  if (finish_reports() > 0) {
    std::fflush(nullptr);
    _exit(ctx->options.exitcode);
  }
}

void open_log() {
  const std::string& p = ctx->options.log_path;
  if (p.empty() || p == "stderr") return;
  if (p == "stdout") {
    ctx->log_fd = 1;
    return;
  }
  std::string path = p + "." + std::to_string(getpid());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) die("cannot open log_path file '" + path + "': " + std::strerror(errno));
  ctx->log_fd = fd;
}

void load_suppressions() {
  const std::string& path = ctx->options.suppressions;
  if (path.empty()) return;
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) die("cannot read suppressions file '" + path + "': " + std::strerror(errno));
  std::string text;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  std::string error;
  if (!ctx->suppressions.parse(text, error)) die("suppressions file '" + path + "': line " + error);
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
    if (j == MAP_FAILED) die("cannot reserve the slots' journals");
    for (int i = 0; i < kSlots; i++) ctx->slots[i].journal = static_cast<Slot::Owner*>(j) + i * Slot::kJournal;
  }
  g_shadow_top = ctx->shadow.top();
  if (fences_announced.load(std::memory_order_relaxed)) ctx->fences_used.store(true, std::memory_order_relaxed);
  const char* spec = std::getenv("CHANSAN_OPTIONS");
  std::string error;
  if (spec && !parse_options(spec, ctx->options, error)) die(error);
  open_log();
  load_suppressions();
  std::atexit(at_exit_handler);
  initialized.store(true, std::memory_order_release);
  // Constructors run on the main thread: it is the first thread (the csp
  // runtime renames it goroutine 1 when it starts).
  tls_cur = make_thread_state(kFirstThreadId);
  blocking_init();
}

void register_thread_state(GState* g) {
  std::lock_guard<InternalMutex> l(threads_mu);
  if (nthread_states < 1024) thread_states[nthread_states++] = g;
}

void unregister_thread_state(GState* g) {
  std::lock_guard<InternalMutex> l(threads_mu);
  for (int i = 0; i < nthread_states; i++)
    if (thread_states[i] == g) {
      thread_states[i] = thread_states[--nthread_states];
      break;
    }
}

uint64_t thread_stack_owner(uintptr_t addr) {
  std::lock_guard<InternalMutex> l(threads_mu);
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

void trace_header(GState* g, Trace& t, uint64_t& p) {
  t.events[p++ & t.mask] = ev_owner(g->goid, g->epoch, g->create_stack);
  uint32_t first = 0;
  if (g->depth > Trace::kPartEvents / 2) first = g->depth - Trace::kPartEvents / 2;
  for (uint32_t i = first; i < g->depth; i++) t.events[p++ & t.mask] = ev_enter(g->frames[i]);
}

uint64_t trace_part_start(GState* g, uint64_t p) {
  trace_header(g, g->slot->trace, p);
  return p;
}

void attach_slot(GState* g) {
  InternalScope in;
  const auto me = reinterpret_cast<uintptr_t>(g);
  int idx = -1;
  for (int attempt = 0; idx < 0; attempt++) {
    {
      std::lock_guard<InternalMutex> l(slot_mu);
      if (next_fresh_slot < kSlots) {
        idx = next_fresh_slot++;
      } else if (free_count > 0) {
        idx = free_slots[free_head];
        free_head = (free_head + 1) % kSlots;
        free_count--;
      }
      if (idx >= 0) {
        ctx->slots[idx].state.store(me | 1, std::memory_order_relaxed);
      } else {
        // Take the slot of a parked goroutine, round-robin: it learns of
        // the loss when it next runs (switched_in).
        for (int k = 0; k < kSlots && idx < 0; k++) {
          int i = (reclaim_cursor + k) % kSlots;
          uintptr_t s = ctx->slots[i].state.load(std::memory_order_relaxed);
          if (s == 0 || (s & 1)) continue;
          if (ctx->slots[i].state.compare_exchange_strong(s, me | 1, std::memory_order_acquire)) {
            idx = i;
            reclaim_cursor = (i + 1) % kSlots;
          }
        }
      }
      if (idx >= 0) ensure_trace(ctx->slots[idx]);
    }
    if (idx < 0) sched_yield();  // every slot is running: wait for one to park
  }
  Slot& s = ctx->slots[idx];
  Epoch start = s.epoch_hwm.load(std::memory_order_acquire) + 1;
  g->slot = &s;
  g->sid = static_cast<Sid>(idx);
  g->own_start = start;
  g->epoch = start;
  g->bump_pending = false;
  g->stamp = uint64_t{g->sid} << 8 | uint64_t{start} << 16;
  g->trace_events = s.trace.events;
  g->trace_mask = s.trace.mask;
  g->trace_pos = &s.trace.pos;
  s.epoch_hwm.store(start, std::memory_order_relaxed);
  {
    uint32_t n = s.journal_n.load(std::memory_order_relaxed);
    s.journal[n % Slot::kJournal] = {start, g->create_stack, g->goid};
    s.journal_n.store(n + 1, std::memory_order_release);
  }
  uint64_t p = s.trace.pos.load(std::memory_order_relaxed);
  trace_header(g, s.trace, p);
  s.trace.pos.store(p, std::memory_order_release);
}

bool Slot::owner_at(Epoch e, uint64_t& goid, uint32_t& create_stack) const {
  uint32_t n = journal_n.load(std::memory_order_acquire);
  uint32_t kept = n < kJournal ? n : kJournal;
  for (uint32_t k = 1; k <= kept; k++) {  // newest first
    const Owner& o = journal[(n - k) % kJournal];
    if (o.start <= e) {
      goid = o.goid;
      create_stack = o.create_stack;
      return true;
    }
  }
  return false;
}

void bump_epoch(GState* g) {
  if (!g->slot) return;
  if (__builtin_expect(g->epoch == kEpochLast - 1, 0)) die("epoch space of a slot exhausted");
  g->epoch++;
  g->stamp = uint64_t{g->sid} << 8 | uint64_t{g->epoch} << 16;
  g->slot->epoch_hwm.store(g->epoch, std::memory_order_relaxed);
  trace_put(g, ev_epoch(g->epoch));
}

void grow_frames(GState* g) {
  InternalScope in;
  uint32_t cap = g->cap * 2;
  auto* f = static_cast<uintptr_t*>(__libc_malloc(cap * sizeof(uintptr_t)));
  if (!f) die("out of memory for a shadow call stack");
  std::memcpy(f, g->frames, g->depth * sizeof(uintptr_t));
  if (g->frames != g->inline_frames) __libc_free(g->frames);
  g->frames = f;
  g->cap = cap;
}

uint32_t capture_stack(GState* g, uintptr_t pc) {
  InternalScope in;
  uintptr_t pcs[64];
  std::size_t n = 0;
  pcs[n++] = pc;
  if (g)
    for (uint32_t i = g->depth; i > 0 && n < 64; i--) pcs[n++] = g->frames[i - 1];
  return depot_put(pcs, n);
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

void thread_block_begin() {
  GState* g = tls_cur;
  if (!g || !g->is_thread || !g->slot || tls_internal) return;
  g->slot->state.store(reinterpret_cast<uintptr_t>(g), std::memory_order_release);
}

void thread_block_end() {
  GState* g = tls_cur;
  if (!g || !g->is_thread || tls_internal) return;
  hooks::switched_in(reinterpret_cast<hooks::GoroutineState*>(g));
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
  if (g && g->slot) g->slot->state.store(reinterpret_cast<uintptr_t>(g), std::memory_order_release);
}

void switched_in(GoroutineState* gst) {
  GState* g = gs(gst);
  if (!g) return;
  tls_cur = g;
  if (!g->slot) return;
  uintptr_t me = reinterpret_cast<uintptr_t>(g);
  uintptr_t expected = me;
  if (g->slot->state.compare_exchange_strong(expected, me | 1, std::memory_order_acquire)) {
    if (g->bump_pending) {
      g->bump_pending = false;
      bump_epoch(g);
    }
    return;
  }
  if (expected == (me | 1)) return;  // never switched out (a thread's own state)
  // The slot was given to another goroutine while we were parked: keep
  // knowing our own past there, and take a slot when next needed.
  if (g->clock.get(g->sid) < g->epoch) g->clock.set(g->sid, g->epoch);
  g->slot = nullptr;
  g->bump_pending = false;
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
    uintptr_t lo = g->stack_low_water;
    lo = lo > g->stack_lo + 4096 ? lo - 4096 : g->stack_lo;
    if (lo < g->stack_hi) ctx->shadow.clear(lo, g->stack_hi - lo);
    // Sync objects that lived on the stack (a cond's waiter) die with it.
    ctx->sync.erase_range(g->stack_lo, g->stack_hi - g->stack_lo);
    locks_forget(g->stack_lo, g->stack_hi - g->stack_lo);
  }
  if (g->slot) {
    const uintptr_t me = reinterpret_cast<uintptr_t>(g);
    uintptr_t expected = me;
    bool freed = g->slot->state.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
    if (!freed && expected == (me | 1))  // a thread's own state: it never switched out
      freed = g->slot->state.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
    if (freed) {
      std::lock_guard<InternalMutex> l(slot_mu);
      free_slots[(free_head + free_count) % kSlots] = g->sid;
      free_count++;
    }
  }
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
