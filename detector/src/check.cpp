// See check.hpp. Both write with write(2): they may run inside the
// detector's malloc interceptor or with its locks held, where stdio could
// allocate or deadlock.
#include "check.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace chansan {
namespace {
void put(const char* s) { (void)!write(2, s, std::strlen(s)); }
}  // namespace

void check_failed(const char* what, const char* file, int line) {
  char num[16];
  int n = 0;
  char digits[16];
  for (unsigned v = static_cast<unsigned>(line); n == 0 || v; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  for (int i = 0; i < n; i++) num[i] = digits[n - 1 - i];
  num[n] = 0;
  put("chansan: internal check failed: ");
  put(what);
  put(" at ");
  put(file);
  put(":");
  put(num);
  put("\nThis is a bug in chansan, not in the program: please report it.\n");
  std::abort();
}

void fatal_error(const std::string& msg) {
  std::string m = "chansan: " + msg + "\n";
  (void)!write(2, m.data(), m.size());
  _exit(1);
}

}  // namespace chansan
