#include <catch2/catch.hpp>
#include <set>
#include <thread>
#include <vector>

#include "sync_map.hpp"

using namespace chansan;

TEST_CASE("a sync object's clock persists across operations until freed", "[sync_map]") {
  SyncMap m;
  VectorClock sender;
  sender.set(7, 3);
  m.with_clock(0x1000, [&](VectorClock& c) { sender.release_to(c); });
  VectorClock receiver;
  m.with_clock(0x1000, [&](VectorClock& c) { receiver.acquire(c); });
  REQUIRE(receiver.has_seen(7, 3));
  m.erase_range(0x1000, 8);
  REQUIRE_FALSE(m.contains(0x1000));
  VectorClock later;
  m.with_clock(0x1000, [&](VectorClock& c) { later.acquire(c); });
  REQUIRE_FALSE(later.has_seen(7, 3));  // a new object at the address starts clean
}

TEST_CASE("erasing a range forgets exactly the objects inside it", "[sync_map]") {
  SyncMap m;
  for (uintptr_t a : {0x100, 0x1ff, 0x200, 0x2ff, 0x300})
    m.with_clock(a, [](VectorClock&) {});
  m.erase_range(0x200, 0x100);  // a large range: scanned
  REQUIRE(m.contains(0x100));
  REQUIRE(m.contains(0x1ff));
  REQUIRE_FALSE(m.contains(0x200));
  REQUIRE_FALSE(m.contains(0x2ff));
  REQUIRE(m.contains(0x300));
  m.erase_range(0x1ff, 1);  // a small range: probed
  REQUIRE_FALSE(m.contains(0x1ff));
  REQUIRE(m.size() == 2);
}

TEST_CASE("concurrent operations on one object are atomic", "[sync_map]") {
  SyncMap m;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; t++)
    ts.emplace_back([&, t] {
      for (int i = 1; i <= 1000; i++)
        m.with_clock(0x42, [&](VectorClock& c) {
          // read-modify-write under the shard lock
          c.set(static_cast<Sid>(t), static_cast<Epoch>(c.get(static_cast<Sid>(t)) + 1));
        });
    });
  for (auto& th : ts) th.join();
  m.with_clock(0x42, [](VectorClock& c) {
    for (int t = 0; t < 4; t++) REQUIRE(c.get(static_cast<Sid>(t)) == 1000);
  });
}
