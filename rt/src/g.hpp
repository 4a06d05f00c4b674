// G: the runtime's record of one goroutine (Go's g), and of each OS thread
// that blocks in csp code without being a worker (a "thread G").
//
// Invariants:
//  - A goroutine's G lives at the top of its own stack mapping, so a parked
//    goroutine costs the pages its frames touched and nothing else.
//  - sp is valid only while the G is not running.
//  - status moves running -> waiting in park() and waiting -> runnable only in
//    ready(), which runs strictly after park()'s unlock callback (so never
//    before the G's context has been saved).
//  - Every G that is not dead is on the registry list (registry.cpp).
#pragma once

#include <atomic>
#include <cstdint>

#include "stack.hpp"

namespace chansan::hooks {
struct GoroutineState;
}  // namespace chansan::hooks

namespace csp::rt {

enum class GStatus : uint8_t { runnable, running, waiting, dead };

// Why a G is parked: every wait state has its own reason (Go's waitReason).
enum class WaitReason : uint8_t {
  none,
  chan_send,
  chan_recv,
  chan_send_nil,
  chan_recv_nil,
  select,
  select_no_cases,
  mutex_lock,
  rwmutex_lock,          // a writer waiting for the writer before it
  rwmutex_lock_readers,  // a writer that owns the lock waiting for readers to leave
  rwmutex_rlock,
  wait_group,
  cond_wait,
  once,
  sleep,
  synctest_run,   // synctest::run waiting for its bubble to end
  synctest_wait,  // synctest::wait waiting for the rest of its bubble to block
};
const char* wait_reason_string(WaitReason r);

struct ThreadParker;
struct Bubble;

// Parked on something only another goroutine of its bubble (or the bubble's
// clock) can end: a channel, select, wait group, cond or sleep (api.md §4.1).
// Not a mutex (a running goroutine will unlock it) nor a once.
inline bool durable(WaitReason r) {
  switch (r) {
    case WaitReason::mutex_lock:
    case WaitReason::rwmutex_lock:
    case WaitReason::rwmutex_lock_readers:
    case WaitReason::rwmutex_rlock:
    case WaitReason::once:
    case WaitReason::none:
      return false;
    default:
      return true;
  }
}

struct G {
  void* sp = nullptr;               // saved context while not running
  uint64_t id = 0;
  std::atomic<GStatus> status{GStatus::runnable};
  WaitReason wait_reason = WaitReason::none;
  const void* wait_pc = nullptr;    // user call site of the blocking call
  // What a waiting G waits on (channel cores, sync objects): set by park()
  // before the status turns waiting (release), read by the deadlock
  // detector. A select points at its sorted channel list on its stack.
  const void* const* wait_objs = nullptr;
  uint32_t wait_nobjs = 0;
  const void* wait_obj = nullptr;   // storage for a single wait object
  // Bumped by every park (by the G itself): a G seen waiting twice with the
  // same count did not run in between (the detector's consistent snapshot).
  std::atomic<uint32_t> park_count{0};
  Stack stack;                      // empty for the main G and thread Gs
  void (*run)(void*) = nullptr;       // the closure's trampoline
  void* closure = nullptr;          // on this G's stack, below the G
  G* sched_link = nullptr;          // global run queue
  G* all_prev = nullptr;            // registry list, guarded by registry lock
  G* all_next = nullptr;
  uint64_t parent_id = 0;           // goroutine that ran `go`
  const void* create_pc = nullptr;  // where `go` was called
  // Set by the one waker that wins a select (Go's g.selectDone).
  std::atomic<uint32_t> select_done{0};
  void* param = nullptr;            // set by a waker: the Waiter it completed
  ThreadParker* parker = nullptr;   // non-null: an OS thread, not a goroutine
  // What the build's sanitizer backend keeps for this G (one backend per
  // library, chosen in rt/CMakeLists.txt); unused in plain builds.
  union Backend {
    void* tsan_fiber;                                 // TSan: the G's fiber
    void* asan_fake_stack;                            // ASan: saved while switched out
    chansan::hooks::GoroutineState* detector_state;   // chansan: the detector's state
  } backend{nullptr};
  // The synctest bubble this goroutine belongs to (inherited by `go`), and
  // whether the bubble counts it as durably blocked (bubble.cpp).
  Bubble* bubble = nullptr;
  Bubble* spawn_bubble = nullptr;   // set by synctest::run for one `go`
  bool bubble_blocked = false;      // guarded by the bubble's lock
  bool system = false;              // the runtime's own goroutine: not listed
  uint64_t sched_prio = 0;          // seeded schedule: PCT priority
};

}  // namespace csp::rt
