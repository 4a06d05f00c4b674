#include <catch2/catch.hpp>
#include <cmath>

#include "test_util.hpp"

TEST_CASE("select takes the default case when nothing is ready", "[select]") {
  auto ch = csp::make_chan<int>();
  bool ran = false;
  REQUIRE(csp::select(csp::on_recv(ch, [](int) { FAIL("not ready"); }),
                      csp::on_default([&] { ran = true; })) == 1);
  REQUIRE(ran);
  REQUIRE(csp::select(csp::on_default()) == 0);
}

TEST_CASE("select chooses uniformly among ready cases", "[select]") {
  constexpr int kChans = 4, kRounds = 40000;
  std::vector<csp::chan<int>> chans;
  for (int i = 0; i < kChans; i++) {
    chans.push_back(csp::make_chan<int>(1));
    chans.back().send(i);
  }
  int hits[kChans] = {};
  for (int r = 0; r < kRounds; r++) {
    int got = -1;
    csp::select(csp::on_recv(chans[0], [&](int v) { got = v; }),
                csp::on_recv(chans[1], [&](int v) { got = v; }),
                csp::on_recv(chans[2], [&](int v) { got = v; }),
                csp::on_recv(chans[3], [&](int v) { got = v; }));
    hits[got]++;
    chans[got].send(got);  // keep every case ready
  }
  // Chi-square with 3 degrees of freedom; 16.27 is the 0.1% critical value.
  double chi2 = 0, expect = double(kRounds) / kChans;
  for (int h : hits) chi2 += (h - expect) * (h - expect) / expect;
  INFO("hits " << hits[0] << " " << hits[1] << " " << hits[2] << " " << hits[3]);
  REQUIRE(chi2 < 16.27);
}

TEST_CASE("select blocks until one of its cases becomes ready", "[select]") {
  FOR_EACH_PROCS(procs) {
    for (std::size_t cap : {0, 1, 3}) {
      auto a = csp::make_chan<int>(cap), b = csp::make_chan<int>(cap);
      csp::go([=] { b.send(7); });
      int got = 0;
      std::size_t i = csp::select(csp::on_recv(a, [&](int v) { got = v; }),
                                  csp::on_recv(b, [&](int v) { got = v; }));
      REQUIRE(i == 1);
      REQUIRE(got == 7);
    }
  }
}

TEST_CASE("select send case hands its value to a receiver", "[select]") {
  FOR_EACH_PROCS(procs) {
    for (std::size_t cap : {0, 2}) {
      auto ch = csp::make_chan<int>(cap);
      auto out = csp::make_chan<int>(1);
      csp::go([=] { out.send(ch.recv()); });
      bool sent = false;
      REQUIRE(csp::select(csp::on_send(ch, 11, [&] { sent = true; })) == 0);
      REQUIRE(sent);
      REQUIRE(out.recv() == 11);
    }
  }
}

TEST_CASE("select receive sees a close as a zero value and false", "[select]") {
  auto ch = csp::make_chan<int>();
  csp::go([=] { ch.close(); });
  int v = -1;
  bool ok = true;
  csp::select(csp::on_recv(ch, [&](int x, bool k) {
    v = x;
    ok = k;
  }));
  REQUIRE(v == 0);
  REQUIRE_FALSE(ok);
}

TEST_CASE("a select send on a closed channel panics", "[select]") {
  auto ch = csp::make_chan<int>(1);
  ch.close();
  REQUIRE_THROWS_WITH(csp::select(csp::on_send(ch, 1), csp::on_default()), "send on closed channel");
  auto blocked = csp::make_chan<int>();
  auto done = csp::make_chan<std::string>(1);
  csp::go([=] {
    try {
      csp::select(csp::on_send(blocked, 1));
      done.send("sent");
    } catch (const csp::panic& p) {
      done.send(p.what());
    }
  });
  for (int i = 0; i < 50; i++) csp::yield();
  blocked.close();
  REQUIRE(done.recv() == "send on closed channel");
}

TEST_CASE("nil channel cases are never ready", "[select]") {
  csp::chan<int> nil;
  auto ready = csp::make_chan<int>(1);
  ready.send(3);
  REQUIRE(csp::select(csp::on_recv(nil), csp::on_send(nil, 1), csp::on_recv(ready)) == 2);
  REQUIRE(csp::select(csp::on_recv(nil), csp::on_default()) == 1);
}

TEST_CASE("handlers may take the value, the value and ok, or nothing", "[select]") {
  auto ch = csp::make_chan<int>(3);
  ch.send(1);
  ch.send(2);
  ch.send(3);
  int a = 0;
  csp::select(csp::on_recv(ch, [&](int v) { a = v; }));
  csp::select(csp::on_recv(ch, [&](int v, bool ok) { a += ok ? v : 100; }));
  csp::select(csp::on_recv(ch, [&] { a += 10; }));
  REQUIRE(a == 13);
}

TEST_CASE("a select waiting on several channels is completed exactly once", "[select]") {
  FOR_EACH_PROCS(procs) {
    for (int round = 0; round < 200; round++) {
      auto a = csp::make_chan<int>(), b = csp::make_chan<int>();
      auto got = csp::make_chan<int>(2);
      csp::go([=] {
        int v = 0;
        csp::select(csp::on_recv(a, [&](int x) { v = x; }), csp::on_recv(b, [&](int x) { v = x; }));
        got.send(v);
      });
      // Two senders race to complete the same select; exactly one wins and
      // the other must still be able to finish with a second receive.
      csp::go([=] { a.send(1); });
      csp::go([=] { b.send(2); });
      int first = got.recv();
      REQUIRE((first == 1 || first == 2));
      int second = (first == 1 ? b : a).recv();
      REQUIRE(second == 3 - first);
    }
  }
}
