// See signals.hpp.
#include "signals.hpp"

#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "check.hpp"
#include "g.hpp"
#include "platform/os.hpp"
#include "sched.hpp"
#include "stack_trace.hpp"
#include "schedule.hpp"

namespace csp::rt {
namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CSP_SANITIZER_OWNS_SIGNALS 1
#endif
#endif

constexpr std::size_t kAltStackBytes = 64 * 1024;  // backtrace + symbolizer pipe

bool in_guard_page(const G* g, const void* addr) {
  if (!g->stack.lo || !g->stack.guarded) return false;
  auto* a = static_cast<const char*>(addr);
  return a < g->stack.lo && a >= g->stack.lo - os::page_size();
}

// The faulting instruction, from the interrupted context.
void* fault_pc(void* ucontext) {
#if defined(__x86_64__)
  return reinterpret_cast<void*>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return reinterpret_cast<void*>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.pc);
#endif
}

[[noreturn]] void die(const char* headline, void* const* pcs, int n) {
  begin_fatal_report();
  std::fflush(nullptr);
  G* g = current_g();
  std::fputs(headline, stderr);
  std::fprintf(stderr, "\ngoroutine %llu [running]:\n", static_cast<unsigned long long>(g->id));
  print_stack(stderr, pcs, n);
  if (const char* replay = schedule::replay_line()) std::fprintf(stderr, "%s\n", replay);
  std::fflush(stderr);
  _exit(2);
}

void on_crash(int sig, siginfo_t* info, void* ucontext) {
  void* pcs[64];
  int n = capture_stack(pcs, 64);
  // Start at the fault: drop this handler and the kernel's signal frame.
  int first = 0;
  void* pc = fault_pc(ucontext);
  for (int i = 0; i < n; i++)
    if (pcs[i] == pc) {
      first = i;
      break;
    }
  if (sig == SIGSEGV && in_guard_page(current_g(), info->si_addr))
    die_of_stack_overflow(pcs + first, n - first);
  char headline[256];
  std::snprintf(headline, sizeof headline,
                "panic: runtime error: invalid memory address or nil pointer dereference\n"
                "[signal %s: %s addr=%p]\n",
                sig == SIGSEGV ? "SIGSEGV" : "SIGBUS",
                sig == SIGSEGV ? "segmentation violation" : "bus error", info->si_addr);
  die(headline, pcs + first, n - first);
}

}  // namespace

void die_of_stack_overflow(void* const* pcs, int n) {
  char headline[128];
  std::snprintf(headline, sizeof headline,
                "runtime: goroutine stack exceeds %zu-byte limit\nfatal error: stack overflow\n",
                stack_size());
  die(headline, pcs, n);
}

void install_crash_handlers() {
#ifndef CSP_SANITIZER_OWNS_SIGNALS
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
#endif
}

void enable_crash_stack() {
#ifndef CSP_SANITIZER_OWNS_SIGNALS
  stack_t ss{};
  ss.ss_sp = os::map_pages(kAltStackBytes);
  ss.ss_size = kAltStackBytes;
  sigaltstack(&ss, nullptr);
#endif
}

}  // namespace csp::rt
