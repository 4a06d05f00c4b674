#include <catch2/catch.hpp>
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "heap.hpp"

using namespace chansan;

// Each test uses its own fake address range: the table is one per process.
namespace {
constexpr uintptr_t kRange = uintptr_t{1} << 30;
uintptr_t range(int k) { return uintptr_t{0x100000000000} + k * kRange; }
}  // namespace

TEST_CASE("a block is found from any address inside it, with its allocation", "[heap]") {
  const uintptr_t a = range(0) + 0x1230;
  heap_add(a, HeapBlock{100, 42, 7});
  uintptr_t start = 0;
  HeapBlock b;
  REQUIRE(heap_find(a + 99, start, b));
  REQUIRE(start == a);
  REQUIRE(b.size == 100);
  REQUIRE(b.stack == 42);
  REQUIRE(b.goid == 7);
  REQUIRE_FALSE(heap_find(a + 100 + 16 * 5000, start, b));  // past it, nothing else near
  REQUIRE(heap_remove(a, b));
  REQUIRE(b.size == 100);
}

TEST_CASE("a thread's id survives the table as the thread", "[heap]") {
  const uintptr_t a = range(1);
  const uint64_t thread3 = (uint64_t{1} << 32) + 3;
  heap_add(a, HeapBlock{32, 1, thread3});
  HeapBlock b;
  REQUIRE(heap_remove(a, b));
  REQUIRE(b.goid == thread3);
}

TEST_CASE("a freed block is no longer live but is still named from the freed ring", "[heap]") {
  const uintptr_t a = range(2) + 0x40;
  heap_add(a, HeapBlock{48, 9, 5});
  HeapBlock b;
  REQUIRE(heap_remove(a, b));
  REQUIRE_FALSE(heap_remove(a, b));  // a second free of the block: not known any more
  std::vector<std::pair<uintptr_t, std::size_t>> live;
  heap_snapshot(live);
  REQUIRE(std::none_of(live.begin(), live.end(), [&](auto& p) { return p.first == a; }));
  uintptr_t start = 0;
  REQUIRE(heap_find(a + 8, start, b));
  REQUIRE(start == a);
  REQUIRE(b.stack == 9);
}

TEST_CASE("an address deep inside a big block finds it; the gap after a small one does not", "[heap]") {
  const uintptr_t big = range(3) + (uintptr_t{3} << 22) - 0x100;  // spans regions
  const std::size_t big_size = std::size_t{64} << 20;
  heap_add(big, HeapBlock{big_size, 3, 1});
  uintptr_t start = 0;
  HeapBlock b;
  REQUIRE(heap_find(big + big_size - 1, start, b));
  REQUIRE(start == big);
  const uintptr_t small = big + big_size + 0x1000;
  heap_add(small, HeapBlock{32, 4, 1});
  REQUIRE_FALSE(heap_find(small + 64, start, b));
  REQUIRE(heap_remove(big, b));
  REQUIRE(heap_remove(small, b));
  REQUIRE(heap_find(big + big_size / 2, start, b));  // freed now: from the ring
  REQUIRE(start == big);
}

TEST_CASE("the snapshot lists exactly the live blocks after many allocations and frees", "[heap]") {
  const uintptr_t base = range(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([base, t] {
      HeapBlock b;
      for (int round = 0; round < 20; round++)
        for (uintptr_t k = 0; k < 5000; k++) {
          uintptr_t a = base + (k * 4 + t) * 32;
          if (round % 2 == 0) heap_add(a, HeapBlock{24, 1, static_cast<uint64_t>(t)});
          else heap_remove(a, b);
        }
      for (uintptr_t k = 0; k < 5000; k += 2) heap_add(base + (k * 4 + t) * 32, HeapBlock{24, 1, 0});
    });
  for (auto& th : threads) th.join();
  std::vector<std::pair<uintptr_t, std::size_t>> live;
  heap_snapshot(live);
  std::size_t mine = std::count_if(live.begin(), live.end(), [&](auto& p) { return p.first >= base && p.first < base + kRange; });
  REQUIRE(mine == 4 * 2500);
}

// A queue's producer allocates what its consumer frees: the records the
// consumer's frees release must come back to the producer (in batches,
// through a shard), or the table grows with every block ever allocated.
TEST_CASE("records freed by one thread are reused by the thread that allocates", "[heap]") {
  const uintptr_t base = range(5);
  constexpr int kRounds = 2000, kInFlight = 64;
  std::mutex mu;
  std::condition_variable cv;
  int produced = 0, consumed = 0;  // rounds
  const std::size_t before = heap_records_used();
  std::thread producer([&] {
    for (int r = 0; r < kRounds; r++) {
      for (uintptr_t k = 0; k < kInFlight; k++) heap_add(base + (r % 2 * kInFlight + k) * 32, HeapBlock{24, 1, 1});
      std::unique_lock<std::mutex> l(mu);
      produced++;
      cv.notify_all();
      cv.wait(l, [&] { return consumed >= r; });  // at most two rounds live
    }
  });
  std::thread consumer([&] {
    HeapBlock b;
    for (int r = 0; r < kRounds; r++) {
      {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return produced > r; });
      }
      for (uintptr_t k = 0; k < kInFlight; k++) REQUIRE(heap_remove(base + (r % 2 * kInFlight + k) * 32, b));
      std::lock_guard<std::mutex> l(mu);
      consumed++;
      cv.notify_all();
    }
  });
  producer.join();
  consumer.join();
  // 128,000 blocks went through; at most two rounds were live at once,
  // plus what the two threads' caches and one batch in transit hold.
  REQUIRE(heap_records_used() - before <= 2 * kInFlight + 4 * 64);
}

TEST_CASE("an ending thread's free records go to the next thread", "[heap]") {
  const uintptr_t base = range(6);
  const std::size_t before = heap_records_used();
  for (int t = 0; t < 200; t++) {
    std::thread([&] {
      HeapBlock b;
      for (uintptr_t k = 0; k < 100; k++) heap_add(base + k * 32, HeapBlock{24, 1, 1});
      for (uintptr_t k = 0; k < 100; k++) heap_remove(base + k * 32, b);
      heap_thread_exit();
    }).join();
  }
  // Without the hand-back each thread would keep up to 64 records: 12,800.
  REQUIRE(heap_records_used() - before <= 4 * 64);
}
