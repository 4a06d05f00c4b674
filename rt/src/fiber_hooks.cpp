// Sanitizer fiber annotations (see fiber_hooks.hpp) and, for the TSan build,
// the happens-before seam (hb.hpp) mapped onto TSan's annotations.
//
// TSan: each G is a TSan fiber; switches use the no-sync flag, so TSan sees
// only the edges the runtime publishes through hb::. An edge for a G other
// than the running one is taken by switching TSan to that G's fiber for the
// duration of the annotation.
// chansan: each G carries the detector's state (G::sanitizer_fiber); the
// hooks tell the detector which state runs, and the hb seam forwards each
// edge, for the G it names, to the detector.
// ASan: each switch is bracketed by __sanitizer_{start,finish}_switch_fiber
// so ASan knows which stack is live; stacks of Gs that were not created by
// the runtime (main, worker g0s) are learned on the first switch away.
#include "fiber_hooks.hpp"

#include <cstddef>

#include "hb.hpp"
#include "platform/os.hpp"
#include "registry.hpp"
#include "sched.hpp"
#include "schedule.hpp"

#if defined(CSP_HB_TSAN)
extern "C" {
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
}

namespace csp::rt {
namespace {
constexpr unsigned kNoSync = 1;  // __tsan_switch_to_fiber_no_sync

void* fiber_of(G* g) {
  if (!g->sanitizer_fiber) g->sanitizer_fiber = __tsan_get_current_fiber();
  return g->sanitizer_fiber;
}

template <class F>
void as(G* g, F f) {
  void* cur = __tsan_get_current_fiber();
  void* target = g->sanitizer_fiber ? g->sanitizer_fiber : cur;
  if (target == cur) return f();
  __tsan_switch_to_fiber(target, kNoSync);
  f();
  __tsan_switch_to_fiber(cur, kNoSync);
}
}  // namespace

namespace fiber_hooks {
void on_create(G* g) { g->sanitizer_fiber = __tsan_create_fiber(0); }
void on_destroy(G* g) { __tsan_destroy_fiber(g->sanitizer_fiber); }
void before_switch(G*, G* to, bool) { __tsan_switch_to_fiber(fiber_of(to), kNoSync); }
void after_switch(G*, G*) {}
void adopt_thread(G* g) { g->sanitizer_fiber = __tsan_get_current_fiber(); }
// TSan has no public call to forget a fiber's stack; its mmap interceptor
// resets the shadow of the range, at the price of fresh pages (TSan build
// only).
void on_stack_reuse(const Stack& s) { os::remap_fresh(s.lo, s.size()); }
void at_exit() {}
}  // namespace fiber_hooks

namespace hb {
void acquire(G* g, const void* sync) { as(g, [&] { __tsan_acquire(const_cast<void*>(sync)); }); }
// TSan cannot forget a thread's clock: the timer thread's edges accumulate
// under TSan (a miss at worst, never a false report).
void acquire_alone(G* g, const void* sync) { acquire(g, sync); }
void release(G* g, const void* sync) { as(g, [&] { __tsan_release(const_cast<void*>(sync)); }); }
void invisible_begin() { __tsan_ignore_thread_begin(); }
void invisible_end() { __tsan_ignore_thread_end(); }
void go_start(G* parent, G* child) {
  release(parent, child);
  acquire(child, child);
}
void transfer(G* from, G* to, const void* sync) {
  release(from, sync);
  acquire(to, sync);
}
}  // namespace hb
}  // namespace csp::rt

#elif defined(CSP_FIBERS_ASAN)
extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old,
                                     size_t* size_old);
void __asan_unpoison_memory_region(const volatile void* addr, size_t size);
void __lsan_register_root_region(const void* p, size_t size);
}

