// Helpers shared by the unit tests.
#pragma once

#include <csp/csp.hpp>

// Runs the test body under each worker count, restoring the old one after.
#define FOR_EACH_PROCS(var)                                   \
  for (int var : {1, 2, 3, 4})                                \
    if (struct procs_guard_ {                                 \
          int old;                                            \
          ~procs_guard_() { csp::set_max_procs(old); }        \
        } pg_{csp::set_max_procs(var)}; true)                 \
      DYNAMIC_SECTION("procs=" << var)
