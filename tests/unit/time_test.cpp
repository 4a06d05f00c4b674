#include <catch2/catch.hpp>
#include <chrono>

#include "test_util.hpp"

using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

TEST_CASE("sleep parks for at least the duration", "[time]") {
  auto t0 = clk::now();
  csp::sleep(20ms);
  auto d = clk::now() - t0;
  REQUIRE(d >= 20ms);
  REQUIRE(d < 2s);
  csp::sleep(0ms);
  csp::sleep(-5ms);
}

TEST_CASE("after delivers the time once, no earlier than asked", "[time]") {
  auto t0 = clk::now();
  auto c = csp::after(15ms);
  auto fired = c.recv();
  REQUIRE(fired - t0 >= 15ms);
  REQUIRE(clk::now() - t0 < 2s);
  REQUIRE(csp::select(csp::on_recv(c), csp::on_default()) == 1);  // only once
}

TEST_CASE("timers fire in deadline order", "[time]") {
  auto order = csp::make_chan<int>(5);
  for (int i : {4, 1, 3, 0, 2})
    csp::go([=] {
      csp::sleep(std::chrono::milliseconds(5 + 10 * i));
      order.send(i);
    });
  for (int i = 0; i < 5; i++) REQUIRE(order.recv() == i);
}

TEST_CASE("timer stop before firing returns true and prevents the fire", "[time]") {
  csp::timer t(50ms);
  REQUIRE(t.stop());
  REQUIRE_FALSE(t.stop());
  REQUIRE(csp::select(csp::on_recv(csp::after(80ms)), csp::on_recv(t.c())) == 0);
}

TEST_CASE("timer reset re-arms and reports whether it was active", "[time]") {
  csp::timer t(10ms);
  t.c().recv();
  REQUIRE_FALSE(t.stop());  // already fired
  auto t0 = clk::now();
  REQUIRE_FALSE(t.reset(20ms));
  REQUIRE(t.reset(20ms));
  t.c().recv();
  REQUIRE(clk::now() - t0 >= 20ms);
}

TEST_CASE("ticker delivers ticks periodically until stopped", "[time]") {
  auto t0 = clk::now();
  csp::ticker tk(5ms);
  for (int i = 0; i < 5; i++) tk.c().recv();
  REQUIRE(clk::now() - t0 >= 25ms);
  tk.stop();
  while (csp::select(csp::on_recv(tk.c()), csp::on_default()) == 0) {
  }
  REQUIRE(csp::select(csp::on_recv(tk.c()), csp::on_recv(csp::after(30ms))) == 1);
  REQUIRE_THROWS_AS(csp::ticker(0ms), csp::panic);
}
