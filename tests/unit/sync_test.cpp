#include <catch2/catch.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "test_util.hpp"

TEST_CASE("mutex gives mutual exclusion across goroutines", "[sync]") {
  FOR_EACH_PROCS(procs) {
    csp::mutex mu;
    long counter = 0;
    std::atomic<int> inside{0};
    csp::wait_group wg;
    wg.add(8);
    for (int g = 0; g < 8; g++)
      csp::go([&] {
        for (int i = 0; i < 5000; i++) {
          std::lock_guard<csp::mutex> l(mu);
          if (inside.fetch_add(1) != 0) std::abort();
          counter++;
          if (i % 512 == 0) csp::yield();  // park while holding the lock
          inside.fetch_sub(1);
        }
        wg.done();
      });
    wg.wait();
    REQUIRE(counter == 8 * 5000);
  }
}

TEST_CASE("try_lock fails on a held mutex and unlock of an unlocked one panics", "[sync]") {
  csp::mutex mu;
  REQUIRE(mu.try_lock());
  REQUIRE_FALSE(mu.try_lock());
  mu.unlock();
  REQUIRE_THROWS_WITH(mu.unlock(), "sync: unlock of unlocked mutex");
  csp::rwmutex rw;
  REQUIRE_THROWS_WITH(rw.unlock(), "sync: unlock of unlocked mutex");
  REQUIRE_THROWS_WITH(rw.unlock_shared(), "sync: unlock of unlocked mutex");
}

TEST_CASE("a goroutine other than the locker may unlock a mutex", "[sync]") {
  csp::mutex mu;
  mu.lock();
  auto done = csp::make_chan<csp::unit>();
  csp::go([&] {
    mu.unlock();
    done.send({});
  });
  done.recv();
  REQUIRE(mu.try_lock());
  mu.unlock();
}

TEST_CASE("rwmutex lets readers share and keeps writers exclusive", "[sync]") {
  FOR_EACH_PROCS(procs) {
    csp::rwmutex rw;
    // Two readers hold the lock at the same time.
    rw.lock_shared();
    REQUIRE(rw.try_lock_shared());
    REQUIRE_FALSE(rw.try_lock());
    rw.unlock_shared();
    rw.unlock_shared();
    REQUIRE(rw.try_lock());
    REQUIRE_FALSE(rw.try_lock_shared());
    rw.unlock();

    std::atomic<int> readers{0}, writers{0};
    long value = 0;
    csp::wait_group wg;
    wg.add(6);
    for (int g = 0; g < 6; g++)
      csp::go([&, g] {
        for (int i = 0; i < 2000; i++) {
          if (g < 2) {
            std::unique_lock<csp::rwmutex> l(rw);
            if (writers.fetch_add(1) != 0 || readers.load() != 0) std::abort();
            value++;
            writers.fetch_sub(1);
          } else {
            std::shared_lock<csp::rwmutex> l(rw);
            readers.fetch_add(1);
            if (writers.load() != 0) std::abort();
            readers.fetch_sub(1);
          }
          if (i % 256 == 0) csp::yield();
        }
        wg.done();
      });
    wg.wait();
    REQUIRE(value == 4000);
  }
}

TEST_CASE("a pending writer blocks new readers", "[sync]") {
  csp::rwmutex rw;
  rw.lock_shared();
  auto locked = csp::make_chan<csp::unit>(1);
  csp::go([&] {
    rw.lock();
    rw.unlock();
    locked.send({});  // last: main destroys rw once it receives (found by ASan)
  });
  while (rw.try_lock_shared() && (rw.unlock_shared(), true)) csp::yield();
  REQUIRE(locked.len() == 0);
  rw.unlock_shared();
  locked.recv();
}

TEST_CASE("wait_group waits for every done and rejects a negative counter", "[sync]") {
  FOR_EACH_PROCS(procs) {
    csp::wait_group wg;
    std::atomic<int> n{0};
    wg.add(50);
    for (int i = 0; i < 50; i++)
      csp::go([&] {
        n++;
        wg.done();
      });
    wg.wait();
    REQUIRE(n == 50);
    wg.wait();  // counter is zero: returns at once
  }
  csp::wait_group wg;
  REQUIRE_THROWS_WITH(wg.done(), "sync: negative WaitGroup counter");
}

