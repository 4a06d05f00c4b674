// Shape: two threads let go at the same instant each write a word the
// other writes. Both check the word's shadow before either stores its
// access, and both choose the same cell (main's earlier write, ordered
// before both, which each subsumes): if the second store simply
// overwrote the first, neither access would have seen the other and the
// race would be lost. The store is a compare-exchange against the cell
// the check saw, so the later one checks again and reports. Each round
// writes through its own function (a distinct pair of lines, so reports
// are not folded into one) and its own word: every round is reported.
// RUN: %chansan_cxx %s -o %t
// RUN: %t > %t.log 2>&1; test $? = 66
// RUN: grep -c "WARNING: chansan: data race" %t.log | FileCheck %s --check-prefix=COUNT
// RUN: FileCheck %s < %t.log
// COUNT: {{^}}256{{$}}
// CHECK: rounds done
#include <array>
#include <cstdio>
#include <thread>
#include <utility>

constexpr int kRounds = 256;

// One word per granule, so rounds share no shadow.
struct alignas(8) Word {
  long v;
};
Word words[kRounds];

// A spin barrier the detector cannot see (the pass skips this function;
// the builtins are not calls): no yield, so both threads leave it within
// a few instructions of each other.
struct SpinBarrier {
  unsigned arrived = 0;
  unsigned generation = 0;
};
SpinBarrier gate;

__attribute__((disable_sanitizer_instrumentation, noinline)) void spin_barrier_wait(SpinBarrier* b) {
  const unsigned gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == 2) {
    __atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&b->generation, 1, __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen) __builtin_ia32_pause();
}

template <int K>
__attribute__((noinline)) void write_word() {
  words[K].v++;
}

using WriteFn = void (*)();
template <int... K>
constexpr std::array<WriteFn, sizeof...(K)> writers_of(std::integer_sequence<int, K...>) {
  return {write_word<K>...};
}
constexpr auto kWriters = writers_of(std::make_integer_sequence<int, kRounds>());

void all_rounds() {
  for (WriteFn write : kWriters) {
    spin_barrier_wait(&gate);
    write();
  }
}

int main() {
  for (Word& w : words) w.v = 1;  // before both threads: ordered before each
  std::thread a(all_rounds);
  std::thread b(all_rounds);
  a.join();
  b.join();
  std::printf("rounds done\n");  // (the sum is not printed: the races lose increments)
}
