// Heap objects (shared_ptr, over 256 bytes each) passed from a producer to
// a consumer through a mutex + condition_variable queue: every object is a
// sync object (its reference count) and is freed, so a free must cost
// O(its block) whatever the number of live sync objects (issue 9 measured
// 50 s here at 100k items). Usage: sharedptr_queue N
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <string>
#include <memory>
struct Item { std::string name; int value; char pad[300]; };
int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  std::mutex mu; std::condition_variable cv; std::deque<std::shared_ptr<Item>> q; bool done = false;
  long sum = 0;
  std::thread consumer([&] {
    for (;;) {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return !q.empty() || done; });
      if (q.empty()) return;
      std::shared_ptr<Item> it = q.front(); q.pop_front(); l.unlock();
      sum += it->value + (long)it->name.size();

    }
  });
  for (int i = 0; i < n; i++) {
    auto it = std::make_shared<Item>(Item{"item-" + std::to_string(i), i, {}});
    { std::lock_guard<std::mutex> l(mu); q.push_back(it); }
    cv.notify_one();
  }
  { std::lock_guard<std::mutex> l(mu); done = true; }
  cv.notify_one();
  consumer.join();
  printf("%ld\n", sum);
}
