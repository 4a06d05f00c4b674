// Catch2's main runs as goroutine 1: the csp runtime adopts the main thread
// before main() starts, so every test body may block on csp primitives.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
