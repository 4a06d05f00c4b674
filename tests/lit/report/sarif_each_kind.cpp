// report_format=sarif: one SARIF 2.1.0 log per process at
// <log_path>.<pid>.sarif, one result per finding, for each report kind;
// the text reports still go to stderr for whoever reads the CI log.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %chansan_cxx -DRACE %findings -o %t.race
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.dir/race %t.race 2> %t.race.err; test $? = 66
// RUN: FileCheck %s --check-prefix=TEXT < %t.race.err
// RUN: %sarif_fields %t.dir/race.*.sarif | FileCheck %s --check-prefix=RACE
// RUN: %chansan_cxx -DDEADLOCK %findings -o %t.deadlock
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.dir/deadlock %t.deadlock 2>/dev/null; test $? = 66
// RUN: %sarif_fields %t.dir/deadlock.*.sarif | FileCheck %s --check-prefix=DEADLOCK
// RUN: %chansan_cxx -DLEAK %findings -o %t.leak
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.dir/leak %t.leak 2>/dev/null; test $? = 66
// RUN: %sarif_fields %t.dir/leak.*.sarif | FileCheck %s --check-prefix=LEAK
// RUN: %chansan_cxx -DLOCK_ORDER %findings -o %t.lock_order
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.dir/lock_order %t.lock_order 2>/dev/null; test $? = 66
// RUN: %sarif_fields %t.dir/lock_order.*.sarif | FileCheck %s --check-prefix=LOCK

// TEXT: WARNING: chansan: data race
// TEXT: SUMMARY: chansan: data race {{.*}}findings.cpp:14 in record(std::string const&)

// RACE: version 2.1.0
// RACE: tool chansan rules chansan/data-race chansan/deadlock chansan/lock-order-inversion chansan/goroutine-leak chansan/heap-use-after-free
// RACE: results 1
// RACE: result chansan/data-race error index 0
// RACE: message Data race: {{.*}} in record(std::string const&) at {{.*}}findings.cpp:14; Previous {{.*}}findings.cpp:14.
// RACE: at findings.cpp 14 record(std::string const&)
// RACE: flow goroutine {{[0-9]+}} frames {{[0-9]+}} innermost #0 std::
// RACE: flow goroutine {{[0-9]+}} frames {{[0-9]+}} innermost #0 std::
// The map's root is a global, its nodes are heap blocks: either may race.
// RACE: related 1 {{Heap block of size [0-9]+ allocated here.|goroutine [0-9]+ created here.}}
// RACE: related {{[0-9]}} goroutine {{[0-9]+}} created here.
// RACE: fingerprint 16

// DEADLOCK: results 1
// DEADLOCK: result chansan/deadlock error index 1
// DEADLOCK: message Deadlock: All goroutines are asleep
// DEADLOCK: at findings.cpp 41 main
// DEADLOCK: flow goroutine 1 frames 2 innermost #0 csp::chan<int>::recv() const
// DEADLOCK: flow goroutine 2 frames 2 innermost #0 csp::chan<int>::recv() const
// DEADLOCK: related 1 goroutine 2 created here.
// DEADLOCK: fingerprint 16

// LEAK: results 1
// LEAK: result chansan/goroutine-leak error index 3
// LEAK: at findings.cpp 44 main::$_0::operator()() const
// LEAK: flow goroutine 2 frames {{[0-9]+}} innermost #0 {{.*}}send
// LEAK: related 1 goroutine 2 created here.

// LOCK: results 1
// LOCK: result chansan/lock-order-inversion warning index 2
// LOCK: message Lock-order inversion (potential deadlock): mutexes {{.*}}('first_lock'){{.*}}('second_lock')
// LOCK: flow goroutine {{[0-9]+}} frames
// LOCK: flow goroutine {{[0-9]+}} frames
// LOCK: related 1 Mutex {{.*}} acquired earlier here by goroutine
// LOCK: related 2 Mutex {{.*}} acquired earlier here by goroutine
