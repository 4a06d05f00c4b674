#include <catch2/catch.hpp>

#include "clock.hpp"

using namespace chansan;

TEST_CASE("a fresh clock has seen only epoch zero", "[clock]") {
  VectorClock c;
  for (int s = 0; s < kSlots; s++) {
    REQUIRE(c.get(static_cast<Sid>(s)) == kEpochZero);
    REQUIRE(c.has_seen(static_cast<Sid>(s), 0));
    REQUIRE_FALSE(c.has_seen(static_cast<Sid>(s), 1));
  }
}

TEST_CASE("acquire takes the element-wise maximum", "[clock]") {
  VectorClock a, b;
  a.set(1, 10);
  a.set(2, 3);
  b.set(2, 7);
  b.set(200, 9);
  a.acquire(b);
  REQUIRE(a.get(1) == 10);
  REQUIRE(a.get(2) == 7);
  REQUIRE(a.get(200) == 9);
  REQUIRE(a.has_seen(200, 9));
  REQUIRE_FALSE(a.has_seen(200, 10));
  REQUIRE(b.get(1) == 0);  // the source is unchanged
}

TEST_CASE("release merges into a sync object; release-store replaces it", "[clock]") {
  VectorClock g1, g2, sync;
  g1.set(1, 5);
  g2.set(2, 8);
  g1.release_to(sync);
  g2.release_to(sync);
  REQUIRE(sync.get(1) == 5);
  REQUIRE(sync.get(2) == 8);
  g2.release_store_to(sync);
  REQUIRE(sync.get(1) == 0);
  REQUIRE(sync.get(2) == 8);
  REQUIRE(sync == g2);
}

TEST_CASE("a release then an acquire orders the releaser's events before the acquirer's", "[clock]") {
  VectorClock sender, receiver, chan_slot;
  sender.set(3, 41);        // the sender's write happened at epoch 41 of slot 3
  sender.release_to(chan_slot);
  REQUIRE_FALSE(receiver.has_seen(3, 41));
  receiver.acquire(chan_slot);
  REQUIRE(receiver.has_seen(3, 41));
  REQUIRE_FALSE(receiver.has_seen(3, 42));  // later sender events are not ordered
}

TEST_CASE("a sync object's clock holds only the slots it has heard of", "[clock]") {
  SyncClock sync;
  REQUIRE(sync.used() == 0);
  VectorClock g;
  g.set(2, 7);
  sync.acquire(g);  // a release by a goroutine that knows slots 0..2
  REQUIRE(sync.used() == 3);
  REQUIRE(sync.get(2) == 7);
  REQUIRE(sync.get(200) == 0);  // beyond what it holds: zero
  sync.set(40, 9);
  REQUIRE(sync.used() == 41);
  REQUIRE(sync.get(39) == 0);  // the gap is zero
  VectorClock reader;
  acquire_from(reader, sync);
  REQUIRE(reader.has_seen(2, 7));
  REQUIRE(reader.has_seen(40, 9));
  REQUIRE_FALSE(reader.has_seen(40, 10));
  sync.reset();  // a new release sequence forgets everything
  REQUIRE(sync.get(40) == 0);
  sync.set(1, 1);
  REQUIRE(sync.get(2) == 0);  // no stale entry comes back
}
