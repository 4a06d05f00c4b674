// chansan-explore's options: usage errors exit 1; --shard I/K splits the
// seeds (every K-th from the I-th) so K machines cover one exploration;
// --keep-going lists each distinct finding once, at its lowest seed.
// RUN: %plain_cxx %s -o %t
// RUN: %explore > %t.u1 2>&1; test $? = 1
// RUN: FileCheck %s --check-prefix=USAGE < %t.u1
// RUN: %explore --runs 0 -- %t > %t.u2 2>&1; test $? = 1
// RUN: %explore --shard 3/2 -- %t > %t.u3 2>&1; test $? = 1
// RUN: %explore --strategy dfs -- %t > %t.u4 2>&1; test $? = 1
// RUN: %explore --bogus -- %t > %t.u5 2>&1; test $? = 1
// RUN: %explore -- %t.does-not-exist > %t.u6 2>&1; test $? = 1
// RUN: FileCheck %s --check-prefix=NOPROG < %t.u6
// RUN: %explore --runs 10 --shard 1/2 -- %t ok | FileCheck %s --check-prefix=SHARD1
// RUN: %explore --runs 10 --shard 2/2 -- %t ok | FileCheck %s --check-prefix=SHARD2
// RUN: %explore --runs 40 --strategy random --keep-going -- %t > %t.kg 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=KEEP < %t.kg
// RUN: %explore --runs 40 --strategy random -- %t > %t.first 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=FIRST < %t.first
// The same answer with one exec per run as with the program's fork server,
// and a program without the csp runtime is run with one exec per seed.
// RUN: env CHANSAN_EXPLORE_NO_FORK_SERVER=1 %explore --runs 40 --strategy random -- %t > %t.exec 2>&1; test $? = 66
// RUN: grep '^chansan-explore: .* at seed' %t.first > %t.first.line
// RUN: grep '^chansan-explore: .* at seed' %t.exec > %t.exec.line
// RUN: cmp %t.first.line %t.exec.line
// RUN: grep -q 'fork server)' %t.first
// RUN: grep -q 'exec per run)' %t.exec
// RUN: %explore --runs 5 -- /bin/true | FileCheck %s --check-prefix=NOCSP
// USAGE: usage: chansan-explore
// NOPROG: cannot run "{{.*}}does-not-exist": no such executable
// SHARD1: all 5 runs passed (pct, seeds from 1, shard 1/2)
// SHARD2: all 5 runs passed (pct, seeds from 1, shard 2/2)
// KEEP-DAG: chansan-explore: exit status 3 at seed {{[0-9]+}}
// KEEP-DAG: chansan-explore: panic at seed {{[0-9]+}}
// KEEP: chansan-explore: 2 distinct finding(s) in {{[0-9]+}} of 40 runs
// FIRST: chansan-explore: {{exit status 3|panic}} at seed {{[0-9]+}} after {{[0-9]+}} runs
// FIRST-NEXT: replay: CSP_SCHEDULE=random:{{[0-9]+}} {{.*}}explore_options.cpp.tmp
// FIRST: runs/s
// NOCSP: all 5 runs passed {{.*}}(exec per run)
#include <csp/csp.hpp>
#include <cstdio>
#include <cstring>
#include <stdexcept>

// Which goroutine takes the channel first decides the outcome: one of
// three, by the schedule.
int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "ok") == 0) return 0;
  auto c = csp::make_chan<int>(3);
  for (int i = 0; i < 3; i++) csp::go([c, i] { c.send(i); });
  int first = c.recv();
  if (first == 1) return 3;
  if (first == 2) throw std::runtime_error("second goroutine first");
  return 0;
}
