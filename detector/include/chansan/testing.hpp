// Test-time checks: what Go's goleak.VerifyNone and `go test -race` give a
// Go test, for a test of csp code built with chansan-clang++.
//
//   auto start = chansan::checkpoint();
//   ... the test ...
//   REQUIRE(chansan::verify_none(start) == 0);
//
// verify_none waits (up to `timeout_ms`) for every goroutine started since
// the checkpoint to finish. Those still alive then are reported as
// `goroutine leak` (grouped by where they were created and where they
// block), and the count of findings since the checkpoint is returned:
// those leak reports plus every data race, deadlock and lock-order
// inversion reported meanwhile. Reports make the program's exit code the
// detector's `exitcode` as usual.
//
// Built without the detector (chansan-clang++ -fno-chansan), both calls do
// nothing and verify_none returns 0. Header-only; the detector's side is
// two C functions, weak here.
#pragma once

#include <cstdint>

extern "C" {
__attribute__((weak)) void __chansan_checkpoint(std::uint64_t* goroutine_mark, std::uint64_t* finding_mark);
__attribute__((weak)) int __chansan_verify_none(std::uint64_t goroutine_mark, std::uint64_t finding_mark,
                                                int timeout_ms, const char* what);
}

namespace chansan {

struct Checkpoint {
  std::uint64_t goroutines = 0;  // the last goroutine id started before it
  std::uint64_t findings = 0;    // reports written before it
};

inline Checkpoint checkpoint() {
  Checkpoint c;
  if (__chansan_checkpoint) __chansan_checkpoint(&c.goroutines, &c.findings);
  return c;
}

// `what` names the test in the leak report (may be null).
inline int verify_none(const Checkpoint& since, int timeout_ms = 1000, const char* what = nullptr) {
  if (!__chansan_verify_none) return 0;
  return __chansan_verify_none(since.goroutines, since.findings, timeout_ms, what);
}

}  // namespace chansan
