// Catch2 tests of concurrent code, explored one test case at a time:
//
//   build/bin/chansan-explore -- build/bin/test_pool_catch2 "results arrive once per job"
//   build/bin/chansan-explore -- build/bin/test_pool_catch2 "the first error cancels the rest"
//
// The first passes every schedule; under some schedules the second leaves
// workers blocked for good (they send after the collector stopped
// listening): every goroutine of the test's bubble is blocked with no timer
// pending, a `deadlock` report, and synctest::run panics, failing the test.
// Time inside the tests is virtual (csp::synctest::run): the timeouts cost
// no real time and give the same answer every run.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <chansan/catch2_listener.hpp>
#include <csp/synctest.hpp>

#include <chrono>

using namespace std::chrono_literals;

TEST_CASE("results arrive once per job") {
  csp::synctest::run([] {
    auto jobs = csp::make_chan<int>(), results = csp::make_chan<int>(8);
    csp::wait_group wg;
    for (int w = 0; w < 3; w++) {
      wg.add(1);
      csp::go([&] {
        for (int j : jobs) {
          csp::sleep(10ms * j);  // virtual: no real time passes
          results.send(j);
        }
        wg.done();
      });
    }
    for (int j = 0; j < 8; j++) jobs.send(j);
    jobs.close();
    wg.wait();
    results.close();
    int sum = 0;
    for (int r : results) sum += r;
    REQUIRE(sum == 28);
  });
}

TEST_CASE("the first error cancels the rest") {
  csp::synctest::run([] {
    auto results = csp::make_chan<int>();  // BUG: unbuffered, see below
    auto [ctx, cancel] = csp::with_timeout(csp::background(), 1s);
    for (int w = 0; w < 3; w++) {
      csp::go([results, w] {
        csp::sleep(100ms);
        results.send(w == 1 ? -1 : w);  // a late sender blocks forever
      });
    }
    int errors = 0;
    for (int i = 0; i < 3 && errors == 0; i++) {
      csp::select(csp::on_recv(results, [&](int r) { errors += r < 0; }), csp::on_recv(ctx.done()));
    }
    cancel();
    REQUIRE(errors <= 1);
  });
}
