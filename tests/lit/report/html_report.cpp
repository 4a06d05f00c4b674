// chansan-report (issue 11): JSON and SARIF logs of several runs make one
// page. The same race in two runs is one finding seen twice; every kind
// has its section; a user frame has its source lines; the deadlock's
// wait-for graph and the lock-order graph are inline SVG with the cycle
// marked; a log in neither format is an error naming the file.
// RUN: %chansan_cxx -DRACE %findings -o %t.race
// RUN: %chansan_cxx -DDEADLOCK %findings -o %t.deadlock
// RUN: %chansan_cxx -DLEAK %findings -o %t.leak
// RUN: %chansan_cxx -DLOCK_ORDER %findings -o %t.lock_order
// RUN: rm -rf %t.logs && mkdir %t.logs
// RUN: env CHANSAN_OPTIONS=report_format=json:log_path=%t.logs/race %t.race > /dev/null; test $? = 66
// RUN: env CHANSAN_OPTIONS=report_format=json:log_path=%t.logs/race %t.race > /dev/null; test $? = 66
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.logs/deadlock %t.deadlock > /dev/null 2>&1; test $? = 66
// RUN: env CHANSAN_OPTIONS=report_format=json:log_path=%t.logs/leak %t.leak > /dev/null; test $? = 66
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.logs/lock_order %t.lock_order > /dev/null 2>&1; test $? = 66
// RUN: %chansan_report %t.logs/* -o %t.html | FileCheck %s --check-prefix=OUT
// RUN: FileCheck %s < %t.html
// RUN: grep -c '<section class="finding"' %t.html | FileCheck %s --check-prefix=FOUR
// RUN: echo 'WARNING: chansan: data race' > %t.text
// RUN: not %chansan_report %t.logs/* %t.text -o %t.bad.html 2> %t.bad.err
// RUN: FileCheck %s --check-prefix=BAD < %t.bad.err
// RUN: test ! -e %t.bad.html
// OUT: chansan-report: 4 distinct findings from 5 logs -> {{.*}}.html
// CHECK: <title>chansan report</title>
// CHECK: 5 logs, 5 reports, 4 distinct findings
// CHECK: <h2>Data races (1)</h2>
// CHECK: findings.cpp:14 in record(std::string const&amp;)
// CHECK: seen 2 times in race.
// CHECK: <tr class="hit"><td class="ln">14</td><td><code>void record(const std::string&amp; word) { counts[word]++; }</code>
// CHECK: <h2>Deadlocks (1)</h2>
// CHECK: <svg
// CHECK: waits for
// CHECK: <h2>Lock-order inversions (1)</h2>
// CHECK: <svg
// CHECK: mutex &#39;{{first|second}}_lock&#39;
// CHECK: class="edge cycle"
// CHECK: <h2>Goroutine leaks (1)</h2>
// CHECK: chan send
// FOUR: 4
// BAD: chansan-report: {{.*}}.text:1: not a chansan JSON or SARIF log
