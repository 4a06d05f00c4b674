// The type-erased seam between the public csp templates and the runtime
// library (rt/src). Everything here is an implementation detail: user code
// includes <csp/csp.hpp> and never names csp::detail.
//
// Only standard headers may be included: no POSIX or runtime-internal names
// leak into user code.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace csp::detail {

// ---- goroutines ----
struct spawn_slot;  // a goroutine being created; opaque
// Reserves a new goroutine and `size` bytes (aligned to `align`) for its
// closure, placed on the goroutine's own stack. The caller constructs the
// closure there, then calls spawn_commit, which starts it.
void* spawn_prepare(std::size_t size, std::size_t align, spawn_slot** slot);
void spawn_commit(spawn_slot* slot, void (*run)(void* closure));
void yield_now();
int live_goroutines();
int max_procs(int n);  // n < 1: query only

// ---- channels ----
struct elem_ops {
  void (*move_assign)(void* dst, void* src);  // *dst = std::move(*src)
  void* (*new_buffer)(std::size_t n);         // n default-constructed elements
  void (*delete_buffer)(void* buf, std::size_t n);
  std::size_t size;
  bool trivial;  // trivially copyable: move_assign is a memcpy of `size` bytes
};
struct chan_core;  // opaque, reference counted
chan_core* chan_new(std::size_t cap, const elem_ops* ops);
void chan_retain(chan_core* c) noexcept;
void chan_release(chan_core* c) noexcept;
void chan_send(chan_core* c, void* elem);      // moves from *elem
bool chan_recv(chan_core* c, void* elem);      // moves into *elem; false: closed
void chan_close(chan_core* c);
std::size_t chan_len(const chan_core* c) noexcept;
std::size_t chan_cap(const chan_core* c) noexcept;

// ---- select ----
enum class case_kind : std::uint8_t { send, recv, fallback };
struct select_case {
  chan_core* ch;    // nil channel: never ready
  void* elem;       // send: value to move from; recv: destination
  case_kind kind;
  bool recv_ok;     // out: recv case delivered a value (false: closed)
};
// Runs exactly one case; returns its index.
std::size_t select_run(select_case* cases, std::size_t n);

// ---- sync ----
void mutex_lock(std::atomic<std::uint32_t>* state);
bool mutex_try_lock(std::atomic<std::uint32_t>* state) noexcept;
void mutex_unlock(std::atomic<std::uint32_t>* state);

struct rwmutex_state {
  std::atomic<std::uint32_t> w{0};             // writers' mutex
  std::atomic<std::uint32_t> writer_sem{0};
  std::atomic<std::uint32_t> reader_sem{0};
  std::atomic<std::int32_t> reader_count{0};   // < 0: a writer is pending
  std::atomic<std::int32_t> reader_wait{0};    // readers a pending writer awaits
};
void rw_lock(rwmutex_state* s);
bool rw_try_lock(rwmutex_state* s) noexcept;
void rw_unlock(rwmutex_state* s);
void rw_lock_shared(rwmutex_state* s);
bool rw_try_lock_shared(rwmutex_state* s) noexcept;
void rw_unlock_shared(rwmutex_state* s);

struct wait_group_state {
  std::atomic<std::uint64_t> state{0};  // counter << 32 | waiters
  std::atomic<std::uint32_t> sema{0};
};
void wg_add(wait_group_state* s, int delta);
void wg_wait(wait_group_state* s);

struct once_state {
  std::atomic<std::uint32_t> state{0};  // 0 new, 1 running, 2 done
};
bool once_done(once_state* s);
// True: the caller must run the function, then call once_finish. False: it
// has run (this call waited for it to finish).
bool once_begin(once_state* s);
void once_finish(once_state* s);

struct cond_state {
  std::atomic<std::uint32_t> lock{0};  // guards the list below
  void* head = nullptr;                // waiters, oldest first
  void* tail = nullptr;
};
struct locker_ref {
  void* obj;
  void (*lock)(void*);
  void (*unlock)(void*);
};
void cond_wait(cond_state* s, locker_ref l);
void cond_signal(cond_state* s);
void cond_broadcast(cond_state* s);

// ---- time ----
std::int64_t now_ns();  // steady clock; virtual in a bubble or a seeded schedule
void sleep_ns(std::int64_t ns);
struct timer_core;  // opaque, reference counted
// A timer that sends steady_clock::now() on `ch` (non-blocking, as Go's
// sendTime) after delay_ns, then every period_ns if period_ns > 0.
timer_core* timer_new(chan_core* ch, std::int64_t delay_ns, std::int64_t period_ns);
bool timer_stop(timer_core* t);
bool timer_reset(timer_core* t, std::int64_t delay_ns);
void timer_release(timer_core* t) noexcept;

// ---- context ----
struct context_state;  // opaque, reference counted
context_state* context_background() noexcept;
context_state* context_with_cancel(context_state* parent);
context_state* context_with_timeout(context_state* parent, std::int64_t timeout_ns);
void context_retain(context_state* s) noexcept;
void context_release(context_state* s) noexcept;
chan_core* context_done(context_state* s);  // retained; nullptr for background
int context_err(context_state* s);
void context_cancel(context_state* s);

}  // namespace csp::detail
