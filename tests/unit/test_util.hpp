// Helpers shared by the unit tests.
#pragma once

#include <csp/csp.hpp>

#include <cstdlib>

// Stress cases (tagged [stress]) are sized to finish in seconds: that is
// the default. `./test.sh --long` sets CSP_TEST_LONG=1 and they run this
// many times longer (more rounds, more values).
inline int stress_scale() {
  static const int scale = [] {
    const char* v = std::getenv("CSP_TEST_LONG");
    return v && *v && *v != '0' ? 10 : 1;
  }();
  return scale;
}

// Runs the test body under each worker count, restoring the old one after.
#define FOR_EACH_PROCS(var)                                   \
  for (int var : {1, 2, 3, 4})                                \
    if (struct procs_guard_ {                                 \
          int old;                                            \
          ~procs_guard_() { csp::set_max_procs(old); }        \
        } pg_{csp::set_max_procs(var)}; true)                 \
      DYNAMIC_SECTION("procs=" << var)
