// See check.hpp. Both write with write(2), not stdio streams: they may run
// inside the detector's malloc interceptor or with its locks held, where a
// stream could allocate or deadlock.
#include "check.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace chansan {

void check_failed(const char* what, const char* file, int line) {
  // snprintf of %s and %d formats into the buffer without allocating.
  char buf[1024];
  int n = std::snprintf(buf, sizeof buf,
                        "chansan: internal check failed: %s at %s:%d\n"
                        "This is a bug in chansan, not in the program: please report it.\n",
                        what, file, line);
  if (n > 0) (void)!write(2, buf, static_cast<std::size_t>(n) < sizeof buf ? n : sizeof buf - 1);
  std::abort();
}

void fatal_error(const std::string& msg) {
  std::string m = "chansan: " + msg + "\n";
  (void)!write(2, m.data(), m.size());
  _exit(1);
}

}  // namespace chansan