TEST_CASE("sync objects on a stack may be destroyed as soon as the wait returns", "[sync]") {
  // Regression guard for use-after-free in the wake path: each round
  // destroys the objects right after the waiter is released while the
  // waker may still be on its way out. A use after free shows as a crash, an
  // AddressSanitizer report (the ASan build) or a hang.
  FOR_EACH_PROCS(procs) {
    int rounds = 0;
    for (int round = 0; round < 2000; round++, rounds++) {
      auto wg = std::make_unique<csp::wait_group>();
      wg->add(2);
      csp::go([w = wg.get()] { w->done(); });
      csp::go([w = wg.get()] { w->done(); });
      wg->wait();
      wg.reset();

      auto mu = std::make_unique<csp::mutex>();
      mu->lock();
      auto got = csp::make_chan<csp::unit>();
      csp::go([m = mu.get(), got] {
        m->lock();
        m->unlock();
        got.send({});
      });
      mu->unlock();
      got.recv();
      mu.reset();

      // The waiter owns the object and frees it as soon as its wait
      // returns, while the waker may still be inside unlock/signal/call.
      auto rw = std::make_unique<csp::rwmutex>();
      rw->lock();
      csp::go([r = rw.get()] { r->unlock(); });
      rw->lock_shared();
      rw->unlock_shared();
      rw.reset();

      auto rw2 = std::make_unique<csp::rwmutex>();
      rw2->lock_shared();
      csp::go([r = rw2.get()] { r->unlock_shared(); });
      rw2->lock();  // waits for the reader to leave
      rw2->unlock();
      rw2.reset();

      struct cond_box {
        csp::mutex m;
        csp::cond c{m};
        bool ready = false;
      };
      auto box = std::make_unique<cond_box>();
      csp::go([b = box.get()] {
        // Signal under the lock: main may free the box as soon as it can
        // lock m and see ready. (Regression, found by ASan: signalling after
        // the unlock let main free the cond while signal() still used it.)
        b->m.lock();
        b->ready = true;
        b->c.signal();
        b->m.unlock();
      });
      box->m.lock();
      while (!box->ready) box->c.wait();
      box->m.unlock();
      box.reset();

      auto o = std::make_unique<csp::once>();
      auto started = csp::make_chan<csp::unit>();
      csp::go([p = o.get(), started] {
        p->call([&] {
          started.send({});
          csp::yield();
        });
      });
      started.recv();
      o->call([] {});  // waits for the running call to finish
      o.reset();
    }
    REQUIRE(rounds == 2000);
  }
}

TEST_CASE("once runs its function exactly once, and a throw still counts", "[sync]") {
  csp::once o;
  std::atomic<int> calls{0}, returned_early{0};
  csp::wait_group wg;
  wg.add(20);
  for (int i = 0; i < 20; i++)
    csp::go([&] {
      o.call([&] {
        csp::yield();
        calls++;
      });
      if (calls.load() != 1) returned_early++;  // every call returns after f has
      wg.done();
    });
  wg.wait();
  REQUIRE(calls == 1);
  REQUIRE(returned_early == 0);
  csp::once t;
  REQUIRE_THROWS(t.call([] { throw std::runtime_error("x"); }));
  bool again = false;
  t.call([&] { again = true; });
  REQUIRE_FALSE(again);
}

TEST_CASE("cond signal wakes one waiter and broadcast wakes all", "[sync]") {
  FOR_EACH_PROCS(procs) {
    csp::mutex mu;
    csp::cond c(mu);
    int tokens = 0, woken = 0;
    csp::wait_group wg;
    wg.add(5);
    for (int i = 0; i < 5; i++)
      csp::go([&] {
        {
          std::unique_lock<csp::mutex> l(mu);
          while (tokens == 0) c.wait();
          tokens--;
          woken++;
        }
        // Only after unlocking: main destroys mu once every done() is in.
        // (Regression: done() under the lock let main free mu before the
        // unlock, which then panicked on freed memory.)
        wg.done();
      });
    for (int i = 0; i < 2; i++) {
      std::lock_guard<csp::mutex> l(mu);
      tokens++;
      c.signal();
    }
    {
      std::lock_guard<csp::mutex> l(mu);
      tokens += 3;
      c.broadcast();
    }
    wg.wait();
    REQUIRE(woken == 5);
  }
}

TEST_CASE("cond works over an rwmutex's reader locker", "[sync]") {
  csp::rwmutex rw;
  csp::cond c(rw.rlocker());
  std::atomic<bool> ready{false};
  auto done = csp::make_chan<csp::unit>();
  csp::go([&] {
    rw.lock_shared();
    while (!ready.load()) c.wait();
    rw.unlock_shared();
    done.send({});
  });
  csp::yield();
  rw.lock();
  ready = true;
  rw.unlock();
  c.broadcast();
  // The waiter returns from wait() holding the read lock, sees `ready` and
  // releases it: the writer can lock again.
  done.recv();
  CHECK(rw.try_lock());
  rw.unlock();
}
