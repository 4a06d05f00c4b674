// A Catch2 (v2) listener that checks every TEST_CASE with chansan: at its
// end, goroutines it started must have finished (or they are reported as a
// goroutine leak), and no race, deadlock or lock-order inversion may have
// been reported during it. Include it in one translation unit of a test
// program built with chansan-clang++:
//
//   #define CATCH_CONFIG_MAIN
//   #include <catch2/catch.hpp>
//   #include <chansan/catch2_listener.hpp>
//
// Each finding is reported as it happens, naming the test case; a run with
// findings ends with the detector's exit code (66 by default), so the test
// command fails. At the end of the run the listener lists the test cases
// that had findings. Without the detector (-fno-chansan) it does nothing.
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "chansan/testing.hpp"

namespace chansan {

class Catch2Listener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    TestEventListenerBase::testCaseStarting(info);
    start_ = checkpoint();
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    std::string what = "test case '" + stats.testInfo.name + "'";
    if (verify_none(start_, 1000, what.c_str()) > 0) failed_.push_back(stats.testInfo.name);
    TestEventListenerBase::testCaseEnded(stats);
  }

  void testRunEnded(Catch::TestRunStats const& stats) override {
    TestEventListenerBase::testRunEnded(stats);
    if (failed_.empty()) return;
    std::fprintf(stderr, "chansan: %zu test case(s) with findings:\n", failed_.size());
    for (const std::string& n : failed_) std::fprintf(stderr, "  %s\n", n.c_str());
  }

 private:
  Checkpoint start_;
  std::vector<std::string> failed_;
};

}  // namespace chansan

// The macro pastes its argument into a name: no '::' allowed.
using ChansanCatch2Listener = chansan::Catch2Listener;
CATCH_REGISTER_LISTENER(ChansanCatch2Listener)
