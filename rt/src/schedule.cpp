// Seeded schedules: parsing CSP_SCHEDULE, the runnable set and the two
// strategies. See schedule.hpp for the invariants; the switching itself is
// the scheduler's (scheduler.cpp: point_slow, find_local, ready).
//
// random: at each decision every candidate is equally likely (Shuttle's
// RandomScheduler).
// pct: Burckhardt et al., "A Randomized Scheduler with Probabilistic
// Guarantees of Finding Bugs" (ASPLOS 2010). Each goroutine gets a random
// priority >= depth when created; the runnable goroutine of highest
// priority runs; at d-1 change points, steps drawn uniformly from [1, k],
// the running goroutine's priority drops to i (the i-th change point), below
// every initial one. A bug of depth d then shows with probability at least
// 1/(n k^(d-1)) per run for n goroutines and k steps. A process does not
// know its k before it ends, and a replay must need nothing but the seed,
// so k is drawn from the seed too, log-uniformly from 2^2 to 2^11 steps:
// every run scale gets its share of seeds. A step is a decision where more
// than one goroutine could run (the others cannot place a change point
// anywhere that matters), which keeps k small for tests of a few
// goroutines.
#include "schedule.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "spinlock.hpp"
#include "timer.hpp"
#include "wf.hpp"

namespace csp::rt {
bool fork_server_linked();
}

namespace csp::rt::schedule {

bool g_enabled = false;

namespace {

enum class Strategy : uint8_t { random, pct };

struct State {
  Strategy strategy = Strategy::random;
  uint64_t seed = 0;
  int depth = 3;
  uint64_t rng = 0;             // splitmix64 state; the worker's only
  uint64_t steps = 0;           // decisions so far
  std::vector<uint64_t> change_points;  // pct: ascending steps
  std::size_t next_change = 0;
  char replay[96] = {};
  VirtualClock clock;
  SpinLock lock;                // guards runnable (OS threads may push)
  std::vector<G*> runnable CSP_GUARDED_BY(lock);
};
State* g_state = nullptr;

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t below(uint64_t n) { return n <= 1 ? 0 : splitmix(g_state->rng) % n; }

[[noreturn]] void bad_value(const char* v) {
  std::fprintf(stderr,
               "csp: bad CSP_SCHEDULE=\"%s\": want random:<seed> or pct:<seed>[:<depth>], "
               "<seed> an unsigned integer and <depth> from 1 to 64\n",
               v);
  std::exit(2);
}

bool parse_u64(const char* s, const char* end, uint64_t& out) {
  if (s == end || *s < '0' || *s > '9') return false;
  uint64_t v = 0;
  for (; s != end; s++) {
    if (*s < '0' || *s > '9') return false;
    uint64_t d = static_cast<uint64_t>(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

void plan_pct(State& s) {
  // The horizon k, then d-1 change points in [1, k].
  uint64_t k = uint64_t{1} << (2 + below(10));
  for (int i = 0; i + 1 < s.depth; i++) s.change_points.push_back(1 + below(k));
  std::sort(s.change_points.begin(), s.change_points.end());
}

}  // namespace

void init() {
  (void)fork_server_linked();  // a program chansan-explore may serve runs from
  const char* v = std::getenv("CSP_SCHEDULE");
  if (!v || !*v) return;
  const char* colon = std::strchr(v, ':');
  if (!colon) bad_value(v);
  Strategy strategy;
  std::size_t name_len = static_cast<std::size_t>(colon - v);
  if (name_len == 6 && std::strncmp(v, "random", 6) == 0) {
    strategy = Strategy::random;
  } else if (name_len == 3 && std::strncmp(v, "pct", 3) == 0) {
    strategy = Strategy::pct;
  } else {
    bad_value(v);
  }
  const char* seed_begin = colon + 1;
  const char* seed_end = std::strchr(seed_begin, ':');
  uint64_t depth = 3;
  if (seed_end) {
    if (strategy != Strategy::pct) bad_value(v);
    const char* d = seed_end + 1;
    if (!parse_u64(d, d + std::strlen(d), depth) || depth < 1 || depth > 64) bad_value(v);
  } else {
    seed_end = seed_begin + std::strlen(seed_begin);
  }
  uint64_t seed;
  if (!parse_u64(seed_begin, seed_end, seed)) bad_value(v);

  {
    wf::RuntimeOwned own;  // holds G pointers: never a path to user objects
    g_state = new State;
    SpinGuard l(g_state->lock);
    g_state->runnable.reserve(4096);
  }
  State& s = *g_state;
  s.strategy = strategy;
  s.seed = seed;
  s.depth = static_cast<int>(depth);
  s.rng = seed ^ 0x6C62272E07BB0142ull;
  if (strategy == Strategy::pct) {
    plan_pct(s);
    std::snprintf(s.replay, sizeof s.replay, "replay: CSP_SCHEDULE=pct:%llu:%d",
                  static_cast<unsigned long long>(seed), s.depth);
  } else {
    std::snprintf(s.replay, sizeof s.replay, "replay: CSP_SCHEDULE=random:%llu",
                  static_cast<unsigned long long>(seed));
  }
  virtual_clock_register(&s.clock);
  g_enabled = true;
}

VirtualClock* clock() { return enabled() ? &g_state->clock : nullptr; }

const char* replay_line() { return enabled() ? g_state->replay : nullptr; }

uint64_t next_random() { return splitmix(g_state->rng); }

void on_new_g(G* g) {
  if (g_state->strategy == Strategy::pct)
    g->sched_prio = static_cast<uint64_t>(g_state->depth) + (splitmix(g_state->rng) >> 8);
}

void push(G* g) {
  State& s = *g_state;
  SpinGuard l(s.lock);
  if (s.runnable.size() == s.runnable.capacity()) {
    wf::RuntimeOwned own;
    s.runnable.reserve(s.runnable.size() * 2);
  }
  s.runnable.push_back(g);
}

G* pick(G* running, bool running_can_run) {
  State& s = *g_state;
  SpinGuard l(s.lock);
  std::size_t n = s.runnable.size();
  if (n == 0) return running_can_run ? running : nullptr;
  // A step is a decision with a choice: PCT's k counts only these, so a
  // change point never falls where nothing else could have run.
  if (n + (running_can_run ? 1 : 0) >= 2) {
    s.steps++;
    if (s.strategy == Strategy::pct) {
      // Change points due now lower the priority of the goroutine at hand.
      while (s.next_change < s.change_points.size() && s.change_points[s.next_change] <= s.steps) {
        s.next_change++;
        if (running) running->sched_prio = s.next_change;
      }
    }
  }
  constexpr std::size_t kNone = ~std::size_t{0};
  std::size_t chosen = running_can_run ? n : kNone;  // n: `running`
  if (s.strategy == Strategy::random) {
    chosen = static_cast<std::size_t>(below(n + (running_can_run ? 1 : 0)));
  } else {
    uint64_t best = running_can_run ? running->sched_prio : 0;
    for (std::size_t i = 0; i < n; i++) {
      if (chosen == kNone || s.runnable[i]->sched_prio > best) {
        chosen = i;
        best = s.runnable[i]->sched_prio;
      }
    }
  }
  if (chosen == n) return running;
  G* g = s.runnable[chosen];
  // Swap-remove: O(1), and as much a function of the past as any order.
  s.runnable[chosen] = s.runnable.back();
  s.runnable.pop_back();
  return g;
}

}  // namespace csp::rt::schedule
