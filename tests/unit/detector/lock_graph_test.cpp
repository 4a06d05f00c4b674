#include <catch2/catch.hpp>
#include <vector>

#include "lock_graph.hpp"

using namespace chansan;

namespace {
LockEdge edge(uintptr_t from, uintptr_t to, uint64_t goid = 1) {
  LockEdge e;
  e.from = from;
  e.to = to;
  e.goid = goid;
  e.from_stack = static_cast<uint32_t>(from);
  e.to_stack = static_cast<uint32_t>(to);
  return e;
}
}  // namespace

TEST_CASE("lock order: opposite orders close a cycle through the new edge", "[lock_graph]") {
  LockGraph g;
  std::vector<LockEdge> cycle;
  REQUIRE_FALSE(g.add(edge(0x10, 0x20, 2), cycle));
  REQUIRE(g.add(edge(0x20, 0x10, 3), cycle));
  REQUIRE(cycle.size() == 2);
  CHECK(cycle[0].from == 0x20);  // the new edge first
  CHECK(cycle[0].to == 0x10);
  CHECK(cycle[0].goid == 3);
  CHECK(cycle[1].from == 0x10);
  CHECK(cycle[1].to == 0x20);
  CHECK(cycle[1].goid == 2);
}

TEST_CASE("lock order: a consistent order, however long, has no cycle", "[lock_graph]") {
  LockGraph g;
  std::vector<LockEdge> cycle;
  for (uintptr_t a = 1; a < 50; a++)
    for (uintptr_t b = a + 1; b <= 50; b++) REQUIRE_FALSE(g.add(edge(a * 16, b * 16), cycle));
  CHECK(g.nodes() == 50);
}

TEST_CASE("lock order: a cycle through three locks is found with its edges in order", "[lock_graph]") {
  LockGraph g;
  std::vector<LockEdge> cycle;
  REQUIRE_FALSE(g.add(edge(0xa0, 0xb0), cycle));
  REQUIRE_FALSE(g.add(edge(0xb0, 0xc0), cycle));
  REQUIRE(g.add(edge(0xc0, 0xa0), cycle));
  REQUIRE(cycle.size() == 3);
  for (std::size_t i = 0; i < cycle.size(); i++) CHECK(cycle[i].to == cycle[(i + 1) % 3].from);
}

TEST_CASE("lock order: an edge is kept once, with its first acquisition", "[lock_graph]") {
  LockGraph g;
  std::vector<LockEdge> cycle;
  REQUIRE_FALSE(g.add(edge(0x10, 0x20, 7), cycle));
  REQUIRE_FALSE(g.add(edge(0x10, 0x20, 8), cycle));
  REQUIRE(g.has_edge(0x10, 0x20));
  REQUIRE(g.add(edge(0x20, 0x10, 9), cycle));
  CHECK(cycle[1].goid == 7);
}

TEST_CASE("lock order: a freed lock's edges are forgotten, so its address may be reused", "[lock_graph]") {
  LockGraph g;
  std::vector<LockEdge> cycle;
  REQUIRE_FALSE(g.add(edge(0x1000, 0x2000), cycle));
  g.forget(0x1ff8, 16);  // the block that held the lock at 0x2000
  CHECK_FALSE(g.has_edge(0x1000, 0x2000));
  // A new lock at 0x2000, taken in the other order: not an inversion.
  CHECK_FALSE(g.add(edge(0x2000, 0x1000), cycle));
  g.forget(0, 0x10000);
  CHECK(g.empty());
}
