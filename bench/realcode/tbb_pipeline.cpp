// oneTBB on a real workload: N heap objects made by a parallel_for, passed
// through a concurrent_queue to a consumer thread that frees them, and a
// task_group summing blocks of the results. Usage: tbb_pipeline N
#include <tbb/concurrent_queue.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

struct Item {
  std::string name;
  long value;
};

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::vector<Item*> items(static_cast<std::size_t>(n));
  tbb::parallel_for(0, n, [&](int i) { items[i] = new Item{"item-" + std::to_string(i), i}; });
  tbb::concurrent_queue<Item*> q;
  long consumed = 0;
  std::thread consumer([&] {
    for (int got = 0; got < n;) {
      Item* it;
      if (q.try_pop(it)) {
        consumed += it->value + static_cast<long>(it->name.size());
        delete it;
        got++;
      }
    }
  });
  std::vector<long> block_sums(64);
  tbb::task_group g;
  for (int b = 0; b < 64; b++)
    g.run([&, b] {
      for (int i = b; i < n; i += 64) block_sums[b] += items[i]->value;
    });
  g.wait();
  for (Item* it : items) q.push(it);
  consumer.join();
  long s = 0;
  for (long v : block_sums) s += v;
  std::printf("%ld %ld\n", s, consumed);
}
