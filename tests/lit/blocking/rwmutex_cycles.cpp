// Reader-writer cycles.
//  -DBUG=1: a reader holds the rwmutex and waits for a mutex whose holder
//    waits to write: neither can go on.
//  -DBUG=2: a reader takes the read lock again while a writer waits: Go's
//    RWMutex blocks new readers behind a waiting writer, and the writer
//    waits for the first read lock to be released.
// Both while main keeps working. The twin (no BUG) releases before waiting.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG=1 %s -o %t.bug1
// RUN: %t.bug1 > %t.log1 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG1 < %t.log1
// RUN: %chansan_cxx -DBUG=2 %s -o %t.bug2
// RUN: %t.bug2 > %t.log2 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG2 < %t.log2
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <shared_mutex>

using namespace std::chrono_literals;

csp::rwmutex rw;
csp::mutex mu;

int main() {
  auto step = csp::make_chan<int>();
  csp::go([=] {  // the reader
    rw.lock_shared();
    step.send(1);  // the writer side may go on
    csp::sleep(20ms);
#if BUG == 1
    mu.lock();  // held by the writer, who waits for this read lock
    mu.unlock();
#elif BUG == 2
    rw.lock_shared();  // behind the waiting writer
    rw.unlock_shared();
#endif
    rw.unlock_shared();
  });
  csp::go([=] {  // the writer
    step.recv();
#if BUG == 1
    mu.lock();
    rw.lock();
    rw.unlock();
    mu.unlock();
#else
    rw.lock();
    rw.unlock();
#endif
  });
  for (int i = 0; i < 20; i++) csp::sleep(20ms);
  std::puts("main done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: main done
// BUG1: WARNING: chansan: deadlock
// BUG1-NEXT: A cycle of goroutines, each waiting for a lock the next one holds.
// BUG1-DAG: blocked in sync.Mutex.Lock on mutex 0x{{[0-9a-f]+}} held by goroutine
// BUG1-DAG: blocked in sync.RWMutex.Lock on rwmutex 0x{{[0-9a-f]+}} held by goroutine
// BUG1: Cycle:
// BUG1: main done
// BUG2: WARNING: chansan: deadlock
// BUG2-NEXT: A cycle of goroutines, each waiting for a lock the next one holds.
// BUG2-DAG: blocked in sync.RWMutex.RLock on rwmutex 0x{{[0-9a-f]+}} held by goroutine
// BUG2-DAG: blocked in sync.RWMutex.Lock on rwmutex 0x{{[0-9a-f]+}} held by goroutine
// BUG2: Cycle:
// BUG2: main done
