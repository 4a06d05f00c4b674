// One finding of the kind the macro names, for the report-format tests:
// RACE, DEADLOCK, LEAK, LOCK_ORDER, or none (a correct program).
#include <csp/csp.hpp>

#include <cstdio>
#include <map>
#include <mutex>
#include <string>

std::map<std::string, int> counts;

// Worker pool filling one map without a lock: every access the two
// goroutines make meets inside std::map and std::string, from one line.
void record(const std::string& word) { counts[word]++; }

csp::mutex first_lock, second_lock;

int main() {
#if defined(RACE)
  // One worker thread: goroutines run one after the other (the runtime
  // does not preempt), so the unsynchronized map is never corrupted for
  // real and the program always ends -- yet nothing orders the two
  // goroutines, so the race is reported all the same, as Go's -race does
  // with GOMAXPROCS=1.
  csp::set_max_procs(1);
  csp::wait_group wg;
  csp::chan<int> start = csp::make_chan<int>();
  for (int w = 0; w < 2; w++) {
    wg.add(1);
    csp::go([&wg, start, w] {
      start.recv();
      for (int i = 0; i < 100; i++) record("k" + std::to_string((i * 7 + w) % 20));
      wg.done();
    });
  }
  start.close();
  wg.wait();
#elif defined(DEADLOCK)
  csp::chan<int> never = csp::make_chan<int>();
  csp::go([never] { never.recv(); });
  never.recv();  // both receive; nobody sends
#elif defined(LEAK)
  csp::chan<int> results = csp::make_chan<int>();
  csp::go([results] { results.send(42); });  // main never receives
#elif defined(LOCK_ORDER)
  csp::chan<csp::unit> first_done = csp::make_chan<csp::unit>();
  csp::go([first_done] {
    std::lock_guard<csp::mutex> a(first_lock);
    std::lock_guard<csp::mutex> b(second_lock);
    first_done.close();
  });
  first_done.recv();
  std::lock_guard<csp::mutex> b(second_lock);
  std::lock_guard<csp::mutex> a(first_lock);  // the other order
#else
  record("alone");
#endif
  std::printf("done\n");
}
