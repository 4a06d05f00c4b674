#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "stack_depot.hpp"
#include "trace.hpp"

using namespace chansan;

namespace {

// A trace over `n` events, written as a slot's owner would write it.
struct TestTrace {
  std::vector<Event> mem;
  Trace t;
  explicit TestTrace(std::size_t n) : mem(n) {
    t.events = mem.data();
    t.mask = n - 1;
  }
  void put(Event e) {
    uint64_t p = t.pos.load();
    t.events[p & t.mask] = e;
    t.pos.store(p + 1);
  }
  // A part header, as the runtime writes at each part boundary.
  void header(uint64_t goid, Epoch e, uint32_t create, const std::vector<uintptr_t>& stack) {
    put(Event::owner(goid, e, create));
    for (uintptr_t pc : stack) put(Event::enter(pc));
  }
};

}  // namespace

TEST_CASE("a trace event round-trips every field", "[trace]") {
  const uintptr_t pc = 0x7fff12345678, addr = 0x7ffe00001230;
  for (bool w : {false, true})
    for (bool a : {false, true})
      for (bool f : {false, true}) {
        Event e = Event::access(pc, addr, 24, w, a, f);
        REQUIRE(e.type() == Event::kAccess);
        REQUIRE(e.pc() == pc);
        REQUIRE(e.addr() == addr);
        REQUIRE(e.size() == 24);
        REQUIRE(e.is_write() == w);
        REQUIRE(e.is_atomic() == a);
        REQUIRE(e.is_free() == f);
      }
  REQUIRE(Event::access(pc, addr, 1 << 20, true, false, false).size() == Event::kMaxSize);
  REQUIRE(Event::enter(pc).type() == Event::kEnter);
  REQUIRE(Event::enter(pc).pc() == pc);
  REQUIRE(Event::exit().type() == Event::kExit);
  Event o = Event::owner(0x123456789a, 77, 0xdeadbeef);
  REQUIRE(o.is_owner());
  REQUIRE_FALSE(o.is_epoch_change());
  REQUIRE(o.goid() == 0x123456789a);
  REQUIRE(o.epoch() == 77);
  REQUIRE(o.create_stack() == 0xdeadbeef);
  Event c = Event::epoch_change(0xfffffffe);
  REQUIRE(c.is_epoch_change());
  REQUIRE_FALSE(c.is_owner());
  REQUIRE(c.epoch() == 0xfffffffe);
}

TEST_CASE("replay restores an earlier access's stack, goroutine and size", "[trace]") {
  TestTrace tt(4096);
  tt.header(7, 3, 42, {0x1000});
  tt.put(Event::enter(0x2000));
  tt.put(Event::access(0x2010, 0x5000, 4, /*write*/ true, false, false));
  tt.put(Event::exit());
  tt.put(Event::epoch_change(4));
  tt.put(Event::access(0x1010, 0x5004, 4, false, false, false));

  RestoredAccess w = restore_access(tt.t, 3, 0x5000, 0x0f, true, false);
  REQUIRE(w.found);
  REQUIRE(w.goid == 7);
  REQUIRE(w.create_stack == 42);
  REQUIRE(w.size == 4);
  REQUIRE(w.pcs == std::vector<uintptr_t>{0x2010, 0x2000, 0x1000});  // innermost first

  RestoredAccess r = restore_access(tt.t, 4, 0x5000, 0xf0, false, false);
  REQUIRE(r.found);
  REQUIRE(r.pcs == std::vector<uintptr_t>{0x1010, 0x1000});  // after the exit
  // Wrong epoch, kind or bytes: not the access the cell recorded.
  REQUIRE_FALSE(restore_access(tt.t, 4, 0x5000, 0x0f, true, false).found);
  REQUIRE_FALSE(restore_access(tt.t, 3, 0x5000, 0x0f, false, false).found);
  REQUIRE_FALSE(restore_access(tt.t, 3, 0x5000, 0xf0, true, false).found);
}

