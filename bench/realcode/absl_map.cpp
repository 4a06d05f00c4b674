// Abseil's synchronization on a real workload: four threads count N words
// into an absl::flat_hash_map guarded by an absl::Mutex, then hand each
// thread's result over with an absl::Notification. Usage: absl_map N
#include <absl/container/flat_hash_map.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <absl/synchronization/notification.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  absl::Mutex mu;
  absl::flat_hash_map<std::string, long> counts;
  std::vector<std::thread> threads;
  std::vector<long> local(4);
  std::vector<absl::Notification> done(4);
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&, t] {
      for (int i = t; i < n; i += 4) {
        std::string key = absl::StrCat("w", i % 1000);
        absl::MutexLock l(&mu);
        counts[key] += i;
        local[t]++;
      }
      done[t].Notify();
    });
  long total = 0;
  for (int t = 0; t < 4; t++) {
    done[t].WaitForNotification();
    total += local[t];
  }
  for (auto& th : threads) th.join();
  std::printf("%zu %ld\n", counts.size(), total);
}