namespace csp::rt::fiber_hooks {
void on_create(G*) {}
void on_destroy(G*) {}
void adopt_thread(G*) {}
void on_stack_reuse(const Stack& s) { __asan_unpoison_memory_region(s.lo, s.size()); }
void at_exit() {
  registry_for_each(
      [](G* g, void*) {
        if (!g->stack.lo || !g->run) return;  // main and thread Gs: LSan scans OS stacks
        bool parked = g->status.load(std::memory_order_relaxed) != GStatus::running;
        const char* lo = parked ? static_cast<const char*>(g->sp) : g->stack.lo;
        __lsan_register_root_region(lo, static_cast<size_t>(g->stack.hi - lo));
      },
      nullptr);
}
void before_switch(G* from, G* to, bool from_dies) {
  __sanitizer_start_switch_fiber(from_dies ? nullptr : &from->sanitizer_fiber, to->stack.lo,
                                 to->stack.size());
}
void after_switch(G* from, G* to) {
  const void* bottom = nullptr;
  size_t size = 0;
  __sanitizer_finish_switch_fiber(to->sanitizer_fiber, &bottom, &size);
  to->sanitizer_fiber = nullptr;
  if (from && !from->stack.lo && bottom) {
    from->stack.lo = static_cast<char*>(const_cast<void*>(bottom));
    from->stack.hi = from->stack.lo + size;
  }
}
}  // namespace csp::rt::fiber_hooks
#elif defined(CSP_HB_CHANSAN)
#include "chansan/runtime_hooks.hpp"
#include "csp/detail/core.hpp"
#include "timer.hpp"
#include "wf.hpp"

