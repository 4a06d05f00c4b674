// Internal invariant checks that stay on in release builds (Go's throw,
// TSan's CHECK): a broken invariant prints what broke and aborts.
#pragma once

namespace csp::rt {
[[noreturn]] void fatal(const char* what, const char* file, int line);
// Called first by every path that reports and ends the process (panic,
// crash, fatal error): returns to exactly one thread; others wait for it
// to exit.
void begin_fatal_report();
}

#define CSP_CHECK(cond)                                        \
  do {                                                         \
    if (__builtin_expect(!(cond), 0))                          \
      ::csp::rt::fatal("CSP_CHECK(" #cond ")", __FILE__, __LINE__); \
  } while (0)
