// The wait-for seam (wf.hpp) for the chansan build, and the walkers the
// deadlock detector uses to look at the runtime: goroutines with what each
// waits on, armed timers, stack owners.
#include "chansan_backend.hpp"
#include "csp/detail/core.hpp"
#include "registry.hpp"
#include "schedule.hpp"
#include "timer.hpp"
#include "wf.hpp"

namespace csp::rt {
namespace {
namespace ch = chansan::hooks;
using chansan_backend::state_of;

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
  info.state = g->backend.detector_state;
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

}  // namespace

namespace chansan_backend {
void register_walkers() {
  static const bool registered = (ch::set_stack_owner_fn(stack_owner),
                                  ch::set_runtime_walkers(walk_goroutines, walk_timers, detail::sleep_ns),
                                  ch::set_replay_line(schedule::replay_line()),
                                  ch::set_schedule_point(schedule::enabled() ? schedule::point_slow : nullptr),
                                  true);
  (void)registered;
}
}  // namespace chansan_backend

namespace wf {
namespace {
ch::LockMode to_detector(LockMode m) {
  switch (m) {
    case LockMode::exclusive: return ch::LockMode::exclusive;
    case LockMode::shared: return ch::LockMode::shared;
    case LockMode::once: return ch::LockMode::once;
  }
  return ch::LockMode::exclusive;
}
}  // namespace

void lock_acquired(G* g, const void* lock, LockMode mode, const void* pc) {
  ch::lock_acquired(state_of(g), lock, to_detector(mode), pc);
}
void lock_released(G* g, const void* lock, LockMode mode) {
  ch::lock_released(state_of(g), lock, to_detector(mode));
}
void runtime_owned_begin() { ch::runtime_owned_begin(); }
void runtime_owned_end() { ch::runtime_owned_end(); }
void runtime_thread() { ch::runtime_thread(); }
void main_returned() { ch::main_returned(); }
void bubble_deadlocked(const uint64_t* ids, std::size_t n) { ch::bubble_deadlocked(ids, n); }
void schedule_idle() { ch::schedule_idle(); }
}  // namespace wf

}  // namespace csp::rt
