// What happens when a goroutine (or main) lets an exception escape: Go's
// "panic: <message>" with the goroutine's stack, then exit code 2. Also the
// runtime's own fatal errors (broken invariants), which abort.
//
// An exception escaping a goroutine reaches csp_ctx_start, whose return
// address is undefined, so the unwinder's search phase ends without a
// handler and std::terminate runs before any frame is unwound: the stack
// printed here still holds the throw site.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "check.hpp"
#include "platform/os.hpp"
#include "g.hpp"
#include "sched.hpp"
#include "schedule.hpp"
#include "stack_trace.hpp"

namespace csp::rt {
namespace {

constexpr int kMaxFrames = 64;

[[noreturn]] void on_terminate() {
  begin_fatal_report();
  std::string msg = "std::terminate called without an active exception";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      msg = x.what();
    } catch (...) {
      msg = "unknown exception";
    }
  }
  void* pcs[kMaxFrames];
  int n = capture_stack(pcs, kMaxFrames);
  std::fflush(nullptr);
  G* g = current_g();
  std::fprintf(stderr, "panic: %s\n\ngoroutine %llu [running]:\n", msg.c_str(),
               static_cast<unsigned long long>(g->id));
  // Drop the report's own frames and the throw machinery; an exception that
  // met a noexcept boundary has been unwound up to it, so __cxa_throw is gone.
  print_stack(stderr, pcs, n, {"__cxa_throw", "std::terminate()"});
  if (g->create_pc) {
    std::fprintf(stderr, "created by goroutine %llu at:\n",
                 static_cast<unsigned long long>(g->parent_id));
    // A return address: step back into the call instruction.
    void* site = const_cast<char*>(static_cast<const char*>(g->create_pc)) - 1;
    print_stack(stderr, &site, 1);
  }
  if (const char* replay = schedule::replay_line()) std::fprintf(stderr, "%s\n", replay);
  std::fflush(stderr);
  _exit(2);
}

}  // namespace

// Exactly one panic is reported in full, as in Go, whatever else panics at
// the same moment: the first thread in writes its report and exits; any
// other waits here for that exit (exiting itself would cut the first
// report short, or lose it). A panic raised while writing the report, on
// the reporting thread itself, exits at once.
void begin_fatal_report() {
  static std::atomic<uint64_t> reporter{0};
  const auto me = static_cast<uint64_t>(os::thread_id());
  uint64_t expected = 0;
  if (reporter.compare_exchange_strong(expected, me, std::memory_order_acq_rel)) return;
  if (expected == me) _exit(2);
  for (;;) pause();  // the reporter ends the process
}

void install_panic_handler() { std::set_terminate(on_terminate); }

void fatal(const char* what, const char* file, int line) {
  begin_fatal_report();
  std::fflush(nullptr);
  std::fprintf(stderr, "fatal error: csp: %s\n    at %s:%d\n", what, file, line);
  void* pcs[kMaxFrames];
  int n = capture_stack(pcs, kMaxFrames);
  print_stack(stderr, pcs, n);
  if (const char* replay = schedule::replay_line()) std::fprintf(stderr, "%s\n", replay);
  std::fflush(stderr);
  std::abort();
}

}  // namespace csp::rt
