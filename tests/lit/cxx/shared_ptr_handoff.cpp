// shared_ptr handed between threads through a queue: whichever owner drops
// the last reference frees the object, ordered after every other owner's
// decrement by the release sequence of the count. libstdc++'s release path
// decrements with a 4-byte atomic and may instead read both counts with one
// 8-byte acquire load; the free that follows must not be reported against
// the other owner's decrement (it was, once the two interleaved).
// With -DRACY the producer writes an item it handed over once the consumer
// has read it (told by a relaxed flag: no edge): a report.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: sum 19999900000
// RACE: WARNING: chansan: data race
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct Item {
  std::string name;
  long value;
  char payload[300];  // a block over 256 bytes
};

int main() {
  const int n = 200000;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<Item>> q;
  bool done = false;
  long sum = 0;
  std::atomic<bool> seen{false};  // relaxed: no edge
  std::thread consumer([&] {
    for (;;) {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return !q.empty() || done; });
      if (q.empty()) return;
      std::shared_ptr<Item> it = q.front();
      q.pop_front();
      l.unlock();
      sum += it->value;
#ifdef RACY
      if (it->payload[0] == 0 && it->value == n / 2) seen.store(true, std::memory_order_relaxed);
#endif
    }
  });
  for (int i = 0; i < n; i++) {
    auto it = std::make_shared<Item>(Item{"item-" + std::to_string(i), i, {}});
    {
      std::lock_guard<std::mutex> l(mu);
      q.push_back(it);
    }
    cv.notify_one();
#ifdef RACY
    if (i == n / 2) {  // wait, unordered, until the consumer has read it
      while (!seen.load(std::memory_order_relaxed)) {
      }
      it->payload[0] = 2;
    }
#endif
  }
  {
    std::lock_guard<std::mutex> l(mu);
    done = true;
  }
  cv.notify_one();
  consumer.join();
  std::printf("sum %ld\n", sum);
}
