// The standard library's synchronization orders what it should: function-
// local statics first reached by several threads and goroutines
// (__cxa_guard_*), std::call_once (pthread_once), condition_variable's
// wait_for/wait_until (pthread_cond_clockwait), timed mutexes, POSIX
// semaphores, barriers and flockfile. No report for any of them.
// With -DRACY one of the orderings is left out: the report names it.
// RUN: %chansan_cxx %s -o %t.ok -lpthread && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy -lpthread
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}std_sync.cpp:{{[0-9]+}} in
#include <pthread.h>
#include <semaphore.h>

#include <chrono>
#include <condition_variable>
#include <csp/csp.hpp>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct Table {
  std::vector<int> squares;
  Table() {
    for (int i = 0; i < 64; i++) squares.push_back(i * i);
  }
};

const Table& table() {
  static Table t;  // first use by whichever thread gets there first
  return t;
}

std::once_flag once;
std::string* config;

int main() {
  using namespace std::chrono_literals;
  // Statics and call_once, reached by threads and goroutines at once.
  long sum = 0;
  std::mutex sum_mu;
  csp::wait_group wg;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; i++) {
    ts.emplace_back([&] {
      std::call_once(once, [] { config = new std::string("threads=4"); });
      int v = table().squares[7] + static_cast<int>(config->size());
      std::lock_guard<std::mutex> l(sum_mu);
      sum += v;
    });
    wg.add(1);
    csp::go([&] {
      std::call_once(once, [] { config = new std::string("threads=4"); });
      int v = table().squares[7] + static_cast<int>(config->size());
      {
        std::lock_guard<std::mutex> l(sum_mu);
        sum += v;
      }
      wg.done();
    });
  }
  for (auto& t : ts) t.join();
  wg.wait();

  // condition_variable::wait_for: the notifier's writes are seen.
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  int payload = 0;
  std::thread producer([&] {
    payload = 42;
    std::lock_guard<std::mutex> l(mu);
    ready = true;
    cv.notify_one();
  });
  {
    std::unique_lock<std::mutex> l(mu);
    while (!cv.wait_for(l, 10ms, [&] { return ready; })) {
    }
  }
  int got = payload;
  producer.join();

  // A timed mutex taken with try_lock_for (pthread_mutex_clocklock).
  std::timed_mutex tm;
  int guarded = 0;
  std::thread other([&] {
    if (tm.try_lock_for(1s)) {
      guarded++;
      tm.unlock();
    }
  });
  if (tm.try_lock_for(1s)) {
    guarded++;
    tm.unlock();
  }
  other.join();

  // A semaphore: post before the wait it satisfies.
  sem_t sem;
  sem_init(&sem, 0, 0);
  int handed = 0;
  std::thread poster([&] {
    handed = 5;
    sem_post(&sem);
  });
#ifndef RACY
  sem_wait(&sem);
#endif
  int from_sem = handed;
  poster.join();
#ifdef RACY
  sem_wait(&sem);
#endif
  sem_destroy(&sem);

  // A barrier: every arrival before every departure.
  pthread_barrier_t bar;
  pthread_barrier_init(&bar, nullptr, 2);
  int slots[2] = {0, 0};
  int seen = 0;
  std::thread peer([&] {
    slots[1] = 1;
    pthread_barrier_wait(&bar);
  });
  slots[0] = 1;
  pthread_barrier_wait(&bar);
  seen = slots[0] + slots[1];
  peer.join();
  pthread_barrier_destroy(&bar);

  // flockfile: a FILE's lock around the program's own bookkeeping.
  int lines = 0;
  std::thread printer([&] {
    flockfile(stdout);
    lines++;
    funlockfile(stdout);
  });
  flockfile(stdout);
  lines++;
  funlockfile(stdout);
  printer.join();

  std::printf("sum=%ld got=%d guarded=%d sem=%d seen=%d lines=%d\ndone\n", sum, got, guarded,
              from_sem, seen, lines);
}
