#include <catch2/catch.hpp>
#include <chrono>

#include "test_util.hpp"

using namespace std::chrono_literals;

TEST_CASE("background is never done: nil done channel, no error", "[context]") {
  auto bg = csp::background();
  REQUIRE_FALSE(bg.done());
  REQUIRE(bg.err() == csp::context_error::none);
}

TEST_CASE("cancel closes done and sets canceled, for the context and its children", "[context]") {
  auto [parent, cancel] = csp::with_cancel(csp::background());
  auto [child, cancel_child] = csp::with_cancel(parent);
  REQUIRE(parent.err() == csp::context_error::none);
  auto waiting = csp::make_chan<csp::context_error>(1);
  csp::go([child = child, waiting] {
    child.done().recv();
    waiting.send(child.err());
  });
  cancel();
  REQUIRE(waiting.recv() == csp::context_error::canceled);
  REQUIRE(parent.err() == csp::context_error::canceled);
  auto [v, ok] = parent.done().recv_ok();
  REQUIRE_FALSE(ok);
  cancel();  // idempotent
  cancel_child();
}

TEST_CASE("a child of a cancelled context starts cancelled", "[context]") {
  auto [parent, cancel] = csp::with_cancel(csp::background());
  cancel();
  auto [child, cc] = csp::with_cancel(parent);
  REQUIRE(child.err() == csp::context_error::canceled);
  auto [t, tc] = csp::with_timeout(parent, 1h);
  REQUIRE(t.err() == csp::context_error::canceled);
}

TEST_CASE("with_timeout cancels with deadline_exceeded after the timeout", "[context]") {
  auto t0 = std::chrono::steady_clock::now();
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 20ms);
  ctx.done().recv();
  REQUIRE(std::chrono::steady_clock::now() - t0 >= 20ms);
  REQUIRE(ctx.err() == csp::context_error::deadline_exceeded);
  cancel();
  REQUIRE(ctx.err() == csp::context_error::deadline_exceeded);
}

TEST_CASE("cancelling before the timeout reports canceled", "[context]") {
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 1h);
  auto [child, cc] = csp::with_cancel(ctx);
  cancel();
  REQUIRE(ctx.err() == csp::context_error::canceled);
  child.done().recv();
  REQUIRE(child.err() == csp::context_error::canceled);
}

TEST_CASE("select on done stops a worker loop", "[context]") {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  auto jobs = csp::make_chan<int>();
  auto stopped = csp::make_chan<int>(1);
  csp::go([ctx = ctx, jobs, stopped] {
    int n = 0;
    for (bool run = true; run;)
      csp::select(csp::on_recv(jobs, [&](int) { n++; }), csp::on_recv(ctx.done(), [&] { run = false; }));
    stopped.send(n);
  });
  for (int i = 0; i < 10; i++) jobs.send(i);
  cancel();
  REQUIRE(stopped.recv() == 10);
}
