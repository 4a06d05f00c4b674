// The runtime's suite built with the detector (csp_unit_tests_chansan):
// Catch2's main plus chansan's listener, so each TEST_CASE must leave no
// goroutine behind and no report may appear (no false alarm, no leak).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <chansan/catch2_listener.hpp>
