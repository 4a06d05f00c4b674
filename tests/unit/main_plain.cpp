// Catch2's main for test programs that do not link the csp runtime.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
