#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "shadow.hpp"

using namespace chansan;

TEST_CASE("a shadow cell round-trips every field", "[shadow]") {
  for (unsigned size : {1u, 2u, 4u, 8u})
    for (unsigned off = 0; off + size <= 8; off += size)
      for (bool read : {false, true})
        for (bool atomic : {false, true})
          for (int sid : {0, 1, 127, 255})
            for (uint32_t epoch : {1u, 2u, 1000u, 0xfffeu, 0xfffffffeu}) {
              Shadow s = Shadow::access(static_cast<Sid>(sid), static_cast<Epoch>(epoch),
                                        0x1000 + off, size, read, atomic);
              REQUIRE_FALSE(s.empty());
              REQUIRE(s.sid() == sid);
              REQUIRE(s.epoch() == epoch);
              REQUIRE(s.offset() == off);
              REQUIRE(s.size() == size);
              REQUIRE(s.is_read() == read);
              REQUIRE(s.is_atomic() == atomic);
              REQUIRE(Shadow::from_raw(s.raw()).raw() == s.raw());
            }
}

TEST_CASE("the hot path's covering test agrees with the readable formula", "[shadow]") {
  // access.cpp decides on the raw words (Shadow::covering_bytes) whether an
  // earlier cell of this goroutine and epoch makes the check unneeded; it
  // must say exactly what the named fields say, for every kind of pair.
  std::vector<Shadow> cells{Shadow()};  // the empty cell too
  for (int sid : {0, 1, 255})
    for (uint32_t epoch : {1u, 2u, 0xfffffffeu})
      for (unsigned off : {0u, 3u, 4u})
        for (unsigned size : {1u, 4u})
          for (bool read : {false, true})
            for (bool atomic : {false, true})
              cells.push_back(Shadow::access(static_cast<Sid>(sid), epoch, 0x2000 + off, size, read, atomic));
  for (int sid : {0, 1, 255})
    for (uint32_t epoch : {1u, 2u}) cells.push_back(Shadow::freed(static_cast<Sid>(sid), epoch));
  std::size_t covering = 0;
  for (Shadow cell : cells)
    for (Shadow cur : cells) {
      if (cur.empty() || cur.is_freed()) continue;  // the current access is neither empty nor a mark
      const uint64_t fast = Shadow::covering_bytes(cell.raw(), cur.raw());
      REQUIRE(fast == Shadow::covering_bytes_readable(cell, cur));
      covering += fast != 0;
    }
  REQUIRE(covering > 0);  // the pairs include covering ones, not only misses
}

TEST_CASE("a free's mark covers no later access, not even its own goroutine's in the same epoch", "[shadow]") {
  // Every access after a free must reach the full check, which reports it:
  // the mark is a write of the whole granule by the freeing goroutine,
  // which would otherwise cover that goroutine's later reads and writes.
  const Shadow mark = Shadow::freed(7, 42);
  REQUIRE(mark.is_freed());
  REQUIRE(mark.sid() == 7);
  REQUIRE(mark.epoch() == 42);
  REQUIRE(!mark.is_read());
  REQUIRE(mark.mask() == 0xff);
  for (bool read : {false, true})
    for (unsigned size : {1u, 8u}) {
      const Shadow later = Shadow::access(7, 42, 0x3000, size, read, false);
      REQUIRE(!later.is_freed());
      REQUIRE(Shadow::covering_bytes(mark.raw(), later.raw()) == 0);
      REQUIRE(conflicts(mark, later));
    }
  // Without the freed bit the same write would cover them: the bit decides.
  const Shadow plain = Shadow::access(7, 42, 0x3000, 8, false, false);
  REQUIRE(Shadow::covering_bytes(plain.raw(), Shadow::access(7, 42, 0x3000, 4, true, false).raw()) != 0);
}

