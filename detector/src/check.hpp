// The two ways the detector stops a process, never mixed (as rt/'s
// CSP_CHECK is kept apart from a user's panic):
//  - CHANSAN_CHECK(cond): an invariant of the detector broke, a bug in
//    chansan. Prints what broke and where, then aborts (a core dump for
//    us). On in every build. CHANSAN_DCHECK(cond) is the same in debug
//    builds (NDEBUG unset) and nothing otherwise: for checks on the hot
//    path, such as the fast bit tricks against their readable formula.
//  - fatal_error(msg): the user's input or the machine makes going on
//    impossible (a bad CHANSAN_OPTIONS value, an unreadable file, no
//    memory left). One clear line, `chansan: <msg>`, and exit status 1.
#pragma once

#include <string>

namespace chansan {
[[noreturn]] void check_failed(const char* what, const char* file, int line);
[[noreturn]] void fatal_error(const std::string& msg);
}  // namespace chansan

#define CHANSAN_CHECK(cond)                                                      \
  do {                                                                           \
    if (__builtin_expect(!(cond), 0))                                            \
      ::chansan::check_failed("CHANSAN_CHECK(" #cond ")", __FILE__, __LINE__);   \
  } while (0)

#ifdef NDEBUG
#define CHANSAN_DCHECK(cond) \
  do {                       \
    (void)sizeof(cond);      \
  } while (0)
#else
#define CHANSAN_DCHECK(cond) CHANSAN_CHECK(cond)
#endif
