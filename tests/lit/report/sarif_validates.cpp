// Every SARIF log chansan writes passes Microsoft's SARIF Multitool
// `validate` with no error: one of each report kind, a run with no
// finding, the log on stderr, and a process ended by halt_on_error.
// REQUIRES: sarif-multitool
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: for k in RACE DEADLOCK LEAK LOCK_ORDER NONE; do %chansan_cxx -D$k %findings -o %t.$k || exit 1; done
// RUN: for k in RACE DEADLOCK LEAK LOCK_ORDER NONE; do env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.dir/$k %t.$k > /dev/null 2>&1; done
// RUN: env CHANSAN_OPTIONS=report_format=sarif:halt_on_error=1:log_path=%t.dir/halt %t.RACE > /dev/null 2>&1; test $? = 66
// RUN: env CHANSAN_OPTIONS=report_format=sarif %t.DEADLOCK 2> %t.dir/stderr.sarif > /dev/null; test $? = 66
// RUN: ls %t.dir/*.sarif | wc -l | FileCheck %s --check-prefix=COUNT
// RUN: %sarif_validate %t.dir/*.sarif | FileCheck %s
// COUNT: 7
// CHECK: valid: 7