TEST_CASE("a goroutine's stamp and an access's bits make the cell Shadow::access builds", "[shadow]") {
  for (bool read : {false, true})
    for (bool atomic : {false, true}) {
      const uint64_t raw = Shadow::stamp(7, 12345) | Shadow::byte_mask(0x3002, 2) | Shadow::kind_bits(read, atomic);
      REQUIRE(raw == Shadow::access(7, 12345, 0x3002, 2, read, atomic).raw());
    }
}

TEST_CASE("an access wider than the rest of its granule is clipped to it", "[shadow]") {
  REQUIRE(Shadow::byte_mask(0x1006, 4) == 0b11000000);
  REQUIRE(Shadow::byte_mask(0x1000, 16) == 0xff);
  REQUIRE(Shadow::byte_mask(0x1003, 2) == 0b00011000);
}

TEST_CASE("accesses conflict only on shared bytes, with a write, not both atomic", "[shadow]") {
  auto acc = [](uintptr_t a, unsigned n, bool read, bool atomic = false) {
    return Shadow::access(1, 1, a, n, read, atomic);
  };
  REQUIRE(conflicts(acc(0x10, 4, false), acc(0x10, 4, true)));    // write / read
  REQUIRE(conflicts(acc(0x10, 4, true), acc(0x12, 1, false)));    // read / write, overlapping
  REQUIRE_FALSE(conflicts(acc(0x10, 4, true), acc(0x10, 4, true)));     // read / read
  REQUIRE_FALSE(conflicts(acc(0x10, 4, false), acc(0x14, 4, false)));   // disjoint bytes
  REQUIRE_FALSE(conflicts(acc(0x10, 4, false, true), acc(0x10, 4, false, true)));  // both atomic
  REQUIRE(conflicts(acc(0x10, 4, false, true), acc(0x10, 4, true)));    // atomic / plain
}

TEST_CASE("a conflict is a race unless the earlier access was seen", "[shadow]") {
  Shadow earlier = Shadow::access(/*sid=*/3, /*epoch=*/10, 0x40, 8, false, false);
  Shadow later = Shadow::access(/*sid=*/4, /*epoch=*/1, 0x40, 8, true, false);
  VectorClock clock;
  REQUIRE(races(earlier, later, clock));
  clock.set(3, 9);
  REQUIRE(races(earlier, later, clock));
  clock.set(3, 10);
  REQUIRE_FALSE(races(earlier, later, clock));
  REQUIRE_FALSE(races(Shadow(), later, VectorClock()));  // an empty cell never races
}

TEST_CASE("the shadow map gives each granule its own cells and clears them", "[shadow]") {
  ShadowMap map;
  std::vector<char> buf(1 << 16);
  auto base = reinterpret_cast<uintptr_t>(buf.data()) & ~uintptr_t{7};
  REQUIRE(map.cells(base) == map.cells(base + 7));                      // same granule
  REQUIRE(map.cells(base + 8) == map.cells(base) + kShadowCells);       // next granule
  auto global = reinterpret_cast<uintptr_t>(&map);
  REQUIRE(map.cells(global) != map.cells(base));
  map.cells(base + 8)[kShadowCells - 1].store(Shadow::access(1, 1, base + 8, 8, false, false).raw());
  map.cells(base + 64)[0].store(123);
  map.clear(base + 8, 8);
  REQUIRE(map.cells(base + 8)[kShadowCells - 1].load() == 0);
  REQUIRE(map.cells(base + 64)[0].load() == 123);  // outside the cleared range
  map.clear(base, 1 << 16);
  REQUIRE(map.cells(base + 64)[0].load() == 0);
}

TEST_CASE("threads that first touch a region together share one shadow block", "[shadow]") {
  ShadowMap map;
  std::vector<char> buf(64);
  auto addr = reinterpret_cast<uintptr_t>(buf.data());
  std::vector<std::atomic<uint64_t>*> seen(8);
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; i++) ts.emplace_back([&, i] { seen[i] = map.cells(addr); });
  for (auto& t : ts) t.join();
  for (auto* p : seen) REQUIRE(p == seen[0]);
  REQUIRE(map.regions_mapped() >= 1);
}
