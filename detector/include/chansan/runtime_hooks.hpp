// The detector's side of the csp runtime's happens-before seam
// (rt/src/hb.hpp with CSP_HB_CHANSAN): what the runtime tells the detector
// about goroutines and synchronization. Only libcsp_race.a calls these; user
// code reaches the detector through chansan_interface.h.
//
// Contract:
//  - Every goroutine has one GoroutineState, created by goroutine_new and
//    freed by goroutine_free after the goroutine has switched away for good.
//  - acquire/release name the goroutine on whose behalf the edge is taken;
//    that goroutine is either the caller or parked (its single waker acts).
//  - switched_in runs on the thread that is about to run the goroutine's
//    code; switched_out before it stops.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chansan::hooks {

struct GoroutineState;

// The calling OS thread's own state (main thread, workers' scheduler
// contexts, threads blocked in csp). `goid` names it in reports.
GoroutineState* thread_state(uint64_t goid);
// [closure, stack_hi) holds the goroutine's own copy of its function and
// arguments (csp::go decay-copies them there) and the runtime's record.
GoroutineState* goroutine_new(uint64_t goid, const void* stack_lo, const void* stack_hi,
                              const void* closure);
// `go`: runs on the parent's thread before the child's first step. The
// child's clock starts at the parent's; its creation stack is the parent's
// current stack plus `create_pc`.
void go(GoroutineState* parent, GoroutineState* child, const void* create_pc);
void switched_out(GoroutineState* g);
void switched_in(GoroutineState* g);
// The goroutine is gone: its stack's shadow is cleared, its slot freed.
void goroutine_free(GoroutineState* g);

void acquire(GoroutineState* g, const void* sync);
// g forgets what it knew, then learns sync's clock (the timer thread,
// before each firing).
void acquire_alone(GoroutineState* g, const void* sync);
void release(GoroutineState* g, const void* sync);
// from's clock reaches to directly (a hand-off between two goroutines): no
// sync object, so nothing is left behind and no third goroutine is ordered.
void transfer(GoroutineState* from, GoroutineState* to);

// Brackets the runtime's own work on user values (moving a value between a
// sender, a buffer and a receiver; destroying a channel's buffer): a free
// inside it forgets the memory but is not checked as the calling
// goroutine's access (in Go it is the runtime's, ordered by the channel).
void invisible_begin();
void invisible_end();

// Finds the goroutine whose stack holds `addr` (for "Location is stack of
// goroutine N"); returns 0 if none.
using StackOwnerFn = uint64_t (*)(uintptr_t addr);
void set_stack_owner_fn(StackOwnerFn fn);

// ---- the wait-for seam (rt/src/wf.hpp): deadlocks, lock order, leaks ----

// What a parked goroutine waits on, by kind of wake-up it needs.
enum class WaitKind : uint8_t {
  none,
  chan_send,
  chan_recv,
  select,
  forever,            // a nil channel, a select with no cases
  mutex,              // waits for the mutex's holder
  rw_writer,          // waits for the rwmutex's writer (the one before it)
  rw_writer_readers,  // owns the rwmutex, waits for its readers to leave
  rw_reader,          // waits for the rwmutex's writer (holding or pending)
  wait_group,
  cond,
  once,               // waits for the goroutine running the function
  sleep,              // its timer will wake it
};

// One goroutine (or OS thread blocked in csp) as the runtime sees it.
struct GoroutineInfo {
  uint64_t id;
  uint64_t parent_id;
  GoroutineState* state;  // valid while waiting (a thread's may be gone otherwise)
  bool waiting;
  bool is_thread;          // an OS thread's G, not a goroutine
  WaitKind kind;           // while waiting
  const char* reason;      // Go's wait reason, e.g. "chan receive"
  const void* wait_pc;     // the user's call of the blocking operation
  const void* create_pc;
  const void* const* objs;  // what it waits on (valid while waiting)
  uint32_t nobjs;
  uint32_t park_count;     // the same count twice: it did not run in between
  uintptr_t sp;            // a waiting goroutine's saved stack pointer
  uintptr_t scan_hi;       // its stack ends here for scanning (0: the thread's own stack)
};
using GoroutineVisitor = void (*)(const GoroutineInfo& g, void* arg);
using WalkGoroutinesFn = void (*)(GoroutineVisitor visit, void* arg);
// Each armed timer's argument (what firing it acts on). Returns false if
// the timer thread is firing timers (acting on what the walk cannot show).
using TimerVisitor = void (*)(const void* timer_arg, void* arg);
using WalkTimersFn = bool (*)(TimerVisitor visit, void* arg);
// `sleep` parks the calling goroutine for ns (its worker runs others
// meanwhile): how the detector waits for goroutines to finish.
using SleepFn = void (*)(int64_t ns);
void set_runtime_walkers(WalkGoroutinesFn goroutines, WalkTimersFn timers, SleepFn sleep);
// Under a seeded schedule (api.md §4.2): the line every report ends with,
// "replay: CSP_SCHEDULE=..." (static storage); null in a free run.
void set_replay_line(const char* line);
// Under a seeded schedule: called before each atomic operation of
// instrumented code, a scheduling point where the schedule may switch
// goroutines (api.md §4.2). Null in a free run.
void set_schedule_point(void (*point)());
// A synctest bubble whose goroutines (ids) are all durably blocked with no
// timer pending (api.md §4.1): reported as a `deadlock` before run() panics.
void bubble_deadlocked(const uint64_t* ids, std::size_t n);
// Under a seeded schedule: nothing is runnable (the one worker is about to
// move virtual time or wait). The deadlock checks run here, not on the
// watchdog's timer, so every replay checks at the same points.
void schedule_idle();

// How a lock is held (the runtime's wf::LockMode, the same values): a
// mutex or an rwmutex's writer, an rwmutex's reader, or the goroutine
// running a once's function (callers wait for it; it is not part of the
// lock order).
enum class LockMode : uint8_t { exclusive = 0, shared = 1, once = 2 };
// Called when g owns the lock, and before it gives it up.
void lock_acquired(GoroutineState* g, const void* lock, LockMode mode, const void* pc);
void lock_released(GoroutineState* g, const void* lock, LockMode mode);
// Brackets the runtime's own records: not heap blocks of the program.
void runtime_owned_begin();
void runtime_owned_end();
// The calling thread is the runtime's (a worker, the timer thread).
void runtime_thread();
// main has returned: the goroutine leak check.
void main_returned();

}  // namespace chansan::hooks
