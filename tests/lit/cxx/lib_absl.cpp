// Abseil (Debian's libabsl-dev, built without instrumentation): a
// flat_hash_map guarded by an absl::Mutex, filled by four threads; a
// Notification handing a value over; a BlockingCounter's workers; a
// CondVar's wait for a flag; a ReaderMutexLock's reads. The library's own
// atomics make no edge, so chansan makes the Mutex's, CondVar's,
// Notification's and BlockingCounter's edges itself: no report
// (ThreadSanitizer reports this program, 9 times without the CondVar).
// With -DRACY the workers also count in a plain shared variable outside
// the mutex: a report naming that line.
// With -DINVERSION two absl::Mutexes are taken in both orders: a
// lock-order inversion (Abseil's own deadlock check is switched off, or it
// would end the program first).
// REQUIRES: absl
// RUN: %chansan_cxx %s -o %t.ok %absl_libs && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy %absl_libs
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// RUN: %chansan_cxx -DINVERSION %s -o %t.inv %absl_libs
// RUN: %t.inv > %t.inv.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=INV < %t.inv.log
// OK-NOT: WARNING: chansan
// OK: keys 10 k3 120 handed 42 counted 8 flag 7 read 120
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}lib_absl.cpp:{{[0-9]+}} in
// INV: WARNING: chansan: lock-order inversion
#include <absl/container/flat_hash_map.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/blocking_counter.h>
#include <absl/synchronization/mutex.h>
#include <absl/synchronization/notification.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

absl::Mutex mu;
absl::flat_hash_map<std::string, int> counts;
int unguarded;

int main() {
#ifdef INVERSION
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::Mutex a, b;
  {
    absl::MutexLock la(&a);
    absl::MutexLock lb(&b);
  }
  {
    absl::MutexLock lb(&b);
    absl::MutexLock la(&a);
  }
#endif
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([t] {
      for (int i = 0; i < 200; i++) {
        absl::MutexLock l(&mu);
        counts[absl::StrCat("k", i % 10)] += t;
      }
#ifdef RACY
      unguarded++;
#endif
    });
  for (auto& t : threads) t.join();

  int handed = 0;
  absl::Notification ready;
  std::thread giver([&] {
    handed = 42;
    ready.Notify();
  });
  ready.WaitForNotification();
  int got = handed;
  giver.join();

  int slots[8] = {};
  absl::BlockingCounter workers(8);
  std::vector<std::thread> pool;
  for (int i = 0; i < 8; i++)
    pool.emplace_back([&, i] {
      slots[i] = 1;
      workers.DecrementCount();
    });
  workers.Wait();
  int counted = 0;
  for (int v : slots) counted += v;
  for (auto& t : pool) t.join();

  absl::Mutex cv_mu;
  absl::CondVar cv;
  bool set = false;
  int flag = 0;
  std::thread setter([&] {
    flag = 7;
    absl::MutexLock l(&cv_mu);
    set = true;
    cv.Signal();
  });
  {
    absl::MutexLock l(&cv_mu);
    while (!set) cv.Wait(&cv_mu);
  }
  int flag_seen = flag;
  setter.join();

  int read = 0;
  std::thread reader([&] {
    absl::ReaderMutexLock l(&mu);
    read = counts["k3"];
  });
  reader.join();
  std::printf("keys %zu k3 %d handed %d counted %d flag %d read %d\n", counts.size(), counts["k3"], got, counted,
              flag_seen, read);
}
