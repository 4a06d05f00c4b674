// Boost.Thread (Debian's libboost-thread-dev): boost::thread, boost::mutex,
// boost::shared_mutex, boost::condition_variable and boost::barrier order
// what they should: no report. With -DRACY each thread also reads the
// table unlocked right after its insert, while the others insert: a report.
// REQUIRES: boost-thread
// RUN: %chansan_cxx %s -o %t.ok -lboost_thread && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy -lboost_thread
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 4000 4 40
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}lib_boost_thread.cpp:{{[0-9]+}} in
#include <boost/thread/barrier.hpp>
#include <boost/thread/condition_variable.hpp>
#include <boost/thread/mutex.hpp>
#include <boost/thread/shared_mutex.hpp>
#include <boost/thread/thread.hpp>
#include <cstdio>

int main() {
  boost::mutex mu;
  long counter = 0;
  boost::shared_mutex rw;
  int table[4] = {0, 0, 0, 0};
  boost::barrier barrier(4);
  boost::thread_group group;
  long reads = 0;
  for (int t = 0; t < 4; t++)
    group.create_thread([&, t] {
      for (int i = 0; i < 1000; i++) {
        boost::lock_guard<boost::mutex> l(mu);
        counter++;
      }
      {
        boost::unique_lock<boost::shared_mutex> w(rw);
        table[t] = t * 10;
      }
#ifdef RACY
      volatile long early = 0;  // read unlocked while later writers insert
      for (int v : table) early = early + v;
#endif
      barrier.wait();
      long seen = 0;
      {
        boost::shared_lock<boost::shared_mutex> r(rw);
        for (int v : table) seen += v;
      }
      boost::lock_guard<boost::mutex> l(mu);
      reads += seen == 60 ? 1 : 0;
    });
  group.join_all();
  // A condition variable hands a value from one thread to another.
  boost::condition_variable cv;
  bool ready = false;
  int value = 0;
  boost::thread producer([&] {
    boost::lock_guard<boost::mutex> l(mu);
    value = 40;
    ready = true;
    cv.notify_one();
  });
  {
    boost::unique_lock<boost::mutex> l(mu);
    while (!ready) cv.wait(l);
  }
  producer.join();
  std::printf("done %ld %ld %d\n", counter, reads, value);
}