namespace csp::rt {
namespace {
namespace ch = chansan::hooks;

ch::GoroutineState* state_of(G* g) {
  if (!g->sanitizer_fiber) g->sanitizer_fiber = ch::thread_state(g->id);
  return static_cast<ch::GoroutineState*>(g->sanitizer_fiber);
}

uint64_t stack_owner(uintptr_t addr) {
  struct Search {
    uintptr_t addr;
    uint64_t id;
  } s{addr, 0};
  registry_for_each(
      [](G* g, void* arg) {
        auto* s = static_cast<Search*>(arg);
        if (g->stack.lo && s->addr >= reinterpret_cast<uintptr_t>(g->stack.lo) &&
            s->addr < reinterpret_cast<uintptr_t>(g->stack.hi))
          s->id = g->id;
      },
      &s);
  return s.id;
}

ch::WaitKind wait_kind(WaitReason r) {
  switch (r) {
    case WaitReason::none: return ch::WaitKind::none;
    case WaitReason::chan_send: return ch::WaitKind::chan_send;
    case WaitReason::chan_recv: return ch::WaitKind::chan_recv;
    case WaitReason::chan_send_nil:
    case WaitReason::chan_recv_nil: return ch::WaitKind::forever;
    case WaitReason::select: return ch::WaitKind::select;
    case WaitReason::select_no_cases: return ch::WaitKind::forever;
    case WaitReason::mutex_lock: return ch::WaitKind::mutex;
    case WaitReason::rwmutex_lock: return ch::WaitKind::rw_writer;
    case WaitReason::rwmutex_lock_readers: return ch::WaitKind::rw_writer_readers;
    case WaitReason::rwmutex_rlock: return ch::WaitKind::rw_reader;
    case WaitReason::wait_group: return ch::WaitKind::wait_group;
    case WaitReason::cond_wait: return ch::WaitKind::cond;
    case WaitReason::once: return ch::WaitKind::once;
    case WaitReason::sleep: return ch::WaitKind::sleep;
    // Woken by the runtime itself (the bubble's end, or the rest of the
    // bubble blocking): like a sleeper, always able to proceed.
    case WaitReason::synctest_run:
    case WaitReason::synctest_wait: return ch::WaitKind::sleep;
  }
  return ch::WaitKind::none;
}

struct Walk {
  ch::GoroutineVisitor visit;
  void* arg;
};

void describe(G* g, bool is_thread, const Walk& w) {
  ch::GoroutineInfo info{};
  info.id = g->id;
  info.parent_id = g->parent_id;
  info.is_thread = is_thread;
  // Acquire: pairs with park's release, so what it waits on is current.
  info.waiting = g->status.load(std::memory_order_acquire) == GStatus::waiting;
  info.park_count = g->park_count.load(std::memory_order_relaxed);
  info.state = static_cast<ch::GoroutineState*>(g->sanitizer_fiber);
  info.create_pc = g->create_pc;
  if (info.waiting) {
    info.kind = wait_kind(g->wait_reason);
    info.reason = wait_reason_string(g->wait_reason);
    info.wait_pc = g->wait_pc;
    info.objs = g->wait_objs;
    info.nobjs = g->wait_nobjs;
    info.sp = is_thread ? 0 : reinterpret_cast<uintptr_t>(g->sp);
  }
  // A goroutine's G record and the closure sit at the top of its stack;
  // the record (which links every G) is not the goroutine's memory.
  info.scan_hi = g->stack.lo ? reinterpret_cast<uintptr_t>(g) : 0;
  w.visit(info, w.arg);
}

void walk_goroutines(ch::GoroutineVisitor visit, void* arg) {
  Walk w{visit, arg};
  registry_for_each([](G* g, void* a) { describe(g, false, *static_cast<Walk*>(a)); }, &w);
  registry_for_each_thread_g([](G* g, void* a) { describe(g, true, *static_cast<Walk*>(a)); }, &w);
}

bool walk_timers(ch::TimerVisitor visit, void* arg) { return timer_for_each_armed(visit, arg); }

void register_walkers() {
  static const bool registered = (ch::set_stack_owner_fn(stack_owner),
                                  ch::set_runtime_walkers(walk_goroutines, walk_timers, detail::sleep_ns),
                                  ch::set_replay_line(schedule::replay_line()),
                                  ch::set_schedule_point(schedule::enabled() ? schedule::point_slow : nullptr),
                                  true);
  (void)registered;
}
}  // namespace

namespace wf {
void lock_acquired(G* g, const void* lock, LockMode mode, const void* pc) {
  ch::lock_acquired(state_of(g), lock, static_cast<int>(mode), pc);
}
void lock_released(G* g, const void* lock, LockMode mode) {
  ch::lock_released(state_of(g), lock, static_cast<int>(mode));
}
void runtime_owned_begin() { ch::runtime_owned_begin(); }
void runtime_owned_end() { ch::runtime_owned_end(); }
void runtime_thread() { ch::runtime_thread(); }
void main_returned() { ch::main_returned(); }
void bubble_deadlocked(const uint64_t* ids, std::size_t n) { ch::bubble_deadlocked(ids, n); }
void schedule_idle() { ch::schedule_idle(); }
}  // namespace wf

namespace fiber_hooks {
void on_create(G* g) {
  register_walkers();
  g->sanitizer_fiber = ch::goroutine_new(g->id, g->stack.lo, g->stack.hi, g->closure);
}
void on_destroy(G* g) {
  ch::goroutine_free(state_of(g));
  g->sanitizer_fiber = nullptr;
}
void before_switch(G* from, G*, bool) { ch::switched_out(state_of(from)); }
void after_switch(G*, G* to) { ch::switched_in(state_of(to)); }
void adopt_thread(G* g) {
  register_walkers();
  g->sanitizer_fiber = ch::thread_state(g->id);
}
void on_stack_reuse(const Stack&) {}  // cleared by goroutine_free, down to the depth used
void at_exit() {}
}  // namespace fiber_hooks

namespace hb {
void acquire(G* g, const void* sync) { ch::acquire(state_of(g), sync); }
void acquire_alone(G* g, const void* sync) { ch::acquire_alone(state_of(g), sync); }
void release(G* g, const void* sync) { ch::release(state_of(g), sync); }
void go_start(G* parent, G* child) { ch::go(state_of(parent), state_of(child), child->create_pc); }
void transfer(G* from, G* to, const void*) { ch::transfer(state_of(from), state_of(to)); }
// The runtime is not instrumented, but the values it moves or destroys may
// free memory (a unique_ptr replaced in a receiver's variable): the
// detector forgets such memory without checking the free as an access.
void invisible_begin() { ch::invisible_begin(); }
void invisible_end() { ch::invisible_end(); }
}  // namespace hb
}  // namespace csp::rt
#endif
