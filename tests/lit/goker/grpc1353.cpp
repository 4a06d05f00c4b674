// After GoBench's GoKer grpc#1353 (mixed deadlock: channel & lock): the
// balancer sends an address update on an unbuffered channel while holding
// its mutex; the watcher, busy with the previous update, tears connections
// down, which takes that same mutex. Each waits for the other.
// The fix (-UBUG): a buffered channel, drained before sending, so the
// sender never blocks while holding the mutex.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>
#include <mutex>
#include <vector>

struct RoundRobin {
  csp::mutex mu;
  csp::chan<bool> addr_ch;

  void watch_addr_updates() {
    std::lock_guard<csp::mutex> l(mu);
#ifndef BUG
    csp::select(csp::on_recv(addr_ch), csp::on_default());  // drop a stale update
#endif
    addr_ch.send(true);
  }
  void down() { std::lock_guard<csp::mutex> l(mu); }
  void close() {
    std::lock_guard<csp::mutex> l(mu);
    addr_ch.close();
  }
};

struct AddrConn {
  csp::mutex mu;
  RoundRobin* rr;
  void tear_down() {
    std::lock_guard<csp::mutex> l(mu);
    rr->down();
  }
};

int main() {
  RoundRobin rr;
#ifdef BUG
  rr.addr_ch = csp::make_chan<bool>();
#else
  rr.addr_ch = csp::make_chan<bool>(1);
#endif
  std::vector<AddrConn> conns(2);
  for (auto& c : conns) c.rr = &rr;
  auto updates_done = csp::make_chan<csp::unit>();
  csp::go([&] {  // the balancer
    for (int i = 0; i < 100; i++) rr.watch_addr_updates();
    updates_done.close();
  });
  auto watcher_done = csp::make_chan<csp::unit>();
  csp::go([&] {  // the watcher
    for (bool addr : rr.addr_ch) {
      (void)addr;
      for (auto& c : conns) c.tear_down();
    }
    watcher_done.close();
  });
  updates_done.recv();
  rr.close();
  watcher_done.recv();
  std::puts("closed");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: closed
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG-DAG: blocked in chan send on channel
// BUG-DAG: blocked in sync.Mutex.Lock on mutex {{0x[0-9a-f]+}} held by goroutine