TEST_CASE("replay follows owner changes within a slot", "[trace]") {
  TestTrace tt(4096);
  tt.header(1, 1, 0, {0xa});
  tt.put(Event::access(0xa1, 0x100, 8, true, false, false));
  tt.header(2, 5, 9, {0xb});  // a new owner, from epoch 5
  tt.put(Event::access(0xb1, 0x100, 8, true, false, false));
  REQUIRE(restore_access(tt.t, 1, 0x100, 0xff, true, false).goid == 1);
  RestoredAccess second = restore_access(tt.t, 5, 0x100, 0xff, true, false);
  REQUIRE(second.goid == 2);
  REQUIRE(second.pcs == std::vector<uintptr_t>{0xb1, 0xb});
  uint64_t goid = 0;
  uint32_t create = 0;
  REQUIRE(restore_owner(tt.t, 6, goid, create));
  REQUIRE(goid == 2);
  REQUIRE(create == 9);
}

TEST_CASE("events overwritten by the ring are not restored, recent ones are", "[trace]") {
  const std::size_t size = 2 * Trace::kPartEvents;
  TestTrace tt(size);
  tt.header(3, 1, 0, {});
  tt.put(Event::access(0x77, 0x900, 8, true, false, false));  // old: will be overwritten
  // Fill several parts at epoch 2, each starting with a header.
  for (uint64_t i = 0; tt.t.pos.load() < 5 * Trace::kPartEvents; i++) {
    if ((tt.t.pos.load() & (Trace::kPartEvents - 1)) == 0) tt.header(3, 2, 0, {});
    else tt.put(Event::access(0x88, 0x1000 + 8 * (i % 64), 8, false, false, false));
  }
  REQUIRE_FALSE(restore_access(tt.t, 1, 0x900, 0xff, true, false).found);
  REQUIRE(restore_access(tt.t, 2, 0x1000, 0xff, false, false).found);
}

TEST_CASE("the stack depot gives equal stacks one id and returns them", "[depot]") {
  std::vector<uintptr_t> a{1, 2, 3}, b{1, 2, 4};
  uint32_t ia = depot_put(a.data(), a.size());
  REQUIRE(ia != 0);
  REQUIRE(depot_put(a.data(), a.size()) == ia);
  REQUIRE(depot_put(b.data(), b.size()) != ia);
  REQUIRE(depot_get(ia) == a);
  REQUIRE(depot_put(nullptr, 0) == 0);
  REQUIRE(depot_get(0).empty());
}

// Each thread remembers its last stacks (no lock for a site in a loop):
// what it remembers must be the id the shared depot gave, on any thread,
// and a stack that only shares a hash slot must not take another's id.
TEST_CASE("a stack has one id whichever thread puts it, however often", "[depot]") {
  std::vector<std::vector<uintptr_t>> stacks;
  for (uintptr_t k = 0; k < 40; k++) stacks.push_back({0x5000, 0x6000 + k, k % 3});
  auto ids_on_this_thread = [&] {
    std::vector<uint32_t> ids;
    for (int round = 0; round < 3; round++)
      for (auto& st : stacks) {
        uint32_t id = depot_put(st.data(), st.size());
        if (round == 0) ids.push_back(id);
        else REQUIRE(ids[&st - stacks.data()] == id);
      }
    return ids;
  };
  const std::vector<uint32_t> here = ids_on_this_thread();
  std::vector<uint32_t> there;
  std::thread([&] { there = ids_on_this_thread(); }).join();
  REQUIRE(here == there);
  for (std::size_t i = 0; i < stacks.size(); i++) {
    REQUIRE(depot_get(here[i]) == stacks[i]);
    for (std::size_t j = 0; j < i; j++) REQUIRE(here[i] != here[j]);
  }
}

TEST_CASE("a clock joins only the slots in use", "[clock]") {
  VectorClock a, b;
  REQUIRE(a.used() == 0);
  b.set(5, 10);
  REQUIRE(b.used() == 6);
  a.set(1, 3);
  a.acquire(b);
  REQUIRE(a.get(5) == 10);
  REQUIRE(a.get(1) == 3);
  REQUIRE(a.used() == 6);
  a.reset();
  REQUIRE(a.used() == 0);
  REQUIRE(a.get(5) == 0);
}
