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
  m.with_clock(0x1000, [&](SyncClock& c) { c.acquire(sender); });
  VectorClock receiver;
  m.with_clock(0x1000, [&](SyncClock& c) { acquire_from(receiver, c); });
  REQUIRE(receiver.has_seen(7, 3));
  m.erase_range(0x1000, 8);
  REQUIRE_FALSE(m.contains(0x1000));
  VectorClock later;
  m.with_clock(0x1000, [&](SyncClock& c) { acquire_from(later, c); });
  REQUIRE_FALSE(later.has_seen(7, 3));  // a new object at the address starts clean
}

TEST_CASE("erasing a range forgets exactly the objects inside it", "[sync_map]") {
  SyncMap m;
  for (uintptr_t a : {0x100, 0x1ff, 0x200, 0x2ff, 0x300})
    m.with_clock(a, [](SyncClock&) {});
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
        m.with_clock(0x42, [&](SyncClock& c) {
          // read-modify-write under the shard lock
          c.set(static_cast<Sid>(t), static_cast<Epoch>(c.get(static_cast<Sid>(t)) + 1));
        });
    });
  for (auto& th : ts) th.join();
  m.with_clock(0x42, [](SyncClock& c) {
    for (int t = 0; t < 4; t++) REQUIRE(c.get(static_cast<Sid>(t)) == 1000);
  });
}

TEST_CASE("a free looks only at the sync objects of its own pages", "[sync_map]") {
  SyncMap m;
  // 131072 objects elsewhere: a free must not scan them.
  for (uintptr_t a = 0x10000000; a < 0x10000000 + (uintptr_t{1} << 17) * 16; a += 16)
    m.with_clock(a, [](SyncClock&) {});
  // A 64 KiB block with two objects in it, and one just past its end.
  const uintptr_t block = 0x40000000;
  m.with_clock(block + 8, [](SyncClock&) {});
  m.with_clock(block + 40000, [](SyncClock&) {});
  m.with_clock(block + 65536, [](SyncClock&) {});
  const std::size_t before = m.keys_examined();
  m.erase_range(block, 65536);
  REQUIRE(m.keys_examined() - before == 2);  // the two on the freed pages, nothing else
  REQUIRE_FALSE(m.contains(block + 8));
  REQUIRE_FALSE(m.contains(block + 40000));
  REQUIRE(m.contains(block + 65536));
  REQUIRE(m.size() == (std::size_t{1} << 17) + 1);
  // A block of pages that never held an object costs no key at all.
  m.erase_range(0x50000000, 1 << 20);
  REQUIRE(m.keys_examined() - before == 2);
}

TEST_CASE("keys outside user space never die with freed memory", "[sync_map]") {
  SyncMap m;
  const uintptr_t key = thread_sync_key(0x7f0000001000);
  m.with_clock(key, [](SyncClock& c) { c.set(1, 5); });
  m.erase_range(0x7f0000000000, 0x10000);  // the thread's stack, descriptor included
  REQUIRE(m.contains(key));
  m.erase(key);
  REQUIRE_FALSE(m.contains(key));
}

TEST_CASE("an unlocked load copies the clock released into its address", "[sync_map]") {
  SyncMap m;
  VectorClock releaser;
  releaser.set(3, 17);
  m.with_clock(0x7000, [&](SyncClock& c) { c.acquire(releaser); });
  Epoch copy[kSlots];
  int n = -1;
  bool loaded = false;
  REQUIRE(m.load_acquire(0x7000, [&] { loaded = true; }, copy, &n));
  REQUIRE(loaded);
  REQUIRE(n == 4);
  REQUIRE(copy[3] == 17);
  REQUIRE(m.load_acquire(0x7008, [] {}, copy, &n));  // no clock there: nothing to learn
  REQUIRE(n == 0);
}

TEST_CASE("an unlocked load is refused while a writer holds the address's shard", "[sync_map]") {
  SyncMap m;
  Epoch copy[kSlots];
  int n = 0;
  m.with_clock(0x9000, [&](SyncClock&) {
    // Same granule, same shard: its lock is held here, as by a release.
    REQUIRE_FALSE(m.load_acquire(0x9004, [] {}, copy, &n));
  });
  REQUIRE(m.load_acquire(0x9004, [] {}, copy, &n));
}
