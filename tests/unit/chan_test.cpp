#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "test_util.hpp"

TEST_CASE("values arrive in FIFO order through channels of every capacity", "[chan]") {
  FOR_EACH_PROCS(procs) {
    for (std::size_t cap : {0, 1, 2, 7, 64}) {
      auto ch = csp::make_chan<int>(cap);
      csp::go([ch] {
        for (int i = 0; i < 2000; i++) ch.send(i);
        ch.close();
      });
      int expect = 0;
      for (int v : ch) REQUIRE(v == expect++);
      REQUIRE(expect == 2000);
    }
  }
}

TEST_CASE("unbuffered send completes only when a receiver takes the value", "[chan]") {
  auto ch = csp::make_chan<int>();
  auto sent = csp::make_chan<csp::unit>(1);
  csp::go([=] {
    ch.send(42);
    sent.send({});
  });
  csp::yield();
  REQUIRE(sent.len() == 0);  // the sender is still blocked
  REQUIRE(ch.recv() == 42);
  sent.recv();
}

TEST_CASE("buffered send blocks only when the buffer is full", "[chan]") {
  for (std::size_t cap : {1, 3, 8}) {
    auto ch = csp::make_chan<int>(cap);
    for (std::size_t i = 0; i < cap; i++) ch.send(static_cast<int>(i));
    REQUIRE(ch.len() == cap);
    REQUIRE(ch.cap() == cap);
    int took = -1;
    std::size_t idx = csp::select(csp::on_send(ch, 99), csp::on_default());
    REQUIRE(idx == 1);  // full: the send is not ready
    took = ch.recv();
    REQUIRE(took == 0);
    REQUIRE(csp::select(csp::on_send(ch, 99), csp::on_default()) == 0);
  }
}

TEST_CASE("receive after close drains the buffer, then yields zero values and false", "[chan]") {
  auto ch = csp::make_chan<std::string>(3);
  ch.send("a");
  ch.send("b");
  ch.close();
  REQUIRE(ch.recv() == "a");
  auto [v, ok] = ch.recv_ok();
  REQUIRE(v == "b");
  REQUIRE(ok);
  auto [z, ok2] = ch.recv_ok();
  REQUIRE(z.empty());
  REQUIRE_FALSE(ok2);
  REQUIRE(ch.recv().empty());
}

TEST_CASE("close wakes every blocked receiver with a zero value and false", "[chan]") {
  FOR_EACH_PROCS(procs) {
    for (std::size_t cap : {0, 4}) {
      auto ch = csp::make_chan<int>(cap);
      auto results = csp::make_chan<int>(16);
      csp::wait_group ready;
      ready.add(10);
      for (int i = 0; i < 10; i++)
        csp::go([=, &ready] {
          ready.done();
          auto [v, ok] = ch.recv_ok();
          results.send(ok ? 1000 : v);
        });
      ready.wait();
      while (ch.len() != 0) csp::yield();
      ch.close();
      for (int i = 0; i < 10; i++) REQUIRE(results.recv() == 0);
    }
  }
}

TEST_CASE("close panics every blocked sender", "[chan]") {
  FOR_EACH_PROCS(procs) {
    for (std::size_t cap : {0, 1}) {
      auto ch = csp::make_chan<int>(cap);
      if (cap) ch.send(0);
      auto outcome = csp::make_chan<std::string>(8);
      csp::wait_group started;
      started.add(5);
      for (int i = 0; i < 5; i++)
        csp::go([=, &started] {
          started.done();
          try {
            ch.send(1);
            outcome.send("sent");
          } catch (const csp::panic& p) {
            outcome.send(p.what());
          }
        });
      started.wait();
      for (int i = 0; i < 100; i++) csp::yield();
      ch.close();
      for (int i = 0; i < 5; i++) REQUIRE(outcome.recv() == "send on closed channel");
    }
  }
}

TEST_CASE("misuse of channels panics with Go's messages", "[chan]") {
  auto ch = csp::make_chan<int>(1);
  ch.close();
  REQUIRE_THROWS_WITH(ch.send(1), "send on closed channel");
  REQUIRE_THROWS_WITH(ch.close(), "close of closed channel");
  csp::chan<int> nil;
  REQUIRE_THROWS_WITH(nil.close(), "close of nil channel");
  REQUIRE_THROWS_AS(ch.send(1), std::logic_error);
}

TEST_CASE("channel handles share one channel and compare by identity", "[chan]") {
  csp::chan<int> nil;
  REQUIRE_FALSE(nil);
  REQUIRE(nil.len() == 0);
  auto a = csp::make_chan<int>(2);
  auto b = a;
  auto c = csp::make_chan<int>(2);
  REQUIRE(a);
  REQUIRE(a == b);
  REQUIRE_FALSE(a == c);
  a.send(5);
  REQUIRE(b.recv() == 5);
  csp::chan<int> moved = std::move(b);
  REQUIRE(moved == a);
}

TEST_CASE("move-only values travel through channels", "[chan]") {
  for (std::size_t cap : {0, 2}) {
    auto ch = csp::make_chan<std::unique_ptr<int>>(cap);
    csp::go([ch] {
      for (int i = 0; i < 10; i++) ch.send(std::make_unique<int>(i));
      ch.close();
    });
    int sum = 0;
    for (auto& p : ch) sum += *p;
    REQUIRE(sum == 45);
  }
}

TEST_CASE("a plain OS thread can send, receive and block on channels", "[chan]") {
  auto ch = csp::make_chan<int>();
  auto back = csp::make_chan<int>();
  csp::go([=] {
    for (int v : ch) back.send(v * 2);
  });
  int wrong = 0;
  std::thread t([=, &wrong] {
    for (int i = 0; i < 1000; i++) {
      ch.send(i);
      if (back.recv() != 2 * i) wrong++;
    }
    ch.close();
  });
  t.join();
  CHECK(wrong == 0);
}
