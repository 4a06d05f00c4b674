#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "waitfor.hpp"

using namespace chansan;
using chansan::hooks::LockMode;
using K = hooks::WaitKind;

namespace {

// A goroutine whose stack is a real array, so the search can read it.
struct FakeStack {
  std::vector<uintptr_t> words = std::vector<uintptr_t>(64, 0);
  uintptr_t lo() const { return reinterpret_cast<uintptr_t>(words.data()); }
  uintptr_t hi() const { return lo() + words.size() * sizeof(uintptr_t); }
};

GSnap waiting(uint64_t id, K kind, std::vector<uintptr_t> objs, const FakeStack* st = nullptr) {
  GSnap g;
  g.id = id;
  g.waiting = true;
  g.kind = kind;
  g.objs = std::move(objs);
  if (st) {
    g.stack_lo = st->lo();
    g.stack_hi = st->hi();
    g.sp = st->lo();
  }
  return g;
}

GSnap running(uint64_t id, const FakeStack& st) {
  GSnap g;
  g.id = id;
  g.stack_lo = st.lo();
  g.stack_hi = st.hi();
  g.sp = st.lo();
  return g;
}

std::vector<uint64_t> ids(const Snapshot& s, const std::vector<std::size_t>& idx) {
  std::vector<uint64_t> out;
  for (std::size_t i : idx) out.push_back(s.gs[i].id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("stuck: with nothing left that runs, every blocked goroutine is stuck", "[waitfor]") {
  Snapshot s;
  s.gs.push_back(waiting(1, K::wait_group, {0x1000}));
  s.gs.push_back(waiting(2, K::chan_recv, {0x2000}));
  MemoryView mem;
  CHECK(ids(s, find_stuck(s, mem)) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("stuck: a channel a running goroutine can reach keeps its waiters", "[waitfor]") {
  std::vector<uintptr_t> chan_block(4, 0);  // a heap block standing for a channel
  const uintptr_t chan = reinterpret_cast<uintptr_t>(chan_block.data());
  FakeStack runner;
  runner.words[10] = chan + 8;  // an interior pointer counts
  std::vector<uintptr_t> other_block(4, 0);
  const uintptr_t other = reinterpret_cast<uintptr_t>(other_block.data());
  Snapshot s;
  s.gs.push_back(running(1, runner));
  s.gs.push_back(waiting(2, K::chan_recv, {chan}));
  s.gs.push_back(waiting(3, K::chan_send, {other}));  // nobody reaches it
  MemoryView mem;
  mem.heap = {{chan, 32}, {other, 32}};
  std::sort(mem.heap.begin(), mem.heap.end());
  CHECK(ids(s, find_stuck(s, mem)) == std::vector<uint64_t>{3});
}

TEST_CASE("stuck: reach follows heap blocks and woken goroutines' stacks", "[waitfor]") {
  // runner -> block A -> block B holds the channel of goroutine 2, whose
  // stack holds the channel goroutine 3 waits on.
  std::vector<uintptr_t> a(2, 0), b(2, 0), c3(2, 0);
  const uintptr_t pa = reinterpret_cast<uintptr_t>(a.data());
  const uintptr_t pb = reinterpret_cast<uintptr_t>(b.data());
  const uintptr_t chan2 = pb + 8;
  const uintptr_t chan3 = reinterpret_cast<uintptr_t>(c3.data());
  a[0] = pb;
  FakeStack runner, st2, st3;
  runner.words[3] = pa;
  st2.words[5] = chan3;
  Snapshot s;
  s.gs.push_back(running(1, runner));
  s.gs.push_back(waiting(2, K::chan_recv, {chan2}, &st2));
  s.gs.push_back(waiting(3, K::select, {chan3}, &st3));
  MemoryView mem;
  mem.heap = {{pa, 16}, {pb, 16}, {chan3, 16}};
  std::sort(mem.heap.begin(), mem.heap.end());
  CHECK(find_stuck(s, mem).empty());
  // Without the runner's pointer, the chain is dead: both are stuck (the
  // pointer to chan3 on goroutine 2's stack does not count: 2 cannot run).
  runner.words[3] = 0;
  CHECK(ids(s, find_stuck(s, mem)) == std::vector<uint64_t>{2, 3});
}

TEST_CASE("stuck: a sleeping goroutine is alive and its stack is a root", "[waitfor]") {
  std::vector<uintptr_t> blk(2, 0);
  const uintptr_t chan = reinterpret_cast<uintptr_t>(blk.data());
  FakeStack sleeper;
  sleeper.words[0] = chan;
  Snapshot s;
  s.gs.push_back(waiting(1, K::sleep, {}, &sleeper));
  s.gs.push_back(waiting(2, K::chan_recv, {chan}));
  MemoryView mem;
  mem.heap = {{chan, 16}};
  CHECK(find_stuck(s, mem).empty());
}

TEST_CASE("stuck: an armed timer reaches what its entry points to", "[waitfor]") {
  std::vector<uintptr_t> entry(2, 0), chan_blk(2, 0), other_blk(2, 0);
  const uintptr_t chan = reinterpret_cast<uintptr_t>(chan_blk.data());
  const uintptr_t other = reinterpret_cast<uintptr_t>(other_blk.data());
  entry[1] = chan;
  Snapshot s;
  s.gs.push_back(waiting(1, K::chan_recv, {chan}));
  s.gs.push_back(waiting(2, K::chan_recv, {other}));
  s.timer_args = {reinterpret_cast<uintptr_t>(entry.data())};
  MemoryView mem;
  mem.heap = {{reinterpret_cast<uintptr_t>(entry.data()), 16}, {chan, 16}, {other, 16}};
  std::sort(mem.heap.begin(), mem.heap.end());
  // The timer can wake goroutine 1; goroutine 2 waits on what no timer and
  // no goroutine reaches: a pending timer does not hide it.
  CHECK(ids(s, find_stuck(s, mem)) == std::vector<uint64_t>{2});
}

TEST_CASE("stuck: a nil channel or an empty select never wakes", "[waitfor]") {
  FakeStack runner;
  Snapshot s;
  s.gs.push_back(running(1, runner));
  s.gs.push_back(waiting(2, K::forever, {}));
  MemoryView mem;
  CHECK(ids(s, find_stuck(s, mem)) == std::vector<uint64_t>{2});
}

TEST_CASE("stuck: memory the search does not know counts as reachable while anything runs", "[waitfor]") {
  FakeStack runner;
  Snapshot s;
  s.gs.push_back(running(1, runner));
  s.gs.push_back(waiting(2, K::mutex, {0x12345678}));  // a global, say
  MemoryView mem;
  CHECK(find_stuck(s, mem).empty());
}

TEST_CASE("lock cycles: each goroutine waits on a lock the next one holds", "[waitfor]") {
  Snapshot s;
  s.gs.push_back(waiting(1, K::mutex, {0xa}));
  s.gs[0].held = {{0xb, 0, LockMode::exclusive}};
  s.gs.push_back(waiting(2, K::mutex, {0xb}));
  s.gs[1].held = {{0xa, 0, LockMode::exclusive}};
  s.gs.push_back(waiting(3, K::mutex, {0xa}));  // waits on the cycle, not in it
  auto cycles = find_lock_cycles(s);
  REQUIRE(cycles.size() == 1);
  CHECK(ids(s, cycles[0]) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("lock cycles: a holder that can still run breaks the cycle", "[waitfor]") {
  Snapshot s;
  s.gs.push_back(waiting(1, K::mutex, {0xa}));
  s.gs[0].held = {{0xb, 0, LockMode::exclusive}};
  GSnap holder;
  holder.id = 2;
  holder.held = {{0xa, 0, LockMode::exclusive}};
  s.gs.push_back(holder);
  CHECK(find_lock_cycles(s).empty());
}

TEST_CASE("lock cycles: a recursive read lock behind a waiting writer", "[waitfor]") {
  // Goroutine 1 holds a read lock and asks for another; goroutine 2 owns
  // the rwmutex as a pending writer and waits for readers to leave.
  Snapshot s;
  s.gs.push_back(waiting(1, K::rw_reader, {0x80}));
  s.gs[0].held = {{0x80, 0, LockMode::shared}};
  s.gs.push_back(waiting(2, K::rw_writer_readers, {0x80}));
  s.gs[1].held = {{0x80, 0, LockMode::exclusive}};
  auto cycles = find_lock_cycles(s);
  REQUIRE(cycles.size() == 1);
  CHECK(ids(s, cycles[0]) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("lock cycles: readers sharing a lock do not wait for each other", "[waitfor]") {
  Snapshot s;
  s.gs.push_back(waiting(1, K::rw_reader, {0x40}));  // waits for a writer: none holds it
  s.gs[0].held = {{0x40, 0, LockMode::shared}};
  s.gs.push_back(waiting(2, K::rw_reader, {0x40}));
  s.gs[1].held = {{0x40, 0, LockMode::shared}};
  CHECK(find_lock_cycles(s).empty());
}
